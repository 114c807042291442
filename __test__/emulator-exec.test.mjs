// roq-invites emulator exec, run as a child process: the command it runs is a real Node process
// that reports what it got (its environment, its stdin, the signals that reached it).
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { BIN, NO_SIGNALS, cliEnv as envWith, startCli } from './helpers.mjs'

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url))
const TIMEOUT_MS = 30_000
const NODE = process.execPath

/**
 * Starts `roq-invites emulator exec ...args`; `exited` resolves to its exit code and output. It
 * runs in a session of its own (detached), without a terminal, as under CI: what reaches it is
 * what this test sends.
 */
function startExec(args, { env = envWith(), input } = {}) {
  return startCli(['emulator', 'exec', ...args], {
    env,
    input,
    detached: process.platform !== 'win32',
    timeout: TIMEOUT_MS,
  })
}

/** Ends whatever is left of the tool's process group (a command it failed to wait for), after `t`. */
function killGroupAfter(t, child) {
  t.after(() => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Nothing left: as it should be.
    }
  })
}

const exec = (args, options) => startExec(args, options).exited

/** Resolves once `stream` has printed a line matching `pattern`, with the match; rejects if `process` exits first. */
function lineOf(stream, pattern, process) {
  return new Promise((resolve, reject) => {
    let text = ''
    process?.once('exit', (code, signal) =>
      reject(new Error(`exited (${code ?? signal}) before ${pattern}: ${JSON.stringify(text)}`)),
    )
    const onData = (chunk) => {
      text += chunk
      const match = pattern.exec(text)
      if (match) {
        stream.off('data', onData)
        resolve(match)
      }
    }
    stream.on('data', onData)
    stream.once('end', () => reject(new Error(`the output ended without ${pattern}: ${JSON.stringify(text)}`)))
  })
}

/** A port the system has just handed out and that nothing listens on now. */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'roq-invites-exec-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// The command under test: prints its ROQ_* settings and one other variable, and what the
// emulator they point at answers to a client made from them.
const REPORT_ENV = `
const { RoqClient } = require(${JSON.stringify(INDEX)})
const roq = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('ROQ_')))
RoqClient.fromEnv().roqPlatform.sendUserInvites({
  data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'alice', email: 'ada@acme.io' }] },
}).then(({ success }) => console.log(JSON.stringify({ roq, kept: process.env.KEEP_ME, sent: success.map((i) => i.status) })))
`

