// Lighthouse (mobile preset: slow 4G, simulated) on the citizen screens that matter most, at
// 4× and 8× CPU slowdown, median of three runs each; at 4× also the LCP with the same throttling
// applied for real (devtools), median of three; one JSON line per page and slowdown.
// Run by `cargo xtask bench` against a fresh `rega serve --demo`; CHROME_PATH is Debian's Chromium.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { sessionCookie } from './bench-session.mjs';

const base = process.env.REGA_BASE_URL;
if (!base) throw new Error('REGA_BASE_URL is not set: run `cargo xtask bench`');
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

const cookie = await sessionCookie('100000000002');
const pages = [
  ['home', '/', null],
  ['booking day page', '/book/day?service=medical_check&directorate=erbil', null],
  ['licence', '/licence', cookie],
];

/** One Lighthouse run in a fresh browser; `null` when a metric could not be measured. */
async function once(path, cpu, sessionCookieValue, throttlingMethod = 'simulate') {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      throttlingMethod,
      throttling: { cpuSlowdownMultiplier: cpu },
      extraHeaders: sessionCookieValue ? { Cookie: sessionCookieValue } : undefined,
    };
    const { lhr } = await lighthouse(`${base}${path}`, flags);
    const audit = (id) => lhr.audits[id]?.numericValue;
    const metrics = ['largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'total-byte-weight'];
    const missing = metrics.filter((id) => typeof audit(id) !== 'number');
    if (lhr.runtimeError || missing.length > 0 || lhr.categories.performance.score === null) {
      console.error(`lighthouse: ${path} at ${cpu}x not measured (${lhr.runtimeError?.message ?? missing.join(', ')}); again`);
      return null;
    }
    return {
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      best_practices: Math.round(lhr.categories['best-practices'].score * 100),
      lcp_ms: Math.round(audit('largest-contentful-paint')),
      tbt_ms: Math.round(audit('total-blocking-time')),
      cls: Number(audit('cumulative-layout-shift').toFixed(3)),
      bytes: audit('total-byte-weight'),
      final_url: lhr.finalDisplayedUrl,
    };
  } finally {
    await chrome.kill();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const cpu of [4, 8]) {
  for (const [name, path, sessionCookieValue] of pages) {
    const results = [];
    for (let i = 0, failures = 0; i < runs; ) {
      const result = await once(path, cpu, sessionCookieValue);
      if (result) {
        results.push(result);
        i++;
      } else if (++failures > 3) {
        throw new Error(`Lighthouse could not measure ${path} at ${cpu}x`);
      }
    }
    // The run with the median performance score stands for the page.
    const score = median(results.map((r) => r.performance));
    const chosen = results.find((r) => r.performance === score);
    // Lighthouse's default simulates the slow network and CPU from an unthrottled load; the same
    // conditions applied for real (devtools throttling) show what a phone would see.
    const applied = [];
    for (let i = 0, failures = 0; cpu === 4 && i < runs; ) {
      const result = await once(path, cpu, sessionCookieValue, 'devtools');
      if (result) {
        applied.push(result.lcp_ms);
        i++;
      } else if (++failures > 3) {
        throw new Error(`Lighthouse (applied throttling) could not measure ${path} at ${cpu}x`);
      }
    }
    const lcpApplied = applied.length ? { lcp_applied_ms_median: median(applied) } : {};
    console.log(JSON.stringify({ bench: 'lighthouse', page: name, path, cpu_slowdown: cpu, runs, ...chosen, lcp_ms_median: median(results.map((r) => r.lcp_ms)), ...lcpApplied }));
  }
}
