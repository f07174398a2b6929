// Issue 22: wrong numbers and broken paths a user hit on the page, one test per item (the name
// starts with the item number). Each acts as a user and asserts what the user would see.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { launch, cli, root, artifacts, shared, needsShared } from './browser.mjs';

let server, ctx, base;
before(async () => {
  server = await startServer(join(root, 'build'), 0);
  base = `http://127.0.0.1:${server.address().port}/site/`;
  ctx = await launch();
});
after(async () => { await ctx?.close(); server?.close(); });

async function open(url) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, errors };
}
// Types a value as a user would (the page listens to input events).
async function type(page, sel, value) {
  await page.fill(sel, String(value));
  await page.dispatchEvent(sel, 'input');
}
const okState = (page) => page.waitForSelector('body[data-state="ok"]');

// What must be gone after an error: every part of the previous answer.
async function staleParts(page) {
  return page.evaluate(() => ({
    bodyVisible: !document.querySelector('#result-body').hidden,
    devices: document.querySelectorAll('.device').length,
    commands: document.querySelectorAll('#commands .cmd').length,
    embed: document.querySelectorAll('#embed .cmd').length,
    decode: document.querySelector('#decode').textContent,
    reasons: document.querySelectorAll('#reasons li').length,
    verdict: document.querySelector('#verdict').dataset.verdict ?? null,
    chart: document.querySelectorAll('#depth-chart svg').length,
  }));
}
const NOTHING = { bodyVisible: false, devices: 0, commands: 0, embed: 0, decode: '', reasons: 0, verdict: null, chart: 0 };

test('item 08: an error clears the previous result', async () => {
  const { page, errors } = await open(`${base}?model=llama-3.1-70b&quant=Q4_K_M&context=16384&hardware=rtx-3090&count=2`);
  await okState(page);
  const fresh = await staleParts(page);
  assert.equal(fresh.bodyVisible, true);
  assert.equal(fresh.devices, 3);  // two GPUs and the host, from the core
  // Each row: how the user makes the error, what the error says (the core's message, field first),
  // and how to get back to a valid setup before the next one.
  const cases = [
    [() => type(page, '#context', 99999999), /^context: context must be an integer in \[1, 131072\]/, () => type(page, '#context', 16384)],
    [() => type(page, '#ram', 0), /^ram_gb: ram_gb must be a number in \[1\.0, 65536\.0\]/, () => type(page, '#ram', 32)],
    [() => type(page, '#count', 17), /^count: GPU count must be a whole number from 1 to 16; got '17'$/, () => type(page, '#count', 2)],
    [async () => { await page.selectOption('#kv', 'q8_0'); await page.selectOption('#fa', 'off'); },
      /^kv_type: a quantized V cache needs flash attention in llama\.cpp/, async () => { await page.selectOption('#kv', 'f16'); await page.selectOption('#fa', 'on'); }],
  ];
  for (const [make, message, undo] of cases) {
    await make();
    await page.waitForSelector('body[data-state="error"]');
    assert.match(await page.textContent('#error'), message);
    assert.equal(await page.isVisible('#error'), true);
    assert.equal(await page.textContent('#verdict'), 'error');
    assert.deepEqual(await staleParts(page), NOTHING, String(message));
    await page.screenshot({ path: join(artifacts, 'item08-error.png') });
    await undo();
    await okState(page);
    assert.equal((await staleParts(page)).devices, 3);
  }
  assert.deepEqual(errors, []);
});

test('item 09: picking a model with a smaller maximum clamps the context and says so', needsShared, async () => {
  const { page, errors } = await open(`${base}?model=llama-3.1-8b&hardware=rtx-4090&context=8192`);
  await okState(page);
  const models = cli({ command: 'catalog', brief: true }).models;
  const max = (id) => models.find((m) => m.id === id).context_length;
  assert.equal(max('llama-2-7b'), 4096);
  await page.selectOption('#model', 'llama-2-7b');
  await page.waitForFunction(() => document.querySelector('#context').value === '4096');
  assert.equal(await page.textContent('#context-note'), "clamped to 4,096, Llama 2 7B's maximum");
  assert.equal(await page.isVisible('#context-note'), true);
  await okState(page);
  // The result is Llama 2 7B's at 4,096 tokens, as the CLI gives it.
  const expected = cli({ command: 'estimate', model: 'llama-2-7b', quant: 'Q4_K_M', context: 4096, hardware: 'rtx-4090', ram_gb: 32 });
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === String(b), expected.memory.kv_cache_bytes);
  assert.match(page.url(), /context=4096/);
  // Typing a context clears the note.
  await type(page, '#context', 2048);
  assert.equal(await page.textContent('#context-note'), '');
  // Phi-3 mini from the default 8,192.
  const p2 = (await open(`${base}?model=llama-3.1-8b&hardware=rtx-4090`)).page;
  await p2.selectOption('#model', 'phi-3-mini-4k');
  await p2.waitForFunction(() => document.querySelector('#context').value === '4096');
  assert.match(await p2.textContent('#context-note'), /^clamped to 4,096, Phi-3 mini 4K's maximum$/);
  await okState(p2);
  // A 2k GGUF picked while the context is 32k.
  await type(p2, '#model-filter', '');
  await p2.selectOption('#model', 'llama-3.1-8b');
  await type(p2, '#context', 32768);
  await okState(p2);
  await p2.setInputFiles('#model-file', join(shared, 'fixtures/gguf/stories260K.gguf'));
  await p2.waitForFunction(() => document.querySelector('#model-file-status').dataset.model);
  await p2.waitForFunction(() => document.querySelector('#context').value === '2048');
  assert.match(await p2.textContent('#context-note'), /^clamped to 2,048, stories260K/);
  await okState(p2);
  assert.deepEqual(errors, []);
});

