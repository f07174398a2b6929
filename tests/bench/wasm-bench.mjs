// `make bench`, second half: the same requests through the wasm module under Node (the engine
// the page runs), and the wasm/native ratio per request (ratios survive a noisy machine).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { default: create } = await import(`${root}build/site/runcheck.mjs`);
const mod = await create({ wasmBinary: await readFile(`${root}build/site/runcheck.wasm`) });
const cases = JSON.parse(await readFile(`${root}tests/bench/requests.json`, 'utf8'));
const nativeDoc = JSON.parse(await readFile(`${root}build/bench-native.json`, 'utf8'));
const native = nativeDoc.requests;

function medianUs(fn, reps, rounds = 7) {
  const t = [];
  for (let r = 0; r < rounds; r++) {
    const a = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    t.push(Number(process.hrtime.bigint() - a) / 1000 / reps);
  }
  return t.sort((x, y) => x - y)[t.length >> 1];
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x, n) => x.toFixed(1).padStart(n);
console.log(`${pad('wasm module (node), per request', 55)} ${'verdict us'.padStart(12)} ${'full us'.padStart(12)} ${'x native'.padStart(9)}`);
cases.forEach((c, i) => {
  const full = JSON.stringify({ ...c.request, command: 'estimate' });
  const verdict = JSON.stringify({ ...c.request, command: 'estimate', inverse: false });
  let sink = 0;
  const v = medianUs(() => { sink += mod.request(verdict).length; }, 100);
  const f = medianUs(() => { sink += mod.request(full).length; }, 3);
  const ratio = f / native[i].full_us;
  console.log(`${pad(c.what, 55)} ${num(v, 12)} ${num(f, 12)} ${num(ratio, 9)}`);
  if (sink < 0) console.log(sink);
});

// The catalog sweep (every model x hardware x 3 quants x 4 contexts, verdicts only).
const sweepReq = JSON.stringify({ command: 'sweep' });
const t0 = process.hrtime.bigint();
const first = JSON.parse(mod.request(sweepReq));
const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
const warmMs = medianUs(() => mod.request(sweepReq), 1, 5) / 1000;
console.log(`sweep in wasm (node): ${first.cells} cells, first ${firstMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms ` +
  `(native warm ${nativeDoc.sweep.warm_ms.toFixed(1)} ms: ${(warmMs / nativeDoc.sweep.warm_ms).toFixed(2)}x)`);
