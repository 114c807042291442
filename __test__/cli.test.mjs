// The command line, bin/roq-invites.mjs, run as a child process against an emulator in this process.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { RoqClient, readSessionToken } from '../index.js'
import { BIN, NO_SIGNALS, cliEnv as envWith, clientFor, emulatorFor, startCli } from './helpers.mjs'

const TIMEOUT_MS = 20_000
// That `roq-invites emulator` and the roq-emulator binary list the same flags and say the same
// about a wrong value is tested with the binary, in crates/roq-emulator/tests/command_line.rs.

function cli(args, options) {
  return startCli(args, options).exited
}

/** Resolves with the match once `stream` has printed text matching `pattern`; rejects after a timeout. */
function waitFor(stream, pattern, ms = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    let text = ''
    const done = (settle, value) => {
      clearTimeout(timer)
      stream.off('data', onData)
      stream.off('end', onEnd)
      settle(value)
    }
    const onData = (chunk) => {
      text += chunk
      const match = pattern.exec(text)
      if (match) done(resolve, match)
    }
    const onEnd = () => done(reject, new Error(`the output ended without ${pattern}: ${JSON.stringify(text)}`))
    const timer = setTimeout(
      () => done(reject, new Error(`no ${pattern} within ${ms} ms: ${JSON.stringify(text)}`)),
      ms,
    )
    stream.on('data', onData)
    stream.on('end', onEnd)
  })
}

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'roq-invites-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const SEND = ['send', '--tenant', 'acme', '--from', 'alice']

test('send invites the emails given as arguments, prints a summary, and progress lines off a terminal', async (t) => {
  const emulator = await emulatorFor(t)
  const args = [...SEND, 'ada@acme.io', 'grace@acme.io', '--locale', 'en-GB', '--role', 'member', '--role', 'admin']
  const { code, stdout, stderr } = await cli([...args, '--batch-size', '1', '--concurrency', '1'], {
    env: envWith(emulator.env),
  })

  assert.equal(stderr, 'sent 1/2\nsent 2/2\n')
  assert.equal(stdout, 'created 2, skipped 0, resent 0, refused 0 (of 2)\n')
  assert.equal(code, 0)
  const mails = await emulator.outbox()
  assert.deepEqual(
    mails.map((m) => [m.to, m.locale, m.tenantId]),
    [
      ['ada@acme.io', 'en-GB', 'acme'],
      ['grace@acme.io', 'en-GB', 'acme'],
    ],
  )
  const { data } = await clientFor(emulator).roqPlatform.userInvites()
  assert.deepEqual(
    data.map((i) => [i.createdByUserId, i.roleKeys]),
    [
      ['alice', ['member', 'admin']],
      ['alice', ['member', 'admin']],
    ],
  )
  assert.ok(!(stdout + stderr).includes(emulator.apiKey), 'the API key is never printed')
})

test('send --csv sends the good rows and names each refused one by its CSV line', async (t) => {
  const emulator = await emulatorFor(t)
  const csv = join(tempDir(t), 'people.csv')
  // CRLF, a blank line, a quoted comma and a cell over two lines, as a spreadsheet may write them.
  const lines = [
    'Email,firstName,lastName,locale,roles', // 1: header names are matched ignoring case
    'ada@acme.io,Ada,Lovelace,en-GB,admin; member', // 2
    'bob@,Bob,,,', // 3: bad email
    '', // 4
    'grace@acme.io,Grace,"Hopper, PhD",de-DE,member', // 5
    '"ken@acme.io",Ken,"Thompson', // 6
    'Jr",,', // 7
    'ADA@acme.io,Ada,Again,,', // 8: duplicate of line 2
    'linus@acme.io,,,,', // 9: --locale and --role apply
  ]
  writeFileSync(csv, lines.join('\r\n') + '\r\n')
  const { code, stdout, stderr } = await cli([...SEND, '--csv', csv, '--locale', 'fr-FR', '--role', 'viewer'], {
    env: envWith(emulator.env),
  })

  assert.equal(code, 1, stderr)
  const out = stdout.split('\n')
  assert.equal(out[0], 'created 4, skipped 0, resent 0, refused 2 (of 6)')
  assert.equal(out[1], 'refused:')
  assert.match(out[2], /^ {2}line 3 \(bob@\): INVALID_EMAIL: email: "bob@" is not an email address/)
  assert.match(out[3], /^ {2}line 8 \(ADA@acme\.io\): DUPLICATE_IN_REQUEST: .* \(first at line 2\)$/)
  assert.equal(out.length, 5)

  const mails = await emulator.outbox()
  assert.deepEqual(
    mails.map((m) => [m.to, m.locale]),
    [
      ['ada@acme.io', 'en-GB'],
      ['grace@acme.io', 'de-DE'],
      ['ken@acme.io', 'fr-FR'],
      ['linus@acme.io', 'fr-FR'],
    ],
  )
  const { data } = await clientFor(emulator).roqPlatform.userInvites()
  assert.deepEqual(
    data.map((i) => [i.email, i.firstName, i.lastName, i.roleKeys]),
    [
      ['ada@acme.io', 'Ada', 'Lovelace', ['admin', 'member']],
      ['grace@acme.io', 'Grace', 'Hopper, PhD', ['member']],
      ['ken@acme.io', 'Ken', 'Thompson\r\nJr', ['viewer']],
      ['linus@acme.io', '', '', ['viewer']],
    ],
  )
})

