// Shared by the Node tests: an emulator per test, a client for it, the README's snippets, and a
// headless Chromium.
import { existsSync, readFileSync } from 'node:fs'
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

/** The README's fenced ```js blocks that contain `needle`. */
export function readmeSnippets(needle) {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const blocks = [...readme.matchAll(/```(?:js|ts|javascript)\n([\s\S]*?)```/g)].map((m) => m[1])
  return blocks.filter((block) => block.includes(needle))
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
