// emulator.ref() keeps Node running by a handle of the emulator itself, as net.Server#ref() does,
// not by a timer; unref() (the default) lets Node exit while it runs; stop() lets go of it.
// Each case is a child Node process: the test waits for its events (its URL, its exit), never
// for time.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { test } from 'node:test'

const INDEX = new URL('../index.js', import.meta.url).href

/** A child that starts an emulator, runs `then` on it, and prints one JSON line, its main's last act. */
function child(then) {
  const script = `
    import { startEmulator } from ${JSON.stringify(INDEX)}
    const emulator = await startEmulator()
    ${then}
    console.log(JSON.stringify({ url: emulator.url, resources: process.getActiveResourcesInfo() }))
  `
  const process_ = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(process_, 'exit')
  const line = once(createInterface({ input: process_.stdout }), 'line').then(([text]) => JSON.parse(text))
  return { process: process_, exited, line }
}

test('a referenced emulator keeps Node running after its script ends, by no timer', async (t) => {
  const { process: running, exited, line } = child('emulator.ref()')
  t.after(() => running.kill())
  const { url, resources } = await line
  assert.ok(!resources.includes('Timeout'), `ref() holds no timer: ${resources.join(', ')}`)
  // The script has ended; the process is still there to answer.
  const answer = await fetch(`${url}/__emulator/`)
  assert.equal(answer.status, 401)
  assert.equal(running.exitCode, null)
  running.kill()
  const [code, signal] = await exited
  assert.deepEqual([code, signal], [null, 'SIGTERM'])
})

for (const [name, then] of [
  ['by default', ''],
  ['after unref()', 'emulator.ref().unref()'],
  ['after ref() and stop()', 'emulator.ref(); await emulator.stop(); emulator.ref()'],
]) {
  test(`a running emulator lets Node exit by itself ${name}`, async () => {
    const { exited, line } = child(then)
    await line
    const [code] = await exited
    assert.equal(code, 0)
  })
}
