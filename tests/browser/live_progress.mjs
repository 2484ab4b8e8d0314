// The dashboard's delivery progress kept live by the console's script, under the console's
// own CSP. Prints one JSON line once the dashboard is open (the Rust test then runs the
// delivery workers), and a second once no progress list is still going (or after 20 s).
// Usage: node live_progress.mjs BASE_URL SESSION_COOKIE
import { launch, phone } from './axe.mjs';

const [base, cookie] = process.argv.slice(2);
const [name, value] = cookie.split('=');
const browser = await launch();
const policyErrors = [];
try {
  const context = await browser.newContext(phone);
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') policyErrors.push(m.text()); });
  await page.goto(`${base}/console?lang=en`);
  const before = await page.textContent('dl.progress');
  const live = (await page.$('dl.progress[data-live]')) !== null;
  process.stdout.write(JSON.stringify({ ready: true, before, live }) + '\n');
  let done = true;
  try {
    await page.waitForFunction(() => !document.querySelector('dl.progress[data-live]'), null, { timeout: 20000 });
  } catch {
    done = false;
  }
  const after = await page.textContent('dl.progress');
  process.stdout.write(JSON.stringify({ done, after, policyErrors, url: page.url() }) + '\n');
} finally {
  await browser.close();
}
