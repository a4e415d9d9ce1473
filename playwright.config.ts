import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/fixtures/chromium';

export default defineConfig({
  testDir: 'e2e',
  // One server per worker and several browser contexts per test already load a 2-core machine.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // scripts/test.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME to count e2e tests in its summary line.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : 'list',
  // scripts/e2e.mjs gives every run its own directory (see there why).
  outputDir: process.env.TABGRID_E2E_OUTPUT_DIR ?? 'build/e2e-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: chromiumLaunchOptions(),
      },
    },
  ],
});
