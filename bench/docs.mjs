// `npm run docs:bench`: the figures of docs/benchmarks.md, rendered from bench/results.json (what
// `npm run bench` last measured, with its date and machine), between the page's two markers; the
// rest of the page is written by hand. `--check` (`npm run lint`) fails when the page's figures
// are not what the results file renders, so that no figure is copied by hand and none can drift.
// Every other page links here instead of repeating a figure.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { figure } from './chart.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const PAGE = join(root, 'docs/benchmarks.md')
const RESULTS = join(root, 'bench/results.json')
export const START =
  '<!-- The figures from here to the end marker are rendered from bench/results.json by bench/docs.mjs (npm run docs:bench): do not edit them by hand. -->'
export const END = '<!-- End of the figures rendered from bench/results.json. -->'

const CLIENTS = ['roq-invites', '@roq/nodejs', 'fetch']
// The two clients compared get their range (min–max over the runs); the others their median.
const RANGED = new Set(['roq-invites', '@roq/nodejs'])

// [scenario, key, label]: the rows of the main table, in bench/run.mjs's names.
const ROWS = [
  ['load', 'loadMs', 'Cold start: load the package (ms)'],
  ['load', 'overheadMs', 'Cold start: a process that loads it, over a bare `node` (ms)'],
  ['single', 'p50Ms', 'One invite per call, 2,000 calls: p50 (ms)'],
  ['single', 'p99Ms', 'One invite per call, 2,000 calls: p99 (ms)'],
  ['bulk', 'invitesPerSec', '10,000 invites in one send: invites/s'],
  ['bulk', 'loopDelayP99Ms', 'During it: event-loop delay p99 (ms)'],
  ['bulk', 'loopDelayMaxMs', 'During it: event-loop delay max (ms)'],
  ['bulk', 'mainThreadUtilization', 'During it: main-thread utilisation'],
  ['bulk', 'cpuUsPerInvite', 'During it: CPU per invite, whole client process (µs)'],
  ['pinned', 'invitesPerSec', 'Pinned: invites/s'],
  ['pinned', 'cpuUsPerInvite', 'Pinned: CPU per invite, whole client process (µs)'],
  ['pinned', 'mainCpuUsPerInvite', 'Pinned: of which the main thread (µs)'],
  ['pinned', 'nativeCpuUsPerInvite', 'Pinned: of which our native threads (µs)'],
  ['pinned', 'otherCpuUsPerInvite', "Pinned: of which V8's and libuv's threads (µs)"],
  ['concurrent', 'wallMs', '200 concurrent single-invite calls: wall (ms)'],
  ['memory', 'rssAfterFirstMb', 'RSS after 100,000 invites (MB)'],
  ['memory', 'growthMb', 'RSS growth over 3 repeats of 100,000 (MB)'],
  ['memory', 'nativeGrowthMb', 'Of which outside the V8 heap (MB)'],
]

// [scenario, key, label]: CPU per invite, warm against cold, and the single call, as ratios.
const RATIOS = [
  ['warm', 'cpuUsPerInvite', 'Warm: CPU per invite, whole process (µs)'],
  ['warm', 'mainCpuUsPerInvite', 'Warm: main thread (µs)'],
  ['warm', 'nativeCpuUsPerInvite', 'Warm: our native threads (µs)'],
  ['warm', 'otherCpuUsPerInvite', "Warm: V8's and libuv's threads (µs)"],
  ['bulk', 'cpuUsPerInvite', 'Cold: CPU per invite, whole process (µs)'],
  ['pinned', 'cpuUsPerInvite', 'Cold, pinned: CPU per invite, whole process (µs)'],
  ['single', 'p50Ms', 'One invite per call: p50 (ms)'],
]

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]

/** The median, min and max of one figure of one client over the runs, or undefined. */
function stat(results, scenario, client, key) {
  const values = (results.samples[scenario]?.[client] ?? []).map((r) => r[key]).filter(Number.isFinite)
  if (!values.length) return undefined
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length }
}

/** A cell: the median, and for the compared clients the range when there was more than one run. */
function cell(s, client) {
  if (!s || (s.median === 0 && client !== 'roq-invites')) return '–'
  const range = RANGED.has(client) && s.n > 1 && s.min !== s.max ? ` (${figure(s.min)}–${figure(s.max)})` : ''
  return `${figure(s.median)}${range}`
}

