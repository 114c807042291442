// `npm run demo`: the call from ROQ's docs, against the platform emulator embedded in the package.
import { RoqClient, startEmulator } from '../index.js'

const emulator = await startEmulator()
console.log(`ROQ platform emulator running at ${emulator.url} (environment ${emulator.environmentId})\n`)

const roqBrowserClient = new RoqClient({
  host: emulator.url,
  environmentId: emulator.environmentId,
  apiKey: emulator.apiKey,
})
const tenantId = 'acme-tenant'
const roqUserId = 'ada-lovelace'
const email = 'grace.hopper@example.com'

// ROQ's docs, verbatim:
const status = await roqBrowserClient.roqPlatform.sendUserInvites({
  userInvites: {
    tenantId,
    userInvites: [{ createdByUserId: roqUserId, email, locale: 'en-US' }],
  },
})

for (const invite of status.success) {
  console.log(`invited ${invite.email}: ${invite.status}, invite ${invite.id}, tenant ${invite.tenantId}`)
}

// One call, some entries refused: each refusal names its position in the list, the others are sent.
const batch = await roqBrowserClient.roqPlatform.sendUserInvites({
  data: {
    tenantId,
    userInvites: [
      { createdByUserId: roqUserId, email: 'alan.turing@example.com', firstName: 'Alan', locale: 'en-GB' },
      { createdByUserId: roqUserId, email: 'not-an-email' },
      { createdByUserId: roqUserId, email: 'Grace.Hopper@example.com' },
      { createdByUserId: roqUserId, email: 'katherine.johnson@example.com', locale: 'de-DE' },
    ],
  },
})
console.log(`\nsecond call: ${batch.success.length} sent, ${batch.errors.length} refused`)
for (const error of batch.errors) {
  console.log(`  entry ${error.index} (${error.email}): ${error.code}: ${error.error}`)
}

const [mail] = await emulator.outbox({ to: email })
console.log(`\nthe mail to ${mail.to} (${mail.locale}), from the emulator's outbox:`)
console.log(`  Subject: ${mail.subject}`)
console.log(mail.text.replace(/^/gm, '  '))
console.log(`${(await emulator.outbox()).length} mails in the outbox in all`)

if (process.stdout.isTTY) {
  // At a terminal, the emulator stays up for a look: the link above and the dashboard work.
  console.log(`\nOpen the mail's link above to accept the invite, or see every invite and mail on the dashboard:`)
  console.log(`  ${emulator.dashboardUrl}  (user name: ${emulator.environmentId}, password: ${emulator.apiKey})`)
  console.log('Press Ctrl+C to stop.')
  emulator.ref()
  await new Promise((resolve) => process.once('SIGINT', resolve))
}
await emulator.stop()
