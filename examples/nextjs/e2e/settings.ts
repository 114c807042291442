// Where the end-to-end test's app and emulator run. Chosen once, in Playwright's runner; its
// workers load the config (and so this file) again, and inherit these variables from it.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/** A port the system has just handed out and that nothing listens on now. */
function freePort(): string {
  const script =
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()
}

const env = process.env
env.E2E_APP_PORT ??= freePort()
env.E2E_EMULATOR_PORT ??= freePort()
env.E2E_ENVIRONMENT_ID ??= `e2e-${randomBytes(4).toString('hex')}`
env.E2E_API_KEY ??= randomBytes(24).toString('base64url')
env.E2E_WEBHOOK_KEY ??= `whk_${randomBytes(24).toString('base64url')}`

export const appUrl = `http://127.0.0.1:${env.E2E_APP_PORT}`
export const emulator = {
  url: `http://127.0.0.1:${env.E2E_EMULATOR_PORT}`,
  port: Number(env.E2E_EMULATOR_PORT),
  environmentId: env.E2E_ENVIRONMENT_ID,
  apiKey: env.E2E_API_KEY,
  webhookKey: env.E2E_WEBHOOK_KEY,
}
export const chromiumPath = env.CHROMIUM_PATH ?? '/usr/bin/chromium'
