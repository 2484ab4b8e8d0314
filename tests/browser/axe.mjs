// What the page scripts share: Debian's chromium, a phone's viewport, and axe-core's
// WCAG 2.1 A and AA rules run on a page.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

export const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true };

export function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

// The violations of `page`, each with its first three places.
export async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const r = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}
