// The release build in Chromium: it boots under the CSP, paints a shell first, switches
// language and direction, and never leaves a blank page.
import { chromium, test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at, DIRECTION, LANGUAGE_BUTTON, ROUTES, appReady, expectNoAxeViolations, msg, openApp, practiceCitizen, signInQuickly, useLocale, watchForErrors } from './fixtures/app';

test('the release build boots under the strict CSP with no console errors', async ({ page }) => {
  const problems = watchForErrors(page);
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  await expect(page.locator('#rg-shell')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // The release build is what loads: a wasm-opt'ed module with a content-hashed name.
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('_bg.wasm')) ?? '',
  );
  expect(wasm).toMatch(/rega-app-[0-9a-f]{8,16}_bg\.wasm$/);
  expect(problems).toEqual([]);
});

test('each wing of the citizen app is a first load of its own; links between wings load the other wing, links within one do not', async ({ page }, info) => {
  const problems = watchForErrors(page);
  const wasmLoaded = () =>
    page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('_bg.wasm')).map((n) => n.replace(/^.*\//, '')));
  const mark = () => page.evaluate(() => ((window as unknown as { regaMark: number }).regaMark = 1));
  const marked = () => page.evaluate(() => (window as unknown as { regaMark?: number }).regaMark === 1);
  await openApp(page, '/');
  expect(await wasmLoaded()).toEqual([expect.stringMatching(/^rega-app-[0-9a-f]{8,16}_bg\.wasm$/)]);
  // Signed out, the start page's booking card leads to sign-in first, in the same app: no
  // wing is downloaded only to send the citizen on.
  await mark();
  await page.locator('#main').getByRole('link', { name: msg('ckb', 'home.book_heading') }).click();
  await expect(page).toHaveURL(at(/^\/sign-in\?next=\/book$/));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES[1].ckb);
  expect(await marked()).toBe(true);

  // Signed in, the card loads the booking's wing: a new document with its own wasm.
  await signInQuickly(page, practiceCitizen(info, 19));
  await openApp(page, '/');
  await mark();
  await page.locator('#main').getByRole('link', { name: msg('ckb', 'home.book_heading') }).click();
  await expect(page).toHaveURL(at(/^\/book$/));
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES[2].ckb);
  expect(await marked()).toBe(false);
  expect(await wasmLoaded()).toEqual([expect.stringMatching(/^rega-book-[0-9a-f]{8,16}_bg\.wasm$/)]);
  // Within the booking's wing, the next step is the same document.
  await mark();
  await page.getByLabel(msg('ckb', 'service.medical_check')).check();
  await page.getByRole('button', { name: msg('ckb', 'common.continue') }).click();
  await expect(page).toHaveURL(at(/^\/book\/directorate\?service=medical_check$/));
  expect(await marked()).toBe(true);
  // The header's My appointments: the appointments' wing, marked as the current page there.
  await page.getByRole('navigation').getByRole('link', { name: msg('ckb', 'nav.appointments') }).click();
  await expect(page).toHaveURL(at(/^\/appointments$/));
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES[3].ckb);
  expect(await marked()).toBe(false);
  await expect(page.getByRole('navigation').getByRole('link', { name: msg('ckb', 'nav.appointments') })).toHaveAttribute('aria-current', 'page');
  // The browser's back button: the booking's step again, whole.
  await page.goBack();
  await expect(page).toHaveURL(at(/^\/book\/directorate\?service=medical_check$/));
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('ckb', 'book.directorate_title'));
  // The ticket, opened from the kiosk's QR code on a phone: a wing of its own, the smallest.
  await openApp(page, '/ticket');
  expect(await wasmLoaded()).toEqual([expect.stringMatching(/^rega-ticket-[0-9a-f]{8,16}_bg\.wasm$/)]);
  expect(problems).toEqual([]);
});

