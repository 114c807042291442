// Next.js, every way in, under both of its bundlers (`npm run test:bundlers`; CI runs it beside
// the end-to-end test). A small app is generated into a temporary folder, roq-invites installed
// from its tarballs as a user installs it, and the app built with Turbopack and with webpack:
// - a client component that imports roq-invites fails `next build`, in Next's words (server-only);
// - an Edge route imports it, and gets our message where it uses it;
// - a server component that lists invites is rendered per request with `await connection()`,
//   and without it is prerendered at build time and frozen.
// It takes 2 to 3½ minutes on 2 cores: one npm install, four builds, two servers.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

import { RoqClient, startEmulator } from '../../index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const work = mkdtempSync(join(tmpdir(), 'roq-next-bundlers-'))
const app = join(work, 'app')

const NODE_ONLY = 'roq-invites needs the Node.js runtime: it is a native addon'
const TENANT = 'acme'

// The app's files. Plain JavaScript, so that the builds spend no time on TypeScript.
const files = {
  'next.config.mjs': `export default { serverExternalPackages: ['roq-invites'] }\n`,
  'app/layout.js': `export default function Layout({ children }) {
  return <html lang="en"><body>{children}</body></html>
}
`,
  'lib/invites.js': `import { RoqClient } from 'roq-invites'

export async function InviteEmails() {
  const { data } = await RoqClient.fromEnv().roqPlatform.userInvites({ filter: { tenantId: { equalTo: '${TENANT}' } } })
  return <p id="emails">{data.map((invite) => invite.email).sort().join(' ')}</p>
}
`,
  'app/invites/live/page.js': `import { connection } from 'next/server'
import { InviteEmails } from '../../../lib/invites.js'

export default async function Live() {
  await connection()
  return <InviteEmails />
}
`,
  'app/invites/frozen/page.js': `import { InviteEmails } from '../../../lib/invites.js'

export default function Frozen() {
  return <InviteEmails />
}
`,
  'app/edge/route.js': `import { RoqClient } from 'roq-invites'

export const runtime = 'edge'

export function GET() {
  try {
    return Response.json({ used: RoqClient.fromEnv() !== undefined })
  } catch (error) {
    return Response.json({ message: error.message }, { status: 500 })
  }
}
`,
}
// Only in the build that must fail: a client component that imports roq-invites.
const clientComponent = {
  'app/client/invite-button.js': `'use client'
import { RoqClient } from 'roq-invites'

export function InviteButton() {
  return <button onClick={() => RoqClient.fromEnv()}>Invite</button>
}
`,
  'app/client/page.js': `import { InviteButton } from './invite-button.js'

export default function Page() {
  return <InviteButton />
}
`,
}

// `npm run` exports its own settings; an inner npm must not take the repository as its project.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/i.test(key),
  ),
)

const children = new Set()
/** Starts a command; `done` resolves to its exit code, its stdout, and all it printed (colours removed). */
function launch(command, args, { cwd = app, onOutput } = {}) {
  const child = spawn(command, args, { cwd, env })
  children.add(child)
  let output = ''
  let stdout = ''
  const read = (chunk) => {
    output += chunk
    onOutput?.(stripVTControlCharacters(output))
  }
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stdout.on('data', read)
  child.stderr.on('data', read)
  const done = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      children.delete(child)
      resolve({ code: code ?? signal, stdout, output: stripVTControlCharacters(output) })
    })
  })
  return { child, done }
}

const nextBin = join(app, 'node_modules/next/dist/bin/next')
const next = (...args) => launch(process.execPath, [nextBin, ...args]).done

/** `next start` on a port the system picks: its URL once it serves, and a way to stop it. */
function start() {
  return new Promise((resolve, reject) => {
    const { child, done } = launch(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', '0'], {
      onOutput(output) {
        const url = /Local:\s+(http\S+)[^]*Ready in/.exec(output)?.[1]
        if (url) resolve({ url, stop: () => (child.kill(), done) })
      },
    })
    // Only if it ends before it is ready; a settled promise ignores it.
    done.then(({ code, output }) => reject(new Error(`next start exited with ${code}:\n${output}`)))
  })
}

