// Snapshots (issue 20, point 3): export() / GET /__emulator/export / exportOnExit, and importFrom
// / --import, through startEmulator, connectEmulator and the CLI, against real emulators.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { RoqError, connectEmulator, startEmulator } from '../index.js'
import { NO_SIGNALS, clientFor, docBlocks, emulatorFor, webhookReceiver } from './helpers.mjs'

const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))
const DAY = 86_400_000
const TIMEOUT_MS = 20_000

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'roq-invites-snapshots-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The snapshot's file bytes, as --export-on-exit and GET /__emulator/export write them. */
const fileText = (snapshot) => `${JSON.stringify(snapshot, null, 2)}\n`

/** The bytes but the export's moment, the one line that the running clock changes between two exports. */
const withoutClock = (text) => text.replace(/^ {2}"exportedAt": "[^"]+",\n/m, '')

const basic = (emulator) => `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`

async function sendTo(emulator, emails, tenantId = 'acme') {
  const { success, errors } = await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId, userInvites: emails.map((email) => ({ createdByUserId: 'owner', email, firstName: 'Ada' })) },
  })
  assert.deepEqual(errors, [])
  return success
}

/** The docs' hand-written seed (docs/snapshots.md): its ```json block with "version". */
function docsSeed() {
  const [block] = docBlocks(['json'], '"version"')
  assert.ok(block, 'the docs show a seed')
  return JSON.parse(block)
}

test('export(), GET /__emulator/export and connectEmulator().export() give the same bytes, but for exportedAt', async (t) => {
  const emulator = await emulatorFor(t)
  const [invite] = await sendTo(emulator, ['ada@example.com'])
  await emulator.session({ tenantId: 'acme', email: 'owner@example.com', roles: ['owner'] })

  const snapshot = await emulator.export()
  assert.equal(snapshot.version, 1)
  assert.deepEqual(snapshot.tenants, [{ id: 'acme' }])
  assert.deepEqual(
    snapshot.invites.map((i) => [i.id, i.email, i.status, i.history.map((h) => h.event)]),
    [[invite.id, 'ada@example.com', 'pending', ['created']]],
  )
  assert.match(snapshot.invites[0].tokenDigest, /^[0-9a-f]{64}$/)
  assert.equal(snapshot.mails[0].acceptUrl, (await emulator.outbox())[0].acceptUrl)
  assert.deepEqual(snapshot.users.find((u) => u.email === 'owner@example.com').roles, ['owner'])
  // No credential of the environment is in it.
  const text = fileText(snapshot)
  for (const secret of [emulator.apiKey, emulator.webhookKey]) assert.ok(!text.includes(secret))

  const response = await fetch(`${emulator.url}/__emulator/export`, { headers: { authorization: basic(emulator) } })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-disposition'), /^attachment; filename="roq-emulator-snapshot\.json"$/)
  // Accept links with their tokens: kept by no cache, never sniffed into anything but JSON.
  assert.equal(response.headers.get('cache-control'), 'no-store')
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
  const served = await response.text()
  assert.notEqual(withoutClock(served), served)
  assert.equal(withoutClock(served), withoutClock(text))
  assert.equal(withoutClock(fileText(await emulator.export())), withoutClock(text))
  assert.equal(withoutClock(fileText(await connectEmulator(emulator).export())), withoutClock(text))

  const anonymous = await fetch(`${emulator.url}/__emulator/export`)
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('cache-control'), 'no-store')
})

