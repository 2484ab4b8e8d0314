// Signs in to the console through the identity provider in Debian's chromium, under the
// console's own CSP (its form-action must let the sign-in button lead to the provider):
// `operator` reaches the dashboard, `visitor` gets the no-access page. axe-core runs on the
// sign-in page and the no-access page in all three languages.
// Prints one JSON document; the Rust test decides.
// Usage: node oidc_signin.mjs BASE_URL [SHOTS_DIR]
import { axe, launch, phone } from './axe.mjs';

const [base, shots] = process.argv.slice(2);
const browser = await launch();
const policyErrors = [];
const results = [];

// Presses the provider button on the sign-in page in `lang`, and signs in as `who`.
async function signIn(page, who, lang) {
  await page.goto(`${base}/console/login?lang=${lang}`);
  await Promise.all([page.waitForURL(/\/interaction\//), page.click('main form button[type=submit]')]);
  await page.fill('#login', who);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(base)), page.click('button[type=submit]')]);
  await page.waitForLoadState('load');
}

async function look(page, name, lang) {
  const h1 = (await page.textContent('h1')).trim();
  const htmlLang = await page.getAttribute('html', 'lang');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  return { name, lang, url: page.url(), h1, htmlLang, overflow, violations: await axe(page) };
}

let operator = {};
let visitor = {};
try {
  for (const [who, lang] of [['operator', 'fi'], ['visitor', 'en']]) {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' && m.text().includes('Content Security Policy')) policyErrors.push(m.text()); });
    await signIn(page, who, lang);
    const seen = { url: page.url(), h1: (await page.textContent('h1')).trim(), text: await page.textContent('main') };
    if (shots) await page.screenshot({ path: `${shots}/${who}-phone.png`, fullPage: true });
    if (who === 'operator') operator = seen; else visitor = seen;
    await context.close();
  }
  // axe-core is injected, which the CSP would refuse: these contexts bypass it. A new one
  // for each language, as the provider remembers who signed in.
  for (const lang of ['fi', 'sv', 'en']) {
    const context = await browser.newContext({ ...phone, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/console/login?lang=${lang}`);
    results.push(await look(page, 'sign-in', lang));
    await signIn(page, 'visitor', lang);
    results.push(await look(page, 'no-access', lang));
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ operator, visitor, policyErrors, results }));
