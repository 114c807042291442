// `node bench/reset.mjs`: how long a reset takes on a store of 10,000 invites, the way a test's
// `beforeEach` calls it: in this process, over HTTP (connectEmulator), and as the command
// (`roq-invites reset`, a Node process each time). Prints the median (p50), min and max of each.
// It measures the addon it finds (a debug build measures slower than a release build).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { RoqClient, connectEmulator, startEmulator } from '../index.js'

const BIG = 10_000
const SMALL = 10
const ROUNDS = 30
const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))

const emulator = await startEmulator()
const client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
const invite = (tenantId, count, prefix) =>
  client.roqPlatform.sendUserInvites(
    {
      data: {
        tenantId,
        userInvites: Array.from({ length: count }, (_, i) => ({
          createdByUserId: `${tenantId}-owner`,
          email: `${prefix}${i}@${tenantId}.io`,
        })),
      },
    },
    { batchSize: 1000 },
  )

function summary(name, times) {
  const sorted = [...times].sort((a, b) => a - b)
  const p50 = sorted[Math.floor(sorted.length / 2)]
  const ms = (n) => `${n.toFixed(1)} ms`
  console.log(
    `${name.padEnd(58)} p50 ${ms(p50).padStart(9)}  min ${ms(sorted[0])}  max ${ms(sorted.at(-1))}  (${times.length} runs)`,
  )
}

async function timed(rounds, prepare, run) {
  const times = []
  for (let round = 0; round < rounds; round++) {
    await prepare(round)
    const started = process.hrtime.bigint()
    await run()
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return times
}

await invite('big', BIG, 'user')
console.log(
  `A store of ${(await emulator.invites({ limit: 1 })).totalCount} invites in tenant big; each round invites ${SMALL} into tenant small first.`,
)
const seedSmall = (round) => invite('small', SMALL, `r${round}-`)
summary(
  `emulator.reset({ tenantId: 'small' })`,
  await timed(ROUNDS, seedSmall, () => emulator.reset({ tenantId: 'small' })),
)
const remote = connectEmulator(emulator.env)
summary(
  `connectEmulator().reset({ tenantId: 'small' }) (HTTP)`,
  await timed(ROUNDS, seedSmall, () => remote.reset({ tenantId: 'small' })),
)
const env = { PATH: process.env.PATH, ...emulator.env }
summary(
  'roq-invites reset --tenant small (a new Node process)',
  await timed(10, seedSmall, () => spawnSync(process.execPath, [BIN, 'reset', '--tenant', 'small'], { env })),
)
summary(
  'node -e "" (the start of a Node process alone, for comparison)',
  await timed(
    10,
    () => {},
    () => spawnSync(process.execPath, ['-e', '']),
  ),
)
summary(
  `emulator.reset() of all ${BIG} invites`,
  await timed(
    5,
    (round) => (round === 0 ? undefined : invite('big', BIG, `r${round}-`)),
    () => emulator.reset(),
  ),
)
await emulator.stop()