test('an imported pending invite is accepted with the token of its imported mail, by the mutation and the page', async (t) => {
  const first = await emulatorFor(t)
  const [byMutation, byPage] = await sendTo(first, ['ada@example.com', 'bob@example.com'])
  const snapshot = await first.export()
  await first.stop()

  const second = await emulatorFor(t, { importFrom: snapshot })
  const mails = await second.outbox()
  assert.deepEqual(
    mails.map((m) => m.userInviteId),
    [byMutation.id, byPage.id],
  )
  // The links point at the importing emulator's accept page.
  assert.ok(mails[1].acceptUrl.startsWith(`${second.url}/accept-invite?token=`), mails[1].acceptUrl)

  const accepted = await clientFor(second).roqPlatform.acceptUserInvite({ data: { token: mails[0].token } })
  assert.deepEqual([accepted.id, accepted.status], [byMutation.id, 'accepted'])
  const page = await fetch(mails[1].acceptUrl)
  assert.equal(page.status, 200)
  const posted = await fetch(`${second.url}/accept-invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: mails[1].token }),
  })
  assert.equal(posted.status, 200, await posted.text())
  const { data } = await second.invites()
  assert.deepEqual(data.map((i) => [i.email, i.status]).sort(), [
    ['ada@example.com', 'accepted'],
    ['bob@example.com', 'accepted'],
  ])
})

test('times keep their meaning: an invite with a day left has a day left on the importing clock', async (t) => {
  const first = await emulatorFor(t)
  await sendTo(first, ['ada@example.com'])
  first.advanceClock(6 * DAY)
  const snapshot = await first.export()

  const inTime = await emulatorFor(t, { importFrom: snapshot })
  inTime.advanceClock(DAY - 60_000)
  const [mail] = await inTime.outbox()
  const accepted = await clientFor(inTime).roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  assert.equal(accepted.status, 'accepted')

  const late = await emulatorFor(t, { importFrom: snapshot })
  late.advanceClock(DAY + 60_000)
  assert.deepEqual(
    (await late.invites()).data.map((i) => i.status),
    ['expired'],
  )
  const refused = await clientFor(late)
    .roqPlatform.acceptUserInvite({ data: { token: mail.token } })
    .catch((e) => e)
  assert.ok(refused instanceof RoqError, String(refused))
})

test("the docs' hand-written seed imports: ids, tokens and mails made up, and its invites accept", async (t) => {
  const emulator = await emulatorFor(t, { importFrom: docsSeed() })
  const { data } = await emulator.invites()
  assert.ok(data.length >= 2, JSON.stringify(data))
  const mails = await emulator.outbox()
  assert.equal(mails.length, data.length)
  const pending = data.find((i) => i.status === 'pending')
  const mail = mails.find((m) => m.userInviteId === pending.id)
  const accepted = await clientFor(emulator).roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  assert.equal(accepted.status, 'accepted')
})

test('a snapshot of another version or with a wrong field is refused at start with the path of the mistake', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'seed.json')
  const seed = {
    version: 1,
    invites: [{ tenantId: 'acme', email: 'x', createdByUserId: 'owner' }],
  }
  writeFileSync(file, JSON.stringify(seed))
  const cases = [
    [{ importFrom: file }, `importFrom: ${file}: invites[0].email: "x" is not an email address`],
    [{ importFrom: seed }, 'importFrom: invites[0].email: "x" is not an email address'],
    [
      { importFrom: { ...seed, version: 2 } },
      'importFrom: version: this emulator reads snapshots of version 1, not 2; export it again with this version',
    ],
    [
      { importFrom: { version: 1, invites: [{ tenantId: 'acme', email: 'a@b.co', createdByUserId: 7 }] } },
      'importFrom: invites[0].createdByUserId: invalid type: integer `7`, expected a string',
    ],
    [
      { importFrom: { version: 1, mails: [], invitez: [] } },
      'importFrom: invitez: unknown field `invitez`, expected one of `version`, `exportedAt`, `tenants`, `users`, `invites`, `mails`, `webhookDeliveries`',
    ],
  ]
  for (const [options, message] of cases) {
    await assert.rejects(startEmulator(options), (error) => {
      assert.ok(error instanceof RoqError)
      assert.deepEqual([error.code, error.message], ['INVALID_ARGUMENT', message])
      return true
    })
  }
})

test('exportOnExit: stop() writes the snapshot, which starts the next emulator as it was', async (t) => {
  const file = join(tempDir(t), 'snapshot.json')
  const first = await startEmulator({ exportOnExit: file })
  await sendTo(first, ['ada@example.com'])
  const expected = fileText(await first.export())
  await first.stop()
  const written = readFileSync(file, 'utf8')
  // Only exportedAt may differ: the clock moved between export() and stop().
  assert.equal(withoutClock(written), withoutClock(expected))

  const second = await emulatorFor(t, { importFrom: file })
  assert.deepEqual(
    (await second.outbox()).map((m) => m.to),
    ['ada@example.com'],
  )
})

test('exportOnExit that would lose the session or the store is refused at start, naming the option', async (t) => {
  const dir = tempDir(t)
  const missing = join(dir, 'missing', 'snapshot.json')
  const db = join(dir, 'platform.db')
  const cases = [
    [
      { exportOnExit: missing },
      `exportOnExit: ${missing}: the folder ${join(dir, 'missing')} does not exist; create it, or pass a file in a folder that exists`,
    ],
    [
      { exportOnExit: dir },
      `exportOnExit: ${dir}: is a folder; pass a file to write the snapshot to, e.g. ${join(dir, 'snapshot.json')}`,
    ],
    [
      { dbPath: db, exportOnExit: db },
      `exportOnExit: ${db}: is the store (dbPath ${db}), which the snapshot would replace; pass another file, e.g. snapshot.json`,
    ],
    [
      { dbPath: db, exportOnExit: `${db}-wal` },
      `exportOnExit: ${db}-wal: is the store's write-ahead log (dbPath ${db}), which the snapshot would replace; pass another file, e.g. snapshot.json`,
    ],
  ]
  for (const [options, message] of cases) {
    await assert.rejects(startEmulator(options), (error) => {
      assert.ok(error instanceof RoqError)
      assert.deepEqual([error.code, error.message], ['INVALID_ARGUMENT', message])
      return true
    })
  }
})

