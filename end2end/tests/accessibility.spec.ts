// axe at WCAG 2.2 AA on every route, in Sorani and English, at phone and desktop size
// (the two Playwright projects).
import { test } from '@playwright/test';
import { ROUTES, expectNoAxeViolations, openApp, useLocale } from './fixtures/app';

for (const locale of ['ckb', 'en'] as const) {
  test(`no axe violations on any route (${locale})`, async ({ context, page }) => {
    await useLocale(context, locale);
    for (const route of ROUTES) {
      await openApp(page, route.path);
      await expectNoAxeViolations(page);
    }
  });
}

test('no axe violations on the static shell before the app starts', async ({ page }) => {
  await page.route('**/*_bg.wasm', () => {
    // Never answered: the shell stays.
  });
  await page.goto('/', { waitUntil: 'domcontentloaded' });
  await expectNoAxeViolations(page);
});
