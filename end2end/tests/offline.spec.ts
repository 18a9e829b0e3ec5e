// Offline (the service worker, public/sw.js): after one visit the app opens with no network;
// the licence page then shows the card and a code the phone signs itself (the bound form) —
// and after sign-out, nothing of them.
import { test, expect, type Page } from '@playwright/test';
import { at, appReady, msg, signIn, useLocale } from './fixtures/app';

/** Milliseconds from the start of the page load until the licence QR code is drawn. */
async function qrDrawnAfter(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const look = () => (document.querySelector('svg.rg-qr path') ? resolve(performance.now()) : requestAnimationFrame(look));
        look();
      }),
  );
}

async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

test('after one visit the licence opens offline, with the card and the phone\'s own code, within a second', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one screen size: this demo citizen is one person');
  await useLocale(context, 'en');
  await page.goto('/sign-in?next=/licence');
  await signIn(page, 'en', '100000000003');
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  await expect(page.locator('#licence-offline-until')).toBeVisible({ timeout: 20_000 });
  await serviceWorkerReady(page);

  await context.setOffline(true);
  await page.reload();
  expect(await qrDrawnAfter(page)).toBeLessThan(1000);
  await expect(page.locator('#licence-offline-until')).toBeVisible();
  await expect(page.getByText('KR-DUH-0045678')).toBeVisible();
  // The API is never answered from the worker's cache.
  const api = await page.evaluate(async () => {
    try {
      return (await fetch('/api/v1/licence')).status;
    } catch {
      return 'no network';
    }
  });
  expect(api).toBe('no network');
});

test('after sign-out, the licence page offline shows no licence', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one screen size: this demo citizen is one person');
  await useLocale(context, 'en');
  await page.goto('/sign-in?next=/licence');
  await signIn(page, 'en', '100000000003');
  await expect(page.locator('svg.rg-qr')).toBeVisible();
  await serviceWorkerReady(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(at('/?signed-out=1'));
  await appReady(page);

  await context.setOffline(true);
  await page.goto('/licence');
  await expect(page.getByRole('alert')).toContainText(msg('en', 'common.network_error'));
  await expect(page.locator('svg.rg-qr')).toHaveCount(0);
  await expect(page.getByText('KR-DUH-0045678')).toHaveCount(0);
});
