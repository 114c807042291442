// The example's end-to-end test: `npm run test:e2e` from the repository's root, which runs
// Playwright under `roq-invites emulator exec` (the emulator, with the ROQ_* settings in the
// environment). Playwright starts a receiver of OTLP/HTTP (e2e/otlp-receiver.mjs) and the app
// (e2e/serve.mjs packs roq-invites, installs it into a copy of the app, runs next build and serves
// the standalone folder, which exports its spans to the receiver), and the test walks the whole
// invite journey in Debian's Chromium.
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { defineConfig } from '@playwright/test'

import { appPort, appUrl, chromiumPath, emulator, otlpPort, otlpUrl } from './e2e/settings'

export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/test-results',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: appUrl,
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      // This machine has no network: Chromium must not try to reach Google's services.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
      // Chromium's crash reports and caches stay out of $HOME.
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(tmpdir(), 'roq-e2e-chromium'),
        XDG_CACHE_HOME: join(tmpdir(), 'roq-e2e-chromium'),
      },
    },
  },
  webServer: [
    {
      command: 'node e2e/otlp-receiver.mjs',
      url: `${otlpUrl}/spans`,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { E2E_OTLP_PORT: String(otlpPort) },
    },
    {
      command: 'node e2e/serve.mjs',
      url: `${appUrl}/sign-in`,
      timeout: 10 * 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      // serve.mjs stops next and removes its copy of the app.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      // With Playwright's own environment, which has the emulator's ROQ_* settings.
      env: {
        NEXT_PUBLIC_ROQ_PLATFORM_URL: emulator.url,
        E2E_APP_PORT: String(appPort),
        NEXT_TELEMETRY_DISABLED: '1',
        // instrumentation.ts exports the app's spans to the receiver, as JSON, each second rather
        // than every five (the batch span processor's default), so that the test waits less.
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
      },
    },
  ],
})
