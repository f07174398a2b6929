// The other tools in real Chromium: each view is driven as a user would, its rendered numbers
// are compared with the native CLI's answer to the same request, reloading from the URL gives the
// same page, back/forward works, and screenshots are kept (desktop and phone).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { launch, cli, root, openPage, shots } from './browser.mjs';

let server, ctx, base;
before(async () => {
  server = await startServer(join(root, 'build'), 0);
  base = `http://127.0.0.1:${server.address().port}/site/`;
  ctx = await launch();
});
after(async () => { await ctx?.close(); server?.close(); });

const usd = (x) => `$${x >= 100 ? x.toFixed(0) : x.toFixed(2)}`;
const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

const open = (url) => openPage(ctx, url);

test('compare: the table equals the CLI, winners highlighted, deltas in words', async () => {
  const { page, errors } = await open(`${base}?view=compare&model=llama-3.1-70b&quant=Q4_K_M&context=16384&setups=rtx-3090x2;rtx-4090x2`);
  await page.waitForSelector('#compare-result[data-ready="1"]');
  const expected = cli({ command: 'compare', model: 'llama-3.1-70b', quant: 'Q4_K_M', context: '16384', setups: ['rtx-3090x2', 'rtx-4090x2'] });
  // A row label is its text (a glossary term gets a "?" link after it once the glossary is in).
  const cells = await page.$$eval('#compare-result tbody tr', (rows) => rows.map((r) => [...r.children].map((c, i) => (i === 0 ? c.firstChild?.textContent ?? '' : c.textContent))));
  const decodeRow = cells.find((r) => r[0] === 'Decode tok/s');
  expected.setups.forEach((s, i) => assert.ok(decodeRow[i + 1].startsWith(tps(s.decode_tps)), decodeRow[i + 1]));
  const priceRow = cells.find((r) => r[0] === 'Price');
  expected.setups.forEach((s, i) => assert.ok(priceRow[i + 1].startsWith(usd(s.price_usd)), priceRow[i + 1]));
  assert.equal(await page.textContent('#deltas li'), expected.deltas[0]);
  assert.ok((await page.$$('#compare-result td.win')).length > 0);
  await shots(page, 'compare');
  assert.deepEqual(errors, []);
});

test('compare with speculative decoding: a draft per setup, the figures the CLI gives, carried in the URL', async () => {
  const { page, errors } = await open(`${base}?view=compare&model=llama-3.1-8b&quant=Q8_0&context=8192&setups=rtx-3060-12gb;rtx-4090&speculative=draft&draft_model=llama-3.2-1b&acceptance=0.72`);
  await page.waitForSelector('#compare-result[data-ready="1"]');
  const expected = cli({ command: 'compare', model: 'llama-3.1-8b', quant: 'Q8_0', context: '8192', setups: ['rtx-3060-12gb', 'rtx-4090'],
    speculative: 'draft', draft_model: 'llama-3.2-1b', acceptance: '0.72' });
  const cells = await page.$$eval('#compare-result tbody tr', (rows) => rows.map((r) => [...r.children].map((c, i) => (i === 0 ? c.firstChild?.textContent ?? '' : c.textContent))));
  const specRow = cells.find((r) => r[0] === 'With speculative decoding, tok/s');
  assert.ok(specRow, JSON.stringify(cells.map((r) => r[0])));
  expected.setups.forEach((s, i) => assert.ok(specRow[i + 1].startsWith(tps(s.speculative_decode_tps)), specRow[i + 1]));
  assert.match(page.url(), /speculative=draft&draft_model=llama-3\.2-1b&acceptance=0\.72/);
  await shots(page, 'compare-speculative');
  // Off again: the row goes, and the URL forgets the draft.
  await page.locator('#compare-result').locator('xpath=preceding-sibling::form').locator('[name=speculative]').selectOption('');
  await page.waitForFunction(() => ![...document.querySelectorAll('#compare-result tbody tr')].some((r) => r.textContent.startsWith('With speculative')));
  assert.doesNotMatch(page.url(), /draft_model/);
  assert.deepEqual(errors, []);
});