test('a CSV with an unknown column, or a row the whole call refuses, is a usage error and sends nothing', async (t) => {
  const emulator = await emulatorFor(t)
  const env = envWith(emulator.env)
  const unknown = await cli([...SEND, '--csv', '-'], { env, input: 'email,phone\nada@acme.io,123\n' })
  assert.equal(unknown.code, 2)
  assert.match(
    unknown.stderr,
    /^roq-invites: stdin: unknown column "phone" \(column 2\); the columns are email, firstName, lastName, locale, roles\n/,
  )

  const badLocale = await cli([...SEND, '--csv', '-'], {
    env,
    input: 'email,locale\nada@acme.io,en-GB\ngrace@acme.io,en US\n',
  })
  assert.equal(badLocale.code, 2)
  assert.match(
    badLocale.stderr,
    /^roq-invites: line 3: data\.userInvites\[1\]\.locale: "en US" is not a locale.* \(INVALID_ARGUMENT\)\n$/,
  )
  assert.equal(badLocale.stdout, '')
  assert.deepEqual(await emulator.outbox(), [])
})

test('send --json prints the result object, and only it, on stdout', async (t) => {
  const emulator = await emulatorFor(t)
  const { code, stdout, stderr } = await cli([...SEND, 'ada@acme.io', 'bob@', '--json'], { env: envWith(emulator.env) })

  assert.equal(code, 1)
  const result = JSON.parse(stdout)
  assert.deepEqual(Object.keys(result), ['success', 'errors'])
  assert.deepEqual(
    result.success.map((i) => [i.index, i.email, i.outcome, i.status]),
    [[0, 'ada@acme.io', 'created', 'pending']],
  )
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.email, e.code]),
    [[1, 'bob@', 'INVALID_EMAIL']],
  )
  assert.equal(stderr, 'sent 2/2\n')
})

test('send --on-existing refuses, skips or resends an email that already has a pending invite', async (t) => {
  const emulator = await emulatorFor(t)
  const env = envWith(emulator.env)
  assert.equal((await cli([...SEND, 'ada@acme.io'], { env })).code, 0)

  const refused = await cli([...SEND, 'ada@acme.io', 'grace@acme.io'], { env })
  assert.equal(refused.code, 1)
  assert.match(
    refused.stdout,
    /^created 1, skipped 0, resent 0, refused 1 \(of 2\)\nrefused:\n {2}argument 1 \(ada@acme\.io\): ALREADY_INVITED: /,
  )

  const skipped = await cli([...SEND, 'ada@acme.io', '--on-existing', 'skip'], { env })
  assert.deepEqual([skipped.code, skipped.stdout], [0, 'created 0, skipped 1, resent 0, refused 0 (of 1)\n'])
  const resent = await cli([...SEND, 'ada@acme.io', '--on-existing', 'resend'], { env })
  assert.deepEqual([resent.code, resent.stdout], [0, 'created 0, skipped 0, resent 1, refused 0 (of 1)\n'])
  assert.equal((await emulator.outbox({ to: 'ada@acme.io' })).length, 2)
})

