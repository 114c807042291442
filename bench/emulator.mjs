// `node bench/emulator.mjs`: how fast the emulator alone is, the three figures a test suite
// waits on (issue 21, point 4). Prints a table of medians (min–max); `--json` prints one JSON
// line instead (bench/run.mjs reads it), `--quick` runs fewer rounds.
//   cold start:  `startEmulator()` to the first answered GraphQL request, in a fresh Node process
//                each time, split into Node's start, the require of the package, Node's own
//                first HTTP request, startEmulator() (the store opened and migrated, the port
//                bound) and the first request (a token, then a query), with an in-memory store, a
//                new file and an existing file; the total is the sum of the parts;
//   single send: one invite per call against a warm emulator, p50 at the client, and the
//                emulator's CPU per request;
//   throughput:  10,000 invites in batches of 100, 4 in flight, invites/s and the emulator's CPU
//                per invite.
// The emulator runs in its own process (`roq-invites emulator --port 0`), so its CPU is read from
// Linux's scheduler (/proc/<pid>/task/*/schedstat) and is its own; the client is roq-invites.
// It measures the addon it finds (a debug build measures much slower than a release build).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

import { standaloneEmulator } from './standalone-emulator.mjs'

const quick = process.argv.includes('--quick')
const COLD_ROUNDS = quick ? 3 : 20
const SINGLE_SENDS = quick ? 200 : 2000
const BULK_ROUNDS = quick ? 1 : 5
const BULK = 10_000
const TENANT = 'bench-tenant'
const INVITER = 'bench-inviter'

/** One POST of JSON with node:http (no fetch: undici's first use would count as the emulator's). */
function post(url, headers, body) {
  return new Promise((done, fail) => {
    const text = JSON.stringify(body)
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let answer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (answer += chunk))
      res.on('end', () => done(JSON.parse(answer)))
    })
    req.on('error', fail)
    req.end(text)
  })
}

/** The first GraphQL request a test makes: a service account's token, then a query. */
async function firstQuery({ url, environmentId, apiKey }) {
  const { accessToken } = await post(
    `${url}/v01/authorize/serviceAccount`,
    {},
    {
      email: 'project-service-account@roq.tech',
      environmentId,
      apiKey,
    },
  )
  const answer = await post(
    `${url}/v01/server/graphql`,
    {
      'roq-platform-authorization': `Bearer ${accessToken}`,
      'roq-platform-server-authorization': `Basic ${Buffer.from(`${environmentId}:${apiKey}`).toString('base64')}`,
    },
    { query: 'query { userInvites(limit: 1) { totalCount } }' },
  )
  if (answer.data?.userInvites?.totalCount !== 0) throw new Error(`first query: ${JSON.stringify(answer)}`)
}

// ---- cold start: this file again, in a fresh process, with `--cold <store>` --------------------

const coldIndex = process.argv.indexOf('--cold')
if (coldIndex !== -1) {
  // performance.now() counts from the process's start: what is before this line is Node's own.
  const nodeMs = performance.now()
  const store = process.argv[coldIndex + 1]
  const { startEmulator } = await import('../index.js')
  const requireMs = performance.now() - nodeMs
  // A Node process's first HTTP request costs tens of ms in Node itself (its HTTP client's first
  // use), whatever answers it: paid here, against a bare node:http server, and counted apart.
  const tw = performance.now()
  const bare = createServer((_, res) => res.end('{}'))
  await new Promise((done) => bare.listen(0, '127.0.0.1', done))
  await post(`http://127.0.0.1:${bare.address().port}/`, {}, {})
  bare.close()
  const nodeHttpMs = performance.now() - tw
  const t0 = performance.now()
  const emulator = await startEmulator(store === 'memory' ? {} : { dbPath: process.argv[coldIndex + 2] })
  const startMs = performance.now() - t0
  const t1 = performance.now()
  await firstQuery(emulator)
  const firstRequestMs = performance.now() - t1
  await emulator.stop()
  const totalMs = nodeMs + requireMs + nodeHttpMs + startMs + firstRequestMs
  console.log(JSON.stringify({ nodeMs, requireMs, nodeHttpMs, startMs, firstRequestMs, totalMs }))
  process.exit(0)
}

function coldStarts() {
  const dir = mkdtempSync(join(tmpdir(), 'roq-emulator-bench-'))
  const results = { memory: [], newFile: [], existingFile: [] }
  try {
    const cold = (store, path) =>
      JSON.parse(
        execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cold', store, path ?? ''], {
          encoding: 'utf8',
        }),
      )
    for (let round = 0; round < COLD_ROUNDS; round++) {
      results.memory.push(cold('memory'))
      const path = join(dir, `store-${round}.db`)
      results.newFile.push(cold('file', path))
      results.existingFile.push(cold('file', path))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

// ---- a standalone emulator's CPU ----------------------------------------------------------------

/** CPU time of every thread of process `pid`, in ms, from Linux's scheduler (to the ns). */
function cpuMs(pid) {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // The thread ended while we read.
    }
  }
  return ns / 1e6
}

