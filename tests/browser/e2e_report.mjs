// The fault report form in Debian's chromium:
//   public BASE        /report in fi, sv and en (axe-core on each); in English, sent empty
//                      (the errors page), then filled in with a screenshot attached and the
//                      patient-safety criterion ticked (the confirmation page)
//   portal BASE LINK   sign in with the emailed link, report from the portal (the
//                      organisation fixed), then the organisation's list of reports
// Prints one JSON document; the Rust test decides.
import { axe, launch, phone } from './axe.mjs';

const [stage, base, link] = process.argv.slice(2);
const browser = await launch();
const out = { policyErrors: [], violations: [] };
// A whole PNG: signature, IHDR, IEND (the server judges structure, not pixels).
const png = (() => {
  const chunk = (kind, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(kind), data, Buffer.alloc(4)]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
})();
try {
  const context = await browser.newContext({ ...phone, bypassCSP: true });
  const page = await context.newPage();
  // A refused form answers 422 on purpose; anything else logged as an error is kept.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 422')) out.policyErrors.push(m.text());
  });
  const check = async (name) => {
    for (const v of await axe(page)) out.violations.push({ page: name, ...v });
  };
  const submit = () => Promise.all([page.waitForEvent('framenavigated'), page.waitForLoadState('load'), page.click('main form button[type=submit]')]);
  const fill = async (org) => {
    await page.fill('#reporter_name', 'Maija Tuki');
    await page.fill('#reporter_email', 'tuki@apteekki.fi');
    await page.fill('#reporter_phone', '09 123 4567');
    if (org) {
      await page.fill('#organisation_name', 'Apteekki Oy');
      await page.fill('#business_id', '0112038-9');
    }
    await page.check('input[name=services][value=prescription-centre]');
    await page.check('input[name=criteria][value=patient-safety]');
    await page.fill('#description', 'Prescriptions cannot be fetched; error 503 every time.');
    await page.setInputFiles('#attachments', { name: 'screen.png', mimeType: 'image/png', buffer: png });
  };
  if (stage === 'public') {
    for (const lang of ['fi', 'sv', 'en']) {
      await page.goto(`${base}/report?lang=${lang}`);
      await check(`form ${lang}`);
    }
    await submit();
    out.errors = await page.textContent('main');
    await check('errors');
    await page.fill('#reporter_name', 'Maija Tuki');
    await page.fill('#description', 'Patient 131052-308T cannot get a prescription');
    await submit();
    out.identityCode = await page.textContent('#description-error');
    out.kept = await page.inputValue('#reporter_name');
    await fill(true);
    await page.fill('#description', 'Prescriptions cannot be fetched; error 503 every time.');
    await submit();
    out.confirmation = await page.textContent('main');
    await check('confirmation');
  } else {
    await page.goto(link);
    await Promise.all([page.waitForURL(/\/portal\?/), page.click('main button[type=submit]')]);
    for (const lang of ['fi', 'en', 'sv']) {
      await page.goto(`${base}/portal/reports/new?lang=${lang}`);
      await check(`portal form ${lang}`);
    }
    out.fixed = await page.textContent('main form fieldset >> nth=1');
    await fill(false);
    await submit();
    out.confirmation = await page.textContent('main');
    await check('portal confirmation');
    await page.goto(`${base}/portal/reports?lang=sv`);
    out.list = await page.textContent('main');
    await check('portal list');
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
