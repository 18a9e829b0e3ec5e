// The central administrator (issue 14): signs in at /admin, creates a desk account whose one-time
// password is shown once, and checks a configuration change (refused with its line); the new
// account signs in at /desk and must choose its own password before its day. In Sorani (right to
// left) and in English, each state checked with axe.
import { test, expect } from '@playwright/test';
import { directorateMsg, expectNoAxeViolations, staffSignIn, useLocale, type Locale } from './fixtures/app';

const PASSWORD = 'rega-demo-staff';

for (const locale of ['ckb', 'en'] as Locale[]) {
  test(`the administrator makes a desk account that chooses its own password first (${locale})`, async ({ browser }, info) => {
    test.skip(info.project.name !== 'desktop', 'an administrator works at a desktop browser');
    const context = await browser.newContext();
    await useLocale(context, locale);
    const page = await context.newPage();
    await staffSignIn(page, locale, '/admin', 'network-admin', PASSWORD);
    await expect(page.getByRole('heading', { level: 2, name: directorateMsg(locale, 'admin.accounts_title') })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('dir', locale === 'en' ? 'ltr' : 'rtl');
    const accounts = page.locator('#admin-accounts');
    await expect(accounts.getByRole('cell', { name: 'erbil-supervisor', exact: true })).toBeVisible();
    const config = page.getByLabel(directorateMsg(locale, 'config.document'));
    await expect(config).toHaveValue(/\[\[directorates\]\]/);
    await expectNoAxeViolations(page);

    // A new desk account at Erbil: its one-time password, shown once.
    const username = `erbil-desk-${locale}-${Date.now() % 100000}`;
    await page.getByLabel(directorateMsg(locale, 'admin.col_username'), { exact: true }).first().fill(username);
    await page.locator('#admin-new-directorate').selectOption('erbil');
    await page.getByRole('button', { name: directorateMsg(locale, 'admin.create') }).click();
    const shown = page.getByRole('status').locator('bdi.rg-code');
    await expect(shown).toHaveText(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const oneTime = (await shown.textContent()) ?? '';
    await expect(accounts.getByRole('cell', { name: username, exact: true })).toBeVisible();
    await expect(accounts.getByRole('cell', { name: directorateMsg(locale, 'admin.one_time'), exact: true }).first()).toBeVisible();
    await expectNoAxeViolations(page);

    // A configuration change with a wrong value: refused, with its line, nothing applied.
    const document = await config.inputValue();
    await config.fill(document.replace('booking_window_days = 30', 'booking_window_days = -3'));
    await page.getByRole('button', { name: directorateMsg(locale, 'config.check') }).click();
    const line = document.split('\n').findIndex((l) => l.startsWith('booking_window_days')) + 1;
    const digits = locale === 'en' ? String(line) : String(line).replace(/[0-9]/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]);
    await expect(page.getByText(directorateMsg(locale, 'config.refused', { line: digits }))).toBeVisible();
    await expect(page.locator('code', { hasText: 'rules.booking_window_days' })).toBeVisible();
    await expectNoAxeViolations(page);
    // The document as it was: nothing to apply.
    await config.fill(document);
    await page.getByRole('button', { name: directorateMsg(locale, 'config.check') }).click();
    await expect(page.getByText(directorateMsg(locale, 'config.unchanged'))).toBeVisible();

    // The new account signs in at the desk and must choose its password before its day.
    const desk = await (async () => {
      const other = await browser.newContext();
      await useLocale(other, locale);
      return other.newPage();
    })();
    await staffSignIn(desk, locale, '/desk', username, oneTime);
    await expect(desk.getByRole('heading', { level: 2, name: directorateMsg(locale, 'password.title') })).toBeVisible();
    await expectNoAxeViolations(desk);
    await desk.getByLabel(directorateMsg(locale, 'password.current')).fill(oneTime);
    await desk.getByLabel(directorateMsg(locale, 'password.new')).fill('short');
    await desk.getByRole('button', { name: directorateMsg(locale, 'password.save') }).click();
    await expect(desk.getByRole('alert')).toHaveText(directorateMsg(locale, 'error.staff_weak_password'));
    await desk.getByLabel(directorateMsg(locale, 'password.new')).fill('a-long-own-password');
    await desk.getByRole('button', { name: directorateMsg(locale, 'password.save') }).click();
    await expect(desk.getByRole('heading', { level: 2, name: directorateMsg(locale, 'desk.day_title') })).toBeVisible();

    // The administrator sees the account settled, and the desk has no way into /admin.
    await page.reload();
    const row = accounts.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
    await expect(row.getByRole('cell', { name: directorateMsg(locale, 'admin.active'), exact: true })).toBeVisible();
    await desk.goto('/admin');
    await expect(desk.getByText(directorateMsg(locale, 'admin.only'))).toBeVisible();
    await expectNoAxeViolations(desk);
    await context.close();
    await desk.context().close();
  });
}
