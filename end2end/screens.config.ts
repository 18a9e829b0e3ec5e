// `cargo xtask screens`: screenshots of the main citizen screens for docs/screens/, at phone
// size, from the release build served by a fresh `rega`. Not part of the test suite.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.REGA_BASE_URL;
if (!baseURL) {
  throw new Error('REGA_BASE_URL is not set: run `cargo xtask screens`');
}

export default defineConfig({
  testDir: './screens',
  outputDir: './test-results-screens',
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 360, height: 800 },
    hasTouch: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
