// `npm run test:debian11` (as root, on Linux x64; CI runs it): the package as a user's Docker image
// or VM gets it, on an old and bare Linux. A minimal Debian 11 root (glibc 2.31, no ca-certificates),
// made once by debootstrap and kept in ~/.cache/roq-invites (never committed), gets this Node and
// npm; the packed tarballs are installed there by npm; and from inside it the docs' invite goes to
// an emulator on this machine's loopback, and over HTTPS to a TLS front whose certificate a test CA
// signed: it works with NODE_EXTRA_CA_CERTS naming that CA, and is refused without it.
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { startEmulator } from '../../index.js'
import { docSnippets } from '../helpers.mjs'
import { makeCertificates, startTlsFront } from '../tls-front.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'roq-invites')
const run = promisify(execFile)

/** The Debian mirror apt uses here (it is the one this machine can reach), else Debian's own. */
function debianMirror() {
  const sources = ['/etc/apt/sources.list', '/etc/apt/sources.list.d/debian.sources']
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n')
  return sources.match(/(?:URIs:|^deb)\s+(https?:\/\/\S+\/debian)\/?\s/m)?.[1] ?? 'http://deb.debian.org/debian'
}

/** A minimal Debian 11 root: made by debootstrap the first time, then taken from the cache. */
function debian11() {
  const cached = join(cache, 'debian11-root')
  if (!existsSync(join(cached, 'etc/debian_version'))) {
    mkdirSync(cache, { recursive: true })
    const making = mkdtempSync(join(cache, 'debian11-making-'))
    console.log(`making a Debian 11 root with debootstrap (${debianMirror()}), once…`)
    execFileSync('debootstrap', ['--variant=minbase', 'bullseye', making, debianMirror()], { stdio: 'ignore' })
    renameSync(making, cached)
  }
  return cached
}

let work, system, emulator, certs, front
before(async () => {
  assert.equal(process.getuid?.(), 0, 'chroot needs root: run this test as root')
  work = mkdtempSync(join(tmpdir(), 'roq-debian11-'))
  system = join(work, 'root')
  // Each run on a copy (cp, which copies its device files), so the cached root stays as it was made.
  execFileSync('cp', ['-a', debian11(), system])
  // This Node, as the official binaries run there; and localhost, which a container runtime or a
  // VM's installer writes into /etc/hosts and debootstrap does not.
  cpSync(process.execPath, join(system, 'usr/local/bin/node'))
  writeFileSync(join(system, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n')
  emulator = await startEmulator()
  certs = makeCertificates()
  front = await startTlsFront(certs.signed, emulator.url)
})
after(async () => {
  await front?.close()
  await emulator?.stop()
  certs?.remove()
  if (work) rmSync(work, { recursive: true, force: true })
})

/** Runs `command` inside the Debian 11 root, with only `env` (and a PATH) in its environment. */
function inside(command, args, env = {}) {
  return run('/usr/sbin/chroot', [system, command, ...args], {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', ...env },
    encoding: 'utf8',
  })
}

test('the root is Debian 11 with glibc 2.31 and no CA bundle', async () => {
  assert.match(readFileSync(join(system, 'etc/debian_version'), 'utf8'), /^11\./)
  assert.equal(existsSync(join(system, 'etc/ssl/certs/ca-certificates.crt')), false)
  const { stdout } = await inside('/usr/local/bin/node', [
    '-p',
    'process.report.getReport().header.glibcVersionRuntime',
  ])
  assert.equal(stdout.trim(), '2.31')
})

test('npm installs the packed tarballs there, and the docs call works, over HTTP and HTTPS', async () => {
  // npm, and the tarballs npm would fetch: the package, its platform package, and its dependencies
  // with theirs (package-lock.json's packages that are not for development).
  const npmDir = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm')
  cpSync(npmDir, join(system, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true })
  writeFileSync(
    join(system, 'usr/local/bin/npm'),
    '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n',
    { mode: 0o755 },
  )
  const app = join(system, 'app')
  mkdirSync(app)
  const packed = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts/pack.mjs'), app], { encoding: 'utf8' }))
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  const needed = Object.entries(packages).filter(
    ([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.optional,
  )
  assert.ok(needed.some(([path]) => path === 'node_modules/csv-parse'))
  const deps = needed.map(([path, { version }]) =>
    execFileSync('npm', ['pack', '--silent', `${path.slice(path.lastIndexOf('node_modules/') + 13)}@${version}`], {
      cwd: app,
      encoding: 'utf8',
    }).trim(),
  )
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  const tarballs = [...deps, basename(packed.main), basename(packed.platform)].map((file) => `/app/${file}`)
  await inside('/usr/local/bin/npm', [
    'install',
    '--prefix',
    '/app',
    '--offline',
    '--no-audit',
    '--no-fund',
    ...tarballs,
  ])

  // The docs' call, as the README has it.
  const [docsCall] = docSnippets('roqBrowserClient.roqPlatform.sendUserInvites(')
  writeFileSync(
    join(app, 'docs-call.js'),
    `const { RoqClient } = require('roq-invites')
const roqBrowserClient = new RoqClient({ host: process.env.ROQ_PLATFORM_URL, environmentId: process.env.ROQ_ENVIRONMENT_ID, apiKey: process.env.ROQ_API_KEY })
const tenantId = 'acme', roqUserId = 'alice', email = process.env.EMAIL
;(async () => {
${docsCall}
console.log(JSON.stringify({ sent: status.success.map((invite) => invite.email) }))
})().catch((error) => console.log(JSON.stringify({ code: error.code, message: error.message })))
`,
  )
  writeFileSync(join(app, 'ca.pem'), certs.ca)
  const docs = async (host, email, env = {}) => {
    const { stdout } = await inside('/usr/local/bin/node', ['/app/docs-call.js'], {
      ROQ_PLATFORM_URL: host,
      ROQ_ENVIRONMENT_ID: emulator.environmentId,
      ROQ_API_KEY: emulator.apiKey,
      EMAIL: email,
      ...env,
    })
    return JSON.parse(stdout)
  }

  assert.deepEqual(await docs(emulator.url, 'http@example.com'), { sent: ['http@example.com'] })
  assert.deepEqual(await docs(front.url, 'https@example.com', { NODE_EXTRA_CA_CERTS: '/app/ca.pem' }), {
    sent: ['https@example.com'],
  })
  const refused = await docs(front.url, 'refused@example.com')
  assert.equal(refused.code, 'NETWORK_ERROR')
  assert.match(
    refused.message,
    /its certificate is not signed by a certificate authority Node trusts \(UnknownIssuer\)/,
  )
  assert.match(refused.message, /start Node with NODE_EXTRA_CA_CERTS set to that authority's certificate/)
  const mailed = async (to) => (await emulator.outbox({ to })).length
  assert.deepEqual(
    [await mailed('http@example.com'), await mailed('https@example.com'), await mailed('refused@example.com')],
    [1, 1, 0],
  )
})
