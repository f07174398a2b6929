// Headless Debian Chromium driven by playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const artifacts = join(root, 'build', 'test-artifacts');
// The steering repo's shared/ fixtures: next to the checkout, or where SHARED says. Tests that read
// them skip without it, except under CI=true, where its absence fails them.
export const shared = process.env.SHARED ? resolve(process.env.SHARED) : join(root, '../shared');
export const needsShared = existsSync(join(shared, 'fixtures')) || process.env.CI === 'true'
  ? {} : { skip: 'shared/ fixtures not found next to the checkout' };
mkdirSync(artifacts, { recursive: true });

export async function launch() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'runcheck-chrome-')), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// The native CLI's answer to the same request, for cross-checking what the page shows.
export function cli(req) {
  const out = execFileSync(join(root, 'build/native/runcheck'), ['raw'], { input: JSON.stringify(req) });
  return JSON.parse(out.toString());
}

// A new page at `url`, ready (body[data-ready]), with the page errors it raises collected.
// `init`: [fn, arg] run in the page before its own scripts (e.g. a mocked browser API).
export async function openPage(ctx, url, init) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (init) await page.addInitScript(...init);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, errors };
}

// Full-page screenshots at desktop and phone widths into build/test-artifacts/NAME-*.png.
export async function shots(page, name) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(artifacts, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: join(artifacts, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
