// `node scripts/check-glibc.mjs [file]`: fails when the Linux gnu addon (the one npm run build put
// in the repository root, or `file`) needs a glibc newer than 2.17, the oldest we support; prints
// the newest glibc version its dynamic symbols need, and which symbols need it.
// readelf (binutils, beside any C toolchain) reads an ELF of any architecture: an x64 machine
// checks the arm64 addon too.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const OLDEST = [2, 17]

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const built = readdirSync(root).filter((file) => /^roq-invites\.linux-[\w-]+-gnu\.node$/.test(file))
if (!process.argv[2] && built.length !== 1) {
  console.error(`expected one Linux gnu addon in ${root} (found ${built.length}); run npm run build first`)
  process.exit(1)
}
const file = process.argv[2] ?? join(root, built[0])

// Lines such as `12: 0000000000000000 0 FUNC GLOBAL DEFAULT UND memcpy@GLIBC_2.14 (4)`.
const symbols = execFileSync('readelf', ['--dyn-syms', '--wide', file], { encoding: 'utf8' })
const needs = new Map() // version -> the symbols that need it, once each
for (const [, symbol, version] of symbols.matchAll(/ (\S+?)@@?GLIBC_([\d.]+)/g)) {
  needs.set(version, (needs.get(version) ?? new Set()).add(symbol))
}
if (needs.size === 0) {
  console.error(`${file}: no dynamic symbol names a glibc version; is it a Linux gnu build?`)
  process.exit(1)
}

const parts = (version) => version.split('.').map(Number)
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] ?? 0) - (b[2] ?? 0)
const newest = [...needs.keys()].sort((a, b) => compare(parts(b), parts(a)))[0]
const newestSymbols = [...needs.get(newest)].sort().join(', ')
const summary = `${file}: newest glibc symbol version GLIBC_${newest} (${newestSymbols})`
if (compare(parts(newest), OLDEST) > 0) {
  console.error(`${summary}: it would not load on glibc ${OLDEST.join('.')}; build it with npm run build`)
  process.exit(1)
}
console.log(`${summary}: loads on glibc ${OLDEST.join('.')} and newer`)