/** The mark the build's route table gives `route`: ○ prerendered as static content, ƒ dynamic. */
function routeMark(output, route) {
  return new RegExp(`^\\S*\\s+([○ƒ●◐])\\s+${route}(\\s|$)`, 'm').exec(output)?.[1]
}

function write(tree) {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(app, path)), { recursive: true })
    writeFileSync(join(app, path), text)
  }
}

let emulator
let client
before(async () => {
  const pack = await launch(process.execPath, [join(root, 'scripts/pack.mjs'), join(work, 'pack')], { cwd: root }).done
  assert.equal(pack.code, 0, pack.output)
  const packed = JSON.parse(pack.stdout)
  // The example's Next.js and React, so that this tests the versions the example runs.
  const { dependencies } = JSON.parse(readFileSync(join(root, 'examples/nextjs/package.json'), 'utf8'))
  const versions = Object.fromEntries(['next', 'react', 'react-dom'].map((name) => [name, dependencies[name]]))
  write({ 'package.json': JSON.stringify({ name: 'app', private: true, dependencies: versions }, null, 2) })
  const install = await launch('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    packed.main,
    packed.platform,
  ]).done
  assert.equal(install.code, 0, install.output)
  write(files)

  emulator = await startEmulator()
  client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  Object.assign(env, emulator.env, { NEXT_TELEMETRY_DISABLED: '1' })
})

after(async () => {
  for (const child of children) child.kill()
  await emulator?.stop()
  if (process.env.ROQ_KEEP) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
})

const invite = (email) =>
  client.roqPlatform.sendUserInvites({ data: { tenantId: TENANT, userInvites: [{ createdByUserId: 'owner', email }] } })

for (const [bundler, flags] of [
  ['turbopack', []],
  ['webpack', ['--webpack']],
]) {
  test(`next build (${bundler})`, async (t) => {
    await t.test('a client component that imports roq-invites fails the build, in Next’s words', async () => {
      write(clientComponent)
      try {
        const { code, output } = await next('build', ...flags)
        assert.notEqual(code, 0, output)
        assert.match(output, /'server-only' cannot be imported from a Client Component module/)
        assert.match(output, /It should only be used from a Server Component/)
        assert.match(output, /app\/client\/invite-button\.js/)
      } finally {
        rmSync(join(app, 'app/client'), { recursive: true })
      }
    })

    const earlier = `earlier-${bundler}@example.com`
    const later = `later-${bundler}@example.com`
    await invite(earlier)
    const build = await next('build', ...flags)
    assert.equal(build.code, 0, build.output)

    await t.test('a server component that lists invites is dynamic with await connection(), static without', () => {
      assert.deepEqual(
        [routeMark(build.output, '/invites/live'), routeMark(build.output, '/invites/frozen')],
        ['ƒ', '○'],
      )
    })

    const server = await start()
    t.after(server.stop)

    await t.test('the static one is frozen at build time; the dynamic one lists what is there now', async () => {
      await invite(later)
      const emails = async (path) =>
        /<p id="emails">([^<]*)<\/p>/.exec(await (await fetch(`${server.url}${path}`)).text())?.[1].split(' ')
      const [live, frozen] = [await emails('/invites/live'), await emails('/invites/frozen')]
      assert.ok(live.includes(earlier) && live.includes(later), live.join(' '))
      assert.ok(frozen.includes(earlier) && !frozen.includes(later), frozen.join(' '))
    })

    await t.test('an Edge route imports roq-invites and gets our message where it uses it', async () => {
      const response = await fetch(`${server.url}/edge`)
      const body = await response.json()
      assert.equal(response.status, 500, JSON.stringify(body))
      assert.ok(body.message.startsWith(NODE_ONLY), body.message)
    })
  })
}