test('exportOnExit whose folder is removed while it runs: stop() stops, then rejects naming the file', async (t) => {
  const folder = join(tempDir(t), 'snapshots')
  mkdirSync(folder)
  const file = join(folder, 'snapshot.json')
  const emulator = await startEmulator({ exportOnExit: file })
  rmSync(folder, { recursive: true })
  await assert.rejects(emulator.stop(), (error) => {
    assert.ok(error instanceof RoqError)
    assert.equal(error.code, 'INVALID_ARGUMENT')
    assert.ok(error.message.startsWith(`exportOnExit: could not write the snapshot to ${file}: `), error.message)
    return true
  })
  // Stopped all the same.
  await assert.rejects(fetch(emulator.url), TypeError)
})

/** Runs the CLI; resolves with the child once it has printed its settings. */
function startCli(args) {
  const env = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('ROQ_')) delete env[name]
  delete env.NODE_TEST_CONTEXT
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT_MS })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  const exited = new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', () => stdout.split('\n').length > 5 && resolve())
    exited.then((result) => reject(new Error(`exited: ${JSON.stringify(result)}`)))
  })
  // A child that exits before it is ready is the test's to report (through exited), not an unhandled rejection.
  ready.catch(() => {})
  return {
    child,
    exited,
    ready,
    settings: () => Object.fromEntries([...stdout.matchAll(/^(ROQ_\w+)=(.+)$/gm)].map((m) => m.slice(1))),
  }
}

test(
  'roq-invites emulator --import FILE --export-on-exit FILE starts from a seed and writes it back on SIGTERM',
  { skip: NO_SIGNALS },
  async (t) => {
    const file = join(tempDir(t), 'seed.json')
    writeFileSync(file, `${JSON.stringify(docsSeed(), null, 2)}\n`)
    const running = startCli(['emulator', '--port', '0', '--import', file, '--export-on-exit', file])
    t.after(() => running.child.exitCode === null && running.child.kill('SIGKILL'))
    await running.ready
    const env = running.settings()
    const remote = connectEmulator(env)
    const seeded = (await remote.invites()).data.length
    await sendTo({ url: env.ROQ_PLATFORM_URL, environmentId: env.ROQ_ENVIRONMENT_ID, apiKey: env.ROQ_API_KEY }, [
      'new@example.com',
    ])
    const before = fileText(await remote.export())

    running.child.kill('SIGTERM')
    const stopped = await running.exited
    assert.deepEqual([stopped.code, stopped.signal], [0, null], stopped.stderr)
    const written = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(written.invites.length, seeded + 1)
    assert.equal(written.invites.at(-1).email, 'new@example.com')
    assert.equal(withoutClock(readFileSync(file, 'utf8')), withoutClock(before))
  },
)

