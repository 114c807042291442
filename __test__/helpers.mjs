// Shared by the Node tests: an emulator per test, a client for it, the docs' snippets, and a
// headless Chromium, and the command line run as a child process.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

import { RoqClient, startEmulator } from '../index.js'

/**
 * A test's skip reason where it sends a child process a signal: Node on Windows has none to send
 * (`child.kill()` ends the child outright). False elsewhere, where the test runs.
 */
export const NO_SIGNALS = process.platform === 'win32' && 'Windows has no signals; child.kill() ends the child outright'

/** Starts an emulator for one test and stops it when the test ends. */
export async function emulatorFor(t, options = {}) {
  const emulator = await startEmulator(options)
  t.after(() => emulator.stop())
  return emulator
}

export function clientFor(emulator, options = {}) {
  return new RoqClient({
    host: emulator.url,
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
    ...options,
  })
}

/** A V2 send of `count` invites from alice in the tenant acme: `<prefix><i>@example.com`. */
export function invites(count, prefix = 'user') {
  return {
    data: {
      tenantId: 'acme',
      userInvites: Array.from({ length: count }, (_, i) => ({
        createdByUserId: 'alice',
        email: `${prefix}${i}@example.com`,
      })),
    },
  }
}

/**
 * The docs' pages: README.md and docs/*.md (not the generated docs/api/), as
 * `{ path, text }` with the path from the repository's root.
 */
export function docPages() {
  const docs = readdirSync(new URL('../docs/', import.meta.url)).filter((name) => name.endsWith('.md'))
  return ['README.md', ...docs.map((name) => `docs/${name}`)].map((path) => ({
    path,
    text: readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'),
  }))
}

/** The docs' fenced blocks in one of `languages` (e.g. `['json']`) that contain `needle`. */
export function docBlocks(languages, needle) {
  const fence = new RegExp(`\`\`\`(?:${languages.join('|')})\n([\\s\\S]*?)\`\`\``, 'g')
  return docPages()
    .flatMap(({ text }) => [...text.matchAll(fence)].map((m) => m[1]))
    .filter((block) => block.includes(needle))
}

/** The docs' fenced ```js and ```ts blocks that contain `needle`. */
export function docSnippets(needle) {
  return docBlocks(['js', 'ts', 'javascript'], needle)
}

const AsyncFunction = (async () => {}).constructor

/** Runs a snippet with `scope` as its free variables and resolves to the value of `result`. */
export function runSnippet(code, scope, result) {
  const names = Object.keys(scope)
  return new AsyncFunction(...names, `${code}\nreturn ${result};`)(...names.map((n) => scope[n]))
}

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium'
/** Why a browser test skips on a machine without it, or false. */
export const NO_CHROMIUM = !existsSync(CHROMIUM) && `no ${CHROMIUM} (Debian's chromium package)`

/** Headless Chromium, closed after `t`; it reaches nothing but this machine's loopback. */
export async function launchChromium(t) {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // This machine has no network: Chromium must not try to reach anything but the test's.
      '--disable-quic',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  })
  t.after(() => browser.close())
  return browser
}

/** The command line, bin/roq-invites.mjs. */
export const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))

/** This process's environment without any ROQ_* setting, plus `extra`. */
export function cliEnv(extra = {}) {
  const env = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('ROQ_')) delete env[name]
  delete env.NODE_TEST_CONTEXT
  return { ...env, ...extra }
}

/**
 * Starts `roq-invites ...args` with `input` on its stdin; `exited` resolves to its exit code,
 * signal and output. `detached` runs it in a session of its own, without a terminal.
 */
export function startCli(args, { env = cliEnv(), input, detached = false, timeout = 20_000 } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout, detached })
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.stdin.end(input)
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, exited }
}

/**
 * A local webhook receiver, closed when the test ends. `answer(request, n, response)` decides
 * each request's fate by its number (from 1): a status, `'hang'` (no answer; keep `response` to
 * give one later), or `'drop'` (destroys the connection). Each request is kept as `{ headers,
 * body, event, eventId }`; `arrived(count)` resolves once `count` have.
 */
export async function webhookReceiver(t, answer = () => 200, port = 0) {
  const received = []
  const arrivals = new EventTarget()
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const eventId = request.headers['roq-platform-webhook-event-id']
    received.push({ headers: request.headers, body, event: JSON.parse(body), eventId })
    arrivals.dispatchEvent(new Event('request'))
    const fate = answer(request, received.length, response)
    if (fate === 'hang') return
    if (fate === 'drop') return request.socket.destroy()
    response.writeHead(fate).end()
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const arrived = async (count) => {
    while (received.length < count) await once(arrivals, 'request')
    return received
  }
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    port: server.address().port,
    received,
    arrived,
    server,
  }
}
