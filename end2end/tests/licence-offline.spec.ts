// The licence kept on the phone (issue 19, docs/credential.md "The bound form"). Signed in, the
// licence page makes a key the browser cannot give away and shows a code the phone signs
// itself. Offline and two days later (the page's clock), the QR code on screen, read by zbar,
// verifies at an offline /verify and with the independent Python cross-check; the same screenshot five
// minutes later is refused; the credential copied into another browser makes no valid code;
// withdrawing the phone and signing out leave nothing; a shared phone keeps nothing at all.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { at, apiGet, apiPost, appReady, codeFor, directorateMsg, expectNoAxeViolations, msg, readQr, SIGN_IN, staffSignIn } from './fixtures/app';
import { ownServer } from './fixtures/server';
import { base45Encode, expectFailure, expectValid, scan, verifyWithRega } from './fixtures/verify';

const rega = process.env.REGA_BIN ?? '';
const python = process.env.REGA_PYTHON ?? '';
const DAY = 86_400_000;

/** Signs in through the page (this test's own server: no other test competes for the ID). */
async function signInHere(page: Page, nationalId: string, sharedPhone = false): Promise<void> {
  const t = SIGN_IN.en;
  await page.getByLabel(t.nationalId).fill(nationalId);
  const asked = Math.floor(Date.now() / 1000) - 5;
  await page.getByRole('button', { name: t.sendCode }).click();
  await expect(page.getByLabel(t.code)).toBeVisible();
  await page.getByLabel(t.code).fill(await codeFor(page, nationalId, asked));
  // Unticked unless the citizen says so.
  await expect(page.getByLabel(msg('en', 'sign_in.shared_phone'))).not.toBeChecked();
  if (sharedPhone) await page.getByLabel(msg('en', 'sign_in.shared_phone')).check();
  await page.getByRole('button', { name: t.submit }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  await appReady(page);
}

/** What the browser keeps for this origin: storage keys and IndexedDB databases. */
async function kept(page: Page): Promise<{ local: string[]; session: string[]; databases: string[] }> {
  return page.evaluate(async () => ({
    local: Object.keys(localStorage).filter((k) => k !== 'rega.locale'),
    session: Object.keys(sessionStorage),
    databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
  }));
}

/** The record `name` of the phone's store, as the page keeps it. */
async function record(page: Page, name: string): Promise<{ exportable: string; value: string }> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((ok, no) => {
      const r = indexedDB.open('rega');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const value = await new Promise<unknown>((ok) => {
      const r = db.transaction('licence').objectStore('licence').get(name);
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    if (typeof value === 'string') return { exportable: '', value };
    const pair = value as CryptoKeyPair;
    const exportable = await crypto.subtle.exportKey('pkcs8', pair.privateKey).then(() => 'exported', () => 'refused');
    return { exportable: `${exportable}, extractable: ${pair.privateKey.extractable}`, value: '' };
  }, name);
}

test('offline two days later the phone\'s own code verifies; a replay, a copied credential, a withdrawn phone and a signed-out one get nothing', async ({ browser }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: a server of its own');
  test.setTimeout(240_000);
  expect(rega && python, 'run through cargo xtask test').toBeTruthy();
  const server = await ownServer(browser, 'licence-offline');
  try {
    const phone = await server.open('en');
    const start = Date.now();
    await phone.clock.install({ time: start });
    await phone.goto('/sign-in?next=/licence');
    await signInHere(phone, '100000000001');
    await expect(phone).toHaveURL(at(/^\/licence$/));
    const until = phone.locator('#licence-offline-until');
    await expect(until).toBeVisible({ timeout: 20_000 });
    await expect(until).toContainText('Kept on this phone: the code works without a network until');
    const qr = phone.locator('svg.rg-qr');
    await expect.poll(async () => (await readQr(qr).catch(() => '')).slice(0, 4), { timeout: 15_000 }).toBe('DLB:');
    await expect(phone.getByRole('heading', { name: msg('en', 'licence.devices_title') })).toBeVisible();
    await expect(phone.locator('.rg-devices__item')).toContainText(msg('en', 'licence.device_this'));
    await expectNoAxeViolations(phone);
    // The key cannot be read out of the browser; the credential can, and is useless alone.
    expect((await record(phone, 'key')).exportable).toBe('refused, extractable: false');
    const copied = JSON.parse((await record(phone, 'credential')).value) as { credential: string; digest: string };

    // No network, two days later: the page signs a fresh code by itself.
    const first = await readQr(qr);
    await phone.context().setOffline(true);
    await phone.clock.fastForward(2 * DAY);
    let text = '';
    await expect.poll(async () => {
      text = await readQr(qr).catch(() => '');
      return text.startsWith('DLB:') && text !== first;
    }, { timeout: 20_000 }).toBe(true);
    await expect(until).toBeVisible();
    await phone.screenshot({ path: info.outputPath('licence-offline.png') });

    // An officer whose verifier took its trust list (and the server's time) online, offline two
    // days later too: valid, the phone's own, two days old.
    const officer = await server.open('en');
    await officer.clock.install();
    await officer.goto('/verify');
    await expect(officer.locator('#verify-trust')).toContainText('Trust list of');
    const dir = info.outputDir;
    writeFileSync(join(dir, 'trust-list.jws'), await (await officer.request.get('/api/v1/trust-list')).text());
    writeFileSync(join(dir, 'anchor.json'), await (await officer.request.get('/api/v1/trust-anchor')).text());
    await officer.context().setOffline(true);
    await officer.clock.setSystemTime(start + 2 * DAY + 20_000);
    await scan(officer, text);
    await expectValid(officer, 'en');
    await expect(officer.locator('#verify-form')).toHaveText(directorateMsg('en', 'verify.form_bound'));
    await expect(officer.locator('#verify-issued')).toContainText('2 days old');

    // The independent cross-check (pycose, cbor2, cryptography) agrees.
    const when = new Date(start + 2 * DAY + 20_000).toISOString();
    const verified = JSON.parse(execFileSync(rega, ['verify', '--trust-list', join(dir, 'trust-list.jws'), '--anchor', join(dir, 'anchor.json'), '--at', when, text], { encoding: 'utf8' }));
    expect(verified.form).toBe('bound');
    writeFileSync(join(dir, 'licence.json'), JSON.stringify(verified.licence));
    const keys = join(server.dataDir, 'keys');
    const publicKey = readdirSync(keys).find((f) => f.endsWith('.pub.pem'));
    const report = execFileSync(python, [
      `${process.cwd()}/credential/crosscheck/verify_dl1.py`, join(keys, publicKey ?? ''),
      `${process.cwd()}/credential/src/dl1-zlib-dictionary.bin`, join(dir, 'licence.json'), 'KRG-GDT',
    ], { input: text, encoding: 'utf8' });
    expect(report).toContain('valid bound');

    // The same screenshot five minutes later: too old.
    await officer.clock.fastForward(5 * 60_000);
    await scan(officer, text);
    await expectFailure(officer, 'en', 'PresentationTooOld', 'verify.error.presentation_too_old');

    // The credential copied into another browser, presented with that browser's own key.
    const thief = await server.open('en');
    await thief.clock.install({ time: start + 2 * DAY + 5 * 60_000 + 30_000 });
    await thief.goto('/');
    const forged = await thief.evaluate(async ({ credential, digest }) => {
      const bytes = (b64: string) => Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      const at = Math.floor(Date.now() / 1000);
      const time = new Uint8Array([at >>> 24, (at >>> 16) & 255, (at >>> 8) & 255, at & 255]);
      const message = new Uint8Array([...new TextEncoder().encode('DLB1 presentation'), ...bytes(digest), ...time]);
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, message));
      return [...bytes(credential), ...time, ...signature];
    }, copied);
    await scan(officer, `DLB:${base45Encode(Buffer.from(forged))}`);
    await expectFailure(officer, 'en', 'DeviceSignatureBad', 'verify.error.device_signature_bad');

    // Back online, at the real time again: the citizen withdraws this phone. It keeps no key,
    // and shows the server's code.
    await phone.clock.setSystemTime(Date.now());
    await phone.context().setOffline(false);
    const item = phone.locator('.rg-devices__item').filter({ hasText: msg('en', 'licence.device_this') });
    await item.getByRole('button', { name: msg('en', 'licence.device_withdraw') }).click();
    await expect(phone.locator('.rg-devices__item')).toContainText(msg('en', 'licence.device_withdrawn'));
    await expect(until).toHaveCount(0);
    await expect.poll(async () => (await kept(phone)).databases).not.toContain('rega');
    await expect.poll(async () => (await readQr(qr).catch(() => '')).slice(0, 4), { timeout: 15_000 }).toBe('DL1:');

    // Signing out leaves nothing of the citizen's on the phone.
    await phone.getByRole('button', { name: msg('en', 'nav.sign_out') }).click();
    await phone.waitForURL(/signed-out=1/);
    await expect.poll(() => kept(phone)).toEqual({ local: [], session: [], databases: [] });
  } finally {
    await server.close();
  }
});

