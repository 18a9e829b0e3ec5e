// Signing a demo citizen in through the API, as the app does, for the benchmark scripts.
const base = process.env.REGA_BASE_URL;

/** A session cookie for a demo citizen, signed in through the API as the app does. */
export async function sessionCookie(nationalId) {
  const json = { 'Content-Type': 'application/json', Origin: base };
  const asked = Math.floor(Date.now() / 1000) - 5;
  const sent = await fetch(`${base}/api/v1/auth/code`, { method: 'POST', headers: json, body: JSON.stringify({ national_id: nationalId }) });
  if (sent.status !== 202) throw new Error(`code request: ${sent.status}`);
  let code;
  for (let i = 0; i < 100 && !code; i++) {
    const outbox = await (await fetch(`${base}/api/v1/dev/outbox?national_id=${nationalId}`)).json();
    if (outbox[0] && outbox[0].sent_at >= asked) code = outbox[0].text.match(/\d{6}/)?.[0];
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  const verified = await fetch(`${base}/api/v1/auth/verify`, { method: 'POST', headers: json, body: JSON.stringify({ national_id: nationalId, code }) });
  if (verified.status !== 200) throw new Error(`sign-in: ${verified.status}`);
  return verified.headers.get('set-cookie').split(';')[0];
}

