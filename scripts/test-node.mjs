// `npm run test:node [-- <node --test flags>]`: the node:test suite, __test__/*.test.mjs, on the
// Node that runs this, with at least two files at a time. node --test runs as many files at once
// as the machine has cores less one: on 2 cores, one at a time, while its files mostly wait on
// child processes and sockets. Two at once took the suite from 90 s to 50 s there (the CPU time
// the same); three, no less. The packed install is `npm run test:package`, Node 22 and 24
// `npm run test:node-versions`.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const files = readdirSync(join(root, '__test__'))
  .filter((file) => file.endsWith('.test.mjs'))
  .map((file) => join('__test__', file))
const concurrency = Math.max(2, availableParallelism() - 1)
const { status } = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...files],
  { cwd: root, stdio: 'inherit' },
)
process.exit(status ?? 1)
