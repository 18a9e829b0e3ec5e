// The booking journey (SPEC §3.2) and managing an appointment (§3.3), in Sorani and English at
// phone and desktop size, against the real server: every step, the confirmation and its .ics,
// reschedule, cancel, the cut-off, refused services, a double submit, a dropped connection, a
// place taken meanwhile, a session that ends mid-journey, and the whole journey by keyboard.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { at, tabTo, apiGet, appReady, type Locale, msg, practiceCitizen, signIn, signInQuickly, useLocale, expectNoAxeViolations, expectTouchTargets } from './fixtures/app';

type Directorate = { id: string; name: Record<Locale, string> };
type Slot = { slot_id: number; time: string; places_left: number };
type Appointment = { reference: string; service: string; starts_at: string; minutes: number; status: string; date: string; time: string };

const REFERENCE = /RG-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}/;

async function directorateName(page: Page, id: string, locale: Locale): Promise<string> {
  const list: Directorate[] = await apiGet(page, '/directorates');
  return list.find((d) => d.id === id)!.name[locale];
}

/** The free days of the calendar, as links named "date: places left". */
function freeDays(page: Page) {
  return page.locator('a.rg-calendar__link');
}

/** The date part of a calendar link's name. */
async function dayLabel(link: import('@playwright/test').Locator): Promise<string> {
  return ((await link.getAttribute('aria-label')) ?? '').split(': ')[0];
}

/** A bookable slot far enough ahead to be changed: day `fromEnd` (1 = last) of the window. */
async function lateSlot(page: Page, directorate: string, service: string, fromEnd: number, index = 0) {
  const days: { days: { date: string; places_left: number; closed?: string }[] } =
    await apiGet(page, `/availability/days?directorate=${directorate}&service=${service}`);
  const open = days.days.filter((d) => !d.closed && d.places_left > 0);
  const date = open[open.length - fromEnd].date;
  const slots: { slots: Slot[] } = await apiGet(page, `/availability/slots?directorate=${directorate}&service=${service}&date=${date}`);
  return { date, slot: slots.slots.filter((s) => s.places_left > 0)[index] };
}

/** The citizen's upcoming appointments, from the API. */
async function upcoming(page: Page): Promise<Appointment[]> {
  return (await apiGet<{ upcoming: Appointment[] }>(page, '/appointments')).upcoming;
}