test('Ctrl+C during a send stops it and reports who was invited', { skip: NO_SIGNALS }, async (t) => {
  const emulator = await emulatorFor(t)
  // The first request is held back, so the send is still running when the first progress line comes.
  emulator.faults([{ delayMs: 3000 }])
  const args = [...SEND, 'a@acme.io', 'b@acme.io', 'c@acme.io', 'd@acme.io', '--batch-size', '1', '--concurrency', '2']
  const { child, exited } = startCli(args, { env: envWith(emulator.env) })
  await waitFor(child.stderr, /^sent \d\/4$/m)
  child.kill('SIGINT')
  const { code, stdout, stderr } = await exited

  assert.equal(code, 1)
  const [, created, notSent] =
    /^stopped part way: created (\d), skipped 0, resent 0, refused 0, not sent (\d) \(of 4\)\n$/.exec(stdout) ??
    assert.fail(stdout)
  assert.ok(Number(created) >= 1 && Number(notSent) >= 1, stdout)
  assert.match(stderr, /\(ABORTED\)\n$/)
  await emulator.stop()
  assert.equal((await emulator.outbox()).length, Number(created), 'the summary counts exactly who was invited')
})

test('list prints a table of the invites that match, and how many match in all', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const invite = (tenantId, ...emails) =>
    roqPlatform.sendUserInvites({
      data: { tenantId, userInvites: emails.map((email) => ({ createdByUserId: 'alice', email })) },
    })
  const { success } = await invite('acme', 'ada@acme.io', 'grace@acme.io', 'bob@other.io')
  await invite('globex', 'carol@acme.io')
  await roqPlatform.cancelUserInvite(success[1].id)
  const env = envWith(emulator.env)

  const filtered = await cli(['list', '--tenant', 'acme', '--status', 'pending', '--email', '%@ACME.io'], { env })
  assert.equal(filtered.code, 0, filtered.stderr)
  const [header, row, total, ...rest] = filtered.stdout.split('\n')
  assert.match(header, /^ID +EMAIL +STATUS +TENANT +CREATED$/)
  const ada = success[0]
  assert.deepEqual(row.split(/ {2,}/), [
    ada.id,
    'ada@acme.io',
    'pending',
    'acme',
    ada.createdAt.replace(/\.\d+Z$/, 'Z'),
  ])
  assert.equal(total, 'showing 1 of 1 matching invites')
  assert.deepEqual(rest, [''])

  const page = await cli(['list', '--limit', '2', '--offset', '3'], { env })
  assert.equal(page.code, 0)
  assert.match(page.stdout, /carol@acme\.io +pending +globex /)
  assert.match(page.stdout, /\nshowing 1 of 4 matching invites, after the first 3\n$/)

  const json = await cli(['list', '--status', 'canceled', '--json'], { env })
  assert.equal(json.code, 0)
  const { data, totalCount } = JSON.parse(json.stdout)
  assert.deepEqual([data.map((i) => i.email), totalCount], [['grace@acme.io'], 1])

  const none = await cli(['list', '--email', 'nobody@%'], { env })
  assert.deepEqual([none.code, none.stdout], [0, 'showing 0 of 0 matching invites\n'])

  const misspelt = await cli(['list', '--status', 'pendin'], { env })
  assert.equal(misspelt.code, 2)
  assert.match(
    misspelt.stderr,
    /^roq-invites: filter\.status\.equalTo: "pendin" is not one of .* \(INVALID_ARGUMENT\)\n$/,
  )
})

test('resend mails a pending invite again and cancel cancels it; what they cannot do exits 1', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const { success } = await roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
  })
  const { id } = success[0]
  const env = envWith(emulator.env)

  const resent = await cli(['resend', id], { env })
  assert.deepEqual([resent.code, resent.stdout], [0, 'ada@acme.io: pending, mailed again with a new link\n'])
  assert.equal((await emulator.outbox({ userInviteId: id })).length, 2)

  const canceled = await cli(['cancel', id], { env })
  assert.deepEqual([canceled.code, canceled.stdout], [0, 'ada@acme.io: canceled\n'])
  assert.equal((await roqPlatform.userInvite(id)).status, 'canceled')

  const again = await cli(['cancel', id, '--json'], { env })
  assert.deepEqual([again.code, again.stdout], [1, ''])
  assert.match(again.stderr, /^roq-invites: .*only a pending invite can \(CONFLICT\)\n$/)
  const unknown = await cli(['resend', 'no-such-invite'], { env })
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /\(NOT_FOUND\)\n$/)
  const noId = await cli(['cancel'], { env })
  assert.equal(noId.code, 2)
  assert.match(
    noId.stderr,
    /^roq-invites: cancel takes one invite id, got 0\nRun "roq-invites cancel --help" for usage\.\n$/,
  )
})

