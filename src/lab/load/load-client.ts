import { performance } from 'node:perf_hooks';
import { OPERATIONS, type OperationName } from './operations.js';
import type { Recorder } from './recorder.js';
import type { Targets } from './targets.js';

export interface Call {
  path: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Statuses besides 2xx that are a normal answer for this call (e.g. 409 when stock is short). */
  accept?: number[];
  /** Whether the caller needs the response body parsed. */
  parse?: boolean;
}

export interface Reply {
  status: number;
  ok: boolean;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Connection failures where the request never reached a server: always safe to send elsewhere. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * Failures after the request may have been sent: retried only when a repeat cannot do harm. A
 * target that stops answering (its link cut: nothing is refused) counts as cut off once it has
 * kept a request past nginx's own bound.
 */
const CUT_OFF = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errorCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code ?? 'unknown';
}

/**
 * Sends one named operation: picks a target in turn, fails over on a refused or reset connection,
 * and records the whole request (retries included) once in the current recorder.
 */
export class LoadClient {
  /** Where samples go; swapped from the warm-up recorder to the measured one. */
  recorder: Recorder;

  constructor(
    private readonly targets: Targets,
    recorder: Recorder,
  ) {
    this.recorder = recorder;
  }

  async send(op: OperationName, call: Call): Promise<Reply> {
    const { method } = OPERATIONS[op];
    const headers: Record<string, string> = { ...call.headers };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    // GET, PUT and DELETE are idempotent; a POST or PATCH only with an Idempotency-Key (order.create).
    const repeatable = (method !== 'POST' && method !== 'PATCH') || 'idempotency-key' in headers;
    const recorder = this.recorder;
    const started = performance.now();
    let lastCode = 'connection';
    for (let attempt = 0; attempt < this.targets.size; attempt++) {
      const target = this.targets.pick();
      try {
        const res = await target.pool.request({ path: call.path, method, headers, body });
        const parsed = call.parse ? await res.body.json().catch(() => undefined) : await res.body.dump();
        const ok = (res.statusCode >= 200 && res.statusCode < 300) || !!call.accept?.includes(res.statusCode);
        recorder.attempt(target.url, res.statusCode >= 500);
        recorder.record(op, (performance.now() - started) * 1000, String(res.statusCode), !ok);
        return { status: res.statusCode, ok, body: parsed, headers: res.headers };
      } catch (error) {
        recorder.attempt(target.url, true);
        lastCode = errorCode(error);
        const retry = NOT_SENT.has(lastCode) || (CUT_OFF.has(lastCode) && repeatable);
        if (NOT_SENT.has(lastCode) || CUT_OFF.has(lastCode)) this.targets.markDown(target);
        if (!retry) break;
        recorder.retries++;
      }
    }
    recorder.record(op, (performance.now() - started) * 1000, 'connection', true);
    return { status: 0, ok: false, body: undefined, headers: {} };
  }
}
