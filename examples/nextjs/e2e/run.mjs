// End-to-end test of examples/nextjs, as a user would run it: pack roq-invites, install the
// tarballs into a copy of the app, start an emulator, `next build` + `next start`, then drive the
// page in headless Chromium and call the route handler. `npm run test:e2e` from the repo root.
// Needs the built addon (npm run build) and Chromium at /usr/bin/chromium (or $CHROMIUM_PATH).
// Set E2E_KEEP=1 to keep the temp directory for a look afterwards.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(exampleDir, '../..')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const tenantId = 'e2e-tenant'
const inviterId = 'e2e-inviter'
const overallTimeoutMs = 15 * 60_000

// ---- plumbing: steps, child processes, cleanup -----------------------------------------------

const cleanups = [] // run last-in first-out, whatever happened
const children = new Set() // every child still running, to stop on the way out
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

async function step(name, fn) {
  const started = performance.now()
  try {
    const value = await fn()
    console.log(`  ok    ${seconds(performance.now() - started).padStart(7)}  ${name}`)
    return value
  } catch (error) {
    console.log(`  FAIL  ${seconds(performance.now() - started).padStart(7)}  ${name}`)
    throw error
  }
}

async function cleanUp() {
  // First whatever is still running (a build, an install), then the services, newest first.
  for (const child of children) if (!child.service) await stop(child)
  while (cleanups.length > 0) {
    const [name, fn] = cleanups.pop()
    await step(name, fn).catch((error) => console.error(`        ${error.message}`))
  }
}

// npm run exports its own settings; an inner npm must not take the repo root as its project.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_config_loglevel$|INIT_CWD$)/i.test(key),
  ),
)

/** Starts a command in its own process group (so stopping it stops its workers too). */
function start(command, args, { cwd, env = childEnv, ipc = false } = {}) {
  const stdio = ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])]
  const child = spawn(command, args, { cwd, env, stdio, detached: true })
  child.label = `${basename(command)} ${args.join(' ')}`
  child.output = ''
  child.stdout.on('data', (chunk) => (child.output += chunk))
  child.stderr.on('data', (chunk) => (child.output += chunk))
  child.exited = new Promise((resolveExit) =>
    child.once('close', (code, signal) => {
      children.delete(child)
      resolveExit(code ?? signal)
    }),
  )
  child.once('error', (error) => (child.output += `\n${error.message}`))
  children.add(child)
  return child
}

/** SIGTERM to the process group, SIGKILL if it is still there after 5 s. */
async function stop(child) {
  if (!children.has(child)) return
  const signal = (name) => {
    try {
      process.kill(-child.pid, name)
    } catch {} // already gone
  }
  signal('SIGTERM')
  const timedOut = Symbol()
  if ((await Promise.race([child.exited, delay(5000, timedOut, { ref: false })])) === timedOut) {
    signal('SIGKILL')
    await child.exited
  }
}

