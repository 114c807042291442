// `npm run test:node-versions`: the node:test suite and the packed install on Node 22 and 24 as
// well (`npm test` runs the suite on the Node you have, `npm run test:package` the packed install).
// Not part of `npm test`: CI's workflow runs every version, and `.ci/run` runs this after it. Each
// version is installed from npm as the `node` package, once, into node_modules/.cache/node-versions.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// What `npm run test:node` and `npm run test:package` run.
const files = ['__test__', join('__test__', 'package')].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((file) => file.endsWith('.test.mjs'))
    .map((file) => join(dir, file)),
)

const failed = []
for (const major of [22, 24]) {
  const prefix = join(root, 'node_modules', '.cache', 'node-versions', String(major))
  const node = join(prefix, 'node_modules', '.bin', 'node')
  if (!existsSync(node)) {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node@${major}`], {
      stdio: 'inherit',
    })
  }
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  console.log(`\n=== node:test suite on Node ${version}`)
  // Two files at a time at least, as `npm run test:node` (scripts/test-node.mjs says why).
  const concurrency = Math.max(2, availableParallelism() - 1)
  const { status } = spawnSync(node, ['--test', `--test-concurrency=${concurrency}`, ...files], {
    cwd: root,
    stdio: 'inherit',
  })
  if (status !== 0) failed.push(version)
}
if (failed.length > 0) {
  console.error(`\nThe suite failed on Node ${failed.join(' and ')}`)
  process.exit(1)
}
