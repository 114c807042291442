// One scenario for one client, in a fresh Node process (so that load time, event-loop delay,
// main-thread utilisation and memory are that client's alone). Prints one JSON line.
//   node [--expose-gc] bench/scenario.mjs <client> <scenario> <email prefix>
// with ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and ROQ_API_KEY set to a running emulator.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'

import { CLIENTS } from './clients.mjs'

const [name, scenario, prefix] = process.argv.slice(2)
const client = CLIENTS[name]
const emails = (count, tag) => Array.from({ length: count }, (_, i) => `${prefix}-${tag}-${i}@example.com`)
const ms = (ns) => ns / 1e6

/**
 * CPU time of the whole process, in ms, and of its threads by kind, from Linux's scheduler (to the
 * ns): the main thread, and roq-invites' native threads (tokio's, named `tokio-*`). What is left
 * is V8's and libuv's own threads (the garbage collector's, mostly).
 */
function cpu() {
  const { user, system } = process.cpuUsage()
  const reading = { totalMs: (user + system) / 1000, mainMs: NaN, nativeMs: 0 }
  if (!existsSync('/proc/self/task')) return reading
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const ms = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
      if (Number(tid) === process.pid) reading.mainMs = ms
      else if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').startsWith('tokio-')) reading.nativeMs += ms
    } catch {
      // The thread ended while we read.
    }
  }
  return reading
}

/** CPU per invite between two `cpu()` readings, in µs: the process, its main thread, the native threads, the others. */
function cpuPerInvite(before, after, invites) {
  const perInvite = (ms) => (ms * 1000) / invites
  const [total, main, native] = ['totalMs', 'mainMs', 'nativeMs'].map((key) => after[key] - before[key])
  return {
    cpuUsPerInvite: perInvite(total),
    mainCpuUsPerInvite: perInvite(main),
    nativeCpuUsPerInvite: perInvite(native),
    otherCpuUsPerInvite: perInvite(total - main - native),
  }
}
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

const started = performance.now()
const loaded = client.load()
const loadMs = performance.now() - started
const result = await run()
console.log(JSON.stringify(result))

async function run() {
  if (scenario === 'load') return { loadMs }
  const sender = client.make(loaded, process.env)
  await sender.one(`${prefix}-warmup@example.com`) // a token, a connection
  switch (scenario) {
    case 'single': {
      const latencies = []
      const list = emails(2000, 'single')
      const cpu0 = cpu()
      for (const email of list) {
        const t0 = performance.now()
        await sender.one(email)
        latencies.push(performance.now() - t0)
      }
      const cpu1 = cpu()
      latencies.sort((a, b) => a - b)
      // One invite per call, one request per call: CPU per invite is CPU per call here.
      const { cpuUsPerInvite, mainCpuUsPerInvite } = cpuPerInvite(cpu0, cpu1, list.length)
      return {
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        cpuUsPerCall: cpuUsPerInvite,
        mainCpuUsPerCall: mainCpuUsPerInvite,
      }
    }
    case 'bulk':
    case 'pinned': {
      const list = emails(10_000, 'bulk')
      const delay = monitorEventLoopDelay({ resolution: 1 })
      const elu = performance.eventLoopUtilization()
      delay.enable()
      const cpu0 = cpu()
      const t0 = performance.now()
      const sent = await sender.bulk(list)
      const wallMs = performance.now() - t0
      const cpu1 = cpu()
      delay.disable()
      const { utilization } = performance.eventLoopUtilization(elu)
      if (sent !== list.length) throw new Error(`${name} sent ${sent} of ${list.length}`)
      return {
        wallMs,
        invitesPerSec: list.length / (wallMs / 1000),
        loopDelayP99Ms: ms(delay.percentile(99)),
        loopDelayMaxMs: ms(delay.max),
        mainThreadUtilization: utilization,
        ...cpuPerInvite(cpu0, cpu1, list.length),
      }
    }
    case 'warm': {
      // A long-lived server's case: three 5,000-invite sends warm V8's code and caches, the
      // native pools and the allocator; five more are measured, together.
      for (const round of [1, 2, 3]) await sender.bulk(emails(5000, `warmup${round}`))
      const cpu0 = cpu()
      let sent = 0
      for (const round of [1, 2, 3, 4, 5]) sent += await sender.bulk(emails(5000, `warm${round}`))
      const cpu1 = cpu()
      if (sent !== 25_000) throw new Error(`${name} sent ${sent} of 25000`)
      return cpuPerInvite(cpu0, cpu1, sent)
    }
    case 'concurrent': {
      const list = emails(200, 'concurrent')
      const t0 = performance.now()
      await Promise.all(list.map((email) => sender.one(email)))
      return { wallMs: performance.now() - t0 }
    }
    case 'memory': {
      const rssMb = []
      const heapMb = [] // V8's part of it (heapTotal): the rest is native memory and code
      for (const round of [1, 2, 3]) {
        await sender.bulk(emails(100_000, `memory${round}`))
        globalThis.gc?.()
        const { rss, heapTotal } = process.memoryUsage()
        rssMb.push(rss / 2 ** 20)
        heapMb.push(heapTotal / 2 ** 20)
      }
      const nativeMb = rssMb.map((rss, i) => rss - heapMb[i])
      return {
        rssMb,
        heapMb,
        rssAfterFirstMb: rssMb[0],
        growthMb: rssMb[2] - rssMb[0],
        nativeGrowthMb: nativeMb[2] - nativeMb[0],
      }
    }
    default:
      throw new Error(`unknown scenario ${scenario}`)
  }
}
