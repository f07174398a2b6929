// Every script the site serves parses: a syntax error in one lazily loaded view would otherwise
// show only when a browser opens that view (a quote inside a quoted string did, once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const webJs = new URL('../../web/js/', import.meta.url).pathname;
const files = (dir) => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));

test('every web/js module parses', () => {
  const all = [...files(webJs), new URL('../../web/widget.js', import.meta.url).pathname];
  assert.ok(all.length >= 10, `only ${all.length} files found`);
  for (const f of all) {
    try {
      // As an ES module, from stdin: `node --check file.js` parses a .js file outside a
      // "type": "module" package as CommonJS and lets an ES module's syntax errors through.
      execFileSync(process.execPath, ['--input-type=module', '--check'], { input: readFileSync(f), stdio: 'pipe' });
    } catch (e) {
      assert.fail(`${f}: ${e.stderr}`);
    }
  }
});