test('the connection settings come from flags as well as from the environment', async (t) => {
  const emulator = await emulatorFor(t)
  const flags = ['--host', emulator.url, '--environment-id', emulator.environmentId, '--api-key', emulator.apiKey]
  const sent = await cli([...SEND, 'ada@acme.io', ...flags])
  assert.deepEqual([sent.code, sent.stdout], [0, 'created 1, skipped 0, resent 0, refused 0 (of 1)\n'])

  // A flag overrides its variable; the others still come from the environment.
  const env = envWith({ ...emulator.env, ROQ_API_KEY: 'not-the-key' })
  const listed = await cli(['list', '--json', '--api-key', emulator.apiKey], { env })
  assert.equal(listed.code, 0, listed.stderr)
  assert.equal(JSON.parse(listed.stdout).totalCount, 1)

  const refused = await cli(['list'], { env })
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /^roq-invites: the platform refused .* \(UNAUTHORIZED\)\n$/)
  assert.ok(!refused.stderr.includes('not-the-key'), 'the API key is never printed')
})

test('a missing setting is a usage error that names its variable and its flag', async (t) => {
  const emulator = await emulatorFor(t)
  const { ROQ_API_KEY, ...withoutKey } = emulator.env
  const missing = await cli([...SEND, 'ada@acme.io'], { env: envWith(withoutKey) })
  assert.equal(missing.code, 2)
  assert.equal(
    missing.stderr,
    'roq-invites: ROQ_API_KEY is not set: set it in the environment (e.g. in .env.local) or pass --api-key\n' +
      'Run "roq-invites send --help" for usage.\n',
  )
  assert.equal(missing.stdout, '')

  const none = await cli(['list'])
  assert.equal(none.code, 2)
  assert.match(
    none.stderr,
    /^roq-invites: ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and ROQ_API_KEY are not set: .* or pass --host, --environment-id and --api-key\n/,
  )
  assert.deepEqual(await emulator.outbox(), [])
})

test('--help shows the usage, every flag and an example, for the tool and for each command', async () => {
  const connection = ['--host', '--environment-id', '--api-key', '-h, --help']
  const flags = {
    emulator: [
      '--port',
      '--db',
      '--environment-id',
      '--api-key',
      '--accept-url',
      '--invite-validity-days',
      '--strict',
      '--cors-origin',
      '--app-name',
      '--webhook',
      '--webhook-key',
      '--rate-limit',
      '-h, --help',
    ],
    send: [
      '--csv',
      '--tenant',
      '--from',
      '--locale',
      '--role',
      '--batch-size',
      '--concurrency',
      '--on-existing',
      '--json',
      ...connection,
    ],
    list: ['--tenant', '--status', '--email', '--limit', '--offset', '--json', ...connection],
    resend: ['--json', ...connection],
    cancel: ['--json', ...connection],
    session: [
      '--tenant',
      '--email',
      '--user',
      '--first-name',
      '--last-name',
      '--role',
      '--locale',
      '--expires-in',
      '--json',
      ...connection,
    ],
    webhooks: ['--json', ...connection],
  }
  // The runs are independent, so they go at once.
  const tool = [['--help'], ['-h'], ['help']].map(async (args) => {
    const { code, stdout, stderr } = await cli(args)
    assert.deepEqual([code, stderr], [0, ''], args.join(' '))
    assert.match(stdout, /^Usage: roq-invites <command> \[options\]\n/)
    for (const command of Object.keys(flags)) assert.match(stdout, new RegExp(`^ {2}${command}\\b`, 'm'))
    assert.match(stdout, /\nExample:\n {2}roq-invites /)
  })
  const commands = Object.entries(flags).flatMap(([command, expected]) =>
    [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
      [command, '--bogus', '--help'],
    ].map(async (args) => {
      const { code, stdout, stderr } = await cli(args)
      assert.deepEqual([code, stderr], [0, ''], args.join(' '))
      assert.ok(stdout.startsWith(`Usage: roq-invites ${command} `), stdout)
      for (const flag of expected)
        assert.match(stdout, new RegExp(`^ +${flag} `, 'm'), `${command} --help shows ${flag}`)
      assert.match(stdout, new RegExp(`\\nExamples?:\\n {2}roq-invites ${command} `))
    }),
  )
  await Promise.all([...tool, ...commands])
  const bare = await cli([])
  assert.equal(bare.code, 2)
  assert.match(bare.stderr, /^Usage: roq-invites <command>/)
})

