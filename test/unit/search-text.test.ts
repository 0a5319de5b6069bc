import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseSearchText } from '../../src/modules/search/index.js';

test('search text is lower-cased, split on punctuation and bounded', () => {
  assert.equal(normaliseSearchText('  Платье, ХЛОПОК!! '), 'платье хлопок');
  assert.equal(normaliseSearchText('?!'), '');
  assert.equal(
    normaliseSearchText(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')).split(' ').length,
    12,
  );
});
