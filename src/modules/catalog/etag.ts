import { AppError } from '../../platform/errors.js';

/** The ETag of a product is its version, as a strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Reads an If-Match header: `"7"`, `W/"7"`, a bare `7`, or `*` (any current version).
 * Returns undefined when absent or `*`; throws 400 for anything else unreadable.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(text);
  if (!match) throw new AppError('bad_request', 'If-Match must carry the ETag a GET returned (e.g. "3")');
  return Number(match[1]);
}

/** True when an If-None-Match header names this version (so a 304 can be sent). */
export function matchesIfNoneMatch(header: string | undefined, version: number): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etagOf(version));
}