test(
  'roq-invites emulator whose --export-on-exit cannot be written at stop says so and exits 1',
  { skip: NO_SIGNALS },
  async (t) => {
    const folder = join(tempDir(t), 'snapshots')
    mkdirSync(folder)
    const file = join(folder, 'snapshot.json')
    const running = startCli(['emulator', '--port', '0', '--export-on-exit', file])
    t.after(() => running.child.exitCode === null && running.child.kill('SIGKILL'))
    await running.ready
    // After the start's checks, which it passed.
    rmSync(folder, { recursive: true })
    running.child.kill('SIGTERM')
    const { code, signal, stderr } = await running.exited
    assert.deepEqual([code, signal], [1, null], stderr)
    const lines = stderr.split('\n')
    assert.ok(
      lines.some((line) => line.startsWith(`roq-invites: --export-on-exit: could not write the snapshot to ${file}: `)),
      stderr,
    )
    assert.equal(lines.at(-2), 'roq-invites emulator stopped; the snapshot was not written')
  },
)

test('roq-invites emulator --import of a wrong file exits 2 and names the mistake', async (t) => {
  const file = join(tempDir(t), 'seed.json')
  writeFileSync(file, JSON.stringify({ version: 1, users: [{ id: 'u1', email: 'nope' }] }))
  const { exited } = startCli(['emulator', '--port', '0', '--import', file])
  const { code, stderr } = await exited
  assert.equal(code, 2, stderr)
  assert.ok(stderr.includes(`importFrom: ${file}: users[0].email: "nope" is not an email address`), stderr)
})

test('roq-invites emulator --export-on-exit naming the --db file exits 2 before it starts, naming the flag', async (t) => {
  const db = join(tempDir(t), 'platform.db')
  const { exited } = startCli(['emulator', '--port', '0', '--db', db, '--export-on-exit', db])
  const { code, stdout, stderr } = await exited
  assert.equal(code, 2, stderr)
  assert.equal(stdout, '')
  assert.ok(
    stderr.includes(
      `--export-on-exit ${db}: is the store (--db ${db}), which the snapshot would replace; pass another file, e.g. snapshot.json`,
    ),
    stderr,
  )
})

// Issue 26: a snapshot is untrusted input, and every export imports again.

const NEVER = '9999-12-31T23:59:59.999Z'

test("the docs' loop keeps an invite that never expires: --import F --export-on-exit F, run after run, the clock moved", async (t) => {
  const file = join(tempDir(t), 'seed.json')
  const seed = {
    version: 1,
    invites: [{ tenantId: 'acme', email: 'ada@example.com', createdByUserId: 'owner', validTill: NEVER }],
  }
  writeFileSync(file, fileText(seed))
  // Each run as `roq-invites emulator --import F --export-on-exit F` is, its clock moved one way or the other.
  for (const moved of [DAY, -3 * DAY, 365 * DAY]) {
    const emulator = await startEmulator({ importFrom: file, exportOnExit: file })
    emulator.advanceClock(moved)
    const { data } = await emulator.invites()
    assert.deepEqual(
      data.map((i) => [i.status, i.validTill]),
      [['pending', NEVER]],
    )
    await emulator.stop()
    const written = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(written.invites[0].validTill, NEVER, `moved by ${moved}`)
    assert.equal(written.mails[0].validTill, NEVER)
  }
  // And the last export imports again, with its invite accepted by its mail's token.
  const last = await emulatorFor(t, { importFrom: file })
  const [mail] = await last.outbox()
  const accepted = await clientFor(last).roqPlatform.acceptUserInvite({ data: { token: mail.token } })
  assert.equal(accepted.status, 'accepted')
})

