// The package where it runs: loaded by name through its exports map (ESM import and CommonJS
// require), in several worker threads at once, and in processes that must exit by themselves
// when their work is done. Each scenario runs in its own process, whose exit code and signal
// show that nothing crashed and nothing was left holding Node open.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { connectEmulator } from '../index.js'
import { NO_SIGNALS } from './helpers.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A folder where `roq-invites` resolves to this package, as it would from node_modules. */
function project(t) {
  const dir = mkdtempSync(join(tmpdir(), 'roq-runtimes-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(root, join(dir, 'node_modules', 'roq-invites'), 'dir')
  return dir
}

/** Runs `source` as `file` in `dir`; a process that does not exit by itself within a minute is a failure. */
function run(dir, file, source) {
  writeFileSync(join(dir, file), source)
  const result = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  return { ...result, output: `${result.stdout}${result.stderr}` }
}

const SEND = `
  const emulator = await startEmulator()
  const client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  const { success } = await client.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@example.com' }] },
  })
`

test('ESM import and CommonJS require both load the package by name', (t) => {
  const dir = project(t)
  const esm = run(
    dir,
    'esm.mjs',
    `import { RoqClient, startEmulator } from 'roq-invites'\n${SEND}\nconsole.log('esm', success[0].status)\nawait emulator.stop()\n`,
  )
  assert.equal(esm.status, 0, esm.output)
  assert.match(esm.stdout, /^esm pending$/m)
  const cjs = run(
    dir,
    'cjs.cjs',
    `const { RoqClient, startEmulator } = require('roq-invites')\n;(async () => {${SEND}\nconsole.log('cjs', success[0].status)\nawait emulator.stop()\n})()\n`,
  )
  assert.equal(cjs.status, 0, cjs.output)
  assert.match(cjs.stdout, /^cjs pending$/m)
})

test('after the last call, nothing of ours keeps Node running', (t) => {
  // No stop(), no close: the process must end by itself once the call has settled.
  const done = run(
    project(t),
    'left-open.mjs',
    `import { RoqClient, startEmulator } from 'roq-invites'\n${SEND}\nconsole.log('sent', success.length)\n`,
  )
  assert.equal(done.signal, null, `the process hung and was killed: ${done.output}`)
  assert.equal(done.status, 0, done.output)
  assert.match(done.stdout, /^sent 1$/m)
})

const WORKERS = (loadInMain) => `
  import { Worker, isMainThread, parentPort, threadId } from 'node:worker_threads'
  import { createRequire } from 'node:module'
  const require = createRequire(import.meta.url)
  if (isMainThread) {
    ${loadInMain ? "require('roq-invites')" : '// The main thread never loads the addon: only the workers do.'}
    const workers = Array.from({ length: 4 }, () => new Worker(new URL(import.meta.url)))
    // Listen from the start: a worker may be done before the others have answered.
    const exited = workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve)))
    const results = await Promise.all(workers.map((worker) => new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })))
    await Promise.all(exited)
    console.log('workers', results.join(','))
  } else {
    const { RoqClient, startEmulator } = require('roq-invites')
    ${SEND}
    await emulator.stop()
    parentPort.postMessage(success[0].status + '@' + (threadId > 0))
  }
`

for (const loadInMain of [true, false]) {
  test(`four worker threads load the addon, send and exit, and the process ends cleanly (${loadInMain ? 'main thread loads it too' : 'workers only'})`, (t) => {
    const result = run(project(t), 'workers.mjs', WORKERS(loadInMain))
    assert.equal(result.signal, null, `killed by ${result.signal}: ${result.output}`)
    assert.equal(result.status, 0, result.output)
    assert.match(result.stdout, /^workers pending@true,pending@true,pending@true,pending@true$/m)
  })
}

test(
  'emulator.ref() keeps Node running to serve, and unref() lets it end by itself',
  { skip: NO_SIGNALS },
  async (t) => {
    const dir = project(t)
    const source = `import { startEmulator } from 'roq-invites'
const emulator = (await startEmulator()).ref()
// Signal handlers keep nothing alive: only ref() does, until unref().
process.once('SIGUSR2', () => emulator.unref())
console.log(JSON.stringify(emulator.env))
`
    writeFileSync(join(dir, 'served.mjs'), source)
    const child = spawn(process.execPath, ['served.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    const [line] = await once(child.stdout, 'data')
    const env = JSON.parse(line)
    // Its script has ended, and it still answers.
    const outbox = await connectEmulator(env).outbox()
    assert.deepEqual(outbox, [])
    child.kill('SIGUSR2')
    assert.deepEqual(await exited, { code: 0, signal: null })
  },
)
