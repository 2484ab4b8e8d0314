// axe-core (WCAG 2.1 A and AA) on each page of a list, at a phone's width.
// Prints one JSON document; the Rust test decides.
// Usage: node axe_pages.mjs BASE_URL PATHS_JSON [COOKIE]
// COOKIE ("name=value") is a session the pages are opened with.
import { axe, launch, phone } from './axe.mjs';

const [base, pathsJson, cookie] = process.argv.slice(2);
const browser = await launch();
const results = [];
try {
  // axe-core is injected, which the CSP would refuse: this context bypasses it.
  const context = await browser.newContext({ ...phone, bypassCSP: true });
  if (cookie) {
    const [name, ...value] = cookie.split('=');
    await context.addCookies([{ name, value: value.join('='), url: base }]);
  }
  const page = await context.newPage();
  for (const path of JSON.parse(pathsJson)) {
    const res = await page.goto(base + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    // The language asked for (the page's `?lang=`), and the one the page says it is in.
    const lang = new URL(base + path).searchParams.get('lang');
    const htmlLang = await page.getAttribute('html', 'lang');
    results.push({ path, status: res.status(), lang, htmlLang, overflow, violations: await axe(page) });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ results }));
