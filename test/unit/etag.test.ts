import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etagOf, matchesIfNoneMatch, parseIfMatch } from '../../src/modules/catalog/etag.js';

test('If-Match accepts the ETag, a weak ETag, a bare version and *', () => {
  assert.equal(parseIfMatch(etagOf(7)), 7);
  assert.equal(parseIfMatch('W/"7"'), 7);
  assert.equal(parseIfMatch('7'), 7);
  assert.equal(parseIfMatch('*'), undefined);
  assert.equal(parseIfMatch(undefined), undefined);
  assert.throws(() => parseIfMatch('"abc"'), /If-Match/);
  assert.equal(matchesIfNoneMatch('"3", "7"', 7), true);
  assert.equal(matchesIfNoneMatch('"3"', 7), false);
});
