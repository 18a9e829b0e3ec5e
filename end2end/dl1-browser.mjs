// DL1 in the browser (SPEC §8: verify and QR render in WASM, p99 ≤ 15 ms): the directorate
// app's own code, called through its measurement hooks (app/src/directorate_main.rs) inside
// Debian's Chromium and timed there with performance.now, unthrottled and at 4× CPU slowdown.
// Run by `cargo xtask bench` against a fresh `rega serve --demo`; one JSON line per figure.
import { chromium } from '@playwright/test';
import { sessionCookie } from './bench-session.mjs';

const base = process.env.REGA_BASE_URL;
if (!base) throw new Error('REGA_BASE_URL is not set: run `cargo xtask bench`');
const runs = Number(process.env.DL1_RUNS ?? 500);

const cookie = await sessionCookie('100000000002');
const { token } = await (await fetch(`${base}/api/v1/licence/token`, { headers: { Cookie: cookie } })).json();
const anchor = await (await fetch(`${base}/api/v1/trust-anchor`)).json();
const list = await (await fetch(`${base}/api/v1/trust-list`)).text();

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/verify`);
  await page.waitForSelector('#verify-trust');
  const cdp = await context.newCDPSession(page);
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
  for (const cpu of [1, 4]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    const times = await page.evaluate(
      async ({ token, anchor, list, runs }) => {
        const app = await import(document.querySelector('script[data-wasm]').dataset.js);
        const now = Math.floor(Date.now() / 1000);
        return {
          verify: Array.from(app.bench_verify(token, list, anchor.kid, anchor.x, anchor.y, now, runs)),
          qr: Array.from(app.bench_qr(token, runs)),
        };
      },
      { token, anchor, list, runs },
    );
    for (const [name, values] of [['dl1_verify_wasm', times.verify], ['dl1_qr_wasm', times.qr]]) {
      if (values.length !== runs) throw new Error(`${name}: the hook refused the token`);
      const sorted = [...values].sort((a, b) => a - b);
      console.log(JSON.stringify({ name, cpu_slowdown: cpu, runs, token_chars: token.length, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) }));
    }
  }
} finally {
  await browser.close();
}
