// An organisation's portal admin in Debian's chromium, in two stages so that the Rust test
// can run the delivery workers and read the SMTP sink between them:
//   ask  BASE EMAIL   ask for a sign-in link on /portal
//   use  BASE LINK    open the emailed link, sign in, add a recipient, confirm the list,
//                     open "did we get it?"; axe-core on each page on the way
// Prints one JSON document; the Rust test decides.
import { axe, launch, phone } from './axe.mjs';

const [stage, base, arg] = process.argv.slice(2);
const browser = await launch();
const out = { policyErrors: [], violations: [] };
try {
  // axe-core is injected, which the pages' CSP would refuse: this context bypasses it (the
  // console errors below would show any refusal of the pages' own resources all the same).
  const context = await browser.newContext({ ...phone, bypassCSP: true });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') out.policyErrors.push(m.text()); });
  const check = async (name) => {
    for (const v of await axe(page)) out.violations.push({ page: name, ...v });
  };
  const submit = (selector) => Promise.all([page.waitForEvent('framenavigated'), page.waitForLoadState('load'), page.click(selector)]);
  if (stage === 'ask') {
    await page.goto(`${base}/portal?lang=en`);
    await check('request');
    await page.fill('#email', arg);
    await submit('main form button[type=submit]');
    out.answer = await page.textContent('main');
    await check('sent');
  } else {
    await page.goto(arg);
    await check('link');
    await Promise.all([page.waitForURL(/\/portal\?/), page.click('main button[type=submit]')]);
    out.home = await page.textContent('main');
    await check('home');
    await Promise.all([page.waitForURL(/\/portal\/contacts\/new/), page.click('a.button[href*="/portal/contacts/new"]')]);
    await check('new recipient');
    await page.fill('#name', 'Night desk');
    await page.selectOption('#role', 'on-call');
    await page.fill('#email', 'yo@apteekki.fi');
    await Promise.all([page.waitForURL(/\/portal\?/), page.click('main form button[type=submit] >> nth=0')]);
    out.added = await page.textContent('main');
    await submit('form[action*="/portal/confirm"] button');
    out.confirmed = await page.textContent('main');
    await page.goto(`${base}/portal/notices?lang=en`);
    out.received = await page.textContent('main');
    await check('did we get it');
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
