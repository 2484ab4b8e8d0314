// Opens the status page in all three languages in Debian's chromium at a phone's width,
// follows a notice link, opens an address that does not exist, and runs axe-core (WCAG 2.1
// A and AA rules) on each page.
// Prints one JSON document; the Rust test decides. Usage: node check.mjs BASE_URL
import { axe, launch, phone } from './axe.mjs';

const base = process.argv[2];
const browser = await launch();

const results = [];
const policyErrors = [];
try {
  // With the page's own CSP: nothing it loads may be refused.
  const strict = await browser.newContext(phone);
  const plain = await strict.newPage();
  plain.on('console', (m) => { if (m.type() === 'error') policyErrors.push(m.text()); });
  for (const lang of ['fi', 'sv', 'en']) {
    await plain.goto(`${base}/?lang=${lang}`);
  }
  // axe-core is injected, which the CSP would refuse: this context bypasses it.
  const context = await browser.newContext({ ...phone, bypassCSP: true });
  const page = await context.newPage();
  for (const lang of ['fi', 'sv', 'en']) {
    const res = await page.goto(`${base}/?lang=${lang}`);
    const status = res.status();
    const htmlLang = await page.getAttribute('html', 'lang');
    const h1 = (await page.textContent('h1')).trim();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    const violations = await axe(page);
    const link = page.locator('article.notice h3 a').first();
    const title = (await link.textContent()).trim();
    await Promise.all([page.waitForLoadState('load'), link.click()]);
    await page.waitForURL(/\/notices\//);
    const noticeH1 = (await page.textContent('h1')).trim();
    const noticeOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    violations.push(...await axe(page));
    const url = page.url();
    const missing = await page.goto(`${base}/no/such/page?lang=${lang}`);
    const errorStatus = missing.status();
    const errorLang = await page.getAttribute('html', 'lang');
    const errorOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    violations.push(...await axe(page));
    results.push({ lang, status, htmlLang, h1, title, noticeH1, url, errorStatus, errorLang, overflow: overflow || noticeOverflow || errorOverflow, violations });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ results, policyErrors }));
