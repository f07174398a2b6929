// The wasm module under Node: same golden cases as the native suite, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const site = `${root}build/site/`;

async function loadModule() {
  const { default: create } = await import(`${site}runcheck.mjs`);
  return create({ wasmBinary: await readFile(`${site}runcheck.wasm`) });
}
const mod = await loadModule();
const call = (req) => JSON.parse(mod.request(typeof req === 'string' ? req : JSON.stringify(req)));

test('wasm output equals the native golden responses value for value', async () => {
  const dir = `${root}tests/golden/`;
  const names = (await readdir(dir)).filter((f) => f.endsWith('.request.json'));
  assert.ok(names.length >= 10);
  for (const name of names) {
    const req = (await readFile(dir + name, 'utf8')).trimEnd();
    const expected = (await readFile(dir + name.replace('.request.json', '.response.json'), 'utf8')).trimEnd();
    // The file is the native response pretty-printed; both parse to the same values exactly
    // (shortest round-trip doubles: equal values <=> equal text), compared deeply.
    assert.deepEqual(JSON.parse(mod.request(req)), JSON.parse(expected), name);
  }
});

test('weights of Llama 3.1 8B at Q4_K_M (llama.cpp log: 4403.49 MiB GPU + 281.81 MiB host + rope_freqs)', () => {
  const r = call({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', hardware: 'rtx-4090' });
  assert.equal(r.ok, true);
  assert.equal(r.memory.weights_bytes, 4912898304);
});

test('errors come back as values naming the field, and the module keeps working', () => {
  const bad = call({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q9', hardware: 'rtx-4090' });
  assert.deepEqual([bad.ok, bad.error.field, bad.error.code], [false, 'quant', 'unknown_id']);
  const broken = call('{"command":');
  assert.equal(broken.error.code, 'bad_json');
  const huge = call({ command: 'estimate', model: 'x'.repeat(1 << 20) });
  assert.equal(huge.error.field, 'model');
  const ok = call({ command: 'estimate', model: 'qwen2.5-7b', quant: 'Q8_0', hardware: 'rtx-3090' });
  assert.equal(ok.ok, true);
});

test('build id is exported', () => {
  assert.match(mod.buildId(), /^[0-9a-z-]+$/);
});

test('wasm and native agree exactly on 1,000 random requests (and hostile ones)', async () => {
  const { execFileSync } = await import('node:child_process');
  const cat = call({ command: 'catalog' });
  let seed = 20261123;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const quants = ['Q4_K_M', 'Q8_0', 'F16', 'Q3_K_M', 'IQ2_XXS', 'Q6_K'];
  const hostile = [Number.NaN, 'Infinity', -5, 1e308, '', 'x'.repeat(5000), '<script>alert(1)</script>', '"\'', '\u0000', 'é'];
  const reqs = [];
  for (let i = 0; i < 1000; i++) {
    const m = cat.models[rnd(cat.models.length)], h = cat.hardware[rnd(cat.hardware.length)];
    const r = { command: 'estimate', model: m.id, quant: quants[rnd(quants.length)], context: 1 + rnd(m.context_length),
      hardware: h.kind === 'gpu' && rnd(3) === 0 ? `${h.id}x2` : h.id, ram_gb: 16 + rnd(240), inverse: rnd(4) === 0 };
    if (rnd(5) === 0) { const k = Object.keys(r)[1 + rnd(6)]; r[k] = hostile[rnd(hostile.length)]; }  // a hostile field
    reqs.push(JSON.stringify(r));
  }
  const native = execFileSync(`${root}build/native/runcheck`, ['raw', '--lines'], { input: `${reqs.join('\n')}\n`, maxBuffer: 1 << 28 })
    .toString().trimEnd().split('\n');
  assert.equal(native.length, reqs.length);
  let errors = 0;
  reqs.forEach((q, i) => {
    const w = mod.request(q);
    assert.equal(w, native[i], q);
    if (!JSON.parse(w).ok) errors++;
  });
  assert.ok(errors > 50, `hostile fields produced ${errors} clean errors`);  // the hostile share did hit
});
