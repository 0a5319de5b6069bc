/* eslint-disable @typescript-eslint/no-explicit-any -- a body's shape is what its caller reads or asserts: typing each reply here would only repeat the OpenAPI document. */
/** A small JSON client (the lab's history traffic, the tests): status, headers and the parsed body. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
  /** How long to wait for the answer (default: the client's). */
  timeoutMs?: number;
}

export class Client {
  /** `timeoutMs`: how long a call waits for its answer before it fails. */
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    // A bounded wait: a request that hangs fails instead of hanging its caller.
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (text && /json/.test(response.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get = <T = any>(path: string, options?: CallOptions) => this.call<T>('GET', path, options);
  post = <T = any>(path: string, options?: CallOptions) => this.call<T>('POST', path, options);
  put = <T = any>(path: string, options?: CallOptions) => this.call<T>('PUT', path, options);
  patch = <T = any>(path: string, options?: CallOptions) => this.call<T>('PATCH', path, options);
  delete = <T = any>(path: string, options?: CallOptions) => this.call<T>('DELETE', path, options);
}
