// The kiosk (SPEC §3.5): enrolled once with a kiosk code; a citizen checks in by a scanner typing
// the appointment QR's text (or on the on-screen keyboard) and gets a large queue ticket; after
// 45 s without a touch it asks "Are you still there?", and at 60 s nothing of that person is
// left on the screen, in the language or in the history.
import { chromium, test, expect, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, directorateMsg, expectNoAxeViolations, msg, signInQuickly, useLocale } from './fixtures/app';

const rega = process.env.REGA_BIN ?? '';
const dataDir = process.env.REGA_DATA_DIR ?? '';

/** Enrols a kiosk for Erbil as a supervisor would (`rega kiosk enrol`): its number and code. */
function enrolKiosk(): { id: string; code: string } {
  const out = execFileSync(rega, ['kiosk', 'enrol', '--directorate', 'erbil', '--label', 'e2e kiosk', '--data-dir', dataDir], { encoding: 'utf8' });
  const [first, code] = out.trim().split('\n');
  return { id: first.match(/^kiosk (\d+) /)?.[1] ?? '', code: code ?? '' };
}

/** The reference of a demo kiosk citizen's appointment (3000000000NN, a medical check soon). */
async function referenceOf(browser: Browser, nationalId: string, service = 'medical_check'): Promise<string> {
  const context = await browser.newContext();
  const citizen = await context.newPage();
  await citizen.goto('/');
  await signInQuickly(citizen, nationalId);
  const list = await apiGet<{ upcoming: { reference: string; service: string }[] }>(citizen, '/appointments');
  await context.close();
  const appointment = list.upcoming.find((a) => a.service === service);
  expect(appointment, 'the demo appointment').toBeTruthy();
  return appointment!.reference;
}

async function enrol(page: Page, code: string): Promise<void> {
  await page.goto('/kiosk');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(directorateMsg('en', 'kiosk.enrol_title'));
  await page.getByLabel(directorateMsg('en', 'kiosk.enrol_label')).fill(code);
  await page.getByRole('button', { name: directorateMsg('en', 'kiosk.enrol_button') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('en', 'kiosk.title'));
}

test('a scanner check-in shows the ticket; 60 s later nothing of that person is left', async ({ browser, context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'a kiosk is a large screen');
  expect(rega && dataDir, 'run through cargo xtask test').toBeTruthy();
  const reference = await referenceOf(browser, '300000000001');
  await useLocale(context, 'en');
  await page.clock.install();
  await enrol(page, enrolKiosk().code);
  const historyBefore = await page.evaluate(() => history.length);
  // The citizen chooses English; the field has the focus, as a scanner needs.
  const field = page.getByLabel(directorateMsg('en', 'kiosk.reference_label'));
  await expect(field).toBeFocused();
  await page.keyboard.insertText(reference);
  await page.keyboard.press('Enter');

  const ticket = page.locator('.rg-ticket');
  await expect(ticket.getByRole('heading', { level: 2 })).toHaveText(directorateMsg('en', 'kiosk.ticket_title'));
  await expect(ticket.locator('.rg-ticket__number')).toHaveText(/^M-\d{3}$/);
  const number = await ticket.locator('.rg-ticket__number').textContent();
  await expect(ticket).toContainText(directorateMsg('en', 'kiosk.go_to', { area: directorateMsg('en', 'kiosk.area.m') }));
  await expect(ticket).toContainText(/People before you: \d+/);
  await expectNoAxeViolations(page);
  const large = await ticket.locator('.rg-ticket__number').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(large, 'the ticket number is read from a step away').toBeGreaterThanOrEqual(64);

  // 45 seconds without a touch: the question, with its countdown; "Continue" keeps the ticket.
  await page.clock.fastForward(46_000);
  const dialog = page.getByRole('alertdialog', { name: directorateMsg('en', 'kiosk.still_there') });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/cleared in 1[0-4] seconds/);
  await expect(dialog.getByRole('button', { name: directorateMsg('en', 'kiosk.continue') })).toBeFocused();
  await expectNoAxeViolations(page);
  await dialog.getByRole('button', { name: directorateMsg('en', 'kiosk.continue') }).click();
  await expect(dialog).toHaveCount(0);
  await expect(ticket.locator('.rg-ticket__number')).toHaveText(number ?? '');

  // Then 60 seconds without a touch: everything of this person is gone.
  await page.clock.fastForward(61_000);
  await expect(page.locator('.rg-ticket')).toHaveCount(0);
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ckb');
  await expect(page.getByLabel(directorateMsg('ckb', 'kiosk.reference_label'))).toHaveValue('');
  await expect(page.getByLabel(directorateMsg('ckb', 'kiosk.reference_label'))).toBeFocused();
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(number ?? 'M-');
  expect(text).not.toContain(reference);
  expect(await page.evaluate(() => history.length)).toBe(historyBefore);
  expect(page.url()).toMatch(/\/kiosk$/);
});

