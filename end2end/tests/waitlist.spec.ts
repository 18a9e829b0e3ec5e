// The fair waitlist (issue 17): at Kalar a medical check has one place per quarter hour. Its
// afternoon on the last open day of the window is taken; a citizen, in Arabic, finds the waiting
// list under the booking's calendar and joins it for that afternoon. Another citizen cancels: the
// place is held for the first, who hears of it by SMS in Arabic, sees it at the top of My
// appointments and takes it; the booking is confirmed by SMS. Then an earlier place is asked for
// from the appointment's page and offered at once. Right to left and axe-clean at each step.
import { test, expect, type Page } from '@playwright/test';
import { apiGet, apiPost, appReady, expectNoAxeViolations, msg, signInQuickly } from './fixtures/app';
import { dist, ownServer, rega } from './fixtures/server';

const DIRECTORATE = 'kalar';
const SERVICE = 'medical_check';
/** The afternoon's places, 12:00 to 13:45. */
const AFTERNOON = 8;

/** The citizen's texts in the development outbox, newest first. */
async function texts(page: Page, nationalId: string): Promise<string[]> {
  const outbox: { text: string }[] = await (await page.request.get(`/api/v1/dev/outbox?national_id=${nationalId}`)).json();
  return outbox.map((m) => m.text);
}

/** Practice citizen `n` of this test's own server. */
const practice = (n: number) => `2${String(n).padStart(11, '0')}`;

test('a citizen joins the waiting list, another cancels, the first hears of it by SMS and takes the place', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'it runs its own server; the pages are checked at 360 px by the other tests');
  expect(rega && dist, 'run through cargo xtask test').toBeTruthy();
  const own = await ownServer(browser, 'waitlist', ['--codes-per-address', '1000']);
  try {
    // The afternoon of the window's last open day is taken, one citizen a place.
    const holders = await own.open('ckb');
    await holders.goto('/');
    const days: { days: { date: string; closed?: string }[] } =
      await apiGet(holders, `/availability/days?directorate=${DIRECTORATE}&service=${SERVICE}`);
    const day = days.days.filter((d) => !d.closed).at(-1)!.date;
    const slots: { slots: { slot_id: number; time: string }[] } =
      await apiGet(holders, `/availability/slots?directorate=${DIRECTORATE}&service=${SERVICE}&date=${day}`);
    const afternoon = slots.slots.filter((s) => s.time >= '12:00');
    expect(afternoon).toHaveLength(AFTERNOON);
    let lastReference = '';
    for (const [i, slot] of afternoon.entries()) {
      await signInQuickly(holders, practice(11 + i), false);
      const booked = await apiPost(holders, '/appointments', { slot_id: slot.slot_id, service: SERVICE });
      expect(booked.status, JSON.stringify(booked.json)).toBe(201);
      lastReference = booked.json.reference as string;
    }

    // The citizen, in Arabic, finds no afternoon place and joins the waiting list for it.
    const citizen = await own.open('ar');
    const id = practice(1);
    await citizen.goto('/');
    await signInQuickly(citizen, id, false, 'ar');
    await citizen.goto(`/book/day?directorate=${DIRECTORATE}&service=${SERVICE}`);
    await appReady(citizen);
    await expect(citizen.locator('html')).toHaveAttribute('dir', 'rtl');
    await citizen.getByText(msg('ar', 'waitlist.link')).click();
    await citizen.getByLabel(msg('ar', 'waitlist.from')).selectOption(day);
    await citizen.getByLabel(msg('ar', 'waitlist.to')).selectOption(day);
    await citizen.getByLabel(msg('ar', 'waitlist.part_afternoon')).check();
    await expectNoAxeViolations(citizen);
    await citizen.getByRole('button', { name: msg('ar', 'waitlist.title') }).click();
    await citizen.waitForURL(/\/appointments#waitlist$/);
    await appReady(citizen);
    const list = citizen.locator('#waitlist ~ ul').first();
    await expect(citizen.getByRole('heading', { level: 2, name: msg('ar', 'waitlist.heading') })).toBeVisible();
    await expect(list).toContainText(msg('ar', 'waitlist.part_afternoon'));
    await expect(citizen.getByRole('button', { name: msg('ar', 'waitlist.leave') })).toBeVisible();
    await expectNoAxeViolations(citizen);

    // The holder of 13:45 cancels: the place is the first in line's, nobody else's.
    const cancelled = await apiPost(holders, `/appointments/${lastReference}/cancel`, {});
    expect(cancelled.status).toBe(200);
    const freed: { slots: { time: string; places_left: number }[] } =
      await apiGet(holders, `/availability/slots?directorate=${DIRECTORATE}&service=${SERVICE}&date=${day}`);
    expect(freed.slots.find((s) => s.time === '13:45')!.places_left).toBe(0);
    await expect.poll(async () => (await texts(citizen, id))[0]).toMatch(/^ريگا: موعد محجوز لك حتى [٠-٩]+:[٠-٩]{2}\u00a0[صم]: /);
    const sms = (await texts(citizen, id))[0];
    expect(sms).toContain('١:٤٥\u00a0م');
    expect(sms).not.toMatch(/[A-Za-z0-9]/);

    // In My appointments: the place held, taken in one tap.
    await citizen.reload();
    await appReady(citizen);
    const take = citizen.getByRole('button', { name: msg('ar', 'waitlist.take') });
    await expect(take).toBeVisible();
    await expect(citizen.getByRole('note').filter({ has: take })).toContainText('١:٤٥\u00a0م');
    await expectNoAxeViolations(citizen);
    await take.click();
    await citizen.waitForURL(/\/appointments\/RG-[0-9A-Z-]+\?done=booked$/);
    await appReady(citizen);
    await expect(citizen.getByRole('status').filter({ hasText: msg('ar', 'appointment.booked') })).toBeVisible();
    await expect(citizen.locator('dl')).toContainText('١:٤٥\u00a0م');
    await expect.poll(async () => (await texts(citizen, id))[0]).toMatch(/^ريگا: تم حجز موعدك: /);

    // An earlier place of it: offered at once (the window has free places before that day).
    await citizen.getByRole('button', { name: msg('ar', 'waitlist.earlier_ask') }).click();
    await expect(citizen.getByRole('status').filter({ hasText: msg('ar', 'waitlist.earlier_asked') })).toBeVisible();
    await expectNoAxeViolations(citizen);
    await citizen.goto('/appointments');
    await appReady(citizen);
    await expect(citizen.getByRole('button', { name: msg('ar', 'waitlist.take') })).toBeVisible();
    await citizen.getByRole('button', { name: msg('ar', 'waitlist.decline') }).click();
    await expect(citizen.getByRole('heading', { level: 2, name: msg('ar', 'waitlist.heading') })).toHaveCount(0);
    await expectNoAxeViolations(citizen);
  } finally {
    await own.close();
  }
});