test('an unknown command, flag or argument is a usage error with a hint', async () => {
  const cases = [
    [[...SEND, 'ada@acme.io', '--bogus'], 'unknown option --bogus', 'send'],
    [['list', '--api-kye=secret'], 'unknown option --api-kye', 'list'],
    [
      ['invite', 'ada@acme.io'],
      'unknown command "invite"; the commands are emulator, send, list, resend, cancel, session, reset, webhooks, requests',
      '',
    ],
    [['--tenant', 'acme'], 'unknown option --tenant; options go after the command', ''],
    [['list', 'extra'], 'list takes no arguments, got 1', 'list'],
    [['send', 'ada@acme.io', '--from', 'alice'], '--tenant ID is required: the tenant to invite into', 'send'],
    [['send', '--tenant', 'acme', '--from', 'alice'], 'give the emails to invite, or --csv FILE', 'send'],
    [
      ['send', 'ada@acme.io', '--tenant', 'acme', '--from', 'alice', '--batch-size', 'ten'],
      '--batch-size must be a whole number, got "ten"',
      'send',
    ],
    [['emulator', '--port', 'http'], '--port must be a whole number, got "http"', 'emulator'],
  ]
  await Promise.all(
    cases.map(async ([args, message, command]) => {
      const { code, stdout, stderr } = await cli(args)
      assert.equal(code, 2, args.join(' '))
      assert.equal(stdout, '')
      assert.equal(
        stderr,
        `roq-invites: ${message}\nRun "roq-invites ${command ? `${command} ` : ''}--help" for usage.\n`,
      )
      assert.ok(!stderr.includes('secret'))
    }),
  )
})

/** Runs `roq-invites emulator` and resolves with the child and the settings it printed. */
async function startEmulatorCli(t, args) {
  const { child, exited } = startCli(['emulator', ...args])
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'))
  const [first, ...settings] = (await waitFor(child.stdout, /^(.*\n){5}/))[0].trimEnd().split('\n')
  const url = /^roq-invites emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1] ?? assert.fail(first)
  const dashboard = settings.pop()
  const env = Object.fromEntries(
    settings.map((line) => /^(ROQ_[A-Z_]+)=(.+)$/.exec(line)?.slice(1) ?? assert.fail(line)),
  )
  assert.deepEqual(Object.keys(env), ['ROQ_PLATFORM_URL', 'ROQ_ENVIRONMENT_ID', 'ROQ_API_KEY'])
  assert.equal(env.ROQ_PLATFORM_URL, url)
  assert.equal(dashboard, `dashboard: ${url}/__emulator/ (user: the environment id, password: the API key)`)
  return { child, exited, env }
}