test('item 13: the decode-vs-depth chart draws one point per depth the core gives, with its band and axes', async () => {
  const { page, errors } = await open(`${base}?model=llama-3.1-70b&quant=Q4_K_M&context=16384&hardware=rtx-3090&count=2`);
  await okState(page);
  const expected = cli({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090x2', ram_gb: 32 });
  const points = expected.speed.decode_by_context;
  assert.ok(points.length >= 3, `the core gives ${points.length} depths`);
  await page.waitForSelector('#depth-chart svg');
  const drawn = await page.$$eval('#depth-chart svg circle.pt', (cs) => cs.map((c) => [Number(c.dataset.x), Number(c.dataset.y)]));
  assert.deepEqual(drawn, points.map((p) => [p.depth, p.tps]));
  assert.equal(await page.$$eval('#depth-chart svg polygon.band', (b) => b.length), 1);
  const texts = await page.$$eval('#depth-chart svg text', (t) => t.map((x) => x.textContent));
  assert.ok(texts.includes('decode tokens/s'), texts.join('|'));
  assert.ok(texts.includes('context depth (tokens already in the cache)'), texts.join('|'));
  assert.ok(texts.includes(points.at(-1).depth.toLocaleString('en-US')), texts.join('|'));  // the deepest depth labels the x axis
  await page.locator('#depth-chart').screenshot({ path: join(artifacts, 'item13-depth-chart.png') });
  assert.deepEqual(errors, []);
});

test('item 20: invalid counts are errors naming the field; bad link values fall back to the defaults with a notice; a runtime switch keeps a loadable quant', async () => {
  const { page, errors } = await open(`${base}?model=llama-3.1-8b&hardware=rtx-4090&count=2`);
  await okState(page);
  for (const bad of ['0', '-2', '2.5']) {
    await type(page, '#count', bad);
    await page.waitForSelector('body[data-state="error"]');
    assert.equal(await page.textContent('#error'), `count: GPU count must be a whole number from 1 to 16; got '${bad}'`);
    assert.equal(await page.inputValue('#count'), bad);  // not rewritten
    assert.deepEqual(await staleParts(page), NOTHING);
    await type(page, '#count', 2);
    await okState(page);
  }
  // An added GPU's count too.
  await page.click('#add-gpu');
  await page.waitForSelector('#extra-gpus input');
  await type(page, '#extra-gpus input', '0');
  await page.waitForSelector('body[data-state="error"]');
  assert.equal(await page.textContent('#error'), "count: the count of an added GPU must be a whole number from 1 to 16; got '0'");

  // A link with values no option matches: the page's defaults, and a notice naming what was ignored.
  const p2 = (await open(`${base}?quant=Q9&model=nope&hardware=rtx-9999&kv=q3&context=4096`)).page;
  await okState(p2);
  assert.equal(await p2.inputValue('#model'), 'llama-3.1-8b');
  assert.equal(await p2.inputValue('#quant'), 'Q4_K_M');
  assert.equal(await p2.inputValue('#hardware'), 'rtx-4090');
  assert.equal(await p2.inputValue('#kv'), 'f16');
  assert.equal(await p2.isVisible('#notice'), true);
  const notice = await p2.textContent('#notice');
  for (const part of ['ignored model=nope (not a model in the catalog); using llama-3.1-8b', 'ignored quant=Q9 (not a known quantization); using Q4_K_M',
    'ignored hardware=rtx-9999 (not hardware in the catalog); using rtx-4090', 'ignored kv=q3 (not a KV cache type); using f16'])
    assert.ok(notice.includes(part), notice);
  const expected = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', context: 4096, hardware: 'rtx-4090', ram_gb: 32 });
  assert.equal(await p2.getAttribute('#kvcache', 'data-bytes'), String(expected.memory.kv_cache_bytes));

  // EXL2 on ExLlamaV2, then runtime llama.cpp: the quant becomes one llama.cpp loads, and the page says so.
  const quants = cli({ command: 'catalog', brief: true }).quants;
  assert.deepEqual(quants.find((q) => q.id === 'EXL2-4.0bpw').runtimes, ['exllamav2']);
  const p3 = (await open(`${base}?model=llama-3.1-8b&quant=EXL2-4.0bpw&runtime=exllamav2&hardware=rtx-4090`)).page;
  await okState(p3);
  await p3.selectOption('#runtime', 'llama.cpp');
  await p3.waitForFunction(() => document.querySelector('#quant').value === 'Q4_K_M');
  assert.equal(await p3.textContent('#quant-note'), 'EXL2-4.0bpw cannot be loaded by llama.cpp (llama-server / llama-cli): switched to Q4_K_M');
  await okState(p3);
  assert.match(p3.url(), /quant=Q4_K_M/);
  await p3.selectOption('#runtime', 'vllm');
  await p3.waitForFunction(() => document.querySelector('#quant').value === 'AWQ-4bit');
  assert.equal(await p3.textContent('#quant-note'), 'Q4_K_M cannot be loaded by vLLM: switched to AWQ-4bit');
  assert.deepEqual(errors, []);
});

test('item 18: desktop GPU memory, RAM bandwidth and the Mac wired limit are real inputs, kept in the link; a Mac stands alone', async () => {
  const { page, errors } = await open(`${base}?model=qwen3-30b-a3b&hardware=rtx-3060-12gb&context=8192&ram=64`);
  await okState(page);
  assert.equal(await page.isVisible('#gpu_reserved_mb'), false);  // inside the closed "Advanced" box
  await page.click('#advanced summary');
  await type(page, '#gpu_reserved_mb', 1024);
  await type(page, '#ram_bandwidth_gb_s', 89.6);
  const expected = cli({ command: 'estimate', model: 'qwen3-30b-a3b', quant: 'Q4_K_M', context: 8192, hardware: 'rtx-3060-12gb', ram_gb: 64,
    gpu_reserved_mb: 1024, ram_bandwidth_gb_s: 89.6 });
  await page.waitForFunction((t) => document.querySelector('#decode').dataset.tps === String(t), expected.speed.decode_tps);
  const used = await page.$$eval('.device .used', (els) => els.map((e) => e.textContent));
  assert.ok(used[0].includes(`of ${(expected.memory.devices[0].budget_bytes / 2 ** 30).toFixed(2)} GiB usable`), used[0]);
  const assumptions = await page.$$eval('#assumptions li', (l) => l.map((x) => x.textContent));
  assert.ok(assumptions.includes('Assumption: 1024 MiB per GPU kept by the desktop and other apps (gpu_reserved_mb)'), assumptions.join('\n'));
  assert.match(page.url(), /gpu_reserved_mb=1024/);
  assert.match(page.url(), /ram_bandwidth_gb_s=89\.6/);
  // The link reopens with the same inputs (and the box open, since something in it is set).
  const again = (await open(page.url())).page;
  await okState(again);
  assert.equal(await again.inputValue('#gpu_reserved_mb'), '1024');
  assert.equal(await again.isVisible('#gpu_reserved_mb'), true);
  assert.equal(await again.getAttribute('#decode', 'data-tps'), String(expected.speed.decode_tps));

  // A Mac: the wired limit reaches the core; no count, no "Add a different GPU".
  const mac = (await open(`${base}?model=llama-3.1-8b&hardware=rtx-4090&count=2&more=rtx-3060-12gb&ram=64`)).page;
  await okState(mac);
  await mac.selectOption('#hardware', 'apple-m2-max-38c');
  await okState(mac);
  assert.equal(await mac.isVisible('#count'), false);
  assert.equal(await mac.isVisible('#add-gpu'), false);
  assert.equal(await mac.$$eval('#extra-gpus select', (s) => s.length), 0);
  assert.equal(await mac.textContent('#hardware-note'), 'A Mac stands alone: the GPU count and the added GPUs were removed.');
  await mac.click('#advanced summary');
  await type(mac, '#wired_limit_mb', 60000);
  const exp2 = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', context: 8192, hardware: 'apple-m2-max-38c', ram_gb: 64, wired_limit_mb: 60000 });
  await mac.waitForFunction(() => [...document.querySelectorAll('#assumptions li')].some((l) => l.textContent.includes('wired')));
  const macUsed = await mac.textContent('.device .used');
  assert.ok(macUsed.includes(`of ${(exp2.memory.devices[0].budget_bytes / 2 ** 30).toFixed(2)} GiB usable`), macUsed);
  assert.match(mac.url(), /wired_limit_mb=60000/);
  assert.doesNotMatch(mac.url(), /more=/);
  // Back to a GPU: the count and the button return.
  await mac.selectOption('#hardware', 'rtx-4090');
  assert.equal(await mac.isVisible('#count'), true);
  assert.equal(await mac.isVisible('#add-gpu'), true);
  assert.deepEqual(errors, []);
});

test('item 19: an over-budget bar has a marker at the budget, hatching past it and says "over by"', async () => {
  const { page, errors } = await open(`${base}?model=llama-3.1-70b&quant=Q8_0&hardware=rtx-4090&context=4096&ngl=81`);
  await okState(page);
  const expected = cli({ command: 'estimate', model: 'llama-3.1-70b', quant: 'Q8_0', context: 4096, hardware: 'rtx-4090', gpu_layers: 81, ram_gb: 32 });
  const gpu = expected.memory.devices[0];
  assert.ok(gpu.used_bytes > gpu.budget_bytes);
  // Expected: 76,009,340,928 - 25,769,803,776 B = 46.79 GiB over; the marker at budget / used of the bar.
  const overGib = ((gpu.used_bytes - gpu.budget_bytes) / 2 ** 30).toFixed(2);
  assert.equal(await page.textContent('.device.over .over-by'), `over by ${overGib} GiB`);
  const left = await page.$eval('.device.over .limit', (e) => e.style.left);
  assert.equal(left, `${((gpu.budget_bytes / gpu.used_bytes) * 100).toFixed(3)}%`);
  // The marker is drawn where the budget ends, in pixels, and the hatching covers the rest.
  const geo = await page.$eval('.device.over .bar', (bar) => {
    const b = bar.getBoundingClientRect(), l = bar.querySelector('.limit').getBoundingClientRect(), p = bar.querySelector('.past-budget').getBoundingClientRect();
    return { frac: (l.left + l.width / 2 - b.left) / b.width, pastRight: Math.round(b.right - p.right), pastWidth: p.width, barWidth: b.width,
      hatch: getComputedStyle(bar.querySelector('.past-budget')).backgroundImage };
  });
  assert.ok(Math.abs(geo.frac - gpu.budget_bytes / gpu.used_bytes) < 0.01, JSON.stringify(geo));
  assert.ok(geo.pastWidth > geo.barWidth * 0.6, JSON.stringify(geo));
  assert.match(geo.hatch, /repeating-linear-gradient/);
  // A device within its budget has neither.
  assert.equal(await page.$$eval('.device:not(.over) .limit, .device:not(.over) .over-by', (x) => x.length), 0);
  await page.locator('#devices').screenshot({ path: join(artifacts, 'item19-over-budget.png') });
  assert.deepEqual(errors, []);
});

// WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)").
function contrast(fg, bg) {
  const lum = (c) => {
    const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

test('item 21: no sideways scroll at 390 px on any view', async () => {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 390, height: 800 });
  const wide = {};
  for (const view of ['run', 'machine', 'compare', 'choose', 'cost', 'catalog', 'method']) {
    await page.goto(`${base}?view=${view}`);
    await page.waitForSelector('body[data-ready="1"]');
    await page.waitForTimeout(100);
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    if (w > 390) wide[view] = w;
  }
  assert.deepEqual(wide, {});
});

test('item 21: the widget link in the dark theme has at least 4.5:1 contrast', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?view=method`);  // any page of the site, to load the widget from
  await page.waitForSelector('body[data-ready="1"]');
  await page.evaluate(async () => {
    await import(new URL('widget.js', location.href).href);
    document.body.insertAdjacentHTML('beforeend', '<run-check id="w" theme="dark" model="llama-3.1-8b" hardware="rtx-4090"></run-check><run-check id="l" theme="light" model="llama-3.1-8b" hardware="rtx-4090"></run-check>');
  });
  await page.waitForFunction(() => ['w', 'l'].every((id) => document.getElementById(id).dataset.state === 'ok'));
  for (const id of ['w', 'l']) {
    const [fg, bg, opacity] = await page.evaluate((i) => {
      const root = document.getElementById(i).shadowRoot;
      const a = root.querySelector('a');
      let opacity = 1;  // what is drawn: an ancestor's opacity would fade the computed colour
      for (let e = a; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      return [getComputedStyle(a).color, getComputedStyle(root.querySelector('.card')).backgroundColor, opacity];
    }, id);
    assert.equal(opacity, 1);
    assert.ok(contrast(fg, bg) >= 4.5, `${id}: ${fg} on ${bg} is ${contrast(fg, bg).toFixed(2)}:1`);
  }
});

test('item 21: copy buttons say "Copied"; focus stays on a sensible element after a suggestion or "Remove"; the offline banner can be dismissed', async () => {
  const { page, errors } = await open(`${base}?model=qwen3-30b-a3b&quant=Q4_K_M&hardware=rtx-3060-12gb&context=8192&ngl=49`);
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
  await okState(page);
  const copy = page.locator('#commands button').first();
  await copy.click();
  await page.waitForFunction(() => document.querySelector('#commands button').textContent === 'Copied');
  assert.equal(await page.textContent('#copy-status'), 'Copied to the clipboard');
  assert.equal(await page.getAttribute('#copy-status', 'aria-live'), 'polite');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.textContent('#commands .cmd'));
  // A suggestion: the result is replaced, focus moves to the new verdict, not to <body>.
  await page.locator('button.suggest').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'result-heading');
  // "Remove" on an added GPU: focus goes to "Add a different GPU".
  await page.click('#add-gpu');
  await page.waitForSelector('#extra-gpus button');
  await page.locator('#extra-gpus button').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#extra-gpus .pair').length === 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'add-gpu');
  // Compare's "Remove": focus goes to "Add a setup".
  await page.goto(`${base}?view=compare&model=llama-3.1-8b&setups=rtx-3090;rtx-4090;rtx-3060-12gb`);
  await page.waitForSelector('#compare-result[data-ready="1"]');
  await page.locator('#setups button').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#setups .pair').length === 2);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add a setup');
  // The "ready to work offline" banner (first visit on a fresh origin) has a dismiss button.
  const srv = await startServer(join(root, 'build', 'site'), 0);
  try {
    await page.goto(`http://127.0.0.1:${srv.address().port}/?view=method`);
    await page.waitForFunction(() => document.body.dataset.sw === 'offline-ready');
    assert.equal(await page.isVisible('#sw-banner'), true);
    await page.click('#sw-banner button[aria-label="Dismiss"]');
    assert.equal(await page.isVisible('#sw-banner'), false);
  } finally { srv.close(); }
  assert.deepEqual(errors, []);
});

