// Screenshots of pages for a person to look at: node shoot.mjs OUT_DIR URL [URL …]
// Each URL is opened at a phone's and a desktop's width; a URL of the form
// "click:SELECTOR" clicks in the page opened last (e.g. a form's button) and is shot as well.
// SIZES=phone or SIZES=desktop shoots one width only (a one-time link works once).
// "fill:SELECTOR=VALUE", "file:SELECTOR=PATH" and "check:SELECTOR" fill a field, choose a
// file or tick a box, unshot. FULL=0
// shoots the viewport only (the top of a long page).
import { launch } from './axe.mjs';

const [out, ...urls] = process.argv.slice(2);
const browser = await launch();
try {
  const sizes = [['phone', { width: 360, height: 740 }], ['desktop', { width: 1280, height: 800 }]]
    .filter(([name]) => !process.env.SIZES || process.env.SIZES === name);
  for (const [name, size] of sizes) {
    const context = await browser.newContext({ viewport: size });
    const page = await context.newPage();
    let n = 0;
    for (const u of urls) {
      if (u.startsWith('click:')) {
        await Promise.all([page.waitForLoadState('load'), page.click(u.slice(6))]);
      } else if (u.startsWith('fill:')) {
        const [sel, ...value] = u.slice(5).split('=');
        await page.fill(sel, value.join('='));
        continue;
      } else if (u.startsWith('file:')) {
        const [sel, path] = u.slice(5).split('=');
        await page.setInputFiles(sel, path);
        continue;
      } else if (u.startsWith('check:')) {
        await page.check(u.slice(6));
        continue;
      } else {
        await page.goto(u);
      }
      n += 1;
      await page.screenshot({ path: `${out}/${n}-${name}.png`, fullPage: process.env.FULL !== '0' });
    }
    await context.close();
  }
} finally {
  await browser.close();
}
