// `cargo xtask icons`: the app's installable icons (public/icons/), drawn from the project's own
// artwork (public/icon.svg) in Debian's Chromium: 192 and 512 pixels as they are, and a maskable
// 512 whose artwork sits inside the safe zone (the middle 80 %) on the artwork's own blue, so a
// launcher's circle or squircle never cuts it. Run again when icon.svg changes.
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';

const svg = readFileSync('public/icon.svg', 'utf8');
const blue = svg.match(/fill="(#[0-9a-f]{6})"/i)[1];
mkdirSync('public/icons', { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ deviceScaleFactor: 1 });
async function draw(file, size, scale, background) {
  await page.setViewportSize({ width: size, height: size });
  const inner = Math.round(size * scale);
  await page.setContent(
    `<body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${background}">` +
      svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `) +
      '</body>',
  );
  await page.screenshot({ path: `public/icons/${file}`, omitBackground: background === 'transparent' });
  console.log(`icons: public/icons/${file}`);
}
await draw('icon-192.png', 192, 1, 'transparent');
await draw('icon-512.png', 512, 1, 'transparent');
await draw('icon-maskable-512.png', 512, 0.8, blue);
await browser.close();