test('item 11: Will it run? -> Compare -> My machine -> Will it run? keeps the model and machine and restores exactly what the user had', async () => {
  const { page, errors } = await open(`${base}?model=qwen3-32b&quant=Q5_K_M&context=16384&hardware=rtx-3090&count=2&ram=64&kv=q8_0&fa=on&ngl=40&more=rtx-3060-12gb`);
  await okState(page);
  const inputs = () => page.evaluate(() => Object.fromEntries(['model', 'quant', 'context', 'hardware', 'count', 'ram', 'os', 'runtime', 'kv', 'fa', 'ngl', 'ncm']
    .map((id) => [id, document.getElementById(id).value]).concat([['more', [...document.querySelectorAll('#extra-gpus select')].map((s) => s.value).join()]])));
  const before = await inputs();
  assert.deepEqual(before, { model: 'qwen3-32b', quant: 'Q5_K_M', context: '16384', hardware: 'rtx-3090', count: '2', ram: '64', os: '', runtime: 'llama.cpp',
    kv: 'q8_0', fa: 'on', ngl: '40', ncm: '', more: 'rtx-3060-12gb' });
  const kv = await page.getAttribute('#kvcache', 'data-bytes');

  await page.click('#nav a[data-view="compare"]');
  await page.waitForSelector('#compare-result[data-ready="1"]');
  const form = (sel) => page.$eval(sel, (e) => e.value);
  assert.equal(await form('#view-compare [name=model]'), 'qwen3-32b');
  assert.equal(await form('#view-compare [name=quant]'), 'Q5_K_M');
  assert.equal(await form('#view-compare [name=context]'), '16384');
  assert.equal(await form('#setups [name=hw]'), 'rtx-3090');
  assert.equal(await form('#setups [name=n]'), '2');
  // The machine from Will it run? joins Compare's default setups (it was one of them already).
  const cmp = cli({ command: 'compare', model: 'qwen3-32b', quant: 'Q5_K_M', context: '16384', setups: ['rtx-3090x2', 'rtx-4090x2', 'apple-m4-max-40c'] });
  assert.equal((await page.$$eval('#compare-result thead th', (t) => t.map((x) => x.textContent))).slice(1).join('|'), cmp.setups.map((s) => s.setup).join('|'));

  await page.click('#nav a[data-view="machine"]');
  await page.waitForSelector('#machine-result[data-ready="1"]');
  assert.equal(await form('#view-machine [name=hardware]'), 'rtx-3090');
  assert.equal(await form('#view-machine [name=count]'), '2');
  assert.equal(await form('#view-machine [name=ram_gb]'), '64');
  assert.equal(await form('#view-machine [name=quant]'), 'Q5_K_M');

  await page.click('#nav a[data-view="run"]');
  await okState(page);
  assert.deepEqual(await inputs(), before);
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === b, kv);

  // A different model chosen in Compare comes back to Will it run?; the -ngl that belonged to the
  // old model does not, the machine and the KV type do.
  await page.click('#nav a[data-view="compare"]');
  await page.waitForSelector('#compare-result[data-ready="1"]');
  await page.selectOption('#view-compare [name=model]', 'llama-3.1-8b');
  await page.waitForFunction(() => location.search.includes('model=llama-3.1-8b'));
  await page.click('#nav a[data-view="run"]');
  await okState(page);
  assert.deepEqual(await inputs(), { ...before, model: 'llama-3.1-8b', ngl: '' });
  const expected = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q5_K_M', context: 16384, hardware: 'rtx-3090x2,rtx-3060-12gb',
    ram_gb: 64, kv_type: 'q8_0', flash_attn: 'on' });
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === String(b), expected.memory.kv_cache_bytes);
  assert.deepEqual(errors, []);
});

