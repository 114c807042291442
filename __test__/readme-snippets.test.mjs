// The README's "Testing your app" snippets, run as written: each ```js block whose first line
// is a file name comment (`// roq.setup.js`) becomes that file of a fresh project.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function readmeProject(t) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Testing your app'), readme.indexOf('## Next.js'))
  const files = [...section.matchAll(/```js\n\/\/ ([\w.]+)\n([\s\S]*?)```/g)].map(([, name, body]) => [name, body])
  const dir = mkdtempSync(join(tmpdir(), 'roq-readme-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(root, join(dir, 'node_modules', 'roq-invites'), 'dir')
  for (const [name, body] of files) writeFileSync(join(dir, name), body)
  return { dir, names: files.map(([name]) => name) }
}

/** Runs node in `dir` as a fresh process: none of our ROQ_* settings, and not as part of this test run. */
function run(dir, args) {
  const { NODE_TEST_CONTEXT, ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID, ROQ_API_KEY, ...env } = process.env
  const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env })
  return { ...result, output: `${result.stdout}${result.stderr}` }
}

test('the Jest set-up in the README runs as written', (t) => {
  const { dir, names } = readmeProject(t)
  assert.deepEqual(names.filter((n) => n !== 'invites.test.mjs').sort(), [
    'invites.test.js',
    'jest.config.js',
    'roq.setup.js',
    'roq.teardown.js',
  ])
  const jest = run(dir, [
    join(root, 'node_modules/jest/bin/jest.js'),
    '--config',
    'jest.config.js',
    '--testMatch',
    '**/invites.test.js',
  ])
  assert.equal(jest.status, 0, jest.output)
  assert.match(jest.output, /Tests:\s+1 passed, 1 total/)
})

test('the node:test example in the README runs as written', (t) => {
  const { dir } = readmeProject(t)
  const result = run(dir, ['--test', '--test-reporter=tap', 'invites.test.mjs'])
  assert.equal(result.status, 0, result.output)
  assert.match(result.output, /# pass 1/)
})