test(
  'the emulator command prints its settings, serves clients, stops on SIGTERM and SIGINT, and keeps --db',
  { skip: NO_SIGNALS },
  async (t) => {
    const db = join(tempDir(t), 'platform.db')
    const args = [
      '--port',
      '0',
      '--db',
      db,
      '--accept-url',
      'https://app.example.com/accept',
      '--invite-validity-days',
      '2',
    ]
    const first = await startEmulatorCli(t, args)
    const client = new RoqClient({
      host: first.env.ROQ_PLATFORM_URL,
      environmentId: first.env.ROQ_ENVIRONMENT_ID,
      apiKey: first.env.ROQ_API_KEY,
    })
    const { success, errors } = await client.roqPlatform.sendUserInvites({
      data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
    })
    assert.deepEqual(errors, [])
    const auth = `Basic ${Buffer.from(`${first.env.ROQ_ENVIRONMENT_ID}:${first.env.ROQ_API_KEY}`).toString('base64')}`
    const mails = await (
      await fetch(`${first.env.ROQ_PLATFORM_URL}/__emulator/outbox`, { headers: { authorization: auth } })
    ).json()
    assert.deepEqual(
      mails.map((m) => m.to),
      ['ada@acme.io'],
    )
    assert.ok(mails[0].acceptUrl.startsWith('https://app.example.com/accept?token='), mails[0].acceptUrl)

    first.child.kill('SIGTERM')
    const stopped = await first.exited
    assert.deepEqual([stopped.code, stopped.signal], [0, null], stopped.stderr)
    assert.match(stopped.stderr, /roq-invites emulator stopped\n$/)

    // The same file: the same credentials, and the invite is still there.
    const second = await startEmulatorCli(t, args)
    assert.equal(second.env.ROQ_ENVIRONMENT_ID, first.env.ROQ_ENVIRONMENT_ID)
    assert.equal(second.env.ROQ_API_KEY, first.env.ROQ_API_KEY)
    const listed = await cli(['list', '--json'], { env: envWith(second.env) })
    assert.deepEqual(
      JSON.parse(listed.stdout).data.map((i) => [i.id, i.email, i.status]),
      [[success[0].id, 'ada@acme.io', 'pending']],
    )
    second.child.kill('SIGINT')
    const { code, signal } = await second.exited
    assert.deepEqual([code, signal], [0, null])
  },
)

test('session signs a development user in and prints its roq-session-token', async (t) => {
  const emulator = await emulatorFor(t)
  const env = envWith(emulator.env)
  const args = [
    'session',
    '--tenant',
    'acme',
    '--email',
    'alice@acme.io',
    '--first-name',
    'Alice',
    '--role',
    'owner',
    '--role',
    'admin',
  ]
  const signedIn = await cli(args, { env })
  assert.equal(signedIn.code, 0, signedIn.stderr)
  const lines = Object.fromEntries(
    signedIn.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  )
  assert.deepEqual(Object.keys(lines), ['roq-session-token', 'roqUserId', 'tenantId'])
  const session = readSessionToken(lines['roq-session-token'])
  assert.deepEqual(
    [session.roqUserId, session.tenantId, session.user.roles, session.user.firstName],
    [lines.roqUserId, 'acme', ['owner', 'admin'], 'Alice'],
  )
  assert.match(signedIn.stderr, /document\.cookie = "roq-session-token=/)

  // The same email is the same user; the session acts as that user.
  const again = JSON.parse(
    (await cli(['session', '--tenant', 'acme', '--email', 'ALICE@acme.io', '--json'], { env })).stdout,
  )
  assert.equal(again.roqUserId, lines.roqUserId)
  const asAlice = clientFor(emulator).withBaasToken(again.token)
  const { success } = await asAlice.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: again.roqUserId, email: 'ada@example.com' }] },
  })
  assert.equal(success[0].createdByUserId, lines.roqUserId)

  const noTenant = await cli(['session', '--email', 'alice@acme.io'], { env })
  assert.deepEqual([noTenant.code, noTenant.stdout], [2, ''])
  assert.match(noTenant.stderr, /--tenant ID is required/)
  const badEmail = await cli(['session', '--tenant', 'acme', '--email', 'alice@'], { env })
  assert.equal(badEmail.code, 2)
  assert.match(badEmail.stderr, /^roq-invites: session: email "alice@" is not an email address \(INVALID_ARGUMENT\)\n$/)
  const otherTenant = await cli(['session', '--tenant', 'globex', '--user', lines.roqUserId], { env })
  assert.equal(otherTenant.code, 1)
  assert.match(otherTenant.stderr, /belongs to tenant acme, not globex; .*\(CONFLICT\)\n$/)
  const wrongKey = await cli(['session', '--tenant', 'acme'], {
    env: envWith({ ...emulator.env, ROQ_API_KEY: 'not-the-key' }),
  })
  assert.equal(wrongKey.code, 1)
  assert.match(wrongKey.stderr, /\(UNAUTHORIZED\)\n$/)
  assert.ok(!wrongKey.stderr.includes('not-the-key'))
})