test('item 10: the widget link carries every input, and the page it opens shows the widget\'s verdict and decode', async () => {
  const page = await ctx.newPage();
  await page.goto(`${base}?view=method`);  // the site, to load the widget from
  await page.waitForSelector('body[data-ready="1"]');
  await page.evaluate(async () => {
    await import(new URL('widget.js', location.href).href);
    document.body.insertAdjacentHTML('beforeend', `<run-check id="w" model="qwen3-32b" quant="Q4_K_M" hardware="rtx-4090,rtx-3060-12gbx2"
      context="16384" ram-gb="16" os="windows"></run-check>`);
  });
  await page.waitForFunction(() => document.getElementById('w').dataset.state === 'ok');
  const widget = await page.evaluate(() => {
    const w = document.getElementById('w');
    return { verdict: w.dataset.verdict, tps: w.shadowRoot.querySelector('[data-tps]').dataset.tps, href: w.shadowRoot.querySelector('a').href };
  });
  // The widget's own answer is the CLI's for the same request.
  const expected = cli({ command: 'estimate', model: 'qwen3-32b', quant: 'Q4_K_M', hardware: 'rtx-4090,rtx-3060-12gbx2', context: '16384',
    ram_gb: '16', os: 'windows', runtime: 'llama.cpp', inverse: false });
  assert.equal(widget.verdict, expected.verdict);
  assert.equal(widget.tps, String(expected.speed.decode_tps));
  const link = new URL(widget.href).searchParams;
  assert.equal(link.get('more'), 'rtx-3060-12gbx2');
  assert.equal(link.get('ram'), '16');
  assert.equal(link.get('os'), 'windows');
  const opened = (await open(widget.href)).page;
  await okState(opened);
  assert.equal(await opened.$$eval('#extra-gpus select', (s) => s.map((x) => x.value).join()), 'rtx-3060-12gb');
  assert.equal(await opened.$$eval('#extra-gpus input', (s) => s.map((x) => x.value).join()), '2');
  assert.equal(await opened.getAttribute('#verdict', 'data-verdict'), widget.verdict);
  assert.equal(await opened.getAttribute('#decode', 'data-tps'), widget.tps);
  // And the page's "Embed this" snippet carries RAM and OS back to the widget.
  assert.match(await opened.textContent('#embed .cmd'), /hardware="rtx-4090,rtx-3060-12gb,rtx-3060-12gb" context="16384" ram-gb="16" os="windows"/);
});

