// The citizen's SMS follow the language they signed in with (issue 17): signed in in English,
// the booking's confirmation is in English alone; signed in again in Arabic, the cancellation's
// is in Arabic alone, with the app's digits and the reference isolated.
import { test, expect, type Page } from '@playwright/test';
import { at, apiGet, apiPost, practiceCitizen, signIn, signInQuickly, useLocale } from './fixtures/app';

/** The citizen's messages in the development outbox that name the reference. */
async function messagesAbout(page: Page, nationalId: string, reference: string): Promise<string[]> {
  const outbox: { text: string }[] = await (await page.request.get(`/api/v1/dev/outbox?national_id=${nationalId}`)).json();
  return outbox.map((m) => m.text).filter((t) => t.includes(reference));
}

test('the SMS are written in the language the citizen signed in with', async ({ context, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough: the server writes the messages');
  const id = practiceCitizen(info, 15);
  await useLocale(context, 'en');
  await page.goto('/appointments');
  await signIn(page, 'en', id);
  await expect(page).toHaveURL(at(/^\/appointments$/));

  const days: { days: { date: string; places_left: number; closed?: string }[] } =
    await apiGet(page, '/availability/days?directorate=duhok&service=medical_check');
  const date = days.days.filter((d) => !d.closed && d.places_left > 0).at(-1)!.date;
  const slots: { slots: { slot_id: number; places_left: number }[] } =
    await apiGet(page, `/availability/slots?directorate=duhok&service=medical_check&date=${date}`);
  const slot = slots.slots.find((s) => s.places_left > 0)!;
  const booked = await apiPost(page, '/appointments', { slot_id: slot.slot_id, service: 'medical_check' });
  expect(booked.status).toBe(201);
  const reference = booked.json.reference as string;

  await expect.poll(() => messagesAbout(page, id, reference)).toHaveLength(1);
  const confirmation = (await messagesAbout(page, id, reference))[0];
  expect(confirmation).toMatch(/^Rega: booked: Medical check, Duhok Traffic Directorate, /);
  expect(confirmation).not.toMatch(/[\u0600-\u06FF]/);

  // Signed in again with the app in Arabic: Arabic from now on.
  await page.getByRole('button', { name: 'العربية' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await signInQuickly(page, id, true, 'ar');
  const cancelled = await apiPost(page, `/appointments/${reference}/cancel`, {});
  expect(cancelled.status).toBe(200);
  await expect.poll(() => messagesAbout(page, id, reference)).toHaveLength(2);
  const cancellation = (await messagesAbout(page, id, reference))[0];
  expect(cancellation).toContain('ريگا: أُلغي موعدك: الفحص الطبي، مديرية مرور دهوك، ');
  expect(cancellation).toContain(`\u2066${reference}\u2069`);
  expect(cancellation.replace(reference, '')).not.toMatch(/[A-Za-z0-9]/);
});
