// Where the end-to-end test's app and emulator run. The emulator is the one `npm run test:e2e`
// starts with `roq-invites emulator exec`, which puts its ROQ_* settings in the environment of
// Playwright's runner (and so of its workers and of the app it serves). The app's port is fixed:
// the emulator's accept links and webhooks point at it (the flags in package.json's test:e2e).
const env = process.env
const missing = ['ROQ_PLATFORM_URL', 'ROQ_ENVIRONMENT_ID', 'ROQ_API_KEY', 'ROQ_WEBHOOK_KEY'].filter(
  (name) => !env[name],
)
if (missing.length > 0)
  throw new Error(
    `${missing.join(', ')} missing: run the end-to-end test with \`npm run test:e2e\` from the repository's root, ` +
      'which runs Playwright under `roq-invites emulator exec`',
  )

export const appPort = 3100
export const appUrl = `http://127.0.0.1:${appPort}`
// The OTLP/HTTP receiver (e2e/otlp-receiver.mjs) the app exports its spans to.
export const otlpPort = 3101
export const otlpUrl = `http://127.0.0.1:${otlpPort}`
export const emulator = {
  url: env.ROQ_PLATFORM_URL!,
  environmentId: env.ROQ_ENVIRONMENT_ID!,
  apiKey: env.ROQ_API_KEY!,
  webhookKey: env.ROQ_WEBHOOK_KEY!,
}
export const chromiumPath = env.CHROMIUM_PATH ?? '/usr/bin/chromium'