test('item 12: (a) a second config.json gets its own id, label and slider limit; (c) a tiny GGUF shows "293 K params"', needsShared, async () => {
  const { mkdtempSync, copyFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'runcheck-cfg-'));
  const files = {};
  for (const d of ['Llama-2-7b-hf', 'Qwen3-8B']) {  // both called config.json, as downloaded
    mkdirSync(join(dir, d));
    copyFileSync(join(shared, `fixtures/hf/${d}/config.json`), join(dir, d, 'config.json'));
    files[d] = join(dir, d, 'config.json');
  }
  const { page, errors } = await open(`${base}?model=llama-3.1-8b&hardware=rtx-4090&context=2048`);
  await okState(page);
  const imported = async (file) => {
    await page.evaluate(() => { delete document.querySelector('#model-file-status').dataset.model; });
    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => document.querySelector('#model-file-status').dataset.model);
    await okState(page);
    return page.evaluate(() => ({ id: document.querySelector('#model').value, label: document.querySelector('#model').selectedOptions[0].textContent,
      max: document.querySelector('#context-range').max }));
  };
  const a = await imported(files['Llama-2-7b-hf']);
  const b = await imported(files['Qwen3-8B']);
  assert.match(a.id, /^user:llama-2-7b-hf-[0-9a-f]{6}$/);
  assert.match(b.id, /^user:qwen3forcausallm-[0-9a-f]{6}$/);
  assert.match(a.label, /^Llama-2-7b-hf-[0-9a-f]{6} \(your config\.json\) \(6\.7 B params\)$/);
  assert.match(b.label, /^Qwen3ForCausalLM-[0-9a-f]{6} \(your config\.json\) \(8\.2 B params\)$/);
  assert.equal(a.max, '4096');   // max_position_embeddings of each config
  assert.equal(b.max, '40960');
  // Back to the first: its own limit, and the link carries its own config.
  await page.selectOption('#model', a.id);
  await okState(page);
  assert.equal(await page.getAttribute('#context-range', 'max'), '4096');
  assert.match(decodeURIComponent(page.url()), new RegExp(`cfgname=${a.id.slice(5)}`, 'i'));

  // (c) stories260K: 292,800 parameters, shown as "293 K", not "0.0 B".
  await page.setInputFiles('#model-file', join(shared, 'fixtures/gguf/stories260K.gguf'));
  await page.waitForFunction(() => document.querySelector('#model').value === 'user:stories260k.gguf');
  assert.equal(await page.$eval('#model', (s) => s.selectedOptions[0].textContent), 'stories260K.gguf (your GGUF) (293 K params)');
  assert.deepEqual(errors, []);
});