test('compare with MTP on code: the published range for code, the figures the CLI gives, carried in the URL', async () => {
  const { page, errors } = await open(`${base}?view=compare&model=qwen3.6-27b&quant=Q4_K_M&context=8192&setups=rtx-4090;rtx-3090&speculative=mtp&task=code`);
  await page.waitForSelector('#compare-result[data-ready="1"]');
  const expected = cli({ command: 'compare', model: 'qwen3.6-27b', quant: 'Q4_K_M', context: '8192', setups: ['rtx-4090', 'rtx-3090'], speculative: 'mtp', task: 'code' });
  const anyText = cli({ command: 'compare', model: 'qwen3.6-27b', quant: 'Q4_K_M', context: '8192', setups: ['rtx-4090', 'rtx-3090'], speculative: 'mtp' });
  // Code's band (0.797-0.918) sits above MTP's whole range (0.671-0.944) at its middle: faster.
  assert.ok(expected.setups[0].speculative_decode_tps > anyText.setups[0].speculative_decode_tps);
  const cells = await page.$$eval('#compare-result tbody tr', (rows) => rows.map((r) => [...r.children].map((c, i) => (i === 0 ? c.firstChild?.textContent ?? '' : c.textContent))));
  const specRow = cells.find((r) => r[0] === 'With speculative decoding, tok/s');
  expected.setups.forEach((s, i) => assert.ok(specRow[i + 1].startsWith(tps(s.speculative_decode_tps)), specRow[i + 1]));
  assert.match(page.url(), /speculative=mtp&task=code/);
  assert.deepEqual(errors, []);
});

test('choose: picks and reasons equal the CLI; URL reload gives the same page', async () => {
  const url = `${base}?view=choose&budget_usd=1500&price=any&min_decode_tps=20&max_cards=4&max_watts=0&mac_ok=true&workloads=qwen3-32b:Q4_K_M:16384`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#choose-result[data-ready="1"]');
  const expected = cli({ command: 'choose', budget_usd: '1500', price: 'any', min_decode_tps: '20', max_cards: '4', mac_ok: true,
    workloads: [{ model: 'qwen3-32b', quant: 'Q4_K_M', context: '16384' }] });
  const first = await page.$$eval('#choose-result table', (t) => [...t[0].querySelectorAll('tbody tr')][0].children[1].textContent);
  assert.equal(first, expected.picks[0].setup);
  const whyNot = await page.$$eval('#choose-result table', (t) => [...t[1].querySelectorAll('tbody tr')][0].children[2].textContent);
  assert.equal(whyNot, expected.rejected[0].why);
  await shots(page, 'choose');
  // Reload from the URL the page wrote: the same first pick.
  const again = await open(page.url());
  await again.page.waitForSelector('#choose-result[data-ready="1"]');
  assert.equal(await again.page.$$eval('#choose-result table', (t) => [...t[0].querySelectorAll('tbody tr')][0].children[1].textContent), first);
  assert.deepEqual(errors, []);
});

test('choose for a use case: picks ranked by the best model each setup runs, equal to the CLI', async () => {
  const { page, errors } = await open(`${base}?view=choose&budget_usd=400&min_decode_tps=40&max_cards=4&mac_ok=true&workloads=qwen3-32b:Q4_K_M:16384`);
  await page.waitForSelector('#choose-result[data-ready="1"]');
  // The user switches "For" to a use case: the model rows go away and the picks are the core's.
  await page.evaluate(() => { document.querySelector('#choose-result').dataset.ready = '0'; });
  await page.selectOption('select[name="use_case"]', 'reasoning');
  await page.waitForSelector('#choose-result[data-ready="1"]');
  assert.equal(await page.isVisible('select[name="m0"]'), false);
  const expected = cli({ command: 'choose', budget_usd: '400', use_case: 'reasoning', min_decode_tps: '40', max_cards: '4', mac_ok: true, sort: 'quality', limit: '25', price: 'any' });
  const rows = await page.$$eval('#choose-result table', (t) => [...t[0].querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent)));
  assert.equal(rows.length, expected.picks.length);
  rows.forEach((r, i) => {
    assert.equal(r[1], expected.picks[i].setup);
    assert.equal(r[3], expected.picks[i].best_model.name);
    assert.equal(r[4], String(expected.picks[i].best_model.score));
    assert.equal(r[5], expected.picks[i].best_model.quant);
  });
  const reach = await page.textContent('#choose-out-of-reach');
  for (const m of expected.out_of_reach) assert.ok(reach.includes(m.name), reach);
  assert.match(page.url(), /use_case=reasoning/);
  await shots(page, 'choose-use-case');
  assert.deepEqual(errors, []);
});