async function client(env) {
  const { RoqClient } = await import('../index.js')
  const { roqPlatform } = new RoqClient({
    host: env.ROQ_PLATFORM_URL,
    environmentId: env.ROQ_ENVIRONMENT_ID,
    apiKey: env.ROQ_API_KEY,
  })
  const send = async (emails, options) => {
    const result = await roqPlatform.sendUserInvites(
      { data: { tenantId: TENANT, userInvites: emails.map((email) => ({ createdByUserId: INVITER, email })) } },
      options,
    )
    if (result.success.length !== emails.length) throw new Error(`sent ${result.success.length} of ${emails.length}`)
  }
  return send
}

const emails = (count, tag) => Array.from({ length: count }, (_, i) => `${tag}-${i}@example.com`)

async function singleSends() {
  const platform = await standaloneEmulator()
  try {
    const send = await client(platform.env)
    for (const email of emails(200, 'warmup')) await send([email]) // a token, a connection, warm caches
    const latencies = []
    const cpu0 = cpuMs(platform.pid)
    for (const email of emails(SINGLE_SENDS, 'single')) {
      const t0 = performance.now()
      await send([email])
      latencies.push(performance.now() - t0)
    }
    const cpu = cpuMs(platform.pid) - cpu0
    latencies.sort((a, b) => a - b)
    return { p50Ms: latencies[Math.floor(latencies.length / 2)], emulatorCpuUsPerRequest: (cpu * 1000) / SINGLE_SENDS }
  } finally {
    await platform.stop()
  }
}

async function bulkSend(round) {
  const platform = await standaloneEmulator() // a fresh store: a bigger store is slower
  try {
    const send = await client(platform.env)
    await send([`warmup-${round}@example.com`])
    const list = emails(BULK, `bulk${round}`)
    const cpu0 = cpuMs(platform.pid)
    const t0 = performance.now()
    await send(list, { batchSize: 100, concurrency: 4 })
    const wallMs = performance.now() - t0
    const cpu = cpuMs(platform.pid) - cpu0
    return { wallMs, invitesPerSec: BULK / (wallMs / 1000), emulatorCpuUsPerInvite: (cpu * 1000) / BULK }
  } finally {
    await platform.stop()
  }
}

// ---- the run and its report ------------------------------------------------------------------

if (!existsSync('/proc/self/task')) throw new Error('bench/emulator.mjs reads the CPU from /proc: it runs on Linux')
const cold = coldStarts()
const single = []
for (let round = 0; round < (quick ? 1 : 3); round++) single.push(await singleSends())
const bulk = []
for (let round = 0; round < BULK_ROUNDS; round++) bulk.push(await bulkSend(round))

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
const stat = (samples, key) => {
  const values = samples.map((s) => s[key])
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length }
}
const result = {
  cold: Object.fromEntries(
    Object.entries(cold).map(([store, samples]) => [
      store,
      Object.fromEntries(
        ['nodeMs', 'requireMs', 'nodeHttpMs', 'startMs', 'firstRequestMs', 'totalMs'].map((key) => [
          key,
          stat(samples, key),
        ]),
      ),
    ]),
  ),
  single: { p50Ms: stat(single, 'p50Ms'), emulatorCpuUsPerRequest: stat(single, 'emulatorCpuUsPerRequest') },
  bulk: {
    invitesPerSec: stat(bulk, 'invitesPerSec'),
    wallMs: stat(bulk, 'wallMs'),
    emulatorCpuUsPerInvite: stat(bulk, 'emulatorCpuUsPerInvite'),
  },
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result))
} else {
  const figure = (s, digits = 1) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`
  const rows = [
    ['cold start, in-memory store: to the first answer (ms)', figure(result.cold.memory.totalMs)],
    ...['memory', 'newFile', 'existingFile'].flatMap((store) => [
      [`  ${store}: Node's start (ms)`, figure(result.cold[store].nodeMs)],
      [`  ${store}: require('roq-invites') (ms)`, figure(result.cold[store].requireMs)],
      [`  ${store}: Node's first HTTP request, to a bare server (ms)`, figure(result.cold[store].nodeHttpMs)],
      [`  ${store}: startEmulator(): store, migrations, bind (ms)`, figure(result.cold[store].startMs)],
      [`  ${store}: first request: token + query (ms)`, figure(result.cold[store].firstRequestMs)],
      [`  ${store}: total (ms)`, figure(result.cold[store].totalMs)],
    ]),
    ['one invite per call: p50 at the client (ms)', figure(result.single.p50Ms, 2)],
    ['one invite per call: emulator CPU per request (µs)', figure(result.single.emulatorCpuUsPerRequest, 0)],
    ['10,000 invites, 100 a batch, 4 in flight: invites/s', figure(result.bulk.invitesPerSec, 0)],
    ['10,000 invites: wall (ms)', figure(result.bulk.wallMs, 0)],
    ['10,000 invites: emulator CPU per invite (µs)', figure(result.bulk.emulatorCpuUsPerInvite, 1)],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n'))
}