test('a snapshot with data at its deepest in a webhook event imports as the object export() gives', async (t) => {
  const receiver = await webhookReceiver(t)
  const first = await emulatorFor(t, { webhooks: [{ url: receiver.url }] })
  let data = { leaf: 1 }
  for (let level = 1; level < 32; level++) data = { [`level${level}`]: data }
  const { success } = await clientFor(first).roqPlatform.sendUserInvites({
    data: {
      tenantId: 'acme',
      userInvites: [{ createdByUserId: 'owner', email: 'ada@example.com', injectableVariables: data }],
    },
  })
  await receiver.arrived(1)
  const snapshot = await first.export()
  assert.deepEqual(snapshot.invites[0].history[0].payload.data.current.data, data)

  const second = await emulatorFor(t, { importFrom: snapshot })
  const imported = await second.export()
  assert.deepEqual(
    [imported.invites[0].id, imported.invites[0].data, imported.invites[0].history[0].payload],
    [success[0].id, data, snapshot.invites[0].history[0].payload],
  )
})

test('a delivery to a URL that is not configured now is given up without a request, and says why', async (t) => {
  const named = await webhookReceiver(t)
  const configured = await webhookReceiver(t)
  // A receiver that does not answer: the delivery is still pending when the snapshot is taken.
  const hanging = await webhookReceiver(t, () => 'hang')
  const exporting = await emulatorFor(t, { webhooks: [{ url: hanging.url }] })
  await sendTo(exporting, ['ada@example.com'])
  await hanging.arrived(1)
  const snapshot = await exporting.export()
  assert.equal(snapshot.webhookDeliveries[0].state, 'pending')
  // As a seed in a pull request might: the delivery names a receiver of the author's choosing.
  snapshot.webhookDeliveries[0].url = named.url

  const reason =
    "not sent: its URL is not one of this emulator's webhooks (--webhook, webhooks); Redeliver sends the event to the webhooks configured now"
  for (const webhooks of [[{ url: configured.url, key: 'configured-key' }], []]) {
    const emulator = await emulatorFor(t, { importFrom: snapshot, webhooks })
    const [delivery] = await emulator.webhooks()
    assert.equal(delivery.state, 'failed')
    assert.deepEqual(
      delivery.attempts.map((a) => [a.status, a.error, a.durationMs]),
      [[null, reason, 0]],
    )
    // The dashboard's Webhooks tab shows the reason, with or without webhooks configured.
    const page = await fetch(`${emulator.dashboardUrl}?view=webhooks`, { headers: { authorization: basic(emulator) } })
    assert.ok((await page.text()).includes(`<li class="why">`), 'the reason, in its own line')
    if (webhooks.length) {
      // What happens now goes to the configured receiver, with its key.
      await sendTo(emulator, ['bob@example.com'])
      const [received] = await configured.arrived(1)
      assert.equal(received.headers['roq-platform-webhook-key'], 'configured-key')
    }
  }
  assert.equal(named.received.length, 0)
})

test('roq-invites emulator --import refuses a key named twice, and a file without an end, by their paths and the limit', async (t) => {
  const file = join(tempDir(t), 'seed.json')
  writeFileSync(
    file,
    '{"version": 1, "invites": [{"tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner",\n' +
      ' "data": {"team": {"name": "Blue", "name": "Admins"}}}]}\n',
  )
  const twice = await startCli(['emulator', '--port', '0', '--import', file]).exited
  assert.equal(twice.code, 2, twice.stderr)
  assert.ok(
    twice.stderr.includes(
      `importFrom: ${file}: invites[0].data.team: "name" appears twice in one object; keep one (a reader of the file sees the first, the import would take the last)`,
    ),
    twice.stderr,
  )
  if (process.platform === 'win32') return
  const endless = await startCli(['emulator', '--port', '0', '--import', '/dev/zero']).exited
  assert.equal(endless.code, 2, endless.stderr)
  assert.ok(
    endless.stderr.includes(
      'importFrom: /dev/zero: is more than 500 MiB, the largest snapshot the emulator reads (MAX_SNAPSHOT_BYTES)',
    ),
    endless.stderr,
  )
})
