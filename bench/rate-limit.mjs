// Against a rate limit: 2,000 invites in batches of 10 (200 requests) against an emulator that
// takes 20 GraphQL requests a second (`--rate-limit 20/1s`), sent by roq-invites (one send) and
// by @roq/nodejs (a loop of sendUserInvites, one batch each, as an app writes it: once stopping
// at the first error, once going on past failed batches). Prints what each ended with:
// invites created and lost (never created), requests refused with 429, and the time.
//
//   npm run build:debug && node bench/rate-limit.mjs [invites] [batch] [requests/second] [concurrency]
import { Platform } from '@roq/nodejs'

import { RoqClient, startEmulator } from '../index.js'

const [invites = 2000, batch = 10, perSecond = 20, concurrency = 4] = process.argv.slice(2).map(Number)
const rateLimit = { requests: perSecond, windowMs: 1000 }
const entries = (prefix) =>
  Array.from({ length: invites }, (_, i) => ({ createdByUserId: 'alice', email: `${prefix}${i}@acme.io` }))

/**
 * Invites created and lost, from the emulator's store. None can be created twice: the emulator
 * refuses a second pending invite for an email (ALREADY_INVITED), which would show as an error.
 */
async function tally(emulator, wanted) {
  const { totalCount } = await emulator.invites({ limit: 1 })
  return { created: totalCount, lost: wanted.length - totalCount, refused: emulator.stats().rateLimited }
}

async function ours() {
  const emulator = await startEmulator({ rateLimit })
  const client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  const wanted = entries('ours')
  const started = performance.now()
  let outcome = 'done'
  try {
    const result = await client.roqPlatform.sendUserInvites(
      { data: { tenantId: 'acme', userInvites: wanted } },
      { batchSize: batch, concurrency },
    )
    if (result.errors.length > 0) outcome = `${result.errors.length} errors: ${result.errors[0].code}`
  } catch (error) {
    outcome = `${error.code}: ${error.message}`
  }
  const seconds = (performance.now() - started) / 1000
  const counted = await tally(emulator, wanted)
  await emulator.stop()
  return { client: 'roq-invites', outcome, seconds: Number(seconds.toFixed(1)), ...counted }
}

async function sdk(goOn) {
  const emulator = await startEmulator({ rateLimit })
  const admin = new Platform({
    host: emulator.url,
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
  }).asSuperAdmin()
  const wanted = entries('sdk')
  const started = performance.now()
  let failures = 0
  let first
  for (let i = 0; i < wanted.length; i += batch) {
    try {
      await admin.sendUserInvites({ data: { tenantId: 'acme', userInvites: wanted.slice(i, i + batch) } })
    } catch (error) {
      failures += 1
      first ??= `${error.constructor.name}: ${String(error.message).slice(0, 120)}`
      if (!goOn) break
    }
  }
  const seconds = (performance.now() - started) / 1000
  const counted = await tally(emulator, wanted)
  await emulator.stop()
  return {
    client: `@roq/nodejs, ${goOn ? 'going on past a failed batch' : 'stopping at the first error'}`,
    outcome: failures ? `${failures} batches threw; the first: ${first}` : 'done',
    seconds: Number(seconds.toFixed(1)),
    ...counted,
  }
}

console.log(`${invites} invites in batches of ${batch} (ours ${concurrency} at once) against ${perSecond} requests/s`)
for (const run of [ours, () => sdk(false), () => sdk(true)]) console.log(JSON.stringify(await run()))
