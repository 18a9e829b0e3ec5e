// The audit trail at the desk (issue 15): a supervisor reads their directorate's records — never
// another directorate's — filters them by action, and downloads them as CSV; the administrator
// reads the whole network's at /admin. In Sorani (right to left) and in English, checked with axe.
import { test, expect } from '@playwright/test';
import { directorateMsg, expectNoAxeViolations, staffSignIn, useLocale, type Locale } from './fixtures/app';

const PASSWORD = 'rega-demo-staff';

for (const locale of ['ckb', 'en'] as Locale[]) {
  test(`a supervisor reads, filters and downloads their directorate's audit trail (${locale})`, async ({ browser }, info) => {
    test.skip(info.project.name !== 'desktop', 'a supervisor works at a desktop browser');
    // Duhok's desk signs in first: its record must not show at Erbil.
    const duhok = await browser.newContext();
    await useLocale(duhok, locale);
    const duhokPage = await duhok.newPage();
    await staffSignIn(duhokPage, locale, '/desk', 'duhok-desk', PASSWORD);
    await expect(duhokPage.getByRole('heading', { level: 2, name: directorateMsg(locale, 'desk.call_title') })).toBeVisible();
    await duhok.close();

    const context = await browser.newContext();
    await useLocale(context, locale);
    const page = await context.newPage();
    await staffSignIn(page, locale, '/desk', 'erbil-supervisor', PASSWORD);
    await expect(page.getByRole('heading', { level: 2, name: directorateMsg(locale, 'audit.title') })).toBeVisible();
    const trail = page.locator('#audit-records');
    await expect(trail.getByRole('cell', { name: 'erbil-supervisor', exact: true }).first()).toBeVisible();
    await expect(trail.getByRole('cell', { name: 'duhok-desk', exact: true })).toHaveCount(0);
    await expect(page.locator('html')).toHaveAttribute('dir', locale === 'en' ? 'ltr' : 'rtl');
    await expectNoAxeViolations(page);

    await page.getByLabel(directorateMsg(locale, 'audit.action'), { exact: true }).fill('staff.sign_in');
    await page.getByRole('button', { name: directorateMsg(locale, 'audit.show') }).click();
    const link = page.getByRole('link', { name: directorateMsg(locale, 'audit.csv') });
    await expect(link).toHaveAttribute('href', /action=staff\.sign_in/);
    const actions = await trail.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['staff.sign_in']));

    const csv = await page.request.get((await link.getAttribute('href')) ?? '');
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('seq,time,actor,staff,action,object,result');
    expect(text).toContain('erbil-supervisor,staff.sign_in');
    expect(text).not.toContain('duhok-desk');
    await context.close();
  });
}

test('the administrator reads the whole network\'s trail at /admin', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'an administrator works at a desktop browser');
  // Duhok's desk signs in (through the API, in a context of its own): the administrator finds it.
  const duhok = await browser.newContext();
  expect((await duhok.request.post('/api/v1/staff/sign-in', { data: { username: 'duhok-desk', password: PASSWORD } })).status()).toBe(200);
  await duhok.close();
  const context = await browser.newContext();
  await useLocale(context, 'ar');
  const page = await context.newPage();
  await staffSignIn(page, 'ar', '/admin', 'network-admin', PASSWORD);
  await expect(page.getByRole('heading', { level: 2, name: directorateMsg('ar', 'audit.title') })).toBeVisible();
  await page.getByLabel(directorateMsg('ar', 'audit.staff'), { exact: true }).fill('duhok-desk');
  await page.getByRole('button', { name: directorateMsg('ar', 'audit.show') }).click();
  await expect(page.locator('#audit-records').getByRole('cell', { name: 'duhok-desk', exact: true }).first()).toBeVisible();
  await expectNoAxeViolations(page);
  await context.close();
});