test('the emulator command delivers webhooks to --webhook with the key it prints', async (t) => {
  const received = []
  const hook = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    received.push({ key: request.headers['roq-platform-webhook-key'], event: JSON.parse(body) })
    response.writeHead(200).end()
    hook.emit('received')
  }).listen(0, '127.0.0.1')
  await once(hook, 'listening')
  t.after(() => hook.close())
  const { child } = startCli(['emulator', '--port', '0', '--webhook', `http://127.0.0.1:${hook.address().port}/hook`])
  t.after(() => child.kill('SIGKILL'))
  const [printed] = await waitFor(child.stdout, /^(.*\n){6}/)
  const lines = printed
    .trimEnd()
    .split('\n')
    .map((line) => /^(ROQ_[A-Z_]+)=(.+)$/.exec(line))
  const settings = Object.fromEntries(lines.filter(Boolean).map(([, name, value]) => [name, value]))
  assert.ok(settings.ROQ_WEBHOOK_KEY?.startsWith('whk_'), printed)
  const client = new RoqClient({
    host: settings.ROQ_PLATFORM_URL,
    environmentId: settings.ROQ_ENVIRONMENT_ID,
    apiKey: settings.ROQ_API_KEY,
  })
  await client.roqPlatform.sendUserInvites({
    data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
  })
  if (received.length === 0) await once(hook, 'received')
  assert.deepEqual(
    [received[0].key, received[0].event.name, received[0].event.data.current.email],
    [settings.ROQ_WEBHOOK_KEY, 'ROQ_USER_INVITE_INSERT', 'ada@acme.io'],
  )
})

test('the emulator command exits 1 when its port is taken', async (t) => {
  const running = await emulatorFor(t)
  const { code, stdout, stderr } = await cli(['emulator', '--port', new URL(running.url).port])
  assert.deepEqual([code, stdout], [1, ''])
  assert.match(stderr, /^roq-invites: .* \(NETWORK_ERROR\)\n$/)
})