test('item 12: (b) a shared link with a GGUF asks for the file instead of showing another model', needsShared, async () => {
  const { page, errors } = await open(`${base}?model=user:stories260k.gguf&gguf=${encodeURIComponent('stories260K.gguf (llama, 5 layers, unknown type)')}&hardware=cpu-ddr4-3200-2ch&context=128`);
  await page.waitForSelector('body[data-state="needs-file"]');
  assert.equal(await page.textContent('#error'),
    'This link refers to your file stories260K.gguf (llama, 5 layers, unknown type): choose it again with "Or your own model" (files never leave your machine).');
  assert.equal(await page.textContent('#verdict'), 'needs your file');
  assert.equal(await page.inputValue('#model'), '');
  assert.equal(await page.$eval('#model', (s) => s.selectedOptions[0].textContent), 'your file stories260K.gguf — choose it again');
  assert.deepEqual(await staleParts(page), NOTHING);  // no other model's answer
  assert.equal(await page.isVisible('#notice'), false);  // the model id is not an "ignored value"
  // Another input changed meanwhile: still the prompt, and the link keeps the file's name.
  await type(page, '#context', 256);
  await page.waitForSelector('body[data-state="needs-file"]');
  assert.match(decodeURIComponent(page.url()), /gguf=stories260K\.gguf/);
  // The user chooses the file: its answer, as the CLI gives it for the real file.
  await page.setInputFiles('#model-file', join(shared, 'fixtures/gguf/stories260K.gguf'));
  await okState(page);
  assert.equal(await page.inputValue('#model'), 'user:stories260k.gguf');
  assert.equal(await page.$$eval('#model option', (o) => o.filter((x) => x.value === '').length), 0);
  const { execFileSync } = await import('node:child_process');
  const expected = JSON.parse(execFileSync(join(root, 'build/native/runcheck'), ['estimate', '--model-file',
    join(shared, 'fixtures/gguf/stories260K.gguf'), '--context', '256', '--hardware', 'cpu-ddr4-3200-2ch', '--ram-gb', '32', '--json']).toString());
  await page.waitForFunction((b) => document.querySelector('#kvcache').dataset.bytes === String(b), expected.memory.kv_cache_bytes);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);
  assert.deepEqual(errors, []);
});

