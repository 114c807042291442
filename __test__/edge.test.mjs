// What the Edge runtime and workers get (edge.js): every public name of index.js, each one
// throwing the message where it is used, never at import, and nothing native loaded.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const nodeOnly = /^roq-invites needs the Node\.js runtime: it is a native addon, which the Edge runtime/

test('edge.js exports the public names of index.js, no more, no fewer', () => {
  const names = Object.keys(require('../index.js')).sort()
  assert.ok(names.includes('RoqClient') && names.includes('startEmulator'), names.join(', '))
  assert.deepEqual(Object.keys(require('../edge.js')).sort(), names)
})

test('each name throws the message when it is called, constructed or read from', () => {
  const uses = {
    call: (stub) => stub(),
    construct: (stub) => new stub(),
    'read a property of': (stub) => stub.fromEnv,
    'check instanceof against': (stub) => ({}) instanceof stub,
  }
  for (const [name, stub] of Object.entries(require('../edge.js'))) {
    for (const [use, run] of Object.entries(uses)) {
      assert.throws(() => run(stub), { message: nodeOnly }, `${use} ${name}`)
    }
  }
})

test('under the Edge and worker conditions, roq-invites imports without loading the addon', () => {
  const script = `
    const roq = require('roq-invites')
    import('roq-invites').then((esm) => console.log(JSON.stringify({
      names: Object.keys(roq),
      // Node 23 and newer also name a CommonJS module's whole exports 'module.exports'.
      esm: Object.keys(esm).filter((name) => name !== 'default' && name !== 'module.exports'),
      loaded: Object.keys(require.cache).filter((file) => /(\\.node|binding\\.js)$/.test(file)),
    })))`
  const names = Object.keys(require('../index.js')).sort()
  for (const condition of ['edge-light', 'workerd', 'worker']) {
    // From the repository's root, 'roq-invites' is the package itself (its "exports").
    const run = spawnSync(process.execPath, ['--conditions', condition, '-e', script], { cwd: root, encoding: 'utf8' })
    assert.equal(run.status, 0, `${condition}: ${run.stderr}`)
    const { names: required, esm, loaded } = JSON.parse(run.stdout)
    assert.deepEqual([required.sort(), esm.sort(), loaded], [names, names, []], condition)
  }
})