function icsUtc(startsAt: string, plusMinutes = 0): string {
  const d = new Date(Date.parse(startsAt) + plusMinutes * 60_000);
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

for (const locale of ['ckb', 'en'] as const) {
  test(`a citizen books every step, adds it to the calendar, reschedules and cancels (${locale})`, async ({ context, page }, info) => {
    const t = (key: string, values?: Record<string, string>) => msg(locale, key, values);
    const id = practiceCitizen(info, locale === 'ckb' ? 1 : 3); // odd: no theory test passed
    const timeIndex = (info.project.name === 'desktop' ? 2 : 0) + (locale === 'ckb' ? 0 : 1);
    await useLocale(context, locale);

    // Signed out, booking starts with sign-in and comes back.
    await page.goto('/book');
    await expect(page).toHaveURL(at(/^\/sign-in\?next=\/book$/));
    await signIn(page, locale, id);
    await expect(page).toHaveURL(at(/^\/book$/));
    await appReady(page);

    // 1. Service: the refused ones say why; continuing without a choice is an error.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.service_title'));
    await expect(page.getByText(t('book.service_refused'))).toBeVisible();
    const refused = page.locator('.rg-refused');
    await expect(refused.getByText(t('service.practical_test'))).toBeVisible();
    await expect(refused.getByText(t('error.not_eligible_theory_test_not_passed'))).toBeVisible();
    await expect(refused.getByText(t('error.not_eligible_no_licence'))).toHaveCount(2);
    await expect(page.getByLabel(t('service.practical_test'))).toHaveCount(0);
    await expectNoAxeViolations(page);
    await expectTouchTargets(page);
    await page.getByRole('button', { name: t('common.continue') }).click();
    await expect(page.getByRole('alert')).toContainText(t('book.choose_service'));
    await expect(page.getByRole('alert').getByRole('link')).toHaveAttribute('href', '#service-0');
    await expectNoAxeViolations(page);
    await page.getByLabel(t('service.medical_check')).check();
    await page.getByRole('button', { name: t('common.continue') }).click();

    // 2. Directorate, with address and opening hours.
    await expect(page).toHaveURL(at(/^\/book\/directorate\?service=medical_check$/));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.directorate_title'));
    const erbil = await directorateName(page, 'erbil', locale);
    await expectNoAxeViolations(page);
    await page.getByLabel(erbil).check();
    await page.getByRole('button', { name: t('common.continue') }).click();

    // 3. Day: a calendar; the last free day of the window (far enough ahead to change it).
    await expect(page).toHaveURL(at(/^\/book\/day\?service=medical_check&directorate=erbil$/));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.day_title'));
    await expect(page.locator('table.rg-calendar').first()).toBeVisible();
    await expect(page.locator('td.rg-calendar__day--closed').first()).toContainText(t('book.day_closed'));
    await expectNoAxeViolations(page);
    await expectTouchTargets(page);
    const day = freeDays(page).last();
    const chosenDay = await dayLabel(day);
    await day.click();

    // 4. Time, with places left; a reload keeps the answers so far.
    await expect(page).toHaveURL(at(/^\/book\/time\?service=medical_check&directorate=erbil&date=\d{4}-\d{2}-\d{2}$/));
    const date = new URL(page.url()).searchParams.get('date')!;
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.time_title'));
    await expect(page.locator('.rg-chosen-day')).toHaveText(chosenDay);
    await expect(page.getByText(t('book.places_left', { count: '' }).trim()).first()).toBeVisible();
    await expectNoAxeViolations(page);
    const timeRadio = page.locator('input[name=time]').nth(timeIndex);
    const timeText = (await page.locator(`label[for="${await timeRadio.getAttribute('id')}"]`).textContent())!;
    await timeRadio.check();
    await page.getByRole('button', { name: t('common.continue') }).click();

    // 5. Check your answers; back and forward work.
    await expect(page).toHaveURL(at(/^\/book\/check\?/));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.check_title'));
    const summary = page.locator('dl.rg-summary-list');
    await expect(summary).toContainText(t('service.medical_check'));
    await expect(summary).toContainText(erbil);
    await expect(summary).toContainText(chosenDay);
    await expect(summary).toContainText(timeText);
    await expectNoAxeViolations(page);
    await expectTouchTargets(page);
    await page.goBack();
    await expect(page).toHaveURL(at(/^\/book\/time\?/));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('book.time_title'));
    await page.goForward();
    await expect(page).toHaveURL(at(/^\/book\/check\?/));
    await page.getByRole('button', { name: t('book.confirm') }).click();

    // 6. Confirmation: reference, what to bring, the kiosk QR code, .ics, print.
    await expect(page).toHaveURL(at(/^\/appointments\/RG-[^?]+\?done=booked$/));
    await appReady(page);
    await expect(page.getByRole('status').filter({ hasText: t('appointment.booked') })).toBeVisible();
    const reference = (await page.locator('.rg-appointment__reference').textContent())!.trim();
    expect(reference).toMatch(REFERENCE);
    const booked = page.locator('.rg-appointment');
    await expect(booked).toContainText(t('service.medical_check'));
    await expect(booked).toContainText(chosenDay);
    await expect(booked).toContainText(timeText);
    await expect(booked).toContainText(t('bring.medical_check'));
    await expect(page.getByRole('img', { name: t('appointment.qr_label') })).toBeVisible();
    await expect(page.getByRole('button', { name: t('appointment.print') })).toBeVisible();
    await expectNoAxeViolations(page);
    await expectTouchTargets(page);

    // Printed, the confirmation fits one A4 page, without navigation or buttons.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('button', { name: t('appointment.print') })).toBeHidden();
    await expect(page.locator('.rg-nav')).toBeHidden();
    const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g) ?? []).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });

    // The .ics parses, and its time is the slot's, in UTC.
    const appointment: Appointment = await apiGet(page, `/appointments/${reference}`);
    expect(appointment.date).toBe(date);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: t('appointment.add_to_calendar') }).click(),
    ]);
    const ics = readFileSync((await download.path())!, 'utf8').replace(/\r\n[ \t]/g, '');
    const lines = ics.split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain(`DTSTART:${icsUtc(appointment.starts_at)}`);
    expect(lines).toContain(`DTEND:${icsUtc(appointment.starts_at, appointment.minutes)}`);
    expect(ics).toContain(reference);

    // Reschedule: the same service and place, another day; the reference stays.
    await page.getByRole('link', { name: t('appointment.reschedule') }).click();
    await expect(page).toHaveURL(at(new RegExp(`^/book/day\\?reschedule=${reference}&service=medical_check&directorate=erbil$`)));
    const newDay = freeDays(page).nth(-2);
    const newDayText = await dayLabel(newDay);
    await newDay.click();
    await page.locator('input[name=time]').nth(timeIndex).check();
    await page.getByRole('button', { name: t('common.continue') }).click();
    await expect(page.getByText(t('book.rescheduling'))).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: t('book.confirm_change') }).click();
    await expect(page).toHaveURL(at(new RegExp(`^/appointments/${reference}\\?done=changed$`)));
    await appReady(page);
    await expect(page.getByRole('status').filter({ hasText: t('appointment.changed') })).toBeVisible();
    await expect(page.locator('.rg-appointment')).toContainText(newDayText);

    // Cancel, after a confirmation step.
    await page.getByRole('link', { name: t('appointment.cancel') }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('cancel.title'));
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: t('cancel.yes') }).click();
    await expect(page).toHaveURL(at(new RegExp(`^/appointments/${reference}\\?done=cancelled$`)));
    await expect(page.getByRole('status').filter({ hasText: t('appointment.cancelled') })).toBeVisible();
    await expect(page.locator('.rg-appointment')).toContainText(t('appointment.status_cancelled'));
    await expect(page.getByRole('link', { name: t('appointment.cancel') })).toHaveCount(0);

    // My appointments: nothing upcoming; the cancelled one among the past.
    await page.getByRole('link', { name: t('nav.appointments') }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('appointments.title'));
    await expect(page.getByText(t('appointments.none'))).toBeVisible();
    await expect(page.locator('.rg-appointment-item').filter({ hasText: reference })).toContainText(t('appointment.status_cancelled'));
    await expectNoAxeViolations(page);
  });
}

