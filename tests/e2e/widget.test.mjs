// The widget on another origin, and the app offline and across an update.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer } from '../../tools/serve.mjs';
import { launch, cli, root, artifacts } from './browser.mjs';

let ctx;
const servers = [];
before(async () => { ctx = await launch(); });
after(async () => { await ctx?.close(); for (const s of servers) s.close(); });

test('two widgets on a host page from another origin, with a hostile stylesheet', async () => {
  const app = await startServer(join(root, 'build', 'site'), 0, { cors: true });
  servers.push(app);
  const appUrl = `http://127.0.0.1:${app.address().port}/`;
  const hostDir = mkdtempSync(join(tmpdir(), 'runcheck-host-'));
  writeFileSync(join(hostDir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
<style>* { font-family: serif !important; color: red !important; } div, span, pre { display: none !important; border: 9px solid lime; } .card { background: black; }</style>
<script type="module" src="${appUrl}widget.js"></script><script type="module" src="${appUrl}widget.js"></script></head><body>
<p>My blog post about local LLMs.</p>
<run-check id="a" model="llama-3.1-8b" quant="Q4_K_M" hardware="rtx-4090" context="8192">Llama 3.1 8B on an RTX 4090</run-check>
<run-check id="b" model="qwen3-30b-a3b" quant="Q4_K_M" hardware="rtx-3090x2" context="32768" compact theme="dark">Qwen3 30B-A3B on two 3090s</run-check>
<run-check id="s" model="llama-3.1-8b" quant="Q8_0" hardware="rtx-3060-12gb" context="8192" speculative="draft" draft-model="llama-3.2-1b" acceptance="0.72">with a draft</run-check>
<run-check id="t" term="kv-cache">KV cache</run-check>
<run-check id="u" term="no-such-term">?</run-check>
</body></html>`);
  const host = await startServer(hostDir, 0);
  servers.push(host);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${host.address().port}/`);
  await page.waitForFunction(() => ['a', 'b'].every((id) => document.getElementById(id).dataset.state === 'ok'));
  for (const [id, req] of [['a', { model: 'llama-3.1-8b', quant: 'Q4_K_M', hardware: 'rtx-4090', context: '8192' }],
    ['b', { model: 'qwen3-30b-a3b', quant: 'Q4_K_M', hardware: 'rtx-3090x2', context: '32768' }]]) {
    const expected = cli({ command: 'estimate', runtime: 'llama.cpp', inverse: false, ...req });
    assert.equal(await page.getAttribute(`#${id}`, 'data-verdict'), expected.verdict);
    const tps = await page.evaluate((i) => document.getElementById(i).shadowRoot.querySelector('[data-tps]').dataset.tps, id);
    assert.equal(tps, String(expected.speed.decode_tps));
    // The host's stylesheet does not reach inside: the card is visible.
    const visible = await page.evaluate((i) => getComputedStyle(document.getElementById(i).shadowRoot.querySelector('.card')).display, id);
    assert.equal(visible, 'block');
  }
  // Speculative decoding in the widget: the speculative figure is the engine's, and the link
  // carries the draft to the full page.
  await page.waitForFunction(() => document.getElementById('s').dataset.state === 'ok');
  const specExpected = cli({ command: 'estimate', runtime: 'llama.cpp', inverse: false, model: 'llama-3.1-8b', quant: 'Q8_0', hardware: 'rtx-3060-12gb',
    context: '8192', speculative: 'draft', draft_model: 'llama-3.2-1b', acceptance: '0.72' });
  const spec = await page.evaluate(() => {
    const r = document.getElementById('s').shadowRoot;
    return { tps: r.querySelector('[data-part=speculative]').dataset.tps, href: r.querySelector('a').href };
  });
  assert.equal(spec.tps, String(specExpected.speed.speculative.decode_tps));
  assert.match(spec.href, /speculative=draft&draft_model=llama-3\.2-1b&acceptance=0\.72/);
  // A glossary entry: the definition and the practical example the engine renders (as Learn).
  await page.waitForFunction(() => ['t', 'u'].every((id) => document.getElementById(id).dataset.state));
  const entry = cli({ command: 'learn', term: 'kv-cache' });
  const shown = await page.evaluate(() => {
    const r = document.getElementById('t').shadowRoot;
    return { title: r.querySelector('.title').textContent, example: r.querySelector('[data-part=example]').textContent, href: r.querySelector('a').href };
  });
  assert.deepEqual({ title: shown.title, example: shown.example }, { title: entry.term, example: entry.example.text });
  assert.match(shown.href, /view=learn&term=kv-cache$/);
  assert.equal(await page.getAttribute('#u', 'data-state'), 'error');
  assert.match(await page.evaluate(() => document.getElementById('u').shadowRoot.textContent), /term/);
  // The wasm module was fetched once for all the widgets.
  const wasmLoads = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('runcheck.wasm')).length);
  assert.equal(wasmLoads, 1);
  // The link opens the full page with the same state.
  const href = await page.evaluate(() => document.getElementById('a').shadowRoot.querySelector('a').href);
  assert.match(href, /view=run&model=llama-3\.1-8b&quant=Q4_K_M&hardware=rtx-4090&count=1&context=8192/);
  await page.screenshot({ path: join(artifacts, 'widget-host.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('offline after the first visit, and an update replaces the old version only after the prompt', async () => {
  // Serve build/site through a symlink, so a second build can replace it under the same URL.
  const dir = mkdtempSync(join(tmpdir(), 'runcheck-sw-'));
  const v1 = join(dir, 'v1'), v2 = join(dir, 'v2'), live = join(dir, 'live');
  cpSync(join(root, 'build', 'site'), v1, { recursive: true });
  cpSync(join(root, 'build', 'site'), v2, { recursive: true });
  const id1 = JSON.parse(readFileSync(join(v1, 'build.json'), 'utf8')).build;
  const id2 = `${id1}-next`;
  for (const f of ['sw.js', 'build.json']) writeFileSync(join(v2, f), readFileSync(join(v2, f), 'utf8').replaceAll(id1, id2));
  symlinkSync(v1, live);
  const srv = await startServer(live, 0);
  servers.push(srv);
  const url = `http://127.0.0.1:${srv.address().port}/`;
  const page = await ctx.newPage();
  await page.goto(`${url}?view=run&model=llama-3.1-8b&hardware=rtx-4090`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForFunction(() => document.body.dataset.sw === 'offline-ready');
  assert.equal(await page.textContent('#sw-text'), 'Ready to work offline.');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Offline: reload, and every tool still answers.
  await ctx.setOffline(true);
  for (const view of ['run', 'compare', 'cost', 'machine']) {
    await page.goto(`${url}?view=${view}`);
    await page.waitForSelector('body[data-ready="1"]');
  }
  assert.ok(await page.$('#machine-result[data-ready="1"]'));
  await ctx.setOffline(false);
  // A new build appears under the same URL: the page offers the update, old assets serve until then.
  rmSync(live);
  symlinkSync(v2, live);
  await page.goto(`${url}?view=run`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForFunction(() => document.body.dataset.sw === 'update');
  assert.equal(JSON.parse(await page.evaluate(() => fetch('build.json').then((r) => r.text()))).build, id1);  // still v1
  await Promise.all([page.waitForEvent('load'), page.click('#sw-reload')]);
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(JSON.parse(await page.evaluate(() => fetch('build.json').then((r) => r.text()))).build, id2);
  const caches = await page.evaluate(() => caches.keys());
  assert.deepEqual(caches, [`runcheck-${id2}`]);
});
