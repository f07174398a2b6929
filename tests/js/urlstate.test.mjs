// The URL-state decoder on the links that matter: known keys only, capped values, a shared
// config.json round trip, and a deflate bomb refused instead of inflated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_INFLATED, MAX_VALUE, deflateText, inflateText, readState } from '../../web/js/urlstate.js';

test('known keys only, first value wins, control characters stripped, values capped, view checked', () => {
  const { view, params } = readState(`?view=compare&model=a%00b&model=second&evil=1&__proto__=x&hardware=${'z'.repeat(5000)}`);
  assert.equal(view, 'compare');
  assert.equal(params.get('model'), 'ab');
  assert.equal(params.get('evil'), null);
  assert.equal(params.get('__proto__'), null);
  assert.equal(params.get('hardware').length, MAX_VALUE);
  assert.equal(readState('?view=constructor').view, 'run');
  assert.equal(readState('?model=%3Cscript%3E').params.get('model'), '<script>');  // text; the page never renders it as HTML
  assert.equal(readState(undefined).view, 'run');
});

test('a shared config.json round-trips; a deflate bomb and garbage are refused', async () => {
  const cfg = JSON.stringify({ model_type: 'llama', num_hidden_layers: 32 });
  assert.equal(await inflateText(await deflateText(cfg)), cfg);
  const bomb = await deflateText('\u0000'.repeat(4 * MAX_INFLATED));
  assert.ok(bomb.length < 8000, `bomb is ${bomb.length} chars`);
  await assert.rejects(inflateText(bomb), /inflates past 262144 bytes/);
  await assert.rejects(inflateText('not base64!'), /not base64url/);
  await assert.rejects(inflateText('AAAA'));  // valid base64url, not a deflate stream
});

test('item 22: an unknown key is reported with the closest known key, and the rest still decodes', async () => {
  const { closestKey, editDistance, unknownNotice } = await import('../../web/js/urlstate.js');
  const { params, unknown } = readState('?contxt=4096&model=llama-2-7b&hardwre=rtx-4090&zzzzzz=1&Quant=Q8_0&contxt=1');
  assert.equal(params.get('model'), 'llama-2-7b');
  assert.equal(params.get('context'), null);  // not guessed: the user is told instead
  assert.deepEqual(unknown, [{ key: 'contxt', suggestion: 'context' }, { key: 'hardwre', suggestion: 'hardware' },
    { key: 'zzzzzz', suggestion: null }, { key: 'Quant', suggestion: 'quant' }]);
  assert.equal(unknownNotice(unknown[0]), "unknown field 'contxt' — did you mean 'context'?");
  assert.equal(unknownNotice(unknown[2]), "unknown field 'zzzzzz' ignored");
  // Levenshtein: kitten -> sitting is 3 (the textbook case); beyond the limit it stops early.
  assert.equal(editDistance('kitten', 'sitting', 5), 3);
  assert.equal(editDistance('kitten', 'sitting'), Infinity);
  assert.equal(editDistance('contxt', 'context'), 1);
  assert.equal(closestKey('ram-gb'), 'ram_gb');
  // Hostile keys: capped, control characters shown as "?", at most 10 reported.
  const many = readState(`?${Array.from({ length: 30 }, (_, i) => `k${i}=1`).join('&')}&${'x'.repeat(5000)}=1`);
  assert.equal(many.unknown.length, 10);
  assert.equal(readState(`?${'y'.repeat(5000)}=1`).unknown[0].key.length, 64);
  assert.deepEqual(readState('?mo%01del=x').unknown, [{ key: 'mo?del', suggestion: 'model' }]);
});