test('a shared phone keeps nothing: the server\'s code online, no key, no card, nothing after signing out', async ({ browser }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: a server of its own');
  const server = await ownServer(browser, 'shared-phone');
  try {
    const page = await server.open('en');
    await page.goto('/sign-in?next=/licence');
    await signInHere(page, '100000000002', true);
    await expect(page).toHaveURL(at(/^\/licence$/));
    await expect.poll(async () => (await readQr(page.locator('svg.rg-qr')).catch(() => '')).slice(0, 4), { timeout: 15_000 }).toBe('DL1:');
    await expect(page.locator('#licence-offline-until')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: msg('en', 'licence.devices_title') })).toHaveCount(0);
    // Only this tab's sign-in mark, gone with the tab: no key, no card, no token.
    const during = await kept(page);
    expect(during.local).toEqual([]);
    expect(during.databases).toEqual([]);
    expect(during.session.sort()).toEqual(['rega.shared-phone', 'rega.signed-in']);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: msg('en', 'nav.sign_out') }).click();
    await page.waitForURL(/signed-out=1/);
    await expect.poll(() => kept(page)).toEqual({ local: [], session: [], databases: [] });
  } finally {
    await server.close();
  }
});

test('a phone whose clock runs ten minutes fast asks for one code, not one a second, and its own code verifies at the right time, also at an officer\'s phone as fast', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run: a server of its own');
  expect(rega, 'run through cargo xtask test').toBeTruthy();
  const server = await ownServer(browser, 'fast-clock');
  const fast = 10 * 60_000;
  try {
    // The server's code (a shared phone keeps no key): counted as the page asks for it.
    const shared = await server.open('en');
    await shared.clock.install({ time: Date.now() + fast });
    const asked: string[] = [];
    shared.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/licence/token') asked.push(r.url()); });
    await shared.goto('/sign-in?next=/licence');
    await signInHere(shared, '100000000002', true);
    await expect.poll(async () => (await readQr(shared.locator('svg.rg-qr')).catch(() => '')).slice(0, 4), { timeout: 15_000 }).toBe('DL1:');
    // The countdown is the server's: a fresh code, not one that looks expired.
    await expect(shared.getByText(/^This code is valid for 1\d\d more seconds and renews itself\.$/)).toBeVisible();
    await shared.waitForTimeout(6_000);
    expect(asked.length).toBe(1);

    // The phone's own code carries the server's time, so an officer whose clock is right
    // accepts it (the phone's own clock would make it a code from the future).
    const phone = await server.open('en');
    await phone.clock.install({ time: Date.now() + fast });
    await phone.goto('/sign-in?next=/licence');
    await signInHere(phone, '100000000001');
    await expect(phone.locator('#licence-offline-until')).toBeVisible({ timeout: 20_000 });
    let text = '';
    await expect.poll(async () => {
      text = await readQr(phone.locator('svg.rg-qr')).catch(() => '');
      return text.slice(0, 4);
    }, { timeout: 15_000 }).toBe('DLB:');
    const verified = await verifyWithRega(phone, text, info.outputDir, new Date().toISOString());
    expect(verified.valid, JSON.stringify(verified)).toBe(true);
    expect(verified.form).toBe('bound');

    // An officer's phone ten minutes fast too: online, its verifier learns the server's time, so
    // the code signed seconds ago is not taken as one ten minutes old.
    const officer = await server.open('en');
    await officer.clock.install({ time: Date.now() + fast });
    await officer.goto('/verify');
    await expect(officer.locator('#verify-trust')).toContainText('Trust list of');
    await scan(officer, text);
    await expectValid(officer, 'en');
  } finally {
    await server.close();
  }
});