test('cost: monthly costs and break-even equal the CLI; chart drawn', async () => {
  const { page, errors } = await open(`${base}?view=cost&model=llama-3.1-8b&quant=Q4_K_M&context=8192&hardware=rtx-3090&count=1&output_tokens_per_day=2000000&input_output_ratio=3&usd_per_kwh=0.17&life_years=3&resale_fraction=0`);
  await page.waitForSelector('#cost-result[data-ready="1"]');
  const expected = cli({ command: 'cost', model: 'llama-3.1-8b', quant: 'Q4_K_M', context: '8192', hardware: 'rtx-3090',
    output_tokens_per_day: '2000000', input_output_ratio: '3', usd_per_kwh: '0.17', life_years: '3', resale_fraction: '0' });
  const rows = await page.$$eval('#cost-result tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
  assert.equal(rows[0][1], usd(expected.own.usd_per_month));
  assert.equal(rows[1][1], usd(expected.rent[0].usd_per_month));
  assert.equal(rows[2][1], usd(expected.api[0].usd_per_month));
  assert.match(await page.textContent('#breakeven'), new RegExp(`${expected.break_even_vs_rent.months.toFixed(1)} months`));
  assert.ok(await page.$('#cost-chart svg polyline'));
  await shots(page, 'cost');
  assert.deepEqual(errors, []);
});

test('my machine, catalog, methodology; back/forward between views; hostile names are text', async () => {
  const { page, errors } = await open(`${base}?view=machine&hardware=rtx-4090&count=1&ram_gb=32&quant=Q4_K_M&context=4096&family=`);
  await page.waitForSelector('#machine-result[data-ready="1"]');
  const expected = cli({ command: 'choose', hardware: 'rtx-4090', ram_gb: '32', quant: 'Q4_K_M', context: '4096' });
  const n = await page.$$eval('[data-bucket="comfortable"] tbody tr', (r) => r.length);
  assert.equal(n, expected.models.comfortable.length);
  await shots(page, 'machine');
  await page.click('#nav a[data-view="catalog"]');
  await page.waitForSelector('#catalog-result[data-ready="1"]');
  assert.ok((await page.$$('#catalog-result tbody tr')).length >= 80);
  await shots(page, 'catalog');
  await page.click('#nav a[data-view="method"]');
  await page.waitForSelector('#view-method [data-ready="1"]');
  const method = cli({ command: 'methodology' });
  const firstConst = await page.$$eval('#view-method table', (t) => t[0].querySelector('tbody tr td').textContent);
  assert.equal(firstConst, method.constants[0].name);
  // The CUDA decode fit shows its issue bound, as the core reports it.
  const cuda = method.speed_fits.find((f) => f.group === 'cuda/lo');
  const fitRows = await page.$$eval('#view-method table', (t) => [...t[1].querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)));
  const cudaRow = fitRows.find((r) => r[0] === 'cuda/lo');
  assert.match(cudaRow[1], new RegExp(`issue bound ${cuda.decode.issue_bytes_per_sm_cycle.toFixed(1).replace('.', '\\.')} B per SM-cycle`));
  assert.match(cudaRow[1], new RegExp(`without flash attention ${Math.round(cuda.decode.fa_off_kv_refetch_share * 100)} % of repeated KV reads from memory`));
  await shots(page, 'method');
  await page.goBack();
  await page.waitForSelector('#catalog-result[data-ready="1"]');
  assert.equal(await page.getAttribute('body', 'data-view'), 'catalog');
  await page.goBack();
  await page.waitForFunction(() => document.body.dataset.view === 'machine');
  // A hostile value from the URL is shown as text, never as markup.
  await page.goto(`${base}?view=catalog&list=models&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"'`);
  await page.waitForSelector('#catalog-result[data-ready="1"]');
  assert.equal(await page.inputValue('#view-catalog input[name=q]'), `<script>alert(1)</script>"'`);
  assert.equal(await page.$$eval('#view-catalog script', (s) => s.length), 0);
  assert.deepEqual(errors, []);
});

test('strict CSP: every tool works with no CSP violation and no request outside the origin', async () => {
  const page = await ctx.newPage();
  const requests = [], violations = [], errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const csp = await (await fetch(base)).text();
  assert.match(csp, /Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  for (const view of ['run', 'machine', 'compare', 'choose', 'cost', 'catalog', 'method']) {
    await page.goto(`${base}?view=${view}`);
    await page.waitForSelector('body[data-ready="1"]');
  }
  const origin = new URL(base).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
});
