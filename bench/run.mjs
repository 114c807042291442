// `npm run bench`: roq-invites against @roq/nodejs 1.0.20 and plain fetch, side by side.
//
// Each scenario gets a fresh standalone emulator (its own process, in-memory store). Each client
// runs each scenario in a fresh Node process, in alternating rounds, so that no client always
// goes first. Prints a table of medians (with min and max), checks the targets, and writes
// bench/results.json and bench/chart.svg. `--quick` runs fewer rounds, only to check that
// the benchmark itself works (into bench/.quick/); `--only=warm,bulk` runs those scenarios alone
// (into bench/.only/).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { chart, figure } from './chart.mjs'
import { writePage } from './docs.mjs'
import { onCore, standaloneEmulator } from './standalone-emulator.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const quick = process.argv.includes('--quick')
// `--only warm,bulk`: those scenarios alone (a look at one figure; the targets of the others miss).
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
const CLIENTS = ['roq-invites', '@roq/nodejs', 'fetch']
// `pinned` is the bulk send again with the emulator on the first core and the client on the
// second (taskset), so that the client's own cost shows instead of the share it wins of the cores.
const canPin = cpus().length >= 2 && spawnSync('taskset', ['--version']).status === 0
const SCENARIOS = {
  load: { rounds: quick ? 2 : 10, clients: ['roq-invites', '@roq/nodejs'] },
  single: { rounds: quick ? 1 : 5 },
  bulk: { rounds: quick ? 1 : 5, freshEmulator: true },
  ...(canPin && { pinned: { rounds: quick ? 1 : 5, freshEmulator: true, pin: true } }),
  // Warm: a long-lived process (a server), measured after three sends, on the cores as they come.
  warm: { rounds: quick ? 1 : 5, freshEmulator: true, clients: ['roq-invites', '@roq/nodejs'] },
  concurrent: { rounds: quick ? 1 : 5 },
  memory: { rounds: quick ? 1 : 3, freshEmulator: true },
}

let runs = 0
function scenario(client, name, env, core) {
  // --single-threaded-gc: pages V8 frees are given back before gc() returns, so that the RSS
  // measured right after it does not depend on a background thread's timing.
  const flags = name === 'memory' ? ['--expose-gc', '--single-threaded-gc'] : []
  const args = [...flags, join(root, 'bench/scenario.mjs'), client, name, `run${++runs}`]
  const output = execFileSync(...onCore(core, process.execPath, args), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  return JSON.parse(output.trim().split('\n').at(-1))
}

/** How much later than a bare `node` a process that loads the package is done, in ms (median of `rounds`). */
function startupOverhead(rounds) {
  const wall = (args) => {
    const times = Array.from({ length: rounds }, () => {
      const t0 = performance.now()
      execFileSync(process.execPath, args, { cwd: root })
      return performance.now() - t0
    })
    return times.sort((a, b) => a - b)[Math.floor((rounds - 1) / 2)]
  }
  const bare = wall(['-e', ''])
  return { bareNodeMs: bare, overheadMs: wall(['-e', "require('./index.js')"]) - bare }
}

/** The Rust-alone ceiling and the emulator's own capacity (crates/roq-invites/examples/bench.rs). */
function ceiling(mode, env) {
  const output = execFileSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'roq-invites', '--example', 'bench', '--', mode, `run${++runs}`],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  )
  return JSON.parse(output.trim().split('\n').at(-1))
}

const samples = {} // samples[scenario][client] = [result, ...]
const record = (name, client, result) => ((samples[name] ??= {})[client] ??= []).push(result)

console.log(
  `roq-invites benchmark: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}${quick ? ' (quick)' : ''}`,
)
console.log('building the Rust ceiling (cargo, release)…')
execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'roq-invites', '--example', 'bench'], {
  cwd: root,
  stdio: 'inherit',
})

for (const [name, { rounds, clients = CLIENTS, freshEmulator, pin }] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue
  const [emulatorCore, clientCore] = pin ? [0, 1] : []
  let platform = await standaloneEmulator(emulatorCore)
  try {
    for (let round = 0; round < rounds; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length])
      for (const client of order) {
        // The store grows with each run, and a bigger store is slower: bulk runs start even.
        if (freshEmulator && (round > 0 || client !== order[0])) {
          await platform.stop()
          platform = await standaloneEmulator(emulatorCore)
        }
        record(name, client, scenario(client, name, platform.env, clientCore))
      }
      if (name === 'bulk') {
        for (const mode of ['client', 'emulator']) {
          await platform.stop()
          platform = await standaloneEmulator()
          record(name, mode === 'client' ? 'rust alone' : 'emulator alone', ceiling(mode, platform.env))
        }
      }
      process.stdout.write(`${name} round ${round + 1}/${rounds}\r`)
    }
  } finally {
    await platform.stop()
  }
}

record('load', 'roq-invites', startupOverhead(quick ? 3 : 10))