test('an upcoming appointment and its code show on the phone with no network, marked with when they were kept', async ({ browser }, info) => {
  test.skip(info.project.name !== 'phone', 'one run: a server of its own');
  const server = await ownServer(browser, 'kept-appointments');
  try {
    const page = await server.open('en');
    await page.goto('/sign-in?next=/appointments');
    await signInHere(page, '200000000001');
    const days: { days: { date: string; places_left: number; closed?: string }[] } =
      await apiGet(page, '/availability/days?directorate=erbil&service=medical_check');
    const day = days.days.find((d) => !d.closed && d.places_left > 0)!.date;
    const slots: { slots: { slot_id: number }[] } = await apiGet(page, `/availability/slots?directorate=erbil&service=medical_check&date=${day}`);
    const booked = await apiPost(page, '/appointments', { slot_id: slots.slots[0].slot_id, service: 'medical_check' });
    expect(booked.status).toBe(201);
    const reference = String(booked.json.reference);
    await page.reload();
    await appReady(page);
    await expect(page.getByText(reference)).toBeVisible();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    await page.context().setOffline(true);
    await page.reload();
    await expect(page.locator('#appointments-offline')).toContainText('No connection: these are your appointments as this phone kept them on');
    await page.locator(`a[href="/appointments/${reference}"]`).click();
    await expect(page).toHaveURL(at(new RegExp(`^/appointments/${reference}$`)));
    await expect(page.locator('#appointments-offline')).toBeVisible();
    expect(await readQr(page.locator('.rg-appointment__qr svg'))).toBe(reference);
    await expectNoAxeViolations(page);
  } finally {
    await server.close();
  }
});