test('with a receipt printer, the kiosk prints the ticket on 80 mm paper: number, area, time and its QR code', async ({ browser, context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'a kiosk is a large screen');
  expect(rega && dataDir, 'run through cargo xtask test').toBeTruthy();
  const reference = await referenceOf(browser, '300000000003');
  await useLocale(context, 'en');
  // Each print the kiosk asks for is counted (Chromium's --kiosk-printing sends it to the printer).
  await page.addInitScript(() => {
    (window as unknown as { prints: number }).prints = 0;
    window.print = () => {
      (window as unknown as { prints: number }).prints += 1;
    };
  });
  const { code } = enrolKiosk();
  // Set up once on the device.
  await page.goto('/kiosk?printer=80mm');
  await page.getByLabel(directorateMsg('en', 'kiosk.enrol_label')).fill(code);
  await page.getByRole('button', { name: directorateMsg('en', 'kiosk.enrol_button') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('en', 'kiosk.title'));
  await page.getByLabel(directorateMsg('en', 'kiosk.reference_label')).focus();
  await page.keyboard.insertText(reference);
  await page.keyboard.press('Enter');
  const ticket = page.locator('.rg-ticket');
  await expect(ticket.locator('.rg-ticket__number')).toHaveText(/^M-\d{3}$/);
  const number = (await ticket.locator('.rg-ticket__number').textContent()) ?? '';
  const linkCode = (await ticket.locator('.rg-ticket__code').textContent()) ?? '';
  await expect.poll(() => page.evaluate(() => (window as unknown as { prints: number }).prints)).toBe(1);

  // What the printer gets: one 80 mm page, read back as text and as a picture.
  const dir = mkdtempSync(join(tmpdir(), 'rega-print-'));
  const pdf = join(dir, 'ticket.pdf');
  writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  const pdfInfo = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  expect(pdfInfo).toMatch(/^Pages:\s+1$/m);
  const width = Number(pdfInfo.match(/^Page size:\s+([\d.]+) x/m)?.[1]);
  expect(width / 72 * 25.4, 'the page is 80 mm wide').toBeCloseTo(80, 0);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  expect(text).toContain(number);
  expect(text).toContain(directorateMsg('en', 'kiosk.go_to', { area: directorateMsg('en', 'kiosk.area.m') }));
  expect(text).toMatch(/Your appointment: \d{1,2}:\d{2} [ap]m/);
  expect(text).toContain(linkCode);
  expect(text).not.toContain(directorateMsg('en', 'kiosk.reference_label'));
  expect(text).not.toContain(directorateMsg('en', 'kiosk.done'));
  execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', pdf, join(dir, 'ticket')]);
  const scanned = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', join(dir, 'ticket.png')], { encoding: 'utf8' }).trim();
  expect(scanned).toMatch(new RegExp(`/ticket\\?code=${linkCode}$`));

  // And the device can be set back to no printer.
  await page.goto('/kiosk?printer=none');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('rega.kiosk.printer'))).toBeNull();
});

