// The main citizen screens, as a citizen on a phone sees them, in Sorani and English.
import { test, expect, type Page } from '@playwright/test';
import { msg, signIn, useLocale, type Locale } from '../tests/fixtures/app';

const out = process.env.SCREENS_DIR ?? 'docs/screens';

async function shot(page: Page, locale: Locale, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${out}/${locale}-${name}.png`, fullPage: true });
}

for (const [locale, citizen] of [['ckb', '200000000036'], ['en', '200000000037']] as const) {
  test(`the citizen screens (${locale})`, async ({ context, page }) => {
    const t = (key: string) => msg(locale, key);
    await useLocale(context, locale);
    await page.goto('/');
    await expect(page.locator('#rg-shell')).toHaveCount(0);
    await shot(page, locale, '01-home');
    await page.goto('/book');
    await expect(page).toHaveURL(/sign-in/);
    await shot(page, locale, '02-sign-in');
    await signIn(page, locale, citizen);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.service_title'));
    await shot(page, locale, '03-book-service');
    await page.getByLabel(t('service.medical_check')).check();
    await page.getByRole('button', { name: t('common.continue') }).click();
    await expect(page.locator('input[name=directorate]').first()).toBeVisible();
    await shot(page, locale, '04-book-directorate');
    await page.locator('input[name=directorate]').nth(1).check();
    await page.getByRole('button', { name: t('common.continue') }).click();
    await expect(page.locator('a.rg-calendar__link').first()).toBeVisible();
    await shot(page, locale, '05-book-day');
    await page.locator('a.rg-calendar__link').nth(-3).click();
    await expect(page.locator('input[name=time]').first()).toBeVisible();
    await shot(page, locale, '06-book-time');
    await page.locator('input[name=time]').nth(2).check();
    await page.getByRole('button', { name: t('common.continue') }).click();
    await expect(page.getByRole('button', { name: t('book.confirm') })).toBeVisible();
    await shot(page, locale, '07-book-check');
    await page.getByRole('button', { name: t('book.confirm') }).click();
    await expect(page.locator('svg.rg-qr')).toBeVisible();
    await shot(page, locale, '08-confirmation');
    await page.goto('/appointments');
    await expect(page.locator('.rg-appointment-item').first()).toBeVisible();
    await shot(page, locale, '09-my-appointments');
  });
}

test('the licence (ckb and en)', async ({ context, page }) => {
  await useLocale(context, 'ckb');
  await page.goto('/licence');
  await signIn(page, 'ckb', '100000000002');
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  await shot(page, 'ckb', '10-licence');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await shot(page, 'en', '10-licence');
});