/** Single-quotes an argument for `sh -c`. */
const shellQuote = (arg) => `'${arg.replaceAll("'", `'\\''`)}'`

const hasScript = spawnSync('script', ['--version']).status === 0

test(
  'on a terminal, send draws a progress bar on stderr and clears it; elsewhere it prints lines',
  { skip: !hasScript && 'util-linux script is not installed' },
  async (t) => {
    const emulator = await emulatorFor(t)
    const args = [
      ...SEND,
      'a@acme.io',
      'b@acme.io',
      'c@acme.io',
      'd@acme.io',
      '--batch-size',
      '1',
      '--concurrency',
      '1',
    ]
    const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ')
    // `script` runs the command on a pseudo-terminal and copies what it prints; -e passes on its exit code.
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: envWith(emulator.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    })
    child.stdout.setEncoding('utf8')
    let terminal = ''
    child.stdout.on('data', (chunk) => (terminal += chunk))
    const code = await new Promise((resolve, reject) => child.on('close', resolve).on('error', reject))

    assert.equal(code, 0, terminal)
    // A redraw is a carriage return not followed by a newline (the terminal itself turns \n into \r\n).
    const redraws = terminal.split(/\r(?!\n)/).slice(1)
    assert.deepEqual(
      redraws.slice(0, 5).map((frame) => /^([█░]+) +(\d+)% (\d\/4)$/.exec(frame)?.slice(2)),
      [
        ['0', '0/4'],
        ['25', '1/4'],
        ['50', '2/4'],
        ['75', '3/4'],
        ['100', '4/4'],
      ],
    )
    assert.match(redraws[4], /^█{10,} 100% 4\/4$/)
    assert.ok(redraws[5].startsWith('\x1b[2K'), 'the bar is cleared at the end')
    assert.match(terminal, /created 4, skipped 0, resent 0, refused 0 \(of 4\)\r\n$/)

    const plain = await cli(
      args.map((arg) => arg.replace('@acme.io', '@globex.io')),
      { env: envWith(emulator.env) },
    )
    assert.equal(plain.code, 0)
    assert.equal(plain.stderr, 'sent 1/4\nsent 2/4\nsent 3/4\nsent 4/4\n')
    assert.doesNotMatch(plain.stderr + plain.stdout, /[\r█░]/)
  },
)

// What a terminal would act on: C0 and C1 controls but the line feeds, DEL, and bidirectional
// overrides, embeddings and isolates.
const RAW_CONTROL = /(?!\n)[\p{Cc}\u202a-\u202e\u2066-\u2069]/u

test('what the command line prints from data shows control characters and bidi overrides escaped', async (t) => {
  const emulator = await emulatorFor(t)
  const env = envWith(emulator.env)
  // A refused email that would retitle the window, and one that would read backwards.
  const csv = 'email,firstName\nevil\x1b]0;pwned\x07@x,Eve\n\u202etxt.exe@x,Mallory\n'
  const sent = await cli([...SEND, '--csv', '-'], { env, input: csv })
  assert.equal(sent.code, 1, sent.stderr)
  assert.doesNotMatch(sent.stdout + sent.stderr, RAW_CONTROL)
  const refused = sent.stdout.split('\n').slice(2, 4)
  assert.match(refused[0], /^ {2}line 2 \(evil\\x1b\]0;pwned\\x07@x\): INVALID_EMAIL: /)
  assert.match(refused[1], /^ {2}line 3 \(\\u202etxt\.exe@x\): INVALID_EMAIL: /)

  // A tenant stored by another client, listed; and the platform's message that quotes an id.
  const tenant = 'acme\x1b[2J\u009b1m\u202e'
  await clientFor(emulator).roqPlatform.sendUserInvites({
    data: { tenantId: tenant, userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
  })
  const listed = await cli(['list'], { env })
  assert.equal(listed.code, 0, listed.stderr)
  assert.doesNotMatch(listed.stdout, RAW_CONTROL)
  assert.match(listed.stdout, / acme\\x1b\[2J\\x9b1m\\u202e /)
  const json = await cli(['list', '--json'], { env })
  assert.doesNotMatch(json.stdout, RAW_CONTROL)
  assert.equal(JSON.parse(json.stdout).data[0].tenantId, tenant, '--json stays exact JSON')
  assert.match(json.stdout, /"tenantId": "acme\\u001b\[2J\\u009b1m\\u202e"/)

  const missing = await cli(['cancel', 'id\x1b[2J'], { env })
  assert.equal(missing.code, 1)
  assert.equal(missing.stderr, 'roq-invites: cancelUserInvite: No user invite with id id\\x1b[2J (NOT_FOUND)\n')
})

test('a CSV that is not UTF-8 is refused with its line and the fix; UTF-8 and UTF-16 with a BOM are read', async (t) => {
  const emulator = await emulatorFor(t)
  const env = envWith(emulator.env)
  const csv = 'email,firstName\nrene@acme.io,René\nzoe@acme.io,Zoë\n'
  const file = (name, bytes) => {
    const path = join(tempDir(t), name)
    writeFileSync(path, bytes)
    return path
  }

  const latin1 = file('latin1.csv', Buffer.from(csv, 'latin1'))
  const refused = await cli([...SEND, '--csv', latin1], { env })
  assert.equal(refused.code, 2)
  assert.equal(
    refused.stderr.split('\n')[0],
    `roq-invites: ${latin1}: line 2 is not UTF-8 ("rene@acme.io,Ren\uFFFD"); the file was saved in another ` +
      'encoding, such as Latin-1 or Windows-1252. Save it as UTF-8 (in Excel: Save As, "CSV UTF-8"), or ' +
      `convert it: iconv -f WINDOWS-1252 -t UTF-8 ${latin1} > utf8.csv`,
  )
  assert.deepEqual(await emulator.outbox(), [])

  const utf16be = Buffer.from(csv, 'utf16le').swap16()
  const readable = {
    'utf-8 with BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
    'utf-16le with BOM': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]),
    'utf-16be with BOM': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
  }
  for (const [name, bytes] of Object.entries(readable)) {
    const tenant = name.replaceAll(/\W/g, '-')
    const sent = await cli(['send', '--tenant', tenant, '--from', 'alice', '--csv', file(`${tenant}.csv`, bytes)], {
      env,
    })
    assert.equal(sent.code, 0, `${name}: ${sent.stderr}`)
    const { data } = await clientFor(emulator).roqPlatform.userInvites({ filter: { tenantId: { equalTo: tenant } } })
    assert.deepEqual(
      data.map((invite) => [invite.email, invite.firstName]),
      [
        ['rene@acme.io', 'René'],
        ['zoe@acme.io', 'Zoë'],
      ],
      name,
    )
  }
})