test('the app is installable: its manifest, its own icons and the service worker pass Chromium\'s check', async ({ baseURL }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: it starts its own browser profile');
  // Chromium checks installability only outside incognito, which every Playwright context is:
  // a persistent profile of its own.
  const profile = mkdtempSync(join(tmpdir(), 'rega-install-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
    viewport: { width: 360, height: 800 },
    baseURL,
  });
  try {
    const page = await context.newPage();
    await openApp(page, '/');
    const manifest = await page.request.get('/manifest.webmanifest');
    expect(manifest.status()).toBe(200);
    const body: { icons: { src: string; sizes: string; purpose: string }[]; display: string } = await manifest.json();
    expect(body.display).toBe('standalone');
    expect(body.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
    for (const icon of body.icons) {
      expect((await page.request.get(icon.src)).status(), icon.src).toBe(200);
    }
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const cdp = await context.newCDPSession(page);
    await expect
      .poll(async () => ((await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] }).installabilityErrors.map((e) => e.errorId))
      .toEqual([]);
    const { url } = (await cdp.send('Page.getAppManifest')) as { url: string };
    expect(url).toMatch(/\/manifest\.webmanifest$/);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('Sorani is the default: right-to-left, in Sorani', async ({ page }) => {
  await openApp(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ckb');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES[0].ckb);
  await expect(page.getByRole('button', { name: LANGUAGE_BUTTON.ckb })).toHaveAttribute('aria-pressed', 'true');
});

test('the language switch flips the direction and survives a reload', async ({ page }) => {
  await openApp(page, '/sign-in');
  for (const locale of ['en', 'ar', 'ckb', 'en'] as const) {
    await page.getByRole('button', { name: LANGUAGE_BUTTON[locale] }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.locator('html')).toHaveAttribute('dir', DIRECTION[locale]);
    await expect(page.getByRole('button', { name: LANGUAGE_BUTTON[locale] })).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await page.reload();
  await expect(page.locator('#rg-shell')).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
});

test('the layout mirrors: the brand sits at the start edge in both directions', async ({ page }) => {
  await openApp(page, '/');
  const width = page.viewportSize()?.width ?? 0;
  const rtlBox = await page.locator('.rg-header__brand').boundingBox();
  expect(rtlBox && rtlBox.x + rtlBox.width).toBeGreaterThan(width * 0.5);
  await page.getByRole('button', { name: LANGUAGE_BUTTON.en }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  const ltrBox = await page.locator('.rg-header__brand').boundingBox();
  expect(ltrBox && ltrBox.x).toBeLessThan(width * 0.5);
});

for (const locale of ['ckb', 'en'] as const) {
  test(`every route has its own localized heading and title (${locale})`, async ({ context, page }) => {
    await useLocale(context, locale);
    const signInHeading = ROUTES.find((r) => r.path === '/sign-in')![locale];
    for (const route of ROUTES) {
      await openApp(page, route.path);
      if (route.signedIn) {
        // Signed out, the page leads to sign-in and back.
        await expect(page).toHaveURL(at(new RegExp(`^/sign-in\\?next=${route.path}$`)));
        await appReady(page);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(signInHeading);
        continue;
      }
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(route[locale]);
      await expect(page).toHaveTitle(new RegExp(route[locale].slice(0, 12).replace(/[()]/g, '.')));
      if (route.path === '/') {
        // The page's description follows the language shown.
        await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', msg(locale, 'home.intro'));
      }
    }
  });
}

test('following a link moves focus to the new page heading', async ({ context, page }) => {
  await useLocale(context, 'en');
  await openApp(page, '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page).toHaveURL(at(/^\/sign-in$/));
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROUTES[0].en);
});

test('an unknown address shows a localized not-found page', async ({ context, page }) => {
  await useLocale(context, 'en');
  await openApp(page, '/no/such/page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
});

test('the static shell is painted in the saved language before the app arrives', async ({ context, page }) => {
  await useLocale(context, 'en');
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/', { waitUntil: 'commit' });
  await expect(page.locator('#rg-shell')).toBeVisible();
  await expect(page.getByText('Loading…')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  release();
  await expect(page.locator('#rg-shell')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('a main page is sent with its heading and introduction, so they are painted before the app', async ({ context, page }) => {
  await useLocale(context, 'ckb');
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/book/day?service=medical_check&directorate=erbil', { waitUntil: 'commit' });
  await expect(page.locator('#rg-shell')).toBeVisible();
  // Only the saved language's heading shows; the others are hidden from everyone (once the
  // stylesheet has arrived: waited for, not assumed).
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('ckb', 'book.day_title'));
  await expect(page.getByText(msg('ckb', 'book.day_intro'))).toBeVisible();
  await expect(page.getByText(msg('en', 'book.day_title'))).toBeHidden();
  await expectNoAxeViolations(page);
  release();
  await expect(page.locator('#rg-shell')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('ckb', 'book.day_title'));
  await expect(page.locator('a.rg-calendar__link').first()).toBeVisible();
});

test('with JavaScript off the page says how to book by phone or in person', async ({ playwright }) => {
  // A browser started with scripts disabled, as a citizen would have it (Playwright's own
  // javaScriptEnabled:false still parses <noscript> as if scripts ran).
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--blink-settings=scriptEnabled=false'],
  });
  const page = await browser.newPage();
  await page.goto(test.info().project.use.baseURL + '/');
  await expect(page.getByRole('heading', { name: 'Book by phone or in person' })).toBeVisible();
  await expect(page.getByText('phone the traffic directorate of your city')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'بە تەلەفۆن یان بە سەردانیکردن نۆرە بگرە' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'احجز بالهاتف أو بالحضور' })).toBeVisible();
  // No endless "Loading…" next to it.
  await expect(page.getByText('بارکردن…')).toBeHidden();
  await browser.close();
});

test('when the app cannot load, the same phone and in-person text replaces the loading shell', async ({ page }) => {
  await page.route('**/*_bg.wasm', (route) => route.abort());
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Book by phone or in person' })).toBeVisible();
  await expect(page.getByText('phone the traffic directorate of your city')).toBeVisible();
  await expect(page.getByRole('status')).toBeHidden();
});