test('the whole booking journey works by keyboard alone', async ({ context, page }, info) => {
  const locale = info.project.name === 'phone' ? 'ckb' : 'en';
  const t = (key: string) => msg(locale, key);
  await useLocale(context, locale);
  await page.goto('/');
  await signInQuickly(page, practiceCitizen(info, 5));
  await page.goto('/book');
  const choose = async (first: import('@playwright/test').Locator) => {
    await tabTo(page, first);
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: t('common.continue') }));
    await page.keyboard.press('Enter');
  };
  await expect(page.locator('#service-0')).toBeVisible();
  await choose(page.locator('#service-0'));
  await expect(page).toHaveURL(at(/^\/book\/directorate/));
  await expect(page.locator('#directorate-0')).toBeVisible();
  await choose(page.locator('#directorate-0'));
  await expect(page).toHaveURL(at(/^\/book\/day/));
  await tabTo(page, freeDays(page).last());
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(at(/^\/book\/time/));
  await expect(page.locator('#time-0')).toBeVisible();
  await choose(page.locator('#time-0'));
  await expect(page).toHaveURL(at(/^\/book\/check/));
  await tabTo(page, page.getByRole('button', { name: t('book.confirm') }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(at(/^\/appointments\/RG-/));
  await appReady(page);
  await expect(page.getByRole('status').filter({ hasText: t('appointment.booked') })).toBeVisible();
});