test('on the on-screen keyboard, in Sorani; wrong and empty references get their messages', async ({ browser, context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'a kiosk is a large screen');
  const reference = await referenceOf(browser, '300000000002');
  await useLocale(context, 'en');
  await enrol(page, enrolKiosk().code);
  await page.getByRole('button', { name: 'کوردی' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const checkIn = page.getByRole('button', { name: directorateMsg('ckb', 'kiosk.check_in') });

  await checkIn.click();
  await expect(page.getByRole('alert')).toContainText(directorateMsg('ckb', 'kiosk.empty'));
  const keypad = page.getByRole('group', { name: directorateMsg('ckb', 'kiosk.keypad') });
  for (const symbol of 'ABC') await keypad.getByRole('button', { name: symbol, exact: true }).click();
  await checkIn.click();
  await expect(page.getByRole('alert')).toContainText(directorateMsg('ckb', 'kiosk.invalid_reference'));
  await keypad.getByRole('button', { name: directorateMsg('ckb', 'kiosk.clear') }).click();
  await expect(page.getByLabel(directorateMsg('ckb', 'kiosk.reference_label'))).toHaveValue('');

  for (const symbol of reference.replace(/^RG|-/g, '')) {
    await keypad.getByRole('button', { name: symbol, exact: true }).click();
  }
  await expectNoAxeViolations(page);
  await checkIn.click();
  await expect(page.locator('.rg-ticket__number')).toHaveText(/^M-\d{3}$/);
  await expect(page.locator('.rg-ticket')).toContainText(directorateMsg('ckb', 'kiosk.area.m'));
  await expectNoAxeViolations(page);
  // Every control a finger needs is at least 48 px.
  const small = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.rg-kiosk button, .rg-kiosk input, .rg-language-switch button')]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => el.getBoundingClientRect().height < 48)
    .map((el) => el.outerHTML.slice(0, 80)));
  expect(small).toEqual([]);

  // A second scan of the same code: the same ticket, said so.
  const number = await page.locator('.rg-ticket__number').textContent();
  await page.getByRole('button', { name: directorateMsg('ckb', 'kiosk.done') }).click();
  await page.getByLabel(directorateMsg('ckb', 'kiosk.reference_label')).fill(reference);
  await checkIn.click();
  await expect(page.locator('.rg-ticket__number')).toHaveText(number ?? '');
  await expect(page.locator('.rg-ticket')).toContainText(directorateMsg('ckb', 'kiosk.again'));
});

test('a kiosk with no code, or a revoked one, asks to be enrolled', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one run');
  await useLocale(context, 'en');
  await page.goto('/kiosk');
  await page.getByLabel(directorateMsg('en', 'kiosk.enrol_label')).fill('not-a-kiosk-code');
  await page.getByRole('button', { name: directorateMsg('en', 'kiosk.enrol_button') }).click();
  await expect(page.getByRole('alert')).toHaveText(directorateMsg('en', 'error.kiosk_not_enrolled'));
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expectNoAxeViolations(page);

  const { id, code } = enrolKiosk();
  await page.getByLabel(directorateMsg('en', 'kiosk.enrol_label')).fill(code);
  await page.getByRole('button', { name: directorateMsg('en', 'kiosk.enrol_button') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('en', 'kiosk.title'));
  execFileSync(rega, ['kiosk', 'revoke', '--id', id, '--data-dir', dataDir]);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(directorateMsg('en', 'kiosk.enrol_title'));
  await expect(page.getByRole('alert')).toHaveText(directorateMsg('en', 'error.kiosk_not_enrolled'));
});

test('camera check-in: the appointment QR seen by the (fake) camera is read in WebAssembly', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'a kiosk is a large screen');
  const python = process.env.REGA_PYTHON ?? '';
  expect(python, 'run through cargo xtask test').toBeTruthy();
  const reference = await referenceOf(browser, '300000000005', 'theory_test');
  // A video of the QR code on the confirmation page, as the kiosk's camera would see it.
  const video = info.outputPath('appointment-qr.y4m');
  execFileSync(python, ['end2end/qr-video.py', reference, video]);
  const camera = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`, '--use-fake-ui-for-media-stream'],
  });
  try {
    const context = await camera.newContext({ baseURL: info.project.use.baseURL, viewport: { width: 1280, height: 800 }, permissions: ['camera'] });
    await context.addInitScript(() => localStorage.setItem('rega.locale', 'en'));
    const page = await context.newPage();
    await enrol(page, enrolKiosk().code);
    // Linux Chromium has no BarcodeDetector: the frames are decoded by the app's own reader.
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
    await page.getByRole('button', { name: directorateMsg('en', 'camera.start') }).click();
    await expect(page.locator('.rg-ticket__number')).toHaveText(/^T-\d{3}$/, { timeout: 15_000 });
    await expect(page.locator('.rg-ticket')).toContainText(directorateMsg('en', 'kiosk.area.t'));
  } finally {
    await camera.close();
  }
});

test('without a camera permission the kiosk says so, and typing still works', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one run');
  await useLocale(context, 'en');
  await enrol(page, enrolKiosk().code);
  await page.getByRole('button', { name: directorateMsg('en', 'camera.start') }).click();
  await expect(page.getByRole('alert')).toHaveText(
    new RegExp(`^(${[directorateMsg('en', 'camera.denied'), directorateMsg('en', 'camera.none')].map((t) => t.replace(/[.()]/g, '\\$&')).join('|')})$`),
  );
  await expect(page.getByLabel(directorateMsg('en', 'kiosk.reference_label'))).toBeEditable();
  await expectNoAxeViolations(page);
});
