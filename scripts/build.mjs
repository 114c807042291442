// `node scripts/build.mjs [--target <triple>] [--debug]`: the one way the native core is built.
// `npm run build` (release) runs it for this machine, and each build job of the release workflow
// (.github/workflows/CI.yml) for its target, so the two cannot drift. It writes
// roq-invites.<platform>.node, binding.js and binding.d.ts to the repository root.
//
// Release builds for Linux link through zig (cargo-zigbuild, napi's --cross-compile): gnu against
// glibc 2.17 whatever glibc the build machine has, musl from any Linux machine. macOS and Windows
// build with their own toolchains, on their own runners. `--debug` without `--target` (`npm run
// build:debug`, for the tests and the demo) is a developer's build: this machine's own toolchain,
// no zig needed. napi passes cargo `--target <this machine's triple>` even then, so it builds in
// target/<triple>/debug, not target/debug; `npm test` runs `cargo test --target host-tuple` to
// build in the same folder, and the dependencies the two share are built once, not twice. What
// ships, and what the packed install, the Debian 11 test, the e2e and the benchmark use, is the
// release build.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

// The oldest glibc the Linux gnu addon runs on, as napi-rs's own packages (CentOS 7, Debian 8).
const GLIBC = '2.17'
// The oldest macOS each Mac addon runs on: napi-rs's choice for Intel, the first for Apple silicon.
const MACOS = { x86_64: '10.13', aarch64: '11.0' }

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({ options: { target: { type: 'string' }, debug: { type: 'boolean', default: false } } })

const run = (command, args, options) => spawnSync(command, args, { stdio: 'inherit', ...options })
const target = values.target ?? hostTarget()
const [arch] = target.split('-')
const env = { ...process.env }
const args = ['build', '--platform', '--js', 'binding.js', '--dts', 'binding.d.ts', '--no-const-enum']
if (!values.debug) args.push('--release')

if (values.debug && !values.target) {
  // This machine, its own toolchain: nothing to add.
} else if (target.includes('-linux-')) {
  // Without this check napi would `cargo install` an unpinned cargo-zigbuild, for minutes.
  if (run('cargo', ['zigbuild', '--help'], { stdio: 'ignore' }).status !== 0) {
    fail('Linux builds link through zig: python3 -m pip install -r scripts/build-requirements.txt')
  }
  // cargo-zigbuild builds the triple and hands zig the suffix: the glibc version to link against.
  args.push('--cross-compile', '--target', target.endsWith('-gnu') ? `${target}.${GLIBC}` : target)
} else {
  args.push('--target', target)
  if (target.endsWith('-apple-darwin')) env.MACOSX_DEPLOYMENT_TARGET ??= MACOS[arch]
}

const cli = createRequire(import.meta.url).resolve('@napi-rs/cli/package.json')
const napi = join(dirname(cli), JSON.parse(readFileSync(cli, 'utf8')).bin.napi)
console.log(`napi ${args.join(' ')}`)
const { status } = run(process.execPath, [napi, ...args], { cwd: root, env })
process.exit(status ?? 1)

/** This machine's target triple, as rustc names it. */
function hostTarget() {
  const { stdout, status } = spawnSync('rustc', ['-vV'], { encoding: 'utf8' })
  const host = status === 0 && /^host: (\S+)$/m.exec(stdout)?.[1]
  return host || fail('rustc -vV names no host target: is Rust installed?')
}

function fail(message) {
  console.error(`scripts/build.mjs: ${message}`)
  process.exit(1)
}