test('a double tap and a retry after a dropped connection book once', async ({ context, page }, info) => {
  await useLocale(context, 'en');
  await page.goto('/');
  await signInQuickly(page, practiceCitizen(info, 7));

  // A double tap on "Book this appointment".
  const first = await lateSlot(page, 'duhok', 'theory_test', 1, info.project.name === 'phone' ? 0 : 1);
  await page.goto(`/book/check?service=theory_test&directorate=duhok&date=${first.date}&slot=${first.slot.slot_id}`);
  await page.getByRole('button', { name: 'Book this appointment' }).dblclick();
  await expect(page).toHaveURL(at(/^\/appointments\/RG-[^?]+\?done=booked$/));
  await appReady(page);
  expect((await upcoming(page)).length).toBe(1);

  // The connection drops after the server booked: the page says so, the retry with the same
  // key gets the same booking back, and there is still one appointment per service.
  const second = await lateSlot(page, 'duhok', 'medical_check', 1, info.project.name === 'phone' ? 0 : 1);
  let dropped = false;
  await page.route('**/api/v1/appointments', async (route) => {
    if (!dropped && route.request().method() === 'POST') {
      dropped = true;
      await route.fetch(); // the server books …
      await route.abort('connectionreset'); // … and the answer is lost
      return;
    }
    await route.continue();
  });
  await page.goto(`/book/check?service=medical_check&directorate=duhok&date=${second.date}&slot=${second.slot.slot_id}`);
  await page.getByRole('button', { name: 'Book this appointment' }).click();
  await expect(page.getByRole('alert')).toContainText(msg('en', 'common.network_error'));
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Book this appointment' }).click();
  await expect(page).toHaveURL(at(/^\/appointments\/RG-[^?]+\?done=booked$/));
  await appReady(page);
  const list = await upcoming(page);
  expect(list.filter((a) => a.service === 'medical_check')).toHaveLength(1);
  expect(list).toHaveLength(2);
});

test('a place taken by someone else meanwhile sends the citizen back to choose a time', async ({ browser, context, page }, info) => {
  await useLocale(context, 'en');
  await page.goto('/');
  await signInQuickly(page, practiceCitizen(info, 2)); // even: theory test passed
  // Halabja has one practical-test examiner: each slot has one place.
  const { date, slot } = await lateSlot(page, 'halabja', 'practical_test', info.project.name === 'phone' ? 1 : 2);
  expect(slot.places_left).toBe(1);
  await page.goto(`/book/check?service=practical_test&directorate=halabja&date=${date}&slot=${slot.slot_id}`);
  await expect(page.getByRole('button', { name: 'Book this appointment' })).toBeVisible();

  // Another citizen, on another device, takes it first.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/');
  await signInQuickly(otherPage, practiceCitizen(info, 4));
  const status = await otherPage.evaluate(async (slotId) => (await fetch('/api/v1/appointments', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `other-${slotId}-key` },
    body: JSON.stringify({ slot_id: slotId, service: 'practical_test' }),
  })).status, slot.slot_id);
  expect(status).toBe(201);
  await other.close();

  await page.getByRole('button', { name: 'Book this appointment' }).click();
  await expect(page).toHaveURL(at(/^\/book\/time\?service=practical_test&directorate=halabja&date=[\d-]+&problem=slot_full$/));
  await expect(page.getByRole('alert')).toContainText(msg('en', 'error.slot_full'));
  await expect(page.locator('input[name=time]').first()).toBeVisible();
  await expectNoAxeViolations(page);
  expect(await upcoming(page)).toHaveLength(0);
});

test('a session that ends mid-journey leads to sign-in and back to the same answers', async ({ context, page }, info) => {
  const locale = info.project.name === 'phone' ? 'ckb' : 'en';
  await useLocale(context, locale);
  const id = practiceCitizen(info, 11);
  // The day and time pages need no session; booking does.
  await page.goto('/book/day?service=medical_check&directorate=soran');
  await freeDays(page).last().click();
  await page.locator('input[name=time]').first().check();
  await page.getByRole('button', { name: msg(locale, 'common.continue') }).click();
  await expect(page).toHaveURL(at(/^\/book\/check\?/));
  const check = new URL(page.url());
  await page.getByRole('button', { name: msg(locale, 'book.confirm') }).click();
  await expect(page).toHaveURL(at(/^\/sign-in\?next=/));
  await signIn(page, locale, id);
  await expect(page).toHaveURL(at(`${check.pathname}${check.search}`));
  await page.getByRole('button', { name: msg(locale, 'book.confirm') }).click();
  await expect(page).toHaveURL(at(/^\/appointments\/RG-[^?]+\?done=booked$/));
  await appReady(page);
});

