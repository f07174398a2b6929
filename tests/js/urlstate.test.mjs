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
