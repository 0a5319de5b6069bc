/**
 * The methods each registered path answers, so that a known path asked with another method gets
 * 405 and an `Allow` header (RFC 9110 §15.5.6) rather than a 404 that says the path does not exist.
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];
  private readonly byUrl = new Map<string, Set<string>>();

  add(methods: string | readonly string[], url: string): void {
    // A catch-all (CORS's OPTIONS *) answers everywhere: it makes no path known.
    if (url === '*' || url === '/*') return;
    let known = this.byUrl.get(url);
    if (!known) {
      known = new Set();
      this.byUrl.set(url, known);
      this.routes.push({ pattern: patternOf(url), methods: known });
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) known.add(method.toUpperCase());
  }

  /**
   * The methods of a route whose URL is exactly this path (no parameters): `/api/v1/users/me` is
   * such a path even where `/api/v1/users/:id` would take it for an id.
   */
  staticMethodsFor(path: string): string[] {
    if (path.includes(':') || path.includes('*')) return [];
    return [...(this.byUrl.get(path) ?? [])].sort();
  }

  /** Every method some route answers at this path, sorted; empty when no route has the path. */
  methodsFor(path: string): string[] {
    // A static route wins over a parametric one in the router, whatever the method.
    const exact = this.staticMethodsFor(path);
    if (exact.length > 0) return exact;
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

// Fastify's URL syntax as far as the routes use it: `:name` is one segment, a trailing `*` is the rest.
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
