// How the client reaches the platform: HTTPS trusts what Node trusts in that process (its bundled
// roots, NODE_EXTRA_CA_CERTS, the system store under --use-openssl-ca / --use-system-ca) and
// nothing of the machine's unless Node does; a proxy only where Node 24 would use one.
//
// Node reads NODE_EXTRA_CA_CERTS and its flags when it starts, so each case runs the docs' call
// in a fresh Node (this one's binary, so the suite covers Node 20, 22 and 24) against a TLS front
// signed by a test CA, with an emulator behind it.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { createServer } from 'node:https'
import tls from 'node:tls'
import { promisify } from 'node:util'

import { startEmulator } from '../index.js'
import { clientFor } from './helpers.mjs'
import { startProxy } from './proxy.mjs'
import { makeCertificates, startTlsFront } from './tls-front.mjs'

const require = createRequire(import.meta.url)
const { networkFor } = require('../lib/network.js')
const run = promisify(execFile)

// The docs' call, in a fresh process; prints what came of it.
const DOCS_CALL = `
const { RoqClient } = require(${JSON.stringify(require.resolve('../index.js'))})
const client = new RoqClient({ host: process.env.HOST, environmentId: process.env.ENV_ID, apiKey: process.env.API_KEY })
client.roqPlatform
  .sendUserInvites({ userInvites: { tenantId: 'acme', userInvites: [{ createdByUserId: 'owner', email: process.env.EMAIL, locale: 'en-US' }] } })
  .then((status) => console.log(JSON.stringify({ sent: status.success.map((invite) => invite.email) })))
  .catch((error) => console.log(JSON.stringify({ code: error.code, message: error.message })))
`

let certs, emulator, front, selfSigned, emptyDir
before(async () => {
  certs = makeCertificates()
  emptyDir = mkdtempSync(join(tmpdir(), 'roq-no-certs-'))
  emulator = await startEmulator()
  front = await startTlsFront(certs.signed, emulator.url)
  selfSigned = await startTlsFront(certs.selfSigned, emulator.url)
})
after(async () => {
  await emulator.stop()
  await front.close()
  await selfSigned.close()
  certs.remove()
  rmSync(emptyDir, { recursive: true, force: true })
})

// What the machine tells Node about certificates and proxies is left out: each case says its own.
const MACHINE = /^(NODE_EXTRA_CA_CERTS|NODE_OPTIONS|NODE_USE_ENV_PROXY|SSL_CERT_FILE|SSL_CERT_DIR|(https?|no)_proxy)$/i
const baseEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !MACHINE.test(name)))

let sent = 0
/** Runs the docs' call from a fresh Node with `flags` and `env`, against `host`. */
async function docsCall(host, { flags = [], env = {} } = {}) {
  const email = `network-${++sent}@example.com`
  const { stdout } = await run(process.execPath, [...flags, '-e', DOCS_CALL], {
    env: {
      ...baseEnv(),
      // No CA bundle on this "machine": nothing of the machine's may be needed.
      SSL_CERT_FILE: join(emptyDir, 'none.pem'),
      SSL_CERT_DIR: emptyDir,
      HOST: host,
      ENV_ID: emulator.environmentId,
      API_KEY: emulator.apiKey,
      EMAIL: email,
      ...env,
    },
  })
  return { email, ...JSON.parse(stdout) }
}

async function assertSent(outcome) {
  assert.deepEqual(outcome, { email: outcome.email, sent: [outcome.email] })
  assert.equal((await emulator.outbox({ to: outcome.email })).length, 1)
}

async function assertUntrusted(outcome, server) {
  assert.equal(outcome.code, 'NETWORK_ERROR', outcome.message)
  const refused =
    `could not connect to ${server.url}: its certificate is not signed by a certificate authority Node trusts ` +
    "(UnknownIssuer). If a proxy or your company's network re-signs TLS, start Node with " +
    "NODE_EXTRA_CA_CERTS set to that authority's certificate (a PEM file)"
  assert.equal(
    outcome.message,
    `sendUserInvites stopped after 0 of 1 invites were sent (0 refused, 1 not sent; see err.partial): ${refused}`,
  )
  assert.deepEqual(await emulator.outbox({ to: outcome.email }), [])
}

test('HTTPS trusts a CA named by NODE_EXTRA_CA_CERTS, with no CA bundle on the machine', async () => {
  await assertSent(await docsCall(front.url, { env: { NODE_EXTRA_CA_CERTS: certs.caFile } }))
})