// ---- report ----------------------------------------------------------------------------------

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
const stat = (scenario, client, key) => {
  const values = (samples[scenario]?.[client] ?? []).map((r) => r[key]).filter((v) => typeof v === 'number')
  return values.length
    ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length }
    : undefined
}

const METRICS = [
  ['load', 'loadMs', 'cold start: load the package (ms)'],
  ['load', 'overheadMs', 'cold start: a process that loads it, over a bare node (ms)'],
  ['single', 'p50Ms', 'one invite per call, 2,000 calls: p50 (ms)'],
  ['single', 'p99Ms', 'one invite per call, 2,000 calls: p99 (ms)'],
  ['bulk', 'wallMs', '10,000 invites in one send: wall (ms)'],
  ['bulk', 'invitesPerSec', '10,000 invites in one send: invites/s'],
  ['bulk', 'loopDelayP99Ms', 'during it: event-loop delay p99 (ms)'],
  ['bulk', 'loopDelayMaxMs', 'during it: event-loop delay max (ms)'],
  ['bulk', 'mainThreadUtilization', 'during it: main-thread utilisation'],
  ['bulk', 'cpuUsPerInvite', 'during it, cold: CPU per invite, whole process (µs)'],
  ['bulk', 'mainCpuUsPerInvite', 'during it, cold: CPU per invite, main thread (µs)'],
  ['bulk', 'nativeCpuUsPerInvite', 'during it, cold: CPU per invite, native threads (µs)'],
  ['bulk', 'otherCpuUsPerInvite', 'during it, cold: CPU per invite, V8 and libuv threads (µs)'],
  ['pinned', 'invitesPerSec', 'the same, emulator and client on a core each: invites/s'],
  ['pinned', 'cpuUsPerInvite', 'cold, pinned: CPU per invite, whole process (µs)'],
  ['pinned', 'mainCpuUsPerInvite', 'cold, pinned: CPU per invite, main thread (µs)'],
  ['pinned', 'nativeCpuUsPerInvite', 'cold, pinned: CPU per invite, native threads (µs)'],
  ['pinned', 'otherCpuUsPerInvite', 'cold, pinned: CPU per invite, V8 and libuv threads (µs)'],
  ['warm', 'cpuUsPerInvite', 'warm (5 × 5,000 after 3): CPU per invite, whole process (µs)'],
  ['warm', 'mainCpuUsPerInvite', 'warm: CPU per invite, main thread (µs)'],
  ['warm', 'nativeCpuUsPerInvite', 'warm: CPU per invite, native threads (µs)'],
  ['warm', 'otherCpuUsPerInvite', 'warm: CPU per invite, V8 and libuv threads (µs)'],
  ['concurrent', 'wallMs', '200 concurrent calls: wall (ms)'],
  ['memory', 'rssAfterFirstMb', 'RSS after 100,000 invites (MB)'],
  ['memory', 'growthMb', 'RSS growth over 3 repeats (MB)'],
  ['memory', 'nativeGrowthMb', 'of which outside the V8 heap (MB)'],
]
const COLUMNS = [...CLIENTS, 'rust alone', 'emulator alone']
const format = (s) =>
  s ? (s.n > 1 ? `${figure(s.median)} (${figure(s.min)}–${figure(s.max)})` : figure(s.median)) : '–'
const table = [
  ['', ...COLUMNS],
  ...METRICS.map(([scenario, key, label]) => [label, ...COLUMNS.map((client) => format(stat(scenario, client, key)))]),
]
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)))
console.log(`\n${table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n')}`)

