// Issue 22, the pure parts: formatting and naming (no browser needed). Test names start with the
// item number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { paramCount } from '../../web/js/format.js';
import { configName, shortHash } from '../../web/js/usermodel.js';

test('item 12: small parameter counts keep their scale (stories260K is not "0.0 B")', () => {
  // stories260K: 292,800 parameters (runcheck inspect; README "Bring your own model").
  assert.equal(paramCount(292800), '293 K');
  assert.equal(paramCount(1_500_000), '1.5 M');
  assert.equal(paramCount(8_030_261_248), '8.0 B');  // Llama 3.1 8B
  assert.equal(paramCount(999), '999');
  assert.equal(paramCount(1000), '1 K');
  assert.equal(paramCount(1e9), '1.0 B');
});

// The shared/ fixtures (SHARED, else next to the checkout); without them this test skips, but not under CI=true.
const shared = process.env.SHARED ? resolve(process.env.SHARED) : fileURLToPath(new URL('../../../shared', import.meta.url));
const needsShared = existsSync(join(shared, 'fixtures')) || process.env.CI === 'true' ? {} : { skip: 'shared/ fixtures not found' };

test('item 12: two config.json files get two names; the same config the same name', needsShared, () => {
  const fixture = (d) => JSON.parse(readFileSync(join(shared, `fixtures/hf/${d}/config.json`), 'utf8'));
  const llama2 = fixture('Llama-2-7b-hf'), qwen3 = fixture('Qwen3-8B');
  const a = configName('config.json', llama2), b = configName('config.json', qwen3);
  // The model's own name (_name_or_path's last part), else its architecture; then a hash of the text.
  assert.equal(a, `Llama-2-7b-hf-${shortHash(JSON.stringify(llama2))}`);
  assert.equal(b, `Qwen3ForCausalLM-${shortHash(JSON.stringify(qwen3))}`);
  assert.match(a, /^Llama-2-7b-hf-[0-9a-f]{6}$/);
  assert.notEqual(a, b);
  assert.equal(configName('config.json', llama2), a);
  assert.equal(configName('config (1).json', llama2), a);  // a second download of the same file
  // A file the user named keeps its name; an edited config gets another hash.
  assert.match(configName('my-llama.json', llama2), /^my-llama-[0-9a-f]{6}$/);
  assert.notEqual(configName('config.json', { ...llama2, num_hidden_layers: 16 }), a);
  // FNV-1a 32 of "" is 811c9dc5 and of "a" is e40c292c (the published test vectors).
  assert.equal(shortHash(''), '811c9d');
  assert.equal(shortHash('a'), 'e40c29');
});
