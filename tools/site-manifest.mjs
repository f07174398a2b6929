// Writes build/site/build.json: the build id and the list of files the app needs.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [dir = 'build/site', buildId = 'dev'] = process.argv.slice(2);
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); statSync(p).isDirectory() ? walk(p) : files.push(relative(dir, p)); } };
walk(dir);
files.sort();
writeFileSync(join(dir, 'build.json'), JSON.stringify({ build: buildId, files }, null, 1) + '\n');
// The service worker learns its build id and what to precache (everything, build.json included).
const sw = join(dir, 'sw.js');
const precache = [...files.filter((f) => f !== 'sw.js'), 'build.json'].filter((f, i, a) => a.indexOf(f) === i);
writeFileSync(sw, readFileSync(sw, 'utf8').replace('__RUNCHECK_BUILD__', buildId)
  .replace('/* __RUNCHECK_FILES__ */ []', JSON.stringify(precache)));
