// `npm run lint:package`: the package as npm packs it, through the ecosystem's own linters.
// publint checks package.json's fields against the files they name; arethetypeswrong (attw)
// resolves every entry point (`roq-invites`, `roq-invites/testing`) as TypeScript and Node do
// under node10, node16 from CommonJS and from ESM, and bundler resolution, and fails when the
// types promise what the JavaScript does not give (a name ESM cannot import, a missing file).
//
// Fast and offline: `npm pack` of this folder into a temporary one (a second or two; the main
// package holds no native core, so nothing needs building), both tools on that tarball, which is
// then removed. Any message of publint fails it, suggestions included.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'roq-lint-package-'))
let failed = false
try {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8' }),
  )
  const tarball = join(out, filename)

  const { buffer } = readFileSync(tarball)
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: 'suggestion', strict: true })
  for (const message of messages) {
    console.error(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`)
  }
  console.log(`publint: ${messages.length} message(s)`)
  failed ||= messages.length > 0

  const cli = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json')
  const attw = join(dirname(cli), JSON.parse(readFileSync(cli, 'utf8')).bin.attw)
  const { status } = spawnSync(process.execPath, [attw, tarball, '--format', 'table', '--no-emoji', '--no-color'], {
    stdio: 'inherit',
  })
  failed ||= status !== 0
} finally {
  rmSync(out, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
