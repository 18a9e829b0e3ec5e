// End-to-end tests in Debian's Chromium against a release build served by `rega`.
// `cargo xtask test` starts the server and sets REGA_BASE_URL; run through it, not directly.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.REGA_BASE_URL;
if (!baseURL) {
  throw new Error('REGA_BASE_URL is not set: run the browser tests with `cargo xtask test`');
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  // Long enough for a test that waits its turn for a sign-in code (one a minute per ID).
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'off',
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 360, height: 800 }, hasTouch: true } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
});
