// Retakes docs/screenshots/{dashboard,contribute}.png against a running orchestrator:
//   node apps/web/scripts/screenshots.mjs http://localhost:8080 "$TABGRID_API_KEY"
// One volunteer tab connects, the dashboard uploads public/functions/hello.wasm and invokes it.
import { chromium } from '@playwright/test';

const [base = 'http://localhost:8080', key = process.env.TABGRID_API_KEY ?? ''] = process.argv.slice(2);
const outDir = new URL('../../../docs/screenshots/', import.meta.url).pathname;
const wasm = new URL('../../../public/functions/hello.wasm', import.meta.url).pathname;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-features=WebRtcHideLocalIpsWithMdns'],
});
try {
  const volunteer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await volunteer.goto(`${base}/contribute?autostart=1`);
  await volunteer.waitForFunction(() => document.querySelector('[data-testid=volunteer-phase]')?.textContent === 'connected');

  const dashboard = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await dashboard.goto(`${base}/#key=${encodeURIComponent(key)}`);
  await dashboard.getByTestId('upload-file').setInputFiles(wasm);
  await dashboard.getByTestId('upload-submit').click();
  await dashboard.locator('[data-testid=function-row][data-name=hello]').first().waitFor();
  await dashboard.getByTestId('invoke-function').selectOption({ label: 'hello@1' });
  await dashboard.getByTestId('invoke-stdin').fill('Tabgrid');
  await dashboard.getByTestId('invoke-submit').click();
  await dashboard.getByTestId('result-status').waitFor({ timeout: 30_000 });
  await dashboard.locator('[data-testid=node-row]').first().waitFor();
  await dashboard.screenshot({ path: `${outDir}dashboard.png`, fullPage: true });

  await volunteer.waitForFunction(() => Number(document.querySelector('[data-testid=volunteer-completed]')?.textContent) > 0);
  await volunteer.screenshot({ path: `${outDir}contribute.png`, fullPage: true });
} finally {
  await browser.close();
}