const tail = (text, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n')

/** Runs a command to completion; rejects with its output's tail if it fails or takes too long. */
async function run(command, args, { cwd, env, timeoutMs = 5 * 60_000 } = {}) {
  const child = start(command, args, { cwd, env })
  const timedOut = Symbol()
  const result = await Promise.race([child.exited, delay(timeoutMs, timedOut, { ref: false })])
  if (result === timedOut) await stop(child)
  if (result !== 0) {
    const why = result === timedOut ? `did not finish within ${seconds(timeoutMs)}` : `exited with ${result}`
    throw new Error(`${child.label} (in ${cwd}) ${why}:\n${tail(child.output)}`)
  }
  return child.output
}

/** Polls `check` until it returns a truthy value; fails with `what` and the last error after `timeoutMs`. */
async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}${last ? `: ${last.message}` : ''}`)
    }
    await delay(intervalMs)
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

// ---- the test ---------------------------------------------------------------------------------

async function main() {
  let chromium
  await step('preflight: Chromium and playwright-core', async () => {
    assert(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`)
    // From the repo root's devDependencies: the example itself does not depend on Playwright.
    ;({ chromium } = await import('playwright-core').catch((error) => {
      throw new Error(`playwright-core is missing: run npm ci in ${repoRoot} (${error.message})`)
    }))
  })

  const work = mkdtempSync(join(tmpdir(), 'roq-nextjs-e2e-'))
  cleanups.push(['remove the temp directory', () => (process.env.E2E_KEEP ? console.log(`kept ${work}`) : rmSync(work, { recursive: true, force: true }))])
  const app = join(work, 'app')

  const tarballs = await step('pack roq-invites and its native package', async () => {
    const output = await run(process.execPath, ['scripts/pack.mjs', join(work, 'pack')], { cwd: repoRoot })
    return JSON.parse(output.trim().split('\n').at(-1))
  })

  await step('copy the example and npm install', async () => {
    cpSync(exampleDir, app, {
      recursive: true,
      filter: (source) => !['node_modules', '.next', 'next-env.d.ts'].includes(basename(source)),
    })
    await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app })
  })

  await step('npm install the two tarballs', () =>
    run('npm', ['install', '--no-audit', '--no-fund', tarballs.main, tarballs.platform], { cwd: app }),
  )

  const emulatorEnv = await step('start the emulator', async () => {
    // The emulator stops when its IPC channel closes: if this script dies without cleaning up.
    const emulator = start(process.execPath, ['e2e/emulator.cjs'], { cwd: app, ipc: true })
    emulator.service = true
    cleanups.push(['stop the emulator', () => stop(emulator)])
    const line = await waitFor('the emulator to print its settings', async () => {
      if (!children.has(emulator)) throw new Error(`it exited:\n${tail(emulator.output)}`)
      return emulator.output.split('\n').find((l) => l.startsWith('{'))
    })
    return JSON.parse(line)
  })

  const env = {
    ...childEnv,
    ...emulatorEnv,
    ROQ_TENANT_ID: tenantId,
    ROQ_INVITER_ID: inviterId,
    NEXT_TELEMETRY_DISABLED: '1',
  }
  const next = join(app, 'node_modules/next/dist/bin/next')

  await step('next build', () => run(process.execPath, [next, 'build'], { cwd: app, env }))

  const base = await step('next start, until it serves', async () => {
    const port = await freePort()
    const server = start(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app, env })
    server.service = true
    cleanups.push(['stop next', () => stop(server)])
    const url = `http://127.0.0.1:${port}`
    await waitFor(
      `${url}/ to answer 200`,
      async () => {
        if (!children.has(server)) throw new Error(`next start exited:\n${tail(server.output)}`)
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
        const html = await response.text()
        // The page lists the (empty) tenant: the app reached the emulator.
        if (response.status !== 200 || !html.includes('data-testid="no-invites"')) {
          throw new Error(`GET / answered ${response.status}: ${tail(html, 5)}\n${tail(server.output)}`)
        }
        return true
      },
      { timeoutMs: 60_000 },
    )
    return url
  })

  const page = await step('launch headless Chromium', async () => {
    const profile = join(work, 'chromium')
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
      // Keeps Chromium's crash reports and caches out of $HOME.
      env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    })
    cleanups.push(['close Chromium', () => context.close()])
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(30_000)
    page.pageErrors = []
    page.on('pageerror', (error) => page.pageErrors.push(error.message))
    return page
  })

  const email = 'ada.lovelace@example.com'

  /** Submits the form and returns the result it shows once the action has answered. */
  async function submitInvite(address, firstName = '') {
    const selector = '[data-testid="invite-result"]'
    await page.getByTestId('email-input').fill(address)
    await page.getByTestId('first-name-input').fill(firstName)
    const previous = await page.evaluate((s) => document.querySelector(s)?.outerHTML ?? null, selector)
    await page.getByTestId('invite-submit').click()
    // Each answer re-renders the result (the steps below never get the same answer twice in a row).
    await page.waitForFunction(([s, before]) => (document.querySelector(s)?.outerHTML ?? null) !== before, [selector, previous])
    const result = page.locator(selector)
    return { ok: (await result.getAttribute('data-ok')) === 'true', code: await result.getAttribute('data-code'), text: await result.innerText() }
  }

  /** The invites the page lists, as "email: status". */
  const listed = () =>
    page.locator('[data-testid="invite"]').evaluateAll((items) => items.map((item) => `${item.dataset.email}: ${item.dataset.status}`))

  await step('browser: invite through the form, see it pending in the list', async () => {
    await page.goto(base)
    await page.getByTestId('no-invites').waitFor()
    const result = await submitInvite(email, 'Ada')
    assert(result.ok && result.text.includes('created'), `the form showed ${JSON.stringify(result)}, expected "${email}: created"`)
    // revalidatePath('/') in the action re-renders the list in the same round trip.
    await page
      .locator(`[data-testid="invite"][data-email="${email}"][data-status="pending"]`)
      .waitFor()
      .catch(async (error) => {
        throw new Error(`${email} is not listed as pending; the list shows ${JSON.stringify(await listed())}`, { cause: error })
      })
  })

  await step('browser: inviting the same address again shows the refusal', async () => {
    const result = await submitInvite(email)
    assert(!result.ok && result.code === 'ALREADY_INVITED' && result.text.length > 0, `the form showed ${JSON.stringify(result)}, expected an ALREADY_INVITED refusal`)
    const shown = await listed()
    assert(shown.length === 1, `the list shows ${JSON.stringify(shown)}, expected only ${email}`)
    assert(page.pageErrors.length === 0, `the page threw: ${page.pageErrors.join('; ')}`)
  })

  const emulatorAuth = `Basic ${Buffer.from(`${emulatorEnv.ROQ_ENVIRONMENT_ID}:${emulatorEnv.ROQ_API_KEY}`).toString('base64')}`

  await step("the emulator's outbox has the invitation mail", async () => {
    const response = await fetch(`${emulatorEnv.ROQ_PLATFORM_URL}/__emulator/outbox?to=${encodeURIComponent(email)}`, {
      headers: { authorization: emulatorAuth },
    })
    if (!response.ok) throw new Error(`the outbox answered ${response.status}: ${await response.text()}`)
    const mails = await response.json()
    assert(mails.length === 1, `expected 1 mail to ${email}, found ${mails.length}`)
    assert(mails[0].tenantId === tenantId && mails[0].token, `unexpected mail: ${JSON.stringify(mails[0])}`)
  })

  const postInvite = async (body) => {
    const response = await fetch(`${base}/api/invites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    try {
      return { status: response.status, json: JSON.parse(text) }
    } catch {
      throw new Error(`POST /api/invites answered ${response.status} with non-JSON: ${tail(text, 5)}`)
    }
  }

  await step('POST /api/invites creates an invite', async () => {
    const { status, json } = await postInvite({ email: 'grace.hopper@example.com', firstName: 'Grace' })
    const expected = { outcome: 'created', status: 'pending', email: 'grace.hopper@example.com', firstName: 'Grace', tenantId, createdByUserId: inviterId }
    const wrong = Object.entries(expected).filter(([key, value]) => json[key] !== value)
    assert(status === 201 && wrong.length === 0 && json.id, `answered ${status} ${JSON.stringify(json)}, expected 201 with ${JSON.stringify(expected)}`)
  })

  await step('POST /api/invites refuses a bad email and a bad body', async () => {
    const bad = await postInvite({ email: 'bob@' })
    assert(
      bad.status === 422 && bad.json.error?.code === 'INVALID_EMAIL' && bad.json.error.message.includes('bob@'),
      `a bad email got ${bad.status} ${JSON.stringify(bad.json)}, expected 422 INVALID_EMAIL naming the address`,
    )
    const notJson = await postInvite('email=bob@example.com')
    assert(
      notJson.status === 400 && notJson.json.error?.code === 'INVALID_BODY',
      `a non-JSON body got ${notJson.status} ${JSON.stringify(notJson.json)}, expected 400 INVALID_BODY`,
    )
  })

  await step('the page lists both invites, newest first', async () => {
    await page.reload()
    const shown = await listed()
    const expected = ['grace.hopper@example.com: pending', `${email}: pending`]
    assert(JSON.stringify(shown) === JSON.stringify(expected), `the list shows ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`)
  })
}

const started = performance.now()
const watchdog = setTimeout(() => {
  console.error(`e2e: gave up after ${seconds(overallTimeoutMs)}`)
  cleanUp().finally(() => process.exit(1))
}, overallTimeoutMs)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`e2e: ${signal}, cleaning up`)
    cleanUp().finally(() => process.exit(130))
  })
}

let failure
try {
  console.log(`e2e of examples/nextjs (Chromium ${chromiumPath})`)
  await main()
} catch (error) {
  failure = error
}
await cleanUp()
clearTimeout(watchdog)
if (failure) {
  console.error(`\ne2e FAILED after ${seconds(performance.now() - started)}:\n${failure.stack ?? failure}`)
  process.exit(1)
}
console.log(`\ne2e passed in ${seconds(performance.now() - started)}`)
process.exit(0)
