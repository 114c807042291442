// Shared by the Node tests: an emulator per test, a client for it, and the README's snippets.
import { readFileSync } from 'node:fs'
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
