// The page in real Chromium: a user fills the form and reads the verdict and the memory per
// device, which must equal the native CLI's answer. Served from a sub-path (relative URLs).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { launch, cli, root, artifacts, shared, needsShared } from './browser.mjs';

let server, ctx, base;
before(async () => {
  server = await startServer(join(root, 'build'), 0);  // build/site is at /site/: a sub-path
  base = `http://127.0.0.1:${server.address().port}/site/`;
  ctx = await launch();
});
after(async () => { await ctx?.close(); server?.close(); });

const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;

async function ready(page) { await page.waitForSelector('body[data-ready="1"]'); }

test('fill the form -> verdict, KV and per-device memory equal the CLI', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  await ready(page);
  await page.selectOption('#model', 'llama-3.1-70b');
  await page.selectOption('#quant', 'Q4_K_M');
  await page.selectOption('#hardware', 'rtx-3090');
  await page.fill('#count', '2');
  await page.fill('#context', '16384');
  await page.dispatchEvent('#context', 'input');
  const expected = cli({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384,
    hardware: 'rtx-3090x2', ram_gb: 32, runtime: 'llama.cpp', kv_type: 'f16', flash_attn: 'on' });
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === String(b), expected.memory.kv_cache_bytes);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);
  const used = await page.$$eval('.device .used', (els) => els.map((e) => e.textContent));
  assert.equal(used.length, expected.memory.devices.length);
  expected.memory.devices.forEach((d, i) => assert.ok(used[i].startsWith(`${gib(d.used_bytes)} of ${gib(d.budget_bytes)}`), used[i]));
  assert.equal(await page.textContent('#reasons li'), expected.reasons[0]);
  assert.equal(await page.textContent('.cmd'), expected.commands.llama_server);
  // Speed: the same figure and evidence label as the native core.
  assert.equal(await page.getAttribute('#decode', 'data-tps'), String(expected.speed.decode_tps));
  assert.equal(await page.getAttribute('#evidence', 'data-evidence'), expected.speed.evidence);
  await page.screenshot({ path: join(artifacts, 'will-it-run-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: join(artifacts, 'will-it-run-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('the chosen quant shows its published quality loss, in the core words, with its source', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}?view=run&model=llama-2-70b&quant=Q4_K_M&context=4096&hardware=rtx-3090&count=2`);
  await ready(page);
  const expected = cli({ command: 'quant_loss', model: 'llama-2-70b', quant: 'Q4_K_M' });
  await page.waitForFunction((t) => document.querySelector('#qloss')?.textContent.startsWith(t), expected.summary);
  assert.equal(await page.getAttribute('#qloss a', 'href'), expected.this_model[0].source);
  await page.selectOption('#quant', 'Q3_K_M');
  const q3 = cli({ command: 'quant_loss', model: 'llama-2-70b', quant: 'Q3_K_M' });
  await page.waitForFunction((t) => document.querySelector('#qloss')?.textContent.startsWith(t), q3.summary);
  assert.deepEqual(errors, []);
  await page.close();
});

test('images: the vision tower is counted on the GPU when asked, with the core figures and command', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}?view=run&model=gemma-3-27b&quant=Q4_K_M&context=8192&hardware=rtx-3090&count=1`);
  await ready(page);
  await page.waitForSelector('#vision-info:not([hidden])');
  assert.match(await page.textContent('#vision-info'), /^not loaded \(text only\)/);
  assert.match(await page.textContent('#commands'), /--no-mmproj/);
  await page.click('#advanced summary');
  await page.selectOption('#vision', 'true');
  await page.waitForFunction(() => /counted on/.test(document.querySelector('#vision-info').textContent));
  const expected = cli({ command: 'estimate', model: 'gemma-3-27b', quant: 'Q4_K_M', context: 8192, hardware: 'rtx-3090', ram_gb: 32,
    runtime: 'llama.cpp', kv_type: 'f16', flash_attn: 'on', vision: 'true' });
  await page.waitForFunction((b) => document.querySelector('.device .used')?.textContent.startsWith(b), `${gib(expected.memory.devices[0].used_bytes)} of`);
  assert.ok((await page.textContent('#vision-info')).endsWith(`counted on ${expected.vision.device}`));
  assert.doesNotMatch(await page.textContent('#commands'), /--no-mmproj/);
  assert.match(page.url(), /vision=true/);
  await page.setViewportSize({ width: 1280, height: 1600 });
  await page.screenshot({ path: join(artifacts, 'run-vision.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('state in the URL reopens the same result; hostile values render as text', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=qwen3-30b-a3b&quant=Q4_K_M&context=32768&hardware=rtx-4060-ti-8gb&count=1&ram=64&runtime=llama.cpp&kv=f16&fa=on`);
  await ready(page);
  const expected = cli({ command: 'estimate', model: 'qwen3-30b-a3b', quant: 'Q4_K_M', context: 32768,
    hardware: 'rtx-4060-ti-8gb', ram_gb: 64 });
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);
  assert.equal(await page.getAttribute('#kvcache', 'data-bytes'), String(expected.memory.kv_cache_bytes));
  // An out-of-range context from the URL: the core's error, naming the field, as text.
  await page.goto(`${base}?model=llama-3-8b&context=99999999&hardware=rtx-4090`);
  await ready(page);
  assert.match(await page.textContent('#error'), /^context: context must be an integer in \[1, 8192\]/);
  await page.fill('#context', '4096');
  await page.dispatchEvent('#context', 'input');
  await page.waitForSelector('body[data-state="ok"]');
  assert.equal(await page.isHidden('#error'), true);
});

test('mixed GPUs, model search and the context slider', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.1-8b&hardware=rtx-4090`);
  await ready(page);
  // Typing in the search box narrows the list and picks the first match.
  await page.fill('#model-filter', 'qwen3 32b');
  await page.waitForFunction(() => document.querySelector('#model').value === 'qwen3-32b');
  // The slider stops at the model's maximum context (from the catalog).
  const max = cli({ command: 'catalog', list: 'models' }).models.find((m) => m.id === 'qwen3-32b').context_length;
  assert.equal(await page.getAttribute('#context-range', 'max'), String(max));
  // A second, different GPU: the machine is "rtx-4090,rtx-3060-12gb", as the CLI sees it.
  await page.selectOption('#hardware', 'rtx-4090');
  await page.click('#add-gpu');
  await page.waitForSelector('#extra-gpus select');
  await page.selectOption('#extra-gpus select', 'rtx-3060-12gb');
  await page.fill('#context', '32768');
  await page.dispatchEvent('#context', 'input');
  const expected = cli({ command: 'estimate', model: 'qwen3-32b', quant: 'Q4_K_M', context: 32768, hardware: 'rtx-4090,rtx-3060-12gb',
    ram_gb: 32, runtime: 'llama.cpp', kv_type: 'f16', flash_attn: 'on' });
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === String(b), expected.memory.kv_cache_bytes);
  assert.equal(await page.$$eval('.device', (d) => d.length), expected.memory.devices.length);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);
  // The URL carries the extra GPU: reloading gives the same machine.
  const again = await ctx.newPage();
  await again.goto(page.url());
  await ready(again);
  assert.equal(await again.$$eval('#extra-gpus select', (s) => s.map((x) => x.value).join()), 'rtx-3060-12gb');
  assert.equal(await again.getAttribute('#kvcache', 'data-bytes'), String(expected.memory.kv_cache_bytes));
});

test('newest first: both pickers ordered by release date from the catalog, undated last, selection kept', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.1-8b&hardware=rtx-4090`);
  await ready(page);
  const { models } = cli({ command: 'catalog', list: 'models' });
  const { hardware } = cli({ command: 'catalog', list: 'hardware' });
  const newestOf = (list) => [...list].filter((x) => x.release_date).sort((a, b) => b.release_date.localeCompare(a.release_date))[0];
  const firstBefore = await page.$eval('#model', (s) => s.options[0].value);
  assert.equal(firstBefore, models[0].id);  // the catalog's order
  await page.check('#newest-first');
  await page.waitForFunction((id) => document.querySelector('#model').options[0].value === id, newestOf(models).id);
  const m0 = await page.$eval('#model', (s) => s.options[0].textContent);
  assert.ok(m0.endsWith(` · ${newestOf(models).release_date}`), m0);
  const hwDates = await page.$eval('#hardware', (s) => [...s.options].map((o) => o.value));
  const dateOf = Object.fromEntries(hardware.map((h) => [h.id, h.release_date || '']));
  assert.equal(dateOf[hwDates[0]], newestOf(hardware).release_date);
  // Dates never increase down the list, and every undated entry comes after the dated ones.
  for (let i = 1; i < hwDates.length; i++) assert.ok(dateOf[hwDates[i - 1]] >= dateOf[hwDates[i]] || dateOf[hwDates[i]] === '', hwDates[i]);
  assert.equal(dateOf[hwDates.at(-1)], '');
  // The selection did not move.
  assert.equal(await page.$eval('#model', (s) => s.value), 'llama-3.1-8b');
  assert.equal(await page.$eval('#hardware', (s) => s.value), 'rtx-4090');
  await page.uncheck('#newest-first');
  await page.waitForFunction((id) => document.querySelector('#model').options[0].value === id, models[0].id);
  assert.equal(await page.$eval('#model', (s) => s.options[0].textContent.includes(' · ')), false);
});