test('without it, the certificate is refused once, not retried, with the fix in the message', async () => {
  const connections = front.connections
  await assertUntrusted(await docsCall(front.url), front)
  assert.equal(front.connections - connections, 1, 'one connection: a refused certificate is not retried')
})

test('a certificate the CA did not sign is refused, NODE_EXTRA_CA_CERTS or not', async () => {
  await assertUntrusted(await docsCall(selfSigned.url, { env: { NODE_EXTRA_CA_CERTS: certs.caFile } }), selfSigned)
})

test('a local platform over plain HTTP needs no certificates at all', async () => {
  await assertSent(await docsCall(emulator.url))
})

test("--use-openssl-ca trusts OpenSSL's store (SSL_CERT_FILE) instead of the bundled roots", async () => {
  const store = { SSL_CERT_FILE: certs.caFile }
  await assertSent(await docsCall(front.url, { flags: ['--use-openssl-ca'], env: store }))
  await assertSent(await docsCall(front.url, { env: { ...store, NODE_OPTIONS: '--use-openssl-ca' } }))
  await assertUntrusted(await docsCall(front.url, { flags: ['--use-bundled-ca'], env: store }), front)
  await assertUntrusted(await docsCall(front.url, { env: store }), front)
})

test(
  '--use-system-ca trusts the system store too (Node 22.15 and newer)',
  {
    skip: typeof tls.getCACertificates !== 'function' && 'this Node has no --use-system-ca',
  },
  async () => {
    await assertSent(await docsCall(front.url, { flags: ['--use-system-ca'], env: { SSL_CERT_FILE: certs.caFile } }))
  },
)

// The emulator in a fresh Node, delivering the docs' invite's event to an https:// receiver once;
// prints the delivery's state and its attempt's error.
const WEBHOOK = `
const { RoqClient, startEmulator } = require(${JSON.stringify(require.resolve('../index.js'))})
;(async () => {
  const emulator = await startEmulator({ webhooks: [{ url: process.env.RECEIVER }], webhookRetry: { attempts: 1 } })
  const client = new RoqClient({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  await client.roqPlatform.sendUserInvites({ data: { tenantId: 'acme', userInvites: [{ createdByUserId: 'owner', email: 'hook@example.com' }] } })
  let deliveries
  do deliveries = await emulator.webhooks()
  while (deliveries.length === 0 || deliveries.some((d) => d.state === 'pending'))
  console.log(JSON.stringify(deliveries.map((d) => ({ state: d.state, error: d.attempts[0].error }))))
  await emulator.stop()
})()
`

test("the emulator's deliveries to an https:// receiver trust what Node trusts", async (t) => {
  const received = []
  const receiver = createServer(certs.signed, (request, answer) => {
    received.push(request.headers['roq-platform-webhook-key'])
    answer.end()
  })
  await new Promise((listening) => receiver.listen(0, '127.0.0.1', listening))
  t.after(() => receiver.close())
  const deliver = async (env) => {
    const { stdout } = await run(process.execPath, ['-e', WEBHOOK], {
      env: { ...baseEnv(), SSL_CERT_FILE: join(emptyDir, 'none.pem'), SSL_CERT_DIR: emptyDir, ...env },
    })
    return JSON.parse(stdout)
  }
  const RECEIVER = `https://localhost:${receiver.address().port}/hook`
  assert.deepEqual(await deliver({ RECEIVER, NODE_EXTRA_CA_CERTS: certs.caFile }), [
    { state: 'delivered', error: null },
  ])
  assert.equal(received.length, 1)
  const [refused] = await deliver({ RECEIVER })
  assert.equal(refused.state, 'failed')
  assert.equal(
    refused.error,
    'its certificate is not trusted (UnknownIssuer); if a test authority signed it, start Node with NODE_EXTRA_CA_CERTS naming that authority',
  )
  assert.equal(received.length, 1)
})

test('no proxy unless NODE_USE_ENV_PROXY=1 asks, as Node does', async () => {
  const proxy = await startProxy()
  after(() => proxy.close())
  const env = { NODE_EXTRA_CA_CERTS: certs.caFile, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }
  await assertSent(await docsCall(front.url, { env }))
  await assertSent(await docsCall(emulator.url, { env }))
  assert.deepEqual(proxy.seen, [])
})

