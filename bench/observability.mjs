// `node bench/observability.mjs`: what observing a call costs (docs/observability.md, "Cost").
//
// Runs roq-invites' own scenarios of bench/scenario.mjs (cold: `bulk`, 10,000 invites in a fresh
// process; warm: `warm`, 25,000 after 15,000; `single`, 2,000 calls of one invite) in five modes
// (ROQ_BENCH_OTEL in bench/clients.mjs): no OpenTelemetry; a package about the API's size loaded
// (the control: what more modules cost a fresh process); @opentelemetry/api loaded and no
// provider registered; the Node SDK with an always-off sampler; the Node SDK recording. The modes
// alternate in each round, each run in a fresh process against a fresh standalone emulator.
// Writes bench/observability.json: each figure's median, min and max per mode.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { standaloneEmulator } from './standalone-emulator.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const rounds = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 5)
const MODES = ['off', 'modules', 'api', 'unsampled', 'tracing']
const FIGURES = {
  bulk: ['cpuUsPerInvite', 'mainCpuUsPerInvite', 'nativeCpuUsPerInvite', 'otherCpuUsPerInvite'],
  warm: ['cpuUsPerInvite', 'mainCpuUsPerInvite', 'nativeCpuUsPerInvite'],
  single: ['cpuUsPerCall', 'mainCpuUsPerCall'],
}

const samples = {}
let runs = 0
for (let round = 0; round < rounds; round++) {
  for (const scenario of Object.keys(FIGURES)) {
    for (const mode of MODES.map((_, i) => MODES[(i + round) % MODES.length])) {
      const platform = await standaloneEmulator()
      try {
        const env = { ...process.env, ...platform.env, ROQ_BENCH_OTEL: mode === 'off' ? '' : mode }
        const args = [join(root, 'bench/scenario.mjs'), 'roq-invites', scenario, `obs${++runs}`]
        const output = execFileSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 })
        const result = JSON.parse(output.trim().split('\n').at(-1))
        for (const key of FIGURES[scenario]) ((samples[`${scenario}.${key}`] ??= {})[mode] ??= []).push(result[key])
      } finally {
        await platform.stop()
      }
    }
    process.stdout.write(`round ${round + 1}/${rounds}: ${scenario}   \r`)
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
const figures = Object.fromEntries(
  Object.entries(samples).map(([figure, byMode]) => [
    figure,
    Object.fromEntries(
      Object.entries(byMode).map(([mode, values]) => [
        mode,
        { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length },
      ]),
    ),
  ]),
)
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0].model, node: process.version },
  rounds,
  figures,
}
writeFileSync(join(root, 'bench/observability.json'), `${JSON.stringify(results, null, 2)}\n`)
console.log(`\n${'figure (µs)'.padEnd(32)}${MODES.map((m) => m.padStart(24)).join('')}`)
for (const [figure, byMode] of Object.entries(figures)) {
  const cell = ({ median: m, min, max }) => `${m.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)})`
  console.log(`${figure.padEnd(32)}${MODES.map((mode) => cell(byMode[mode]).padStart(24)).join('')}`)
}
console.log('wrote bench/observability.json')