test('build era: current builds by default; an older llama.cpp build from Advanced (and the link) changes speed as the core does', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.1-8b&quant=Q4_K_M&hardware=rtx-4090&context=8192`);
  await ready(page);
  const now = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', hardware: 'rtx-4090', context: 8192 });
  assert.equal(await page.$eval('#build-era', (e) => e.textContent), now.speed.build_era);
  assert.match(now.speed.build_era, /current llama\.cpp builds \(b4400 and later/);
  await page.$eval('#advanced', (e) => { e.open = true; });
  await page.fill('#llamacpp_build', '3000');
  await page.waitForFunction(() => document.querySelector('#build-era').textContent.includes('b3000'));
  const old = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', hardware: 'rtx-4090', context: 8192, llamacpp_build: 3000 });
  assert.equal(await page.$eval('#build-era', (e) => e.textContent), old.speed.build_era);
  assert.ok(old.speed.prefill_tps < now.speed.prefill_tps, 'a 2024 build prefills slower');
  assert.equal(new URL(page.url()).searchParams.get('llamacpp_build'), '3000');
  await page.close();
});

test('host CPU: picked beside a GPU it sets decode as the core does and stays in the link; a Mac hides it', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.2-1b&quant=Q4_K_M&hardware=rtx-4080-super&context=8192&ram=64`);
  await ready(page);
  const plain = cli({ command: 'estimate', model: 'llama-3.2-1b', quant: 'Q4_K_M', hardware: 'rtx-4080-super', context: 8192, ram_gb: 64 });
  assert.equal(await page.getAttribute('#decode', 'data-tps'), String(plain.speed.decode_tps));
  await page.selectOption('#host', 'amd-epyc-7352');
  const slow = cli({ command: 'estimate', model: 'llama-3.2-1b', quant: 'Q4_K_M', hardware: 'rtx-4080-super,amd-epyc-7352', context: 8192, ram_gb: 64 });
  await page.waitForFunction((v) => document.querySelector('#decode')?.getAttribute('data-tps') === v, String(slow.speed.decode_tps));
  assert.ok(slow.speed.decode_tps < plain.speed.decode_tps, 'a 3.2 GHz host decodes slower than the 4.0 GHz reference');
  assert.equal(new URL(page.url()).searchParams.get('host'), 'amd-epyc-7352');
  await page.selectOption('#hardware', 'apple-m4-max-40c');
  await page.waitForFunction(() => document.querySelector('#host-row').hidden);
  assert.equal(new URL(page.url()).searchParams.get('host'), null);
  await page.close();
});

