/**
 * The response headers OWASP's REST Security Cheat Sheet asks of a JSON API, on every response
 * (problems and 404s included). Static, so setting them costs a few property writes per request.
 * The interactive docs (/docs) replace the content security policy with one that lets its page run.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
});

/** A response to a request with credentials is that user's: no shared or browser cache keeps it. */
export const PRIVATE_RESPONSE_CACHE_CONTROL = 'no-store';
