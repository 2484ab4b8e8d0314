// A fault handled from the console end to end in Debian's chromium, in three stages so that
// the Rust test can run the delivery workers and read the SMTP and SMS sinks between them:
//   publish  BASE LINK    sign in, fill the new-fault form, preview, publish; prints the
//                         session cookie
//   update   BASE COOKIE  from the dashboard to the notice, post an update through its preview
//   redrive  BASE COOKIE  re-send the deliveries the relay refused
//   end      BASE COOKIE  end the fault through its preview
// Prints one JSON document; the Rust test decides.
import { launch, phone } from './axe.mjs';

const [stage, base, arg] = process.argv.slice(2);
const browser = await launch();
const out = { policyErrors: [] };
try {
  const context = await browser.newContext(phone);
  if (stage !== 'publish') {
    const [name, value] = arg.split('=');
    await context.addCookies([{ name, value, url: base }]);
  }
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') out.policyErrors.push(m.text()); });
  const submit = (selector) => Promise.all([page.waitForEvent('framenavigated'), page.waitForLoadState('load'), page.click(selector)]);
  if (stage === 'publish') {
    await page.goto(`${arg}&lang=en`);
    await Promise.all([page.waitForURL(/\/console\?/), page.click('main button[type=submit]')]);
    await page.click('a.button[href*="/console/notices/new"]');
    await page.waitForURL(/\/console\/notices\/new/);
    await page.selectOption('#severity', 'critical');
    await page.check('#svc-prescription-centre');
    await page.fill('#title_fi', 'Reseptikeskus ei vastaa');
    await page.fill('#title_sv', 'Receptcentret svarar inte');
    await page.fill('#body_fi', 'Reseptejä ei voi tallentaa. Käytä paperireseptiä.');
    await page.fill('#body_sv', 'Recept kan inte sparas. Använd pappersrecept.');
    await submit('button[value=preview]');
    out.preview = await page.textContent('section.preview');
    await submit('button[value=publish]');
    out.dashboard = await page.textContent('main');
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name.endsWith('faultcast_session'));
    out.cookie = `${session.name}=${session.value}`;
  } else if (stage === 'update') {
    await page.goto(`${base}/console?lang=en`);
    await Promise.all([page.waitForURL(/\/console\/notices\//), page.click('article.notice h3 a >> nth=0')]);
    await Promise.all([page.waitForURL(/\/revise/), page.click('a.button[href*="action=update"]')]);
    await page.fill('#body_fi', 'Vika on paikannettu; korjaus on käynnissä.');
    await page.fill('#body_sv', 'Felet är lokaliserat; det åtgärdas.');
    await submit('button[value=preview]');
    out.preview = await page.textContent('section.preview');
    await submit('button[value=publish]');
    out.notice = await page.textContent('main');
  } else if (stage === 'redrive') {
    await page.goto(`${base}/console?lang=en`);
    await Promise.all([page.waitForURL(/\/console\/notices\//), page.click('article.notice h3 a >> nth=0')]);
    out.before = await page.textContent('main');
    await submit('form[action*="/retry"] button');
    out.redriven = await page.textContent('main');
  } else {
    await page.goto(`${base}/console?lang=en`);
    await Promise.all([page.waitForURL(/\/console\/notices\//), page.click('article.notice h3 a >> nth=0')]);
    await page.click('#close-end summary');
    await page.fill('#end_body_fi', 'Häiriö on korjattu.');
    await page.fill('#end_body_sv', 'Störningen är åtgärdad.');
    await submit('#close-end button[value=preview]');
    out.preview = await page.textContent('#close-end');
    await submit('#close-end button[value=publish]');
    out.notice = await page.textContent('main');
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
