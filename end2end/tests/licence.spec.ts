// My licence: the card and its QR code (SPEC §3.4). The QR code on screen, as a camera would
// see it, decoded by a real decoder (zbarimg) is the phone's own code (the bound form, `DLB:`)
// that `rega verify` accepts; after the renewal a different, also valid one.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { at, appReady, msg, ROUTES, signIn, useLocale, expectNoAxeViolations } from './fixtures/app';
import { verifyWithRega } from './fixtures/verify';

const dataDir = process.env.REGA_DATA_DIR ?? '';
const rega = process.env.REGA_BIN ?? '';

async function scanQr(page: Page, file: string): Promise<string> {
  await page.locator('svg.rg-qr').screenshot({ path: file });
  return execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

const CASES = [
  { locale: 'ckb' as const, project: 'phone', citizen: '100000000001', number: 'KR-ERB-0012345' },
  { locale: 'en' as const, project: 'desktop', citizen: '100000000003', number: 'KR-DUH-0045678' },
];

for (const c of CASES) {
  test(`the licence QR on screen is the phone's own code rega verify accepts, renewed before expiry (${c.locale})`, async ({ context, page }, info) => {
    test.skip(info.project.name !== c.project, 'one screen size per citizen: sign-in codes are rate limited per address');
    expect(rega && dataDir, 'run through cargo xtask test').toBeTruthy();
    await useLocale(context, c.locale);
    await page.clock.install();
    await page.goto('/licence');
    await expect(page).toHaveURL(at(/^\/sign-in\?next=\/licence$/));
    await signIn(page, c.locale, c.citizen);
    await expect(page).toHaveURL(at(/^\/licence$/));
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES.find((r) => r.path === '/licence')![c.locale]);
    await expect(page.getByText(c.number)).toBeVisible();
    await expect(page.locator('svg.rg-qr')).toBeVisible();
    await expect(page.locator('#licence-offline-until')).toBeVisible({ timeout: 20_000 });
    await expectNoAxeViolations(page);

    let first = '';
    await expect.poll(async () => {
      first = await scanQr(page, info.outputPath('first.png')).catch(() => '');
      return first.slice(0, 4);
    }, { timeout: 15_000 }).toBe('DLB:');
    const verified = await verifyWithRega(page, first, info.outputDir);
    expect(verified.valid).toBe(true);
    expect(verified.form).toBe('bound');
    expect(verified.licence?.document_number).toBe(c.number);

    // 151 seconds later (the page's clock), the code has been renewed: another valid token.
    await page.clock.fastForward(151_000);
    // A scan taken while the new code is being drawn can misread: scan until the new code reads.
    await expect.poll(async () => {
      const second = await scanQr(page, info.outputPath('second.png')).catch(() => '');
      if (second === first || !second.startsWith('DLB:')) return 'not renewed yet';
      try {
        return (await verifyWithRega(page, second, info.outputDir)).valid ? 'renewed and valid' : 'renewed, invalid';
      } catch {
        return 'misread';
      }
    }, { timeout: 15_000 }).toBe('renewed and valid');
  });
}

test('a suspended licence shows no QR code and says why', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'sign-in codes are rate limited per address');
  await useLocale(context, 'en');
  await page.goto('/sign-in?next=/licence');
  await signIn(page, 'en', '100000000004');
  await expect(page).toHaveURL(at(/^\/licence$/));
  await appReady(page);
  await expect(page.getByText('Suspended', { exact: true })).toBeVisible();
  await expect(page.getByText('This licence is suspended, so it has no QR code.')).toBeVisible();
  // The registry's reason, as it gave it (SPEC §3.4).
  await expect(page.getByRole('note').filter({ hasText: 'This licence is suspended' })).toContainText('Suspended by the Erbil traffic court until the fine is paid.');
  await expect(page.locator('svg.rg-qr')).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('a browser that cannot keep a key shows the server\'s code: when the network drops, the card and the last code stay with their age, and the page recovers by itself', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one screen size: this demo citizen is one person');
  expect(rega && dataDir, 'run through cargo xtask test').toBeTruthy();
  await useLocale(context, 'en');
  // No IndexedDB: no key for the bound form, so the page keeps the DL1 form.
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
  await page.clock.install();
  await page.goto('/sign-in?next=/licence');
  await signIn(page, 'en', '100000000002');
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  const first = await scanQr(page, info.outputPath('online.png'));
  expect(first.startsWith('DL1:')).toBe(true);
  await expect(page.locator('#licence-offline-until')).toHaveCount(0);

  // Offline: the renewal fails, the page says so, the last code stays with its time.
  await context.setOffline(true);
  await page.clock.fastForward(151_000);
  await expect(page.getByRole('alert')).toContainText(msg('en', 'common.network_error'));
  expect(await scanQr(page, info.outputPath('offline.png'))).toBe(first);
  await expect(page.getByText(/^Last refreshed at \d{1,2}:\d{2} (am|pm)\.$/)).toBeVisible();
  // Past its 180 seconds the code is marked as expired, still on screen.
  await page.clock.fastForward(40_000);
  await expect(page.getByText(msg('en', 'licence.qr_expired'))).toBeVisible();
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  await expectNoAxeViolations(page);

  // Back online: a fresh, valid code without anyone touching the page.
  await context.setOffline(false);
  await expect.poll(async () => scanQr(page, info.outputPath('again.png')), { timeout: 15_000 }).not.toBe(first);
  expect((await verifyWithRega(page, await scanQr(page, info.outputPath('again.png')), info.outputDir)).valid).toBe(true);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Opened again with the API out of reach: the card and code kept on the device, marked.
  await page.route('**/api/v1/**', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await expect(page.getByText(msg('en', 'licence.offline'))).toBeVisible();
  await expect(page.getByText('KR-SUL-0098765')).toBeVisible();
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  await expectNoAxeViolations(page);
});
