// The page never computes a number it shows: outside the formatting module (units and digits)
// and the chart module (pixel geometry), no arithmetic touches a result field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../../web/js/', import.meta.url));
const RESULT = String.raw`[\w.]*(?:_tps|_bytes|_usd|_gib|_months|months|tokens|_per_\w+|_seconds|watts|price\w*)`;
const OP = String.raw`[-+*/%](?![=>+\-])`;
const patterns = [new RegExp(`\\b${RESULT}\\s*${OP}`), new RegExp(`${OP}\\s*${RESULT}\\b`)];

async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await files(`${dir}${e.name}/`)));
    else if (e.name.endsWith('.js')) out.push(`${dir}${e.name}`);
  }
  return out;
}

test('no arithmetic on results in the web sources', async () => {
  const offenders = [];
  for (const f of await files(web)) {
    if (f.endsWith('/format.js') || f.endsWith('/chart.js')) continue;
    const lines = (await readFile(f, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      // Keep only code: drop comments and string text; of template literals keep the ${...} parts.
      const code = line.replace(/\/\/.*$/, '').replace(/'[^']*'/g, "''").replace(/"[^"]*"/g, '""')
        .replace(/`([^`]*)`/g, (m, body) => (body.match(/\$\{[^}]*\}/g) || []).join(' '));
      if (patterns.some((p) => p.test(code))) offenders.push(`${f.slice(web.length)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test('the check catches arithmetic when it is there', () => {
  assert.ok(patterns.some((p) => p.test('const x = res.speed.decode_tps * 2;')));
  assert.ok(patterns.some((p) => p.test('total = a.usd_per_month + b.usd_per_month')));
  assert.ok(!patterns.some((p) => p.test('el.textContent = tps(s.decode_tps);')));
});
