// axe at WCAG 2.2 AA on every route, in Sorani and English, at phone and desktop size
// (the two Playwright projects).
import { expect, test } from '@playwright/test';
import { at, ROUTES, appReady, expectNoAxeViolations, openApp, useLocale } from './fixtures/app';

for (const locale of ['ckb', 'en'] as const) {
  test(`no axe violations on any route (${locale})`, async ({ context, page }) => {
    await useLocale(context, locale);
    for (const route of ROUTES) {
      await openApp(page, route.path);
      if (route.signedIn) {
        // Signed out, the page's app sends the visitor to sign in (another wing: a new load).
        await expect(page).toHaveURL(at(/^\/sign-in\?next=/));
        await appReady(page);
      }
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