test('item 22: an unknown field in the link is named with the closest known one; the rest still applies', async () => {
  const { page, errors } = await open(`${base}?contxt=4096&model=qwen3-8b&hardware=rtx-3090`);
  await okState(page);
  assert.equal(await page.isVisible('#notice'), true);
  assert.equal(await page.textContent('#notice'), "unknown field 'contxt' — did you mean 'context'?");
  assert.equal(await page.inputValue('#model'), 'qwen3-8b');
  assert.equal(await page.inputValue('#hardware'), 'rtx-3090');
  assert.equal(await page.inputValue('#context'), '8192');  // the default: the misspelt value is not guessed
  // Every view decodes through the same reader.
  await page.goto(`${base}?view=compare&modle=qwen3-8b&<b>x</b>=1`);
  await page.waitForSelector('#compare-result[data-ready="1"]');
  assert.deepEqual(await page.$$eval('#notice div', (d) => d.map((x) => x.textContent)),
    ["unknown field 'modle' — did you mean 'model'?", "unknown field '<b>x</b>' ignored"]);
  assert.equal(await page.$$eval('#notice b', (b) => b.length), 0);  // text, never markup
  assert.deepEqual(errors, []);
});

// The core's issue-22 answers, as the page shows them: each figure and note compared with the CLI.
test('items 03, 06, 14, 15, 17: offload speed, parallel streams, command notes and speed suggestions on the page', async () => {
  const { page, errors } = await open(`${base}?model=gpt-oss-120b&quant=Q4_K_M&context=8192&hardware=rtx-3090&ram=128&parallel=4`);
  await okState(page);
  const expected = cli({ command: 'estimate', model: 'gpt-oss-120b', quant: 'Q4_K_M', context: 8192, hardware: 'rtx-3090',
    ram_gb: 128, parallel: 4 });
  // 17: prefill is a figure now (experts cross PCIe), labelled estimated.
  const prefill = await page.textContent('#prefill');
  assert.match(prefill, /tokens\/s .* estimated: weights in system RAM cross PCIe/);
  // 06: four sequences together, from the batched-bench table, not 4 x one stream.
  assert.equal(await page.isVisible('#aggregate'), true);
  assert.match(await page.textContent('#aggregate'), new RegExp(`${expected.speed.aggregate_speedup.toFixed(2)}× one sequence`));
  assert.ok(expected.speed.aggregate_speedup < 4 && expected.speed.aggregate_speedup > 1);
  // Time to first token under load (the core's figures, speed_test checks their arithmetic).
  assert.match(await page.textContent('#aggregate'),
    new RegExp(`${expected.speed.aggregate_ttft_mean_seconds.toFixed(2)} s on average, ${expected.speed.aggregate_ttft_last_seconds.toFixed(2)} s for the last`));
  // 03: the RAM bandwidth the answer rests on is stated.
  assert.match(await page.textContent('#assumptions'), /the routed experts in system RAM read system RAM at an assumed 51\.2 GB\/s/);
  // 14: Ollama's command is a layer offload with the server's environment, and the notes say what is not cited.
  const cmds = await page.$$eval('#commands .cmd', (n) => n.map((x) => x.textContent));
  assert.ok(cmds.includes(expected.commands.ollama));
  assert.match(expected.commands.ollama, /^OLLAMA_NUM_PARALLEL=4 OLLAMA_CONTEXT_LENGTH=8192 ollama serve/);
  // The notes, then one line per cited download.
  assert.equal(await page.$$eval('#commands-notes li', (n) => n.length), expected.commands_notes.length + expected.downloads.length);
  await page.screenshot({ path: join(artifacts, 'item22-offload-desktop.png'), fullPage: true });
  await page.close();
  // 15: Qwen3-32B at 32k on a 4090: the q8_0 KV suggestion with its speed, though the verdict stays.
  const q = await open(`${base}?model=qwen3-32b&quant=Q4_K_M&context=32768&hardware=rtx-4090&ram=64`);
  await okState(q.page);
  const texts = await q.page.$$eval('#suggestions button', (n) => n.map((x) => x.textContent));
  assert.ok(texts.some((t) => /^quantize the KV cache to q8_0 .*: decode \d+\.\d -> \d+\.\d tok\/s \(everything on the GPU\) → tradeoffs$/.test(t)), texts.join(' | '));
  await q.page.close();
  assert.deepEqual(errors, []);
});

test('item 16: Choose my GPU says what each card is and sorts by speed', async () => {
  const { page, errors } = await open(`${base}?view=choose&budget_usd=1500&workloads=qwen3-32b:Q4_K_M:8192&sort=speed&limit=30`);
  await page.waitForSelector('#choose-result[data-ready="1"]');
  const expected = cli({ command: 'choose', budget_usd: 1500, workloads: 'qwen3-32b:Q4_K_M:8192', min_decode_tps: 20,
    max_cards: 4, mac_ok: true, sort: 'speed', limit: 30, price: 'any' });
  const rows = await page.$eval('#choose-result table', (t) => [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(rows.length, expected.picks.length);
  assert.ok(rows.length > 10);
  assert.equal(rows[0][1], expected.picks[0].setup);
  assert.equal(rows[0][4], expected.picks[0].card.note);
  assert.match(await page.textContent('#choose-result'), /sorted by speed/);
  await page.screenshot({ path: join(artifacts, 'item22-choose-desktop.png'), fullPage: true });
  await page.close();
  assert.deepEqual(errors, []);
});
