// `npm run pack [dir]`: the tarballs npm would publish — roq-invites, and the per-platform package
// with the native core built here (npm run build) — written to dir (dist/ if absent). Prints their
// paths as JSON: { "main": "...", "platform": "..." }.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
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
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }))
  return join(out, filename)
}
console.log(JSON.stringify({ main: pack(root), platform: pack(platformDir) }))
