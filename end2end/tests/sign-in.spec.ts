// Sign in with the national card number and the SMS code (SPEC §3.1), in Sorani and English,
// reading the code from the development outbox as a citizen would read their SMS.
import { test, expect } from '@playwright/test';
import { at, appReady, claimCodeSlot, codeFor, msg, openApp, practiceCitizen, ROUTES, SIGN_IN, signIn, useLocale, expectNoAxeViolations } from './fixtures/app';

// Each test signs in a different demo citizen: codes are limited to one a minute per ID, and
// the licence spec uses 001, 003 and 004.
const CITIZENS: Record<string, string> = {
  'ckb phone': '100000000002',
  'en phone': '100000000005',
  'ckb desktop': '100000000006',
  'en desktop': '100000000007',
};

for (const locale of ['ckb', 'en'] as const) {
  const t = SIGN_IN[locale];

  test(`a citizen signs in with the SMS code and lands where they were going (${locale})`, async ({ context, page }, info) => {
    const id = CITIZENS[`${locale} ${info.project.name}`];
    await useLocale(context, locale);
    await openApp(page, '/sign-in?next=/licence');
    await expectNoAxeViolations(page);

    // An empty answer: a problem summary linked to the field, announced.
    await page.getByRole('button', { name: t.sendCode }).click();
    await expect(page.getByRole('alert')).toContainText(t.problem);
    await expect(page.getByRole('alert').getByRole('link', { name: t.badId })).toHaveAttribute('href', '#national-id');
    await expect(page.getByLabel(t.nationalId)).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(page);

    // Eastern Arabic digits are accepted.
    const eastern = id.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    await page.getByLabel(t.nationalId).fill(locale === 'ckb' ? eastern : id);
    await claimCodeSlot(id); // other specs sign in the same demo citizens
    const asked = Math.floor(Date.now() / 1000) - 5;
    await page.getByRole('button', { name: t.sendCode }).click();
    await expect(page.getByLabel(t.code)).toBeVisible();
    await expect(page.getByLabel(t.code)).toHaveAttribute('autocomplete', 'one-time-code');
    await expectNoAxeViolations(page);

    // A wrong code first, then the right one.
    const code = await codeFor(page, id, asked);
    await page.getByLabel(t.code).fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByRole('alert')).toContainText(t.wrongCode);
    await page.getByLabel(t.code).fill(code);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(at(/^\/licence$/));
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES.find((r) => r.path === '/licence')![locale]);
    const session = await page.request.get('/api/v1/auth/session');
    expect(session.status()).toBe(200);
  });
}

test('signing out ends the session and forgets the licence kept on the device', async ({ context, page }, info) => {
  const locale = info.project.name === 'phone' ? 'ckb' : 'en';
  await useLocale(context, locale);
  await page.goto('/sign-in?next=/appointments');
  await signIn(page, locale, practiceCitizen(info, 13));
  await expect(page).toHaveURL(at(/^\/appointments$/));
  await appReady(page);
  const nav = page.getByRole('navigation', { name: msg(locale, 'common.main_navigation') });
  await expect(nav.getByRole('link', { name: msg(locale, 'nav.sign_in') })).toHaveCount(0);
  await page.evaluate(() => localStorage.setItem('rega.licence.token', '{"token":"DL1:X","issued_at":1,"expires_at":2}'));
  await nav.getByRole('button', { name: msg(locale, 'nav.sign_out') }).click();
  await expect(page).toHaveURL(at(/^\/\?signed-out=1$/));
  await appReady(page);
  await expect(page.getByRole('status').filter({ hasText: msg(locale, 'home.signed_out') })).toBeVisible();
  await expect(nav.getByRole('link', { name: msg(locale, 'nav.sign_in') })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('rega.licence.token'))).toBeNull();
  expect(await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status)).toBe(401);
  await expectNoAxeViolations(page);
  await page.goto('/appointments');
  await expect(page).toHaveURL(at(/^\/sign-in\?next=\/appointments$/));
});
