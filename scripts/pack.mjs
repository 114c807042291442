// `npm run pack [dir]`: the tarballs npm would publish — roq-invites, and the per-platform package
// with the native core built here (npm run build) — written to dir (dist/ if absent). Prints their
// paths as JSON: { "main": "...", "platform": "..." }.
//
// At publish time `napi pre-publish` adds the per-platform packages to roq-invites as
// optionalDependencies (they cannot be in the repository's package.json: npm ci would look for
// them in the lock file before they exist). The main tarball is packed from a copy that has them,
// so that it is what users install.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))
mkdirSync(out, { recursive: true })

const built = readdirSync(root).filter((file) => /^roq-invites\.[\w-]+\.node$/.test(file))
if (built.length !== 1) {
  throw new Error(`expected one native core in ${root} (found ${built.length}); run npm run build first`)
}
const [binary] = built
const platformDir = join(root, 'npm', binary.split('.')[1])
copyFileSync(join(root, binary), join(platformDir, binary))

const pack = (dir) => {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }),
  )
  return join(out, filename)
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const stage = mkdtempSync(join(tmpdir(), 'roq-stage-'))
try {
  for (const file of [...manifest.files, 'README.md', 'LICENSE']) {
    cpSync(join(root, file), join(stage, file), { recursive: true })
  }
  const platforms = readdirSync(join(root, 'npm')).map(
    (dir) => JSON.parse(readFileSync(join(root, 'npm', dir, 'package.json'), 'utf8')).name,
  )
  manifest.optionalDependencies = Object.fromEntries(platforms.map((name) => [name, manifest.version]))
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(JSON.stringify({ main: pack(stage), platform: pack(platformDir) }))
} finally {
  rmSync(stage, { recursive: true, force: true })
}
