// `make bench`, third part: the wasm core inside headless Chromium, timed with performance.now():
// one estimate as the Will it run? view sends it (answer-as-you-type budget: one frame, 16 ms),
// and the whole-catalog machine view (budget 100 ms). Prints numbers; asserts nothing.
import { join } from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { launch, root } from '../e2e/browser.mjs';

const server = await startServer(join(root, 'build', 'site'), 0);
const ctx = await launch();
const page = await ctx.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForSelector('body[data-ready="1"]');
const r = await page.evaluate(async () => {
  const { request } = await import('./js/engine.js');
  const time = async (req, n) => {
    const t = [];
    for (let i = 0; i < n; i++) { const a = performance.now(); await request(req); t.push(performance.now() - a); }
    return t.sort((x, y) => x - y)[t.length >> 1];
  };
  return {
    estimate: await time({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090x2' }, 9),
    estimate_verdict_only: await time({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090x2', inverse: false }, 9),
    machine_view: await time({ command: 'choose', hardware: 'rtx-4090', quant: 'Q4_K_M', context: 4096 }, 5),
  };
});
console.log('wasm in Chromium (median ms):');
console.log(`  Will it run? full estimate (with inverse searches)   ${r.estimate.toFixed(1)} ms`);
console.log(`  Will it run? verdict + speed only                    ${r.estimate_verdict_only.toFixed(1)} ms`);
console.log(`  My machine: all catalog models on one machine         ${r.machine_view.toFixed(1)} ms`);
await ctx.close();
server.close();
