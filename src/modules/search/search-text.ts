/** Longest query text handed to the index: more words than this only slow the search down. */
export const MAX_SEARCH_WORDS = 12;

/**
 * Normalises what a person typed: unicode-normalised, lower-cased, split on anything that is not a
 * letter or digit, at most MAX_SEARCH_WORDS words. Returns '' when nothing searchable is left.
 */
export function normaliseSearchText(raw: string): string {
  return raw
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, MAX_SEARCH_WORDS)
    .join(' ');
}