const m = (scenario, client, key) => stat(scenario, client, key)?.median
const binary = readdirSync(root).find((file) => /^roq-invites\..+\.node$/.test(file))
const binaryMb = binary ? statSync(join(root, binary)).size / 1e6 : undefined
// CPU is read from the pinned run where there is one: there the client's threads do not wait for
// the emulator's, so a client's cost is its own.
const cpuRun = SCENARIOS.pinned ? 'pinned' : 'bulk'
const TARGETS = [
  [
    'cold start ≥ 10× faster than @roq/nodejs',
    m('load', '@roq/nodejs', 'loadMs') / m('load', 'roq-invites', 'loadMs'),
    (r) => r >= 10,
    '×',
  ],
  ['cold start ≤ 10 ms over a bare node', m('load', 'roq-invites', 'overheadMs'), (v) => v <= 10, 'ms'],
  [
    'warm: CPU per invite, whole process ≤ 0.4× @roq/nodejs',
    m('warm', 'roq-invites', 'cpuUsPerInvite') / m('warm', '@roq/nodejs', 'cpuUsPerInvite'),
    (r) => r <= 0.4,
    '×',
  ],
  [
    'warm: CPU per invite on the native threads ≤ 3 µs',
    m('warm', 'roq-invites', 'nativeCpuUsPerInvite'),
    (v) => v <= 3,
    'µs',
  ],
  [
    'warm: CPU per invite on the main thread ≤ 4 µs',
    m('warm', 'roq-invites', 'mainCpuUsPerInvite'),
    (v) => v <= 4,
    'µs',
  ],
  [
    'cold: CPU per invite, whole process ≤ 0.3× @roq/nodejs',
    m(cpuRun, 'roq-invites', 'cpuUsPerInvite') / m(cpuRun, '@roq/nodejs', 'cpuUsPerInvite'),
    (r) => r <= 0.3,
    '×',
  ],
  [
    'single-call p50 ≤ plain fetch',
    m('single', 'roq-invites', 'p50Ms') / m('single', 'fetch', 'p50Ms'),
    (r) => r <= 1,
    '× fetch',
  ],
  [
    'single-call p50 ≤ 0.5× @roq/nodejs',
    m('single', 'roq-invites', 'p50Ms') / m('single', '@roq/nodejs', 'p50Ms'),
    (r) => r <= 0.5,
    '× sdk',
  ],
  [
    '10,000-invite throughput ≥ 2× @roq/nodejs',
    m('bulk', 'roq-invites', 'invitesPerSec') / m('bulk', '@roq/nodejs', 'invitesPerSec'),
    (r) => r >= 2,
    '×',
  ],
  [
    '10,000-invite throughput ≥ 90% of Rust alone',
    m('bulk', 'roq-invites', 'invitesPerSec') / m('bulk', 'rust alone', 'invitesPerSec'),
    (r) => r >= 0.9,
    '×',
  ],
  [
    'main-thread utilisation ≤ 1/5 of @roq/nodejs',
    m('bulk', 'roq-invites', 'mainThreadUtilization') / m('bulk', '@roq/nodejs', 'mainThreadUtilization'),
    (r) => r <= 0.2,
    '×',
  ],
  ['event-loop delay p99 < 5 ms', m('bulk', 'roq-invites', 'loopDelayP99Ms'), (v) => v < 5, 'ms'],
  ['RSS growth over 3 repeats < 5 MB', m('memory', 'roq-invites', 'growthMb'), (v) => v < 5, 'MB'],
  ['emulator alone ≥ 20,000 invites/s', m('bulk', 'emulator alone', 'invitesPerSec'), (v) => v >= 20_000, '/s'],
  ['.node binary (stripped) < 9.58 MB (its size before this change)', binaryMb, (v) => v < 9.58, 'MB'],
].map(([target, value, ok, unit]) => ({ target, value, unit, met: Number.isFinite(value) && ok(value) }))
console.log(
  `\n${TARGETS.map((t) => `${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${Number.isFinite(t.value) ? figure(t.value) : '–'} ${t.unit}`).join('\n')}`,
)

// The emulator alone (bench/emulator.mjs): the figures a test suite waits on, in their own
// processes; `--only=emulator` runs this section alone.
const emulatorAlone =
  !only || only.includes('emulator')
    ? JSON.parse(
        execFileSync(process.execPath, [join(root, 'bench/emulator.mjs'), '--json', ...(quick ? ['--quick'] : [])], {
          cwd: root,
          encoding: 'utf8',
        }),
      )
    : undefined
if (emulatorAlone) {
  const { cold, single, bulk } = emulatorAlone
  console.log(
    [
      '\nthe emulator alone (bench/emulator.mjs; medians):',
      `startEmulator() to the first answer, fresh process, in-memory store: ${figure(cold.memory.totalMs.median)} ms (of which startEmulator() ${figure(cold.memory.startMs.median)} ms, the first request ${figure(cold.memory.firstRequestMs.median)} ms)`,
      `one invite per call: p50 ${figure(single.p50Ms.median)} ms, ${figure(single.emulatorCpuUsPerRequest.median)} µs of emulator CPU per request`,
      `10,000 invites, 100 a batch, 4 in flight: ${figure(bulk.invitesPerSec.median)} invites/s, ${figure(bulk.emulatorCpuUsPerInvite.median)} µs of emulator CPU per invite`,
    ].join('\n'),
  )
}

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0].model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
}
const results = {
  date: new Date().toISOString(),
  machine,
  quick,
  samples,
  medians: Object.fromEntries(
    METRICS.map(([s, k]) => [`${s}.${k}`, Object.fromEntries(COLUMNS.map((c) => [c, m(s, c, k)]))]),
  ),
  targets: TARGETS,
  emulator: emulatorAlone,
}
// A quick run only checks that the benchmark works: it neither replaces the published results
// nor fails on a target.
const out = quick ? 'bench/.quick' : only ? 'bench/.only' : 'bench'
mkdirSync(join(root, out), { recursive: true })
writeFileSync(join(root, out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(root, out, 'chart.svg'), chart(results))
console.log(`\nwrote ${out}/results.json and ${out}/chart.svg`)
// The published figures: docs/benchmarks.md, rendered from the results file just written.
if (out === 'bench') {
  writePage()
  console.log('wrote the figures of docs/benchmarks.md')
}
process.exitCode = quick || TARGETS.every((t) => t.met) ? 0 : 1