test('a desk withdraws a citizen\'s lost phone after checking the ID card: the phone then keeps nothing and shows the server\'s code', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run: a server of its own');
  const server = await ownServer(browser, 'desk-withdraws');
  try {
    const phone = await server.open('en');
    await phone.goto('/sign-in?next=/licence');
    await signInHere(phone, '100000000001');
    await expect(phone.locator('#licence-offline-until')).toBeVisible({ timeout: 20_000 });

    const desk = await server.open('en');
    await staffSignIn(desk, 'en', '/desk', 'erbil-desk', 'rega-demo-staff');
    await desk.getByLabel(directorateMsg('en', 'desk.phones_national_id')).fill('100000000001');
    await desk.getByRole('button', { name: directorateMsg('en', 'desk.phones_show') }).click();
    const phones = desk.locator('#desk-phones');
    await expect(phones.locator('.rg-devices__item')).toHaveCount(1);
    await phones.getByRole('button', { name: directorateMsg('en', 'desk.phones_withdraw') }).click();
    await expect(phones).toContainText(directorateMsg('en', 'desk.phones_withdrawn'));
    await expectNoAxeViolations(desk);

    // The phone renews its credential when it is next online: refused, it forgets the key.
    await phone.reload();
    await expect(phone.getByRole('alert')).toContainText(msg('en', 'error.device_withdrawn'));
    await expect(phone.locator('#licence-offline-until')).toHaveCount(0);
    await expect.poll(async () => (await readQr(phone.locator('svg.rg-qr')).catch(() => '')).slice(0, 4), { timeout: 15_000 }).toBe('DL1:');
    await expect.poll(async () => (await kept(phone)).databases).not.toContain('rega');
  } finally {
    await server.close();
  }
});
