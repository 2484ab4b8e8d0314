// The console's live SMS counter in Debian's chromium, under the console's own CSP: the
// counts its script gives for each text of a corpus (the Rust test holds them against the
// server's rules), and what the counter shows while a text is typed.
// Prints one JSON document; the Rust test decides.
// Usage: node sms_counter.mjs BASE_URL LINK_URL CORPUS_JSON
import { launch, phone } from './axe.mjs';

const [base, link, corpusJson] = process.argv.slice(2);
const corpus = JSON.parse(corpusJson);
const browser = await launch();
const policyErrors = [];
try {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') policyErrors.push(m.text()); });
  await page.goto(`${link}&lang=en`);
  await Promise.all([page.waitForURL(/\/console\?/), page.click('main button[type=submit]')]);
  await page.goto(`${base}/console/notices/new?lang=en`);
  const counts = await page.evaluate((texts) => texts.map((t) => globalThis.faultcastSms.count(t)), corpus);
  const empty = await page.textContent('#sms_fi-count');
  await page.type('#sms_fi', 'Huoltokatko klo 18–20 € ');
  const typed = await page.textContent('#sms_fi-count');
  await page.fill('#sms_sv', '');
  await page.type('#sms_sv', 'Avbrott 😀');
  const ucs2 = await page.textContent('#sms_sv-count');
  process.stdout.write(JSON.stringify({ counts, empty, typed, ucs2, policyErrors }));
} finally {
  await browser.close();
}