const table = (head, rows) => [head, head.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')

/** One line that says when and where: the figures' date and machine. */
export function measured(results) {
  const { date, machine } = results
  return `${date.slice(0, 10)} ${date.slice(11, 16)} UTC, on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node.replace(/^v/, '')}`
}

function main(results) {
  return table(
    ['', ...CLIENTS],
    ROWS.filter(([s, k]) => stat(results, s, 'roq-invites', k)).map(([s, k, label]) => [
      label,
      ...CLIENTS.map((client) => cell(stat(results, s, client, k), client)),
    ]),
  )
}

/** The ceilings of the 10,000-invite send: the client crate without Node, and the emulator alone. */
function ceilings(results) {
  const [rust, emulator] = ['rust alone', 'emulator alone'].map((c) => stat(results, 'bulk', c, 'invitesPerSec'))
  if (!rust || !emulator) return []
  return [
    `The ceilings of the same send: the client crate from Rust, without Node, ${figure(rust.median)} invites/s; the emulator alone, ${figure(emulator.median)} invites/s.`,
    '',
  ]
}

function ratios(results) {
  return table(
    ['', 'roq-invites', '@roq/nodejs', 'ratio'],
    RATIOS.filter(([s, k]) => stat(results, s, 'roq-invites', k)).map(([s, k, label]) => {
      const [ours, theirs] = ['roq-invites', '@roq/nodejs'].map((client) => stat(results, s, client, k))
      const ratio = ours && theirs?.median ? `${figure(ours.median / theirs.median)}×` : ''
      return [label, cell(ours, 'roq-invites'), cell(theirs, '@roq/nodejs'), ratio]
    }),
  )
}

/** A target as bench/run.mjs names it, in the page's words. */
const targetName = (name) =>
  name.replace(/\bbare node\b/, 'bare `node`').replace(/ \(its size before this change\)$/, '')

function targets(results) {
  const value = ({ value, unit }) => {
    if (!Number.isFinite(value)) return '–'
    if (unit === '× sdk') return `${figure(value)}×`
    if (unit.startsWith('×')) return `${figure(value)}${unit}`
    if (unit === '/s') return `${figure(value)}/s`
    return `${figure(value)} ${unit}`
  }
  return table(
    ['Target', 'Measured', ''],
    results.targets.map((t) => [targetName(t.target), value(t), t.met ? 'met' : 'missed']),
  )
}

function emulatorAlone(results) {
  const e = results.emulator
  if (!e) {
    return 'This results file has no figures of the emulator alone: it predates them. The next `npm run bench` measures them (`bench/emulator.mjs`) and writes them here.'
  }
  const ms = (s) => `${figure(s.median)} ms`
  const { memory, newFile, existingFile } = e.cold
  return table(
    ['', 'Median'],
    [
      ['`startEmulator()` to the first answered GraphQL request, in a fresh Node process', ms(memory.totalMs)],
      ["Of which Node's own start", ms(memory.nodeMs)],
      ['Of which the `require` of the package', ms(memory.requireMs)],
      ["Of which Node's first HTTP request (to any server)", ms(memory.nodeHttpMs)],
      ['Of which `startEmulator()`, in memory', ms(memory.startMs)],
      ...(newFile ? [['`startEmulator()` with a new `dbPath` file', ms(newFile.startMs)]] : []),
      ...(existingFile ? [['`startEmulator()` with an existing `dbPath` file', ms(existingFile.startMs)]] : []),
      ['Of which the first request (a token, then a query)', ms(memory.firstRequestMs)],
      ['One invite per call, warm: p50 at the client', ms(e.single.p50Ms)],
      ["One invite per call: the emulator's CPU per request", `${figure(e.single.emulatorCpuUsPerRequest.median)} µs`],
      ['10,000 invites, batches of 100, 4 in flight: invites/s', figure(e.bulk.invitesPerSec.median)],
      ["10,000 invites: the emulator's CPU per invite", `${figure(e.bulk.emulatorCpuUsPerInvite.median)} µs`],
    ],
  )
}

/** The page's figures, from a results file. */
export function figures(results) {
  if (results.quick) throw new Error('bench/results.json is of a --quick run, which publishes nothing')
  return [
    START,
    '',
    `Measured ${measured(results)} (\`npm run bench\`, release build; medians, with min–max in brackets). The emulator runs on the same cores as the client measured, except in the pinned rows, where it has the first core and the client the second.`,
    '',
    '### Cold: a fresh process',
    '',
    main(results),
    '',
    ...ceilings(results),
    '![roq-invites against @roq/nodejs and fetch, the medians of the table above](../bench/chart.svg)',
    '',
    '### Warm and cold, side by side',
    '',
    `Measured ${measured(results)}, in the same run.`,
    '',
    ratios(results),
    '',
    '### Targets',
    '',
    `Measured ${measured(results)}, in the same run.`,
    '',
    targets(results),
    '',
    '### The emulator alone',
    '',
    ...(results.emulator ? [`Measured ${measured(results)}, in the same run.`, ''] : []),
    emulatorAlone(results),
    '',
    END,
  ].join('\n')
}

/** The page with its figures rendered from `results`. */
export function render(page, results) {
  const [start, end] = [page.indexOf(START), page.indexOf(END)]
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has lost its markers:\n${START}\n${END}`)
  return `${page.slice(0, start)}${figures(results)}${page.slice(end + END.length)}`
}

/** Renders docs/benchmarks.md from bench/results.json (bench/run.mjs calls it after a full run). */
export function writePage() {
  const page = readFileSync(PAGE, 'utf8')
  writeFileSync(PAGE, render(page, JSON.parse(readFileSync(RESULTS, 'utf8'))))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const page = readFileSync(PAGE, 'utf8')
    if (render(page, JSON.parse(readFileSync(RESULTS, 'utf8'))) !== page) {
      console.error(
        "docs/benchmarks.md's figures are not what bench/results.json renders: run npm run docs:bench and commit it",
      )
      process.exitCode = 1
    }
  } else {
    writePage()
  }
}
