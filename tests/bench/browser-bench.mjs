// `make bench`, third part: the wasm core inside headless Chromium, timed with performance.now():
// one estimate as the Will it run? view sends it (answer-as-you-type budget: one frame, 16 ms),
// and the whole-catalog machine view (budget 100 ms). Prints numbers; asserts nothing.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startServer } from '../../tools/serve.mjs';
import { launch, root } from '../e2e/browser.mjs';

const server = await startServer(join(root, 'build', 'site'), 0);
const ctx = await launch();
const page = await ctx.newPage();
const url = `http://127.0.0.1:${server.address().port}/`;
// Cold load -> first verdict (empty cache, new profile): navigation start to the verdict shown.
let t0 = Date.now();
await page.goto(url);
await page.waitForSelector('body[data-ready="1"]');
const cold = Date.now() - t0;
// Where the cold path goes: app module running, wasm compiled and instantiated, catalog parsed
// and listed, first verdict rendered (ms since navigation start).
const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark')
  .filter((m) => m.name.startsWith('rc-')).map((m) => [m.name.slice(3), Math.round(m.startTime)])));
// Offline reload -> first verdict, served by the service worker.
await page.waitForFunction(() => navigator.serviceWorker.controller || document.body.dataset.sw);
await page.evaluate(() => navigator.serviceWorker.ready);
await page.reload();
await page.waitForSelector('body[data-ready="1"]');
await ctx.setOffline(true);
t0 = Date.now();
await page.reload();
await page.waitForSelector('body[data-ready="1"]');
const offlineReload = Date.now() - t0;
await ctx.setOffline(false);
const r = await page.evaluate(async () => {
  const { request } = await import('./js/engine.js');
  const time = async (req, n) => {
    const t = [];
    for (let i = 0; i < n; i++) { const a = performance.now(); await request(req); t.push(performance.now() - a); }
    return t.sort((x, y) => x - y)[t.length >> 1];
  };
  // The catalog sweep: every model x hardware x 3 quants x 4 contexts, verdicts only (first call
  // computes and memoises each model's weights; then warm).
  const s0 = performance.now();
  const first = await request({ command: 'sweep' });
  const sweepFirst = performance.now() - s0;
  const sweepWarm = await time({ command: 'sweep' }, 5);
  return {
    sweep_first_ms: sweepFirst, sweep_warm_ms: sweepWarm, sweep_cells: first.cells,
    estimate: await time({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090x2' }, 9),
    estimate_verdict_only: await time({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090x2', inverse: false }, 9),
    machine_view: await time({ command: 'choose', hardware: 'rtx-4090', quant: 'Q4_K_M', context: 4096 }, 5),
  };
});
console.log(`cold load -> first verdict ${cold} ms (target 300 ms); offline reload -> first verdict ${offlineReload} ms`);
console.log(`  cold path, ms since navigation: app module ${marks.app}, engine ready ${marks.engine}, catalog ${marks.catalog}, first verdict ${marks.ready}`);
console.log(`sweep: ${r.sweep_cells} cells (every model x hardware x 3 quants x 4 contexts): first ${r.sweep_first_ms.toFixed(1)} ms, warm ${r.sweep_warm_ms.toFixed(1)} ms (target 50 ms)`);
console.log('wasm in Chromium (median ms):');
console.log(`  Will it run? full estimate (with inverse searches)   ${r.estimate.toFixed(1)} ms`);
console.log(`  Will it run? verdict + speed only                    ${r.estimate_verdict_only.toFixed(1)} ms`);
console.log(`  My machine: all catalog models on one machine         ${r.machine_view.toFixed(1)} ms`);
writeFileSync(join(root, 'build', 'bench-browser.json'), JSON.stringify({ cold_first_verdict_ms: cold, offline_reload_first_verdict_ms: offlineReload, cold_marks_ms: marks, ...r }, null, 1));
await ctx.close();
server.close();
