// Verify a licence QR code (SPEC §3.6): checked on the device against the trust list it keeps.
// After one visit online, with no network at all, a fresh code is accepted and an expired, a
// tampered and an unknown-key code are each refused with their own message.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deflateSync, inflateSync } from 'node:zlib';
import { apiGet, directorateMsg, expectNoAxeViolations, expectTouchTargets, signInQuickly, useLocale } from './fixtures/app';
import { base45Decode, base45Encode, expectFailure, scan } from './fixtures/verify';

const rega = process.env.REGA_BIN ?? '';
const DICTIONARY = readFileSync(`${process.cwd()}/credential/src/dl1-zlib-dictionary.bin`);
/** The same token with one digit of the licence number changed inside the signed payload. */
function tampered(token: string, number: string): string {
  const cose = inflateSync(base45Decode(token.slice(4)), { dictionary: DICTIONARY });
  const at = cose.indexOf(Buffer.from(number));
  expect(at, 'the licence number is in the payload').toBeGreaterThan(0);
  const changed = Buffer.from(cose);
  changed[at + number.length - 1] = changed[at + number.length - 1] === 0x35 ? 0x36 : 0x35;
  return `DL1:${base45Encode(deflateSync(changed, { dictionary: DICTIONARY }))}`;
}

/** A well-formed token signed by a key the trust list does not know. */
function unknownKeyToken(): string {
  const dir = mkdtempSync(`${tmpdir()}/rega-unknown-key-`);
  execFileSync(rega, ['keys', 'generate', '--out', `${dir}/keys`]);
  writeFileSync(`${dir}/licence.json`, JSON.stringify({
    family_name: 'Karwan', given_name: 'Ahmed', family_name_national_character: 'کاروان', given_name_national_character: 'ئەحمەد',
    birth_date: '1990-04-12', issue_date: '2024-01-10', expiry_date: '2031-01-10', issuing_country: 'IQ', issuing_authority: 'KRG-GDT',
    document_number: 'KR-ERB-0012345', un_distinguishing_sign: 'IRQ', driving_privileges: [{ vehicle_category_code: 'B' }],
  }));
  return execFileSync(rega, ['token', '--keys', `${dir}/keys`, '--licence', `${dir}/licence.json`], { encoding: 'utf8' }).trim();
}

/** Waits until the service worker keeps the verifier's own code. */
async function keptForOffline(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const wasm = document.querySelector<HTMLScriptElement>('script[data-wasm]')?.dataset.wasm ?? '';
    return Boolean(wasm && (await caches.match(wasm)) && (await caches.match('/verifier.html')));
  }), { timeout: 20_000 }).toBe(true);
}

test('offline, a fresh code is valid; expired, tampered and unknown-key codes each get their own message', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: the citizen signs in once');
  expect(rega, 'run through cargo xtask test').toBeTruthy();
  await useLocale(context, 'en');
  await page.goto('/verify');
  await expect(page.locator('#verify-trust')).toContainText('Trust list of');
  const anchor = await apiGet<{ kid: string }>(page, '/trust-anchor');
  await expect(page.locator('#verify-trust')).toContainText(anchor.kid);
  // The demo's anchor was made in memory when the server started: the verifier says so.
  await expect(page.locator('#verify-demo-pin')).toHaveText(directorateMsg('en', 'verify.demo_pin'));
  await keptForOffline(page);
  await signInQuickly(page, '100000000001');
  const { token } = await apiGet<{ token: string }>(page, '/licence/token');
  const unknown = unknownKeyToken();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Verify a driving licence');
  await expect(page.locator('#verify-trust')).toContainText(directorateMsg('en', 'verify.list_offline'));

  await scan(page, token);
  const result = page.locator('#verify-result');
  await expect(result.getByRole('heading', { level: 2 })).toHaveText(directorateMsg('en', 'verify.result_valid'));
  await expect(result).toContainText('Karwan Ahmed');
  await expect(result).toContainText('کاروان ئەحمەد');
  await expect(result).toContainText('KR-ERB-0012345');
  await expect(result.locator('.rg-categories')).toContainText('B');
  await expect(page.locator('#verify-text'), 'ready for the next scan').toBeFocused();
  await expect(page.locator('#verify-text')).toHaveValue('');

  await scan(page, tampered(token, 'KR-ERB-0012345'));
  await expectFailure(page, 'en', 'BadSignature', 'verify.error.bad_signature');
  await scan(page, unknown);
  await expectFailure(page, 'en', 'UnknownKid', 'verify.error.unknown_kid');
  await scan(page, 'HC1:NCFOXN%TS3DH3ZSUZK+.V0ET');
  await expectFailure(page, 'en', 'BadPrefix', 'verify.error.bad_prefix');
  // Pasted rather than scanned, ten minutes later on this device's clock: the code has expired.
  await page.clock.setFixedTime(Date.now() + 10 * 60_000);
  await page.locator('#verify-text').fill(token);
  await page.getByRole('button', { name: directorateMsg('en', 'verify.check') }).click();
  await expectFailure(page, 'en', 'Expired', 'verify.error.expired');
  await expectNoAxeViolations(page);
  await expectTouchTargets(page);
});

test('an empty check is an error on the field, in Sorani, right to left', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one screen size is enough');
  await useLocale(context, 'ckb');
  await page.goto('/verify');
  await expect(page.locator('#verify-trust')).toContainText(directorateMsg('ckb', 'verify.list_updated').slice(0, 8));
  await page.getByRole('button', { name: directorateMsg('ckb', 'verify.check') }).click();
  await expect(page.locator('#verify-text-error')).toHaveText(directorateMsg('ckb', 'verify.error.qr_unreadable'));
  await expect(page.locator('#verify-text')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#verify-text')).toBeFocused();
  await expect(page.locator('#verify-result')).toBeEmpty();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expectNoAxeViolations(page);
});

for (const locale of ['ckb', 'en'] as const) {
  test(`the verifier has no accessibility violations with a result shown (${locale})`, async ({ context, page }, info) => {
    test.skip(info.project.name !== 'desktop', 'one screen size per language');
    await useLocale(context, locale);
    await page.goto('/verify');
    await expect(page.locator('#verify-trust')).toContainText(directorateMsg(locale, 'verify.list_updated').slice(0, 8));
    await expectNoAxeViolations(page);
    await scan(page, 'DL1:NOT-A-LICENCE');
    await expectFailure(page, locale, 'BadBase45', 'verify.error.bad_base45');
    await expectNoAxeViolations(page);
  });
}
