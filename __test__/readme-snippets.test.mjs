// The docs' whole-file snippets, run as written: each ```js block whose first line is a file name
// comment (`// roq.setup.js`) becomes that file of a fresh project that has roq-invites installed.
// The README's emulator snippet, and the Jest and node:test set-ups of docs/testing.md.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A fresh project holding the files that `page`'s snippets name. */
function project(t, page) {
  const text = readFileSync(join(root, page), 'utf8')
  const files = [...text.matchAll(/```js\n\/\/ ([\w.-]+)\n([\s\S]*?)```/g)].map(([, name, body]) => [name, body])
  const dir = mkdtempSync(join(tmpdir(), 'roq-docs-'))
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

test("the README's emulator snippet sends an invite, prints its mail and ends by itself", (t) => {
  const { dir, names } = project(t, 'README.md')
  assert.deepEqual(names, ['first-invite.mjs'])
  const result = run(dir, ['first-invite.mjs'])
  assert.deepEqual([result.status, result.signal], [0, null], result.output)
  assert.match(result.stdout, /^User Invitation http:\/\/127\.0\.0\.1:\d+\/accept-invite\?token=[\w-]+\n$/)
})

test('the Jest set-up of docs/testing.md runs as written', (t) => {
  const { dir, names } = project(t, 'docs/testing.md')
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

test('the node:test example of docs/testing.md runs as written', (t) => {
  const { dir } = project(t, 'docs/testing.md')
  const result = run(dir, ['--test', '--test-reporter=tap', 'invites.test.mjs'])
  assert.equal(result.status, 0, result.output)
  assert.match(result.output, /# pass 1/)
})
