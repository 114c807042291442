// Cancellation, deadlines, retries, progress and faults through the JavaScript API, checked
// against the emulator's store: nothing sent twice, nothing lost, the event loop free.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'

import { RoqError } from '../index.js'
import { clientFor, emulatorFor, invites } from './helpers.mjs'

async function rejection(promise) {
  return promise.then(
    () => assert.fail('resolved'),
    (error) => error,
  )
}

test('a signal that has already fired rejects with ABORTED and sends nothing', async (t) => {
  const emulator = await emulatorFor(t)
  const error = await rejection(
    clientFor(emulator).roqPlatform.sendUserInvites(invites(3), { signal: AbortSignal.abort() }),
  )
  assert.ok(error instanceof RoqError)
  assert.equal(error.code, 'ABORTED')
  assert.equal(emulator.stats().graphql, 0)
})

test('aborting mid-send rejects at once, stops further batches, and err.partial is exactly who was invited', async (t) => {
  const emulator = await emulatorFor(t)
  // The first request to reach the emulator (batch 0 or batch 1: both go out at once) is held back
  // ten minutes; the other finishes first, and the caller aborts. That the call settles at all
  // shows it did not wait for the held-back batch; no clock is read.
  emulator.faults([{ delayMs: 600_000 }])
  const controller = new AbortController()
  const error = await rejection(
    clientFor(emulator).roqPlatform.sendUserInvites(invites(1000), {
      batchSize: 100,
      concurrency: 2,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }),
  )
  assert.equal(error.code, 'ABORTED')
  assert.ok(error instanceof Error && error.partial, 'the rejection carries what was done')
  // Progress reaches JavaScript a moment after each batch, so a few more batches may finish before
  // the abort lands; the held-back batch never does, and the send stops well short of 1000.
  const indices = error.partial.success.map((s) => s.index)
  assert.ok(indices.length >= 100 && indices.length < 900, `${indices.length} sent`)
  assert.equal(
    indices.filter((i) => i < 200).length,
    100,
    'of the first two batches, only the one not held back was created',
  )
  assert.deepEqual(
    indices,
    [...indices].sort((a, b) => a - b),
    "in the caller's order",
  )
  await emulator.stop()
  assert.deepEqual((await emulator.outbox()).map((m) => m.to).sort(), error.partial.success.map((s) => s.email).sort())
})

test('timeoutMs is a deadline for the whole call; AbortSignal.timeout works too', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  emulator.faults([{ delayMs: 5000, times: 2 }])
  const timedOut = await rejection(roqPlatform.userInvites({}, { timeoutMs: 200 }))
  assert.equal(timedOut.code, 'TIMEOUT')
  assert.match(timedOut.message, /timeoutMs \(200 ms\)/)
  const aborted = await rejection(roqPlatform.userInvites({}, { signal: AbortSignal.timeout(200) }))
  assert.equal(aborted.code, 'ABORTED')
})

test('transient failures are retried; maxRetries: 0 turns that off for one call', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  emulator.faults([{ answer: 'status', status: 503, retryAfter: '0', times: 2 }])
  const sent = await roqPlatform.sendUserInvites(invites(2))
  assert.deepEqual(
    sent.success.map((s) => [s.index, s.outcome]),
    [
      [0, 'created'],
      [1, 'created'],
    ],
  )
  assert.equal(emulator.stats().faults, 2)

  emulator.faults([{ answer: 'status', status: 503, retryAfter: '7' }])
  const refused = await rejection(roqPlatform.sendUserInvites(invites(1, 'other'), { maxRetries: 0 }))
  assert.deepEqual([refused.code, refused.statusCode, refused.retryAfterMs], ['SERVER_ERROR', 503, 7000])
})

test('a connection dropped after the platform stored the invites: reported as sent, never sent twice', async (t) => {
  const emulator = await emulatorFor(t)
  emulator.faults({ answer: 'drop', commit: true })
  const result = await clientFor(emulator).roqPlatform.sendUserInvites(invites(4))
  assert.deepEqual(
    result.success.map((s) => s.outcome),
    ['created', 'created', 'created', 'created'],
  )
  assert.equal((await emulator.outbox()).length, 4)
})

test('onProgress reports after each batch; an error it throws is a warning, not a crash', async (t) => {
  const emulator = await emulatorFor(t)
  const reports = []
  const result = await clientFor(emulator).roqPlatform.sendUserInvites(invites(250), {
    batchSize: 50,
    onProgress: (progress) => reports.push(progress),
  })
  assert.equal(result.success.length, 250)
  assert.equal(reports.length, 5)
  assert.deepEqual(reports.at(-1), { completed: 250, total: 250, succeeded: 250, failed: 0 })
  assert.ok(reports.every((r, i) => i === 0 || r.completed > reports[i - 1].completed))

  const warned = once(process, 'warning')
  const thrown = await clientFor(emulator).roqPlatform.sendUserInvites(invites(10, 'again'), {
    onProgress: () => {
      throw new Error('a bug in the caller')
    },
  })
  assert.equal(thrown.success.length, 10)
  const [warning] = await warned
  assert.equal(warning.message, 'a bug in the caller')
})

test('the event loop stays free while a send waits on a slow platform', async (t) => {
  const emulator = await emulatorFor(t)
  emulator.faults([{ delayMs: 1000 }])
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  t.after(() => clearInterval(timer))
  await clientFor(emulator).roqPlatform.sendUserInvites(invites(2000), { batchSize: 500 })
  clearInterval(timer)
  // A blocked loop would not have run the timer at all during the held-back second.
  assert.ok(ticks >= 20, `the timer ran ${ticks} times`)
})

test("results that arrive batch by batch, out of order, come back once each and in the caller's order", async (t) => {
  const emulator = await emulatorFor(t)
  emulator.faults([{ delayMs: 300 }]) // the first batch finishes last
  const request = invites(450)
  request.data.userInvites[420].email = 'not an email'
  request.data.userInvites[7].email = request.data.userInvites[3].email
  const result = await clientFor(emulator).roqPlatform.sendUserInvites(request, { batchSize: 50, concurrency: 4 })
  const expected = [...Array(450).keys()].filter((i) => i !== 7 && i !== 420)
  assert.deepEqual(
    result.success.map((s) => s.index),
    expected,
  )
  assert.deepEqual(
    result.success.map((s) => s.email),
    expected.map((i) => request.data.userInvites[i].email),
  )
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.code]),
    [
      [7, 'DUPLICATE_IN_REQUEST'],
      [420, 'INVALID_EMAIL'],
    ],
  )
})
