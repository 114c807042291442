// Starts the platform emulator the app talks to (the app's server was started by `webServer`;
// it reaches the emulator only when a page asks it to). Its accept links point at the app's
// accept page, and its webhooks at the app's webhook route, as an app's own emulator would be
// set up.
import { startEmulator } from '../../../index.js'
import { appUrl, emulator } from './settings'

export default async function globalSetup() {
  const running = await startEmulator({
    port: emulator.port,
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
    acceptUrl: `${appUrl}/invites/accept`,
    appName: 'Team invites',
    webhooks: [{ url: `${appUrl}/api/roq/webhook` }],
    webhookKey: emulator.webhookKey,
  })
  return () => running.stop()
}
