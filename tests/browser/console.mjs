// Opens the operator console in Debian's chromium at a phone's width: the sign-in page, a
// sign-in link's page, its button, and the dashboard, each in all three languages, and runs
// axe-core (WCAG 2.1 A and AA rules) on every page.
// Prints one JSON document; the Rust test decides.
// Usage: node console.mjs BASE_URL LINK_URL LINK_URL (two unused sign-in links)
import { axe, launch, phone } from './axe.mjs';

const [base, strictLink, link] = process.argv.slice(2);
const browser = await launch();

async function look(page, name, lang) {
  const htmlLang = await page.getAttribute('html', 'lang');
  const h1 = (await page.textContent('h1')).trim();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  return { name, lang, url: page.url(), htmlLang, h1, overflow, violations: await axe(page) };
}

const results = [];
const policyErrors = [];
try {
  // With the console's own CSP: signing in and the dashboard load nothing it refuses.
  const strict = await browser.newContext(phone);
  const plain = await strict.newPage();
  plain.on('console', (m) => { if (m.type() === 'error') policyErrors.push(m.text()); });
  await plain.goto(`${base}/console/login?lang=fi`);
  await plain.goto(`${strictLink}&lang=fi`);
  await Promise.all([plain.waitForURL(/\/console\?/), plain.click('button[type=submit]')]);
  const strictH1 = (await plain.textContent('h1')).trim();

  // axe-core is injected, which the CSP would refuse: this context bypasses it.
  const context = await browser.newContext({ ...phone, bypassCSP: true });
  const page = await context.newPage();
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${base}/console/login?lang=${lang}`);
    results.push(await look(page, 'sign-in', lang));
  }
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${link}&lang=${lang}`);
    results.push(await look(page, 'link', lang));
  }
  // Signed in with the keyboard: the button takes focus and Enter presses it.
  await page.focus('button[type=submit]');
  await Promise.all([page.waitForURL(/\/console\?/), page.keyboard.press('Enter')]);
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${base}/console?lang=${lang}`);
    results.push(await look(page, 'dashboard', lang));
  }
  // The new-notice form in every language; then, in English, its errors and its preview,
  // and a fault published with the keyboard alone.
  await page.goto(`${base}/console/notices/new?kind=maintenance&lang=sv`);
  await page.click('details summary >> nth=0');
  results.push(await look(page, 'maintenance-form', 'sv'));
  // Started from a template: its texts and standing procedures fill the form.
  await page.goto(`${base}/console/notices/new?kind=fault&lang=sv`);
  await page.selectOption('#template', 'repository-fault-start');
  await Promise.all([page.waitForURL(/template=repository-fault-start/), page.click('form.template button')]);
  const templated = await page.inputValue('#title_sv');
  if (templated !== 'Störning: {service}') throw new Error(`the template did not fill the form: ${templated}`);
  results.push(await look(page, 'template-form', 'sv'));
  // Publication time and the emergency override, unfolded.
  await page.click('details.publishing summary');
  results.push(await look(page, 'publishing-form', 'sv'));
  // Saved as a draft: the dashboard lists it, not yet published, with its button.
  await Promise.all([page.waitForURL(/\/console\?/), page.click('button[value=draft]')]);
  if (!(await page.textContent('main')).includes('Utkast')) throw new Error('the draft is not on the dashboard');
  results.push(await look(page, 'dashboard-pending', 'sv'));
  await page.goto(`${base}/console/templates?lang=fi`);
  results.push(await look(page, 'templates', 'fi'));
  await page.goto(`${base}/console/templates/prescription-centre-fault-start?lang=en`);
  results.push(await look(page, 'template', 'en'));
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${base}/console/notices/new?kind=fault&lang=${lang}`);
    results.push(await look(page, 'form', lang));
  }
  const press = async (selector) => {
    await page.focus(selector);
    await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  };
  await press('button[value=preview]');
  results.push(await look(page, 'form-errors', 'en'));
  await page.focus('#svc-prescription-centre');
  await page.keyboard.press('Space');
  for (const [field, text] of [
    ['#title_fi', 'Reseptikeskuksessa häiriö'], ['#title_sv', 'Störning i Receptcentret'],
    ['#body_fi', 'Reseptejä ei voi tallentaa.'], ['#body_sv', 'Recept kan inte sparas.'],
  ]) {
    await page.focus(field);
    await page.keyboard.type(text);
  }
  await press('button[value=preview]');
  results.push(await look(page, 'preview', 'en'));
  await press('button[value=publish]');
  const published = page.url().includes('/console?') && (await page.textContent('main')).includes('Prescription Centre disruption');
  // The notice's own page, from the dashboard.
  await Promise.all([page.waitForURL(/\/console\/notices\//), page.click('article.notice h3 a >> nth=0')]);
  const noticeUrl = page.url().split('?')[0];
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${noticeUrl}?lang=${lang}`);
    results.push(await look(page, 'notice', lang));
  }
  // An update from the form filled in from the notice, previewed and published by keyboard.
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${noticeUrl}/revise?action=update&lang=${lang}`);
    results.push(await look(page, 'update', lang));
  }
  await page.focus('#body_en');
  await page.keyboard.type('The cause was found.');
  await press('button[value=preview]');
  results.push(await look(page, 'update-preview', 'en'));
  await press('button[value=publish]');
  const updated = page.url().startsWith(noticeUrl) && (await page.textContent('main')).includes('The cause was found.');
  // What ending would do, in every language.
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${noticeUrl}?lang=${lang}`);
    await page.click('#close-end summary');
    await press('#close-end button[value=preview]');
    results.push(await look(page, 'end-preview', lang));
  }
  // The registry and the audit log.
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${base}/console/organisations?lang=${lang}`);
    results.push(await look(page, 'organisations', lang));
    await Promise.all([page.waitForURL(/\/console\/organisations\//), page.click('table a >> nth=0')]);
    results.push(await look(page, 'organisation', lang));
    const orgUrl = page.url().split('?')[0];
    await page.goto(`${orgUrl}/contacts/new?lang=${lang}`);
    results.push(await look(page, 'new-contact', lang));
    await page.goto(`${orgUrl}/contacts/import?lang=${lang}`);
    results.push(await look(page, 'import', lang));
    await press('main form button[type=submit]');
    results.push(await look(page, 'import-errors', lang));
    await Promise.all([page.waitForURL(/\/contacts\/[0-9a-f-]+\?/), page.goto(orgUrl + `?lang=${lang}`).then(() => page.click('table a >> nth=0'))]);
    results.push(await look(page, 'contact', lang));
    await page.goto(`${base}/console/tokens?lang=${lang}`);
    results.push(await look(page, 'tokens', lang));
    await page.goto(`${base}/console/audit?lang=${lang}`);
    results.push(await look(page, 'audit', lang));
  }
  // Fault reports: the queue with its probable national fault, a report, a notice started
  // from it; in English, a triage step refused and marked.
  let reportUrl = '';
  for (const lang of ['fi', 'sv', 'en']) {
    await page.goto(`${base}/console/reports?lang=${lang}`);
    results.push(await look(page, 'reports', lang));
    await Promise.all([page.waitForURL(/\/console\/reports\/[0-9a-f-]+\?/), page.click('table a >> nth=0')]);
    results.push(await look(page, 'report', lang));
    reportUrl = page.url().split('?')[0];
    await page.goto(`${base}/console/reports/notice?report=${reportUrl.split('/').pop()}&lang=${lang}`);
    results.push(await look(page, 'notice-from-report', lang));
  }
  await page.goto(`${reportUrl}?lang=en`);
  await page.selectOption('#status', 'linked');
  await press('section:has(#triage) form button[type=submit]');
  results.push(await look(page, 'triage-errors', 'en'));
  // A recipient added by keyboard, a field left wrong first: the error is marked, then fixed.
  await page.goto(`${base}/console/organisations?lang=en`);
  await Promise.all([page.waitForURL(/\/console\/organisations\//), page.click('table a >> nth=0')]);
  await page.goto(page.url().split('?')[0] + '/contacts/new?lang=en');
  await page.focus('#name');
  await page.keyboard.type('Night desk');
  await page.focus('#email');
  await page.keyboard.type('not an address');
  await press('main form button[type=submit]');
  results.push(await look(page, 'contact-errors', 'en'));
  const marked = (await page.getAttribute('#email', 'aria-invalid')) === 'true' && (await page.inputValue('#name')) === 'Night desk';
  await page.fill('#email', '');
  await page.focus('#email');
  await page.keyboard.type('night@apteekki.fi');
  await press('main form button[type=submit]');
  const added = marked && (await page.textContent('main')).includes('Night desk');
  process.stdout.write(JSON.stringify({ policyErrors, strictH1, results, published, updated, added }));
} finally {
  await browser.close();
}
