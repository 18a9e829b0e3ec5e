// Keys rotate and are revoked with the trust anchor offline (issue 15): a server of the test's
// own holds only its signing keys and the anchor's public key; the "anchor's machine" here is a
// directory the server never reads. Lists signed there are dropped into the server's keys
// directory, which it publishes; the verifier, pinned to the configured anchor, takes each
// refreshed list, and a revoked key's code gets its own message while the new key's verifies.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { apiGet, directorateMsg, expectNoAxeViolations, signInQuickly, staffSignIn } from './fixtures/app';
import { ownServer, rega } from './fixtures/server';
import { expectFailure, expectValid, scan } from './fixtures/verify';

const work = () => mkdtempSync(`${tmpdir()}/rega-trust-`);

/** The signing keys' public parts in a server's keys directory, oldest name first. */
function publicParts(keys: string): string[] {
  return readdirSync(keys).filter((n) => n.endsWith('.pub.pem')).sort();
}

/** On the anchor's machine: signs the list of `(public part, status)`; returns its text. */
function signed(anchor: string, keys: string, entries: [string, string][]): string {
  let document = 'valid_days = 30\n';
  for (const [file, status] of entries) {
    copyFileSync(`${keys}/${file}`, `${anchor}/${file}`);
    document += `[[key]]\npublic_key = "${file}"\nstatus = "${status}"\nnot_before = "2026-01-01"\nnot_after = "2030-12-31"\n`;
  }
  writeFileSync(`${anchor}/trust-list.toml`, document);
  execFileSync(rega, ['trust-list', 'sign', '--anchor-key', `${anchor}/anchor-key.pem`,
    '--keys', `${anchor}/trust-list.toml`, '--out', `${anchor}/trust-list.jws`]);
  return readFileSync(`${anchor}/trust-list.jws`, 'utf8');
}

/** Signs a list and drops it into the server's keys directory, whole, as an operator's copy would. */
function signList(anchor: string, keys: string, entries: [string, string][]): void {
  writeFileSync(`${keys}/trust-list.jws.new`, signed(anchor, keys, entries));
  renameSync(`${keys}/trust-list.jws.new`, `${keys}/trust-list.jws`);
}

const kidOf = (file: string) => file.slice('signing-'.length, 'signing-'.length + 16);

/** Waits until the server signs with this key (it looks for a new list every 10 seconds). */
async function signingWith(page: Page, kid: string): Promise<void> {
  await expect.poll(async () => (await page.request.get('/readyz').then((r) => r.json())).credentials.signing_kid,
    { timeout: 30_000, intervals: [500] }).toBe(kid);
}

/** Opens /verify and waits until the device keeps the list the server serves now. */
async function verifierWithCurrentList(page: Page): Promise<void> {
  const served = await (await page.request.get('/api/v1/trust-list')).text();
  await page.goto('/verify');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('rega.verify.trust-list')), { timeout: 15_000 })
    .toBe(served);
}

test('a rotated key takes over without breaking codes in flight, and a revoked key is refused by /verify', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run: it starts a server of its own');
  test.setTimeout(180_000);
  expect(rega, 'run through cargo xtask test').toBeTruthy();
  const dir = work();
  const [anchor, keys] = [`${dir}/anchor-machine`, `${dir}/server-keys`];
  execFileSync(rega, ['anchor', 'generate', '--out', anchor]);
  execFileSync(rega, ['keys', 'generate', '--out', keys]);
  const [first] = publicParts(keys);
  signList(anchor, keys, [[first, 'active']]);
  const server = await ownServer(browser, 'trust', ['--keys-dir', keys, '--trust-anchor', `${anchor}/anchor-pub.pem`]);
  try {
    const page = await server.open('en');
    await verifierWithCurrentList(page);
    // The operator's anchor, configured: no demo warning, and its kid is shown.
    await expect(page.locator('#verify-demo-pin')).toHaveCount(0);
    const pinned = await apiGet<{ kid: string }>(page, '/trust-anchor');
    await expect(page.locator('#verify-trust')).toContainText(pinned.kid);
    await signInQuickly(page, '100000000001', false);
    const { token: inFlight } = await apiGet<{ token: string }>(page, '/licence/token');

    // Rotation: a new key made on the server signs nothing until the list names it active. The
    // administrator publishes the new list by pasting it at /admin.
    execFileSync(rega, ['keys', 'generate', '--out', keys]);
    const second = publicParts(keys).find((f) => f !== first)!;
    expect((await page.request.get('/readyz').then((r) => r.json())).credentials.signing_kid).toBe(kidOf(first));
    const admin = await server.open('en');
    await staffSignIn(admin, 'en', '/admin', 'network-admin', 'rega-demo-staff');
    const state = admin.locator('#trust-state');
    await expect(state).toContainText(directorateMsg('en', 'trust.signing'));
    await expect(state).toContainText(kidOf(first));
    await admin.getByLabel(directorateMsg('en', 'trust.paste')).fill('not a trust list');
    await admin.getByRole('button', { name: directorateMsg('en', 'trust.publish') }).click();
    await expect(admin.getByText(directorateMsg('en', 'error.staff_trust_list_refused'))).toBeVisible();
    await admin.getByLabel(directorateMsg('en', 'trust.paste')).fill(signed(anchor, keys, [[first, 'retired'], [second, 'active']]));
    await admin.getByRole('button', { name: directorateMsg('en', 'trust.publish') }).click();
    await expect(admin.getByText(directorateMsg('en', 'trust.published'))).toBeVisible();
    await expect(state).toContainText(kidOf(second));
    const keyRow = (kid: string) => admin.locator('#trust-keys tr').filter({ hasText: kid });
    await expect(keyRow(kidOf(first))).toContainText(directorateMsg('en', 'trust.status.retired'));
    await expect(keyRow(kidOf(second))).toContainText(directorateMsg('en', 'trust.status.active'));
    await expectNoAxeViolations(admin);
    await signingWith(page, kidOf(second));
    const { token: rotated } = await apiGet<{ token: string }>(page, '/licence/token');
    await verifierWithCurrentList(page);
    await scan(page, inFlight);
    await expectValid(page, 'en');
    await scan(page, rotated);
    await expectValid(page, 'en');

    // Revocation: from its next refresh, the verifier refuses every code of the revoked key.
    signList(anchor, keys, [[first, 'revoked'], [second, 'active']]);
    await expect.poll(async () => {
      const jws = await (await page.request.get('/api/v1/trust-list')).text();
      return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()).keys.map((k: { status: string }) => k.status);
    }, { timeout: 30_000, intervals: [500] }).toEqual(['revoked', 'active']);
    await verifierWithCurrentList(page);
    await scan(page, inFlight);
    await expectFailure(page, 'en', 'KeyRevoked', 'verify.error.key_revoked');
    await expect(page.locator('#verify-result')).toContainText(directorateMsg('en', 'verify.error.key_revoked'));
    await scan(page, rotated);
    await expectValid(page, 'en');
  } finally {
    await server.close();
  }
});
