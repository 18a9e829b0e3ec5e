// A new release (public/sw.js): the next online visit loads it, its worker takes over once no
// page of the old release is open, the old release's cache is deleted, and offline the app then
// comes wholly from the new release — never a mix of the two.
import { test, expect, type Page } from '@playwright/test';
import { dist, freePort, freshDataDir, nextDist, rega, serve, stop } from './fixtures/server';

const release = (page: Page) => page.evaluate(() => document.querySelector('meta[name=rega-release]')?.getAttribute('content') ?? null);
const appFile = (page: Page) => page.locator('script[data-wasm]').getAttribute('data-wasm');
const cacheNames = (page: Page) => page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('rega-')));

test('an updated build is picked up on the next online visit, with no mix of releases', async ({ browser }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: it starts its own servers');
  expect(rega && dist && nextDist, 'run through cargo xtask test').toBeTruthy();
  const port = await freePort();
  const dataDir = freshDataDir('update');
  const origin = `http://127.0.0.1:${port}`;
  let server = await serve(dist, port, dataDir);
  const context = await browser.newContext();
  try {
    const first = await context.newPage();
    await first.goto(`${origin}/`);
    await expect(first.locator('#rg-shell')).toHaveCount(0);
    await first.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => cacheNames(first)).toHaveLength(1);
    const [oldCache] = await cacheNames(first);
    const oldFile = await appFile(first);
    expect(await release(first)).toBeNull();

    // The new release is deployed; the next visit online gets its pages and code.
    await stop(server);
    server = await serve(nextDist, port, dataDir);
    await first.reload();
    await expect(first.locator('#rg-shell')).toHaveCount(0);
    expect(await release(first)).toBe('next');
    expect(await appFile(first)).not.toBe(oldFile);
    // Its worker is installed and waits for the old release's pages to close.
    await expect.poll(() => first.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting)), { timeout: 20_000 }).toBe(true);
    expect(await cacheNames(first), 'the old release stays whole while its page is open').toContain(oldCache);
    await first.close();

    const second = await context.newPage();
    await second.goto(`${origin}/`);
    await expect(second.locator('#rg-shell')).toHaveCount(0);
    await expect.poll(() => cacheNames(second), { timeout: 20_000 }).toEqual([expect.not.stringMatching(`^${oldCache}$`)]);
    const [newCache] = await cacheNames(second);
    const cached = await second.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), newCache);
    expect(cached.filter((p) => p.startsWith('/rega-app-'))).toEqual(expect.arrayContaining([await appFile(second)]));
    expect(cached.filter((p) => p === oldFile), 'no file of the old release in the new cache').toEqual([]);

    // With no network at all, the app is the new release, whole.
    await context.setOffline(true);
    await second.reload();
    expect(await release(second)).toBe('next');
    await expect(second.locator('#rg-shell')).toHaveCount(0);
    await expect(second.getByRole('heading', { level: 1 })).toBeVisible();
  } finally {
    await context.close();
    await stop(server);
  }
});
