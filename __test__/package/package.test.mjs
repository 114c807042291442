// `npm run test:package`: the package as npm ships it, packed from the addon built here (npm run
// build, or build:debug): what the tarball holds, an install into an empty folder that runs the
// docs' call, a platform whose binary is missing, and runtimes that cannot load it. Its own
// command, as packing and installing take most of a minute: not in `npm test`.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { docSnippets } from '../helpers.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
// The per-platform package of the binary built here (napi-rs names it after the target, e.g.
// roq-invites.linux-x64-gnu.node): the one this machine needs.
const builtTarget = readdirSync(root)
  .find((file) => /^roq-invites\..+\.node$/.test(file))
  ?.split('.')[1]
const platformPackage = `roq-invites-${builtTarget}`
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

function tempDir(t, prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** An empty project with the given tarballs installed, as `npm install <tarball>` does. */
function installed(t, tarballs) {
  const dir = tempDir(t, 'roq-install-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  npm(['install', '--no-audit', '--no-fund', ...tarballs], dir)
  return dir
}

function node(dir, args) {
  const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  return { ...result, output: `${result.stdout}${result.stderr}` }
}

test('the tarball holds what a user needs and nothing else', () => {
  const [{ files }] = JSON.parse(npm(['pack', '--dry-run', '--json'], root))
  const paths = files.map((f) => f.path).sort()
  const needed = [
    'LICENSE',
    'README.md',
    'binding.d.ts',
    'binding.js',
    'edge.js',
    'browser.js',
    'index.d.ts',
    'index.js',
    'types.d.ts',
    'package.json',
    'bin/roq-invites.mjs',
    'lib/client.js',
    'lib/client.d.ts',
    'lib/native.js',
    'testing.js',
    'testing.d.ts',
  ]
  // The command line: every file of lib/cli/ (the commands and what they share).
  const cli = readdirSync(join(root, 'lib/cli'), { recursive: true })
    .filter((file) => file.endsWith('.js'))
    .map((file) => `lib/cli/${file.split('\\').join('/')}`)
  assert.ok(cli.includes('lib/cli/commands/send.js'), cli.join(', '))
  for (const path of [...needed, ...cli]) assert.ok(paths.includes(path), `missing ${path}`)
  for (const path of paths) {
    assert.ok(
      needed.includes(path) || /^(bin|lib)\/([\w-]+\/)*[\w.-]+\.(m?js|d\.ts)$/.test(path),
      `should not ship ${path}`,
    )
  }
})

test('installed from its tarballs into an empty folder, it runs the docs call against the emulator', (t) => {
  const packed = JSON.parse(
    execFileSync(process.execPath, [join(root, 'scripts/pack.mjs'), tempDir(t, 'roq-pack-')], { encoding: 'utf8' }),
  )
  const dir = installed(t, [packed.main, packed.platform])
  const [docsCall] = docSnippets('roqBrowserClient.roqPlatform.sendUserInvites(')
  writeFileSync(
    join(dir, 'docs-call.mjs'),
    `import { RoqClient, startEmulator } from 'roq-invites'
const emulator = await startEmulator()
const roqBrowserClient = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
const tenantId = 'acme', roqUserId = 'alice', email = 'ada@example.com'
${docsCall}
const [mail] = await emulator.outbox({ to: email })
console.log(JSON.stringify({ status: status.success[0].status, mail: mail.to }))
await emulator.stop()
`,
  )
  // As published, it depends on every per-platform package as an optional dependency.
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/roq-invites/package.json'), 'utf8'))
  assert.equal(manifest.optionalDependencies[platformPackage], manifest.version)
  assert.equal(Object.keys(manifest.optionalDependencies).length, 8)
  const run = node(dir, ['docs-call.mjs'])
  assert.equal(run.status, 0, run.output)
  assert.deepEqual(JSON.parse(run.stdout), { status: 'pending', mail: 'ada@example.com' })

  // The command line, as package.json's bin names it: its files and the addon's flag table resolve.
  const help = node(dir, [join('node_modules/roq-invites', manifest.bin['roq-invites']), 'emulator', '--help'])
  assert.equal(help.status, 0, help.output)
  assert.match(help.stdout, /^Usage: roq-invites emulator \[options\]\n[^]*\n {2}--invite-validity-days N /)

  // The test helpers, as package.json's exports name them, from ES modules and CommonJS.
  for (const args of [
    ['--input-type=module', '-e', "import { signInAs } from 'roq-invites/testing'; console.log(typeof signInAs)"],
    ['-e', "console.log(typeof require('roq-invites/testing').signInAs)"],
  ]) {
    const testing = node(dir, args)
    assert.equal(testing.stdout, 'function\n', testing.output)
  }

  // The Edge runtime and workers get a stand-in that imports, and says what to do where it is used.
  for (const condition of ['edge-light', 'worker']) {
    const edge = node(dir, ['--conditions', condition, '-e', "new (require('roq-invites').RoqClient)()"])
    assert.notEqual(edge.status, 0, condition)
    assert.match(edge.stderr, /roq-invites needs the Node\.js runtime: it is a native addon/, condition)
  }
  // Browser bundles get server-only, installed with the package, which Next.js makes a build error.
  const browser = node(dir, ['--conditions', 'browser', '-e', "require('roq-invites')"])
  assert.notEqual(browser.status, 0)
  assert.match(browser.stderr, /This module cannot be imported from a Client Component module/)
})

test('without the binary for this platform, loading names the package to install and why', (t) => {
  const packed = JSON.parse(
    execFileSync(process.execPath, [join(root, 'scripts/pack.mjs'), tempDir(t, 'roq-pack-')], { encoding: 'utf8' }),
  )
  // Only the main package: its optional per-platform dependency is not on the registry.
  const dir = installed(t, [packed.main])
  const run = node(dir, ['-e', "require('roq-invites')"])
  assert.notEqual(run.status, 0)
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  assert.ok(
    run.stderr.includes(`roq-invites could not load its native core for ${process.platform}-${process.arch}.`),
    run.stderr,
  )
  assert.ok(
    run.stderr.includes(
      `It ships in the package ${platformPackage}, an optional dependency of roq-invites that npm skips`,
    ),
    run.stderr,
  )
  assert.ok(run.stderr.includes(`npm install ${platformPackage}@${version}`), run.stderr)
})

test('a binary that is installed but does not load says why, not "install it"', (t) => {
  const packed = JSON.parse(
    execFileSync(process.execPath, [join(root, 'scripts/pack.mjs'), tempDir(t, 'roq-pack-')], { encoding: 'utf8' }),
  )
  const dir = installed(t, [packed.main, packed.platform])
  // As a C library too old for it, or a damaged download, would make it.
  writeFileSync(join(dir, 'node_modules', platformPackage, `roq-invites.${builtTarget}.node`), 'not an addon')
  const run = node(dir, ['-e', "require('roq-invites')"])
  assert.notEqual(run.status, 0)
  assert.ok(
    run.stderr.includes(`The package ${platformPackage} is installed, but its addon did not load: `),
    run.stderr,
  )
  assert.match(run.stderr, /did not load: .*(invalid ELF header|file too short)/)
  assert.doesNotMatch(run.stderr, /Install it:/)
})