test('bring your own model: a GGUF header (only the header is read) and a config.json (kept in the URL)', needsShared, async () => {
  const { writeFileSync, readFileSync, truncateSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'runcheck-byo-'));
  // A 4 GiB sparse file whose header is stories260K's: the page must read only the header.
  const big = join(dir, 'big-model.gguf');
  writeFileSync(big, readFileSync(join(shared, 'fixtures/gguf/stories260K.gguf')));
  truncateSync(big, 4 * 2 ** 30);
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.1-8b&hardware=cpu-ddr4-3200-2ch`);
  await ready(page);
  await page.setInputFiles('#model-file', big);
  await page.waitForFunction(() => document.querySelector('#model-file-status').dataset.model);
  const status = await page.textContent('#model-file-status');
  const read = Number(/read ([\d,]+) of/.exec(status)[1].replaceAll(',', ''));
  assert.ok(read <= 2 ** 20, status);  // at most the first MiB of a 4 GiB file
  assert.match(status, /of 4,294,967,296 bytes/);
  await page.fill('#context', '128');
  await page.dispatchEvent('#context', 'input');
  // The same numbers as the CLI reading the real file.
  const { execFileSync } = await import('node:child_process');
  const expected = JSON.parse(execFileSync(join(root, 'build/native/runcheck'), ['estimate', '--model-file',
    join(shared, 'fixtures/gguf/stories260K.gguf'), '--context', '128', '--hardware', 'cpu-ddr4-3200-2ch', '--ram-gb', '32', '--json']).toString());
  await page.waitForFunction((b) => document.querySelector('#weights').dataset.bytes === String(b), expected.memory.weights_bytes);
  // A config.json: imported, then a reload from the URL brings it back.
  const cfgPath = join(dir, 'my-mistral.json');
  writeFileSync(cfgPath, readFileSync(join(shared, 'fixtures/hf/Mistral-7B-v0.1/config.json')));
  await page.setInputFiles('#model-file', cfgPath);
  // The id: the file's name and a hash of the config (two files called config.json stay apart).
  await page.waitForFunction(() => /^user:my-mistral-[0-9a-f]{6}$/.test(document.querySelector('#model-file-status').dataset.model));
  await page.waitForFunction(() => location.search.includes('cfg='));
  const again = await ctx.newPage();
  await again.goto(page.url());
  await ready(again);
  assert.equal(await again.inputValue('#model'), await page.inputValue('#model'));
  assert.match(await again.inputValue('#model'), /^user:my-mistral-[0-9a-f]{6}$/);
  const exp2 = cli({ command: 'estimate', model: 'mistral-7b-v0.1', quant: 'Q4_K_M', context: 128, hardware: 'cpu-ddr4-3200-2ch', ram_gb: 32,
    runtime: 'llama.cpp', kv_type: 'f16', flash_attn: 'on' });
  await again.waitForFunction((b) => document.querySelector('#weights').dataset.bytes === String(b), exp2.memory.weights_bytes);
});

test('OS input reaches the core; results update without moving anything above them', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=llama-3.1-8b&quant=AWQ-4bit&hardware=rtx-4090&runtime=vllm&os=windows`);
  await ready(page);
  // vLLM lists Linux only (catalog/runtimes.json, cited): the core's error, naming the field.
  assert.match(await page.textContent('#error'), /^os: vLLM.* does not list windows among its platforms \(it lists: linux\)/);
  await page.selectOption('#os', 'linux');
  await page.waitForSelector('body[data-state="ok"]');
  assert.match(page.url(), /os=linux/);
  const expected = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'AWQ-4bit', hardware: 'rtx-4090', runtime: 'vllm', os: 'linux', ram_gb: 32 });
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);

  // Layout stability: sweep the context slider; the form and the top of the result stay put and
  // the browser records no layout shift outside the result panel.
  await page.goto(`${base}?model=qwen3-30b-a3b&hardware=rtx-3060-12gb&context=4096`);
  await ready(page);
  await page.evaluate(() => {
    window.__shifts = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries())
        for (const s of e.sources || [])
          if (s.node && !document.querySelector('#result').contains(s.node)) window.__shifts.push(e.value);
    }).observe({ type: 'layout-shift', buffered: false });
  });
  const where = () => page.evaluate(() => ['#model', '#context', '#hardware', '#result', '#verdict']
    .map((s) => Math.round(document.querySelector(s).getBoundingClientRect().top + window.scrollY)));
  const before0 = await where();
  for (const ctx of [8192, 32768, 40960, 2048, 16384, 24576]) {
    await page.evaluate((v) => { const r = document.querySelector('#context-range'); r.value = v; r.dispatchEvent(new Event('input', { bubbles: true })); }, ctx);
    await page.waitForFunction((v) => document.querySelector('#context').value === String(v), ctx);
    assert.deepEqual(await where(), before0, `context ${ctx}`);
  }
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.__shifts), []);
});

test('-ngl and --n-cpu-moe inputs: a fixed -ngl that cannot fit offers expert offload, one click applies it', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?model=qwen3-30b-a3b&quant=Q4_K_M&hardware=rtx-3060-12gb&context=8192&ngl=49`);
  await ready(page);
  assert.equal(await page.inputValue('#ngl'), '49');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'will_not_run');
  const expected = cli({ command: 'estimate', model: 'qwen3-30b-a3b', quant: 'Q4_K_M', hardware: 'rtx-3060-12gb', context: 8192, gpu_layers: 49, ram_gb: 32 });
  const sug = expected.suggestions.find((s) => 'n_cpu_moe' in s.change);
  await page.click(`button.suggest:has-text("--n-cpu-moe ${sug.change.n_cpu_moe}")`);
  await page.waitForFunction(() => document.querySelector('#verdict').dataset.verdict === 'tradeoffs');
  assert.equal(await page.inputValue('#ncm'), String(sug.change.n_cpu_moe));
  assert.match(page.url(), new RegExp(`ncm=${sug.change.n_cpu_moe}`));
  assert.match(await page.textContent('.cmd'), new RegExp(`--n-cpu-moe ${sug.change.n_cpu_moe}`));
});