test('an appointment less than 24 hours away says why it cannot be changed and whom to call', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one screen size: the demo citizen with the appointment is one person');
  await useLocale(context, 'en');
  await page.goto('/appointments');
  await signIn(page, 'en', '100000000001');
  await expect(page).toHaveURL(at(/^\/appointments$/));
  await appReady(page);
  for (const locale of ['en', 'ckb'] as const) {
    if (locale === 'ckb') await page.getByRole('button', { name: 'کوردی' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg(locale, 'appointments.title'));
    const item = page.locator('.rg-appointment-item').first();
    await expect(item).toContainText(msg(locale, 'service.replacement'));
    const erbil = await directorateName(page, 'erbil', locale);
    await expect(item.getByRole('note')).toContainText(msg(locale, 'appointment.past_cutoff', { directorate: erbil }));
    await expect(item.getByRole('link', { name: '+964662000001' })).toHaveAttribute('href', 'tel:+964662000001');
    await expectNoAxeViolations(page);
  }
  await page.locator('.rg-appointment-item').first().getByRole('heading').getByRole('link').click();
  await expect(page.locator('.rg-appointment__reference')).toHaveText(REFERENCE);
  await expect(page.getByRole('link', { name: msg('ckb', 'appointment.reschedule') })).toHaveCount(0);
  await expect(page.getByRole('link', { name: msg('ckb', 'appointment.cancel') })).toHaveCount(0);
  await expect(page.getByRole('note')).toContainText(msg('ckb', 'appointment.past_cutoff', { directorate: await directorateName(page, 'erbil', 'ckb') }));
  await expectNoAxeViolations(page);
});

test('the calendar in Arabic: right-to-left, Iraqi month names, Eastern Arabic digits', async ({ context, page }) => {
  await useLocale(context, 'ar');
  await page.goto('/book/day?service=medical_check&directorate=erbil');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('ar', 'book.day_title'));
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  // The heading comes with the HTML; the calendar with the app.
  await expect(freeDays(page).first()).toBeVisible();
  const captions = await page.locator('caption').allTextContents();
  expect(captions.length).toBeGreaterThan(0);
  for (const caption of captions) {
    expect(caption).toMatch(/^(كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول) [٠-٩]{4}$/);
  }
  const firstDay = await freeDays(page).first().textContent();
  expect(firstDay).toMatch(/^[٠-٩]+$/);
  expect(await freeDays(page).first().getAttribute('aria-label')).toContain(msg('ar', 'book.places_left', { count: '' }).trim());
  await expectNoAxeViolations(page);
});

test("the day page's days travel with the app: fetched while the wasm downloads, once", async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one run');
  await useLocale(context, 'en');
  await page.goto('/book/day?service=medical_check&directorate=erbil');
  await expect(page.locator('a.rg-calendar__link').first()).toBeVisible();
  const days = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const wasm = entries.find((e) => e.name.endsWith('.wasm'));
    return {
      asked: entries
        .filter((e) => new URL(e.name).pathname === '/api/v1/availability/days')
        .map((e) => ({ url: new URL(e.name).search, initiator: e.initiatorType, start: e.startTime })),
      wasmEnd: wasm ? wasm.responseEnd : null,
    };
  });
  expect(days.asked).toHaveLength(1);
  // (The app's HTTP client, gloo-net, ends an address that has a query with `&`.)
  expect(days.asked[0]).toMatchObject({ url: '?directorate=erbil&service=medical_check&', initiator: 'link' });
  expect(days.asked[0].start).toBeLessThan(days.wasmEnd!);
});

test("My appointments' list travels with the app: fetched while the wasm downloads, once", async ({ context, page }, info) => {
  test.skip(info.project.name !== 'phone', 'one run');
  await useLocale(context, 'en');
  await page.goto('/');
  await signInQuickly(page, practiceCitizen(info, 17));
  // A fresh load, as from a bookmark: the server preloads a citizen's own answer only for a
  // request with their session cookie.
  await page.goto('/appointments');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg('en', 'appointments.title'));
  await expect(page.locator('.rg-shell')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname === '/api/v1/appointments').length)).toBeGreaterThan(0);
  const asked = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const wasm = entries.find((e) => e.name.endsWith('.wasm'));
    return {
      list: entries
        .filter((e) => new URL(e.name).pathname === '/api/v1/appointments')
        .map((e) => ({ initiator: e.initiatorType, start: e.startTime })),
      wasmEnd: wasm ? wasm.responseEnd : null,
    };
  });
  // One request, started by the page's preload (the server's Link header), not by the app after
  // its wasm arrived: the second round trip is off the critical path.
  expect(asked.list).toHaveLength(1);
  expect(asked.list[0].initiator).toBe('link');
  expect(asked.list[0].start).toBeLessThan(asked.wasmEnd!);
});