test('with NODE_USE_ENV_PROXY=1, HTTPS goes through HTTPS_PROXY as a tunnel: the proxy never sees the key', async () => {
  const proxy = await startProxy()
  after(() => proxy.close())
  const env = { NODE_EXTRA_CA_CERTS: certs.caFile, NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: proxy.url }
  await assertSent(await docsCall(front.url, { env }))
  assert.deepEqual(
    proxy.seen.map(({ method, target }) => `${method} ${target}`),
    [`CONNECT localhost:${front.port}`],
  )
  assert.doesNotMatch(JSON.stringify(proxy.seen), new RegExp(emulator.apiKey))
  // NO_PROXY names the host: straight there.
  await assertSent(await docsCall(front.url, { env: { ...env, NO_PROXY: 'example.com, localhost' } }))
  assert.equal(proxy.seen.length, 1)
})

test(
  'with --use-env-proxy (Node 24), a plain-HTTP platform goes through HTTP_PROXY',
  {
    skip: !process.allowedNodeEnvironmentFlags.has('--use-env-proxy') && 'this Node has no --use-env-proxy',
  },
  async () => {
    const proxy = await startProxy()
    after(() => proxy.close())
    await assertSent(await docsCall(emulator.url, { flags: ['--use-env-proxy'], env: { http_proxy: proxy.url } }))
    const through = [`POST ${emulator.url}/v01/authorize/serviceAccount`, `POST ${emulator.url}/v01/server/graphql`]
    assert.deepEqual(
      proxy.seen.map(({ method, target }) => `${method} ${target}`),
      through,
    )
  },
)

test('the client reads the proxy variables from process.env when it is made', async (t) => {
  const proxy = await startProxy()
  after(() => proxy.close())
  const saved = { ...process.env }
  t.after(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  })
  for (const name of Object.keys(process.env)) if (MACHINE.test(name)) delete process.env[name]
  Object.assign(process.env, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url })
  await clientFor(emulator).roqPlatform.userInvites({ limit: 1 })
  assert.equal(proxy.seen.length, 2)
  process.env.NO_PROXY = '127.0.0.1'
  await clientFor(emulator).roqPlatform.userInvites({ limit: 1 })
  assert.equal(proxy.seen.length, 2)
})

test("NO_PROXY follows Node's rules", () => {
  const proxyFor = (host, noProxy, more = {}) =>
    networkFor(host, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: 'http://proxy:3128', NO_PROXY: noProxy, ...more })[1]
  const direct = [
    ['http://localhost:4077', '*'],
    ['http://localhost:4077', 'localhost'],
    ['http://localhost:4077', 'LOCALHOST'],
    ['http://localhost:4077', 'other, localhost:4077'],
    ['http://api.localhost', '.localhost'],
    ['http://localhost', '.localhost'],
    ['http://api.localhost', '*.localhost'],
    ['http://127.0.0.1:4077', '127.0.0.0-127.0.0.255'],
    ['http://[::1]:4077', '::1'],
  ]
  for (const [host, noProxy] of direct)
    assert.equal(proxyFor(host, noProxy), undefined, `${host} with NO_PROXY=${noProxy}`)
  const proxied = [
    ['http://localhost:4077', ''],
    ['http://localhost:4077', 'localhost:4078'],
    ['http://localhost', '*.localhost'],
    ['http://notlocalhost', '.localhost'],
    ['http://127.0.1.1', '127.0.0.0-127.0.0.255'],
  ]
  for (const [host, noProxy] of proxied) {
    assert.equal(proxyFor(host, noProxy), 'http://proxy:3128', `${host} with NO_PROXY=${noProxy}`)
  }
  // The lower-case variable first, as Node (and curl) read them; another scheme is left alone.
  assert.equal(proxyFor('http://localhost', '', { http_proxy: 'http://lower:1' }), 'http://lower:1')
  assert.equal(proxyFor('http://localhost', '', { HTTP_PROXY: 'socks5://proxy:1080' }), undefined)
  assert.throws(() => proxyFor('http://localhost', '', { HTTP_PROXY: 'http://[bad' }), {
    name: 'RoqError',
    code: 'INVALID_ARGUMENT',
    message: 'HTTP_PROXY is not a URL (NODE_USE_ENV_PROXY is set): set it like http://proxy.example.com:3128',
  })
})
