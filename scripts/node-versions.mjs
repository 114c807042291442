// `npm run test:node-versions`: the node:test suite on Node 22 and 24 as well (Node 20 runs it in
// `npm run test:node`). Each version is installed from npm as the `node` package, once, into
// node_modules/.cache/node-versions.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const files = readdirSync(join(root, '__test__'))
  .filter((file) => file.endsWith('.test.mjs'))
  .map((file) => join('__test__', file))

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
  const { status } = spawnSync(node, ['--test', ...files], { cwd: root, stdio: 'inherit' })
  if (status !== 0) failed.push(version)
}
if (failed.length > 0) {
  console.error(`\nThe suite failed on Node ${failed.join(' and ')}`)
  process.exit(1)
}