test('the command gets the four ROQ_* settings of a new emulator, its other variables as they were, and our stdout to itself', async () => {
  const stale = { ROQ_PLATFORM_URL: 'http://127.0.0.1:9', ROQ_API_KEY: 'stale', KEEP_ME: 'kept' }
  const { code, stdout, stderr } = await exec(['--', NODE, '-e', REPORT_ENV], { env: envWith(stale) })
  assert.equal(code, 0, stderr)
  // stdout is the command's alone: one line of JSON, nothing of ours.
  const { roq, kept, sent } = JSON.parse(stdout)
  assert.deepEqual(Object.keys(roq).sort(), [
    'ROQ_API_KEY',
    'ROQ_ENVIRONMENT_ID',
    'ROQ_PLATFORM_URL',
    'ROQ_WEBHOOK_KEY',
  ])
  assert.match(roq.ROQ_PLATFORM_URL, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.notEqual(roq.ROQ_PLATFORM_URL, stale.ROQ_PLATFORM_URL)
  assert.match(roq.ROQ_WEBHOOK_KEY, /^whk_/)
  assert.deepEqual([kept, sent], ['kept', ['pending']])
  // Two lines on stderr, neither with a secret: where the emulator is, and the exit code.
  assert.deepEqual(stderr.split('\n'), [
    `roq-invites: emulator on ${roq.ROQ_PLATFORM_URL} (dashboard: /__emulator/); running ${NODE}`,
    'roq-invites: emulator stopped; exit code 0',
    '',
  ])
  assert.ok(!stderr.includes(roq.ROQ_API_KEY) && !stderr.includes(roq.ROQ_WEBHOOK_KEY))

  // The emulator stopped with the command: its port refuses.
  await assert.rejects(fetch(roq.ROQ_PLATFORM_URL), (error) => error.cause?.code === 'ECONNREFUSED')
})

test('the emulator flags apply: --port is respected, --webhook-key and --environment-id are what the command gets', async () => {
  const port = await freePort()
  const args = ['--port', String(port), '--webhook-key', 'whk_given', '--environment-id', 'env-e2e']
  const { code, stdout, stderr } = await exec([...args, '--', NODE, '-e', REPORT_ENV])
  assert.equal(code, 0, stderr)
  const { roq } = JSON.parse(stdout)
  assert.deepEqual(
    [roq.ROQ_PLATFORM_URL, roq.ROQ_WEBHOOK_KEY, roq.ROQ_ENVIRONMENT_ID],
    [`http://127.0.0.1:${port}`, 'whk_given', 'env-e2e'],
  )
})

test('an emulator that cannot start (its --port taken) is exit 1, and the command does not run', async (t) => {
  const taken = createServer().listen(0, '127.0.0.1')
  await once(taken, 'listening')
  t.after(() => taken.close())
  const { code, stdout, stderr } = await exec([
    '--port',
    String(taken.address().port),
    '--',
    NODE,
    '-e',
    "console.log('ran')",
  ])
  assert.deepEqual([code, stdout], [1, ''])
  assert.match(stderr, /^roq-invites: .* \(NETWORK_ERROR\)\n$/)
})

test('the command gets our stdin', async () => {
  const echo = "process.stdin.setEncoding('utf8').on('data', (text) => process.stdout.write(text.toUpperCase()))"
  const { code, stdout } = await exec(['--', NODE, '-e', echo], { input: 'hello\n' })
  assert.deepEqual([code, stdout], [0, 'HELLO\n'])
})

test('the command is found on the PATH, as an npm script finds node_modules/.bin', async (t) => {
  const bin = join(tempDir(t), 'node_modules', '.bin')
  mkdirSync(bin, { recursive: true })
  const greet = "console.log('hello from', process.argv.slice(2).join(' '))\n"
  if (process.platform === 'win32') {
    // npm's shims there are .cmd files, which Node's spawn runs only through a shell.
    writeFileSync(join(bin, 'greet.js'), greet)
    writeFileSync(join(bin, 'greet.cmd'), `@"${NODE}" "%~dp0\\greet.js" %*\r\n`)
  } else {
    writeFileSync(join(bin, 'greet'), `#!${NODE}\n${greet}`)
    chmodSync(join(bin, 'greet'), 0o755)
  }
  const path = Object.keys(process.env).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH'
  const env = envWith({ [path]: `${bin}${delimiter}${process.env[path]}` })
  const { code, stdout } = await exec(['--', 'greet', 'a b', '$HOME', '*'], { env })
  // No shell between (or, for a .cmd, one whose quoting cross-spawn does): each argument arrives as it was given.
  assert.deepEqual([code, stdout], [0, 'hello from a b $HOME *\n'])
})

test("the tool's exit code is the command's: 0, 3, and 128 + the signal's number", { skip: NO_SIGNALS }, async () => {
  const cases = [
    ['process.exit(0)', 0],
    ['process.exit(3)', 3],
    ["process.kill(process.pid, 'SIGKILL')", 137],
    ["process.kill(process.pid, 'SIGTERM')", 143],
  ]
  await Promise.all(
    cases.map(async ([script, expected]) => {
      const { code, stdout, stderr } = await exec(['--', NODE, '-e', script])
      assert.deepEqual([code, stdout], [expected, ''], script)
      assert.ok(stderr.endsWith(`roq-invites: emulator stopped; exit code ${expected}\n`), stderr)
    }),
  )
})

test("the exit code stays the command's when --export-on-exit's snapshot cannot be written at stop, which is said", async (t) => {
  // A file name is data: an escape sequence in it reaches the terminal escaped (not on Windows,
  // whose file names cannot hold one).
  const name = process.platform === 'win32' ? 'snapshots' : 'snap\x1b]0;owned\x07shots'
  const folder = join(tempDir(t), name)
  mkdirSync(folder)
  const file = join(folder, 'snapshot.json')
  // The command removes the folder (after the start's checks), then fails with its own code.
  const script = `require('node:fs').rmSync(${JSON.stringify(folder)}, { recursive: true }); process.exit(3)`
  const { code, stdout, stderr } = await exec(['--export-on-exit', file, '--', NODE, '-e', script])
  assert.deepEqual([code, stdout], [3, ''], stderr)
  const lines = stderr.split('\n')
  const shown = file.replaceAll('\x1b', '\\x1b').replaceAll('\x07', '\\x07')
  assert.ok(lines[1].startsWith(`roq-invites: --export-on-exit: could not write the snapshot to ${shown}: `), stderr)
  assert.deepEqual(lines.slice(2), ['roq-invites: emulator stopped; exit code 3', ''])
  assert.ok(!stderr.includes('\x1b'), stderr)
})

test('a command that cannot be started is 127 (not found) or 126 (not executable), named', async (t) => {
  const missing = await exec(['--', 'roq-invites-no-such-command', '--flag'])
  assert.equal(missing.code, 127)
  assert.match(
    missing.stderr,
    /\nroq-invites: cannot run "roq-invites-no-such-command": not found on the PATH; is it installed\? \(ENOENT\)\n/,
  )
  const nowhere = await exec(['--', './roq-invites-no-such-script.sh'])
  assert.equal(nowhere.code, 127)
  assert.ok(
    nowhere.stderr.includes('cannot run "./roq-invites-no-such-script.sh": no such file (ENOENT)\n'),
    nowhere.stderr,
  )
  // Windows has no executable bit.
  if (process.platform !== 'win32') {
    const file = join(tempDir(t), 'not-executable.sh')
    writeFileSync(file, '#!/bin/sh\necho ran\n')
    chmodSync(file, 0o644)
    const notExecutable = await exec(['--', file])
    assert.deepEqual([notExecutable.code, notExecutable.stdout], [126, ''])
    assert.ok(
      notExecutable.stderr.includes(
        `roq-invites: cannot run "${file}": permission denied; is it an executable file? (EACCES)\n`,
      ),
      notExecutable.stderr,
    )
  }
})

// The command under test for signals: says it is ready (and who its parent is), reports each
// signal it gets, and ends on SIGTERM with the number of SIGINTs it got.
const TRAP = `
let interrupts = 0
process.on('SIGINT', () => console.log('SIGINT ' + ++interrupts))
process.on('SIGTERM', () => { console.log('SIGTERM after ' + interrupts + ' SIGINT'); process.exit(7) })
console.log('ready ' + process.ppid)
setInterval(() => {}, 1 << 30)
`

test('SIGTERM and SIGINT sent to the tool reach the command, which it waits for', { skip: NO_SIGNALS }, async (t) => {
  const { child, exited } = startExec(['--', NODE, '-e', TRAP])
  killGroupAfter(t, child)
  await lineOf(child.stdout, /^ready \d+\n/m, child)
  child.kill('SIGINT')
  await lineOf(child.stdout, /^SIGINT 1\n/m, child)
  child.kill('SIGTERM')
  const { code, stdout, stderr } = await exited
  // The command ended as it chose (7), after both; the tool waited for it and stopped the emulator.
  assert.deepEqual([code, stdout.split('\n').slice(1)], [7, ['SIGINT 1', 'SIGTERM after 1 SIGINT', '']], stderr)
  assert.ok(stderr.endsWith('roq-invites: emulator stopped; exit code 7\n'), stderr)
})

const hasScript = spawnSync('script', ['--version']).status === 0

test(
  'Ctrl+C on a terminal reaches the command once, not a second time through the tool',
  { skip: NO_SIGNALS || (!hasScript && 'util-linux script is not installed') },
  async (t) => {
    const shellQuote = (arg) => `'${arg.replaceAll("'", `'\\''`)}'`
    const command = [NODE, BIN, 'emulator', 'exec', '--', NODE, '-e', TRAP].map(shellQuote).join(' ')
    // `script` runs it on a pseudo-terminal, in the terminal's foreground process group, and
    // passes what we write to it on as typed: \x03 is Ctrl+C, which the terminal sends as SIGINT
    // to that whole group, the tool and the command alike.
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      env: envWith(),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
      detached: true,
    })
    killGroupAfter(t, terminal)
    terminal.stdout.setEncoding('utf8')
    let output = ''
    terminal.stdout.on('data', (chunk) => (output += chunk))
    const closed = new Promise((resolve, reject) => terminal.on('close', resolve).on('error', reject))
    const [, tool] = await lineOf(terminal.stdout, /ready (\d+)\r\n/)
    terminal.stdin.write('\x03')
    await lineOf(terminal.stdout, /SIGINT 1\r\n/)
    // The tool got the same SIGINT; had it passed it on, the command would get it before this
    // SIGTERM (a lower signal, sent earlier): the SIGTERM, passed on, is the barrier.
    process.kill(Number(tool), 'SIGTERM')
    await closed
    terminal.stdin.end()
    assert.match(output, /SIGINT 1\r\nSIGTERM after 1 SIGINT\r\n/)
    assert.doesNotMatch(output, /SIGINT 2/)
    assert.match(output, /roq-invites: emulator stopped; exit code 7\r\n/)
  },
)

test('a bad flag or a missing command is a usage error that names it, and nothing runs', async () => {
  const cases = [
    [['--bogus', '--', NODE, '-e', ''], 'unknown option --bogus'],
    [['--port', 'http', '--', NODE, '-e', ''], '--port must be a whole number, got "http"'],
    [['--webhook', 'http://example.com/hook', '--', NODE, '-e', ''], /^--webhook /],
    [[NODE, '-e', ''], 'give the command to run after --, e.g. roq-invites emulator exec -- npm test'],
    [['--'], 'give the command to run after --, e.g. roq-invites emulator exec -- npm test'],
    [[], 'give the command to run after --, e.g. roq-invites emulator exec -- npm test'],
  ]
  await Promise.all(
    cases.map(async ([args, message]) => {
      const { code, stdout, stderr } = await exec(args)
      const [first, hint] = stderr.split('\n')
      assert.deepEqual(
        [code, stdout, hint],
        [2, '', 'Run "roq-invites emulator exec --help" for usage.'],
        args.join(' '),
      )
      if (typeof message === 'string') assert.equal(first, `roq-invites: ${message}`)
      else assert.match(first.replace('roq-invites: ', ''), message)
    }),
  )
})

test("--help shows the emulator's flags (a free port by default) and the command after --", async (t) => {
  const help = spawnSync(NODE, [BIN, 'emulator', 'exec', '--help'], { encoding: 'utf8', timeout: TIMEOUT_MS })
  assert.equal(help.status, 0, help.stderr)
  assert.match(help.stdout, /^Usage: roq-invites emulator exec \[options\] -- <command> \[args\.\.\.\]\n/)
  const flagsOf = (text) => [...text.matchAll(/^ {2}(--[a-z-]+)/gm)].map(([, flag]) => flag)
  const emulatorHelp = spawnSync(NODE, [BIN, 'emulator', '--help'], { encoding: 'utf8', timeout: TIMEOUT_MS })
  assert.deepEqual(flagsOf(help.stdout), flagsOf(emulatorHelp.stdout))
  assert.ok(flagsOf(help.stdout).includes('--webhook-key'))
  assert.match(help.stdout, /\n {2}--port N +The port to listen on; 0 picks a free one \[default: 0\]\n/)
  assert.match(help.stdout, /\n {2}--webhook-key KEY .*\n.* and in the command's ROQ_WEBHOOK_KEY\n/)
  assert.equal(spawnSync(NODE, [BIN, 'help', 'emulator', 'exec'], { encoding: 'utf8' }).stdout, help.stdout)
  // The tool's help lists it.
  const tool = spawnSync(NODE, [BIN, '--help'], { encoding: 'utf8' })
  assert.match(tool.stdout, /\n {2}emulator exec -- <command> +Run a command/)
  // After --, --help is the command's.
  const script = join(tempDir(t), 'arguments.js')
  writeFileSync(script, 'console.log(JSON.stringify(process.argv.slice(2)))')
  const { code, stdout } = await exec(['--', NODE, script, '--help', '--port', '1'])
  assert.deepEqual([code, stdout], [0, '["--help","--port","1"]\n'])
})
