// The app as a user would deploy it, for Playwright's webServer: pack roq-invites (its tarball
// and the native package built here), install both into a fresh copy of this app, `next build`
// (output: 'standalone'), copy the standalone folder with `.next/static` and `public` into a bare
// folder, as the Dockerfile's last stage gets it, remove the copy of the app, and serve the
// folder's `node server.js` on E2E_APP_PORT (the config's appPort) until Playwright stops it. E2E_KEEP=1 keeps the
// served folder afterwards.
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const example = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(example, '../..')
const work = mkdtempSync(join(tmpdir(), 'roq-nextjs-e2e-'))
const app = join(work, 'app')
const server = join(work, 'server')

// `npm run` exports its own settings; an inner npm must not take the repository as its project.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/i.test(key),
  ),
)

let current
/** Runs a command to its end, its errors to ours; resolves to what it printed. */
function run(command, args, cwd, extraEnv = {}) {
  return new Promise((done, failed) => {
    console.log(`e2e serve: ${basename(command)} ${args.join(' ')}`)
    let output = ''
    current = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] })
    current.stdout.on('data', (chunk) => {
      output += chunk
      process.stdout.write(chunk)
    })
    current.once('error', failed)
    current.once('exit', (code, signal) =>
      code === 0 ? done(output) : failed(new Error(`${args.join(' ')} exited with ${code ?? signal}`)),
    )
  })
}

function cleanUp() {
  if (process.env.E2E_KEEP) console.log(`e2e serve: kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    current?.kill('SIGTERM')
    current?.once('exit', () => {
      cleanUp()
      process.exit(0)
    })
    if (!current || current.exitCode !== null) {
      cleanUp()
      process.exit(0)
    }
  })
}

try {
  const packed = JSON.parse(
    (await run(process.execPath, ['scripts/pack.mjs', join(work, 'pack')], root)).trim().split('\n').at(-1),
  )
  cpSync(example, app, {
    recursive: true,
    filter: (source) =>
      !['node_modules', '.next', 'next-env.d.ts', 'e2e', 'playwright.config.ts'].includes(basename(source)),
  })
  await run('npm', ['install', '--no-audit', '--no-fund'], app)
  await run('npm', ['install', '--no-audit', '--no-fund', packed.main, packed.platform], app)
  await run(process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'build'], app)
  // What Next's docs and the Dockerfile copy; symlinks as they are (Turbopack links the addon's
  // package inside .next), not resolved to paths in the copy of the app, which goes.
  const copy = (from, to) => cpSync(join(app, from), join(server, to), { recursive: true, verbatimSymlinks: true })
  copy('.next/standalone', '.')
  copy('.next/static', '.next/static')
  copy('public', 'public')
  rmSync(app, { recursive: true, force: true })
  await run(process.execPath, ['server.js'], server, { PORT: process.env.E2E_APP_PORT, HOSTNAME: '127.0.0.1' })
  cleanUp()
} catch (error) {
  console.error(`e2e serve: ${error.message}`)
  cleanUp()
  process.exit(1)
}
