// A standalone emulator for the benchmarks: the package's command line, in its own process, so
// that its CPU is not the client's (and can be read from its own /proc/<pid>).

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../bin/roq-invites.mjs', import.meta.url))

/** `command` and `args`, on core `core` if given. */
export const onCore = (core, command, args) =>
  core === undefined ? [command, args] : ['taskset', ['-c', String(core), command, ...args]]

/** Starts one (on `core`, if given); resolves once it has printed its ROQ_* variables. */
export async function standaloneEmulator(core) {
  const child = spawn(...onCore(core, process.execPath, [BIN, 'emulator', '--port', '0']), {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const env = {}
  let buffer = ''
  for await (const chunk of child.stdout) {
    buffer += chunk
    for (const [, name, value] of buffer.matchAll(/^(ROQ_\w+)=(.*)$/gm)) env[name] = value
    if (env.ROQ_API_KEY) break
  }
  // taskset execs the command, so the pid is the emulator's either way.
  return { env, pid: child.pid, stop: () => new Promise((done) => child.once('exit', done).kill('SIGTERM')) }
}
