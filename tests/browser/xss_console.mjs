// The XSS corpus as it comes back through the console, in Debian's chromium with the CSP
// bypassed (so that only escaping stands between a payload and its execution): every page
// given is opened, and each payload is typed into the new-notice form and previewed. Any
// dialog, inline script or event-handler attribute that appears is reported.
// Prints one JSON document; the Rust test decides.
// Usage: node xss_console.mjs BASE_URL SESSION_COOKIE PAGES_JSON PAYLOADS_JSON
import { launch } from './axe.mjs';

const [base, cookie, pagesJson, payloadsJson] = process.argv.slice(2);
const [name, value] = cookie.split('=');
const browser = await launch();
const dialogs = [];
const found = [];
const statuses = {};
let previews = 0;
try {
  const context = await browser.newContext({ bypassCSP: true });
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  page.on('dialog', async (d) => { dialogs.push(`${page.url()}: ${d.message()}`); await d.dismiss(); });
  const inspect = async (where) => {
    const bad = await page.evaluate(() => {
      const out = [];
      for (const s of document.querySelectorAll('script')) if (!s.src) out.push('inline script');
      for (const e of document.querySelectorAll('*')) {
        for (const a of e.attributes) {
          if (a.name.startsWith('on')) out.push(`${e.tagName} ${a.name}`);
          if (/^\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'data'].includes(a.name)) out.push(`${e.tagName} ${a.name}=javascript:`);
        }
      }
      return out;
    });
    for (const b of bad) found.push(`${where}: ${b}`);
  };
  for (const path of JSON.parse(pagesJson)) {
    const res = await page.goto(base + path);
    statuses[path] = res.status();
    await inspect(path);
  }
  for (const p of JSON.parse(payloadsJson)) {
    await page.goto(`${base}/console/notices/new?lang=en`);
    await page.fill('#title_fi', p);
    await page.fill('#body_fi', p);
    await page.fill('#sms_fi', p);
    await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.click('button[value=preview]')]);
    await inspect(`preview of ${p}`);
    if ((await page.inputValue('#title_fi')) === p) previews += 1;
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ dialogs, found, previews, statuses }));
