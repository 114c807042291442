// roq-invites/testing's signInAs, in Debian's Chromium: a context it signs in carries the
// emulator's session to a real app server, which reads the cookie and acts as its user.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { test } from 'node:test'

import { readSessionToken } from 'roq-invites'
import { SESSION_COOKIE, signInAs } from 'roq-invites/testing'

import { NO_CHROMIUM, clientFor, emulatorFor, launchChromium } from './helpers.mjs'

/**
 * The app: as a ROQ app's server does, it reads who is signed in from the roq-session-token
 * cookie and acts as that user on the emulator (a listing, confined to the user's tenant).
 */
async function appFor(t, emulator) {
  const client = clientFor(emulator)
  const app = createServer(async (request, response) => {
    // Only the page: the browser's own requests (a favicon) may come after the test has stopped
    // the emulator, and must not reach it.
    if (request.url !== '/') return response.writeHead(404).end()
    const cookies = new URLSearchParams((request.headers.cookie ?? '').replaceAll('; ', '&'))
    const token = cookies.get(SESSION_COOKIE)
    if (!token) return response.writeHead(401, { 'content-type': 'application/json' }).end('{"signedIn":false}')
    const { roqUserId, tenantId, user } = readSessionToken(token)
    const { totalCount } = await client.withBaasToken(token).roqPlatform.userInvites()
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ signedIn: true, roqUserId, tenantId, email: user.email, invitesSeen: totalCount }))
  }).listen(0, '127.0.0.1')
  await once(app, 'listening')
  t.after(() => app.close())
  return { url: `http://127.0.0.1:${app.address().port}`, port: app.address().port }
}

/** What the app answers the context's page: who it thinks is signed in. */
async function whoAmI(context, url) {
  const page = await context.newPage()
  const response = await page.goto(url)
  const answer = { status: response.status(), ...JSON.parse(await response.text()) }
  const cookie = await page.evaluate(() => document.cookie)
  await page.close()
  return { ...answer, cookie }
}

test(
  'signInAs signs a browser context in as a tenant user: the app reads the cookie and acts as them',
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t)
    // Two invites in acme, one in globex: the user sees their own tenant's only.
    await clientFor(emulator).roqPlatform.sendUserInvites({
      data: {
        tenantId: 'acme',
        userInvites: [
          { createdByUserId: 'owner', email: 'a@x.io' },
          { createdByUserId: 'owner', email: 'b@x.io' },
        ],
      },
    })
    await clientFor(emulator).roqPlatform.sendUserInvites({
      data: { tenantId: 'globex', userInvites: [{ createdByUserId: 'owner', email: 'c@x.io' }] },
    })
    const app = await appFor(t, emulator)
    const browser = await launchChromium(t)

    const context = await browser.newContext()
    const session = await signInAs(context, {
      url: app.url,
      emulator,
      tenantId: 'acme',
      email: 'alice@acme.io',
      firstName: 'Alice',
      roles: ['owner'],
    })
    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'roqUserId', 'tenantId', 'token'])
    const alice = await whoAmI(context, `${app.url}/`)
    assert.deepEqual(
      [alice.status, alice.roqUserId, alice.tenantId, alice.email, alice.invitesSeen],
      [200, session.roqUserId, 'acme', 'alice@acme.io', 2],
    )
    // Not HttpOnly: ROQ's browser SDK reads it from the page, as in ROQ's apps.
    assert.equal(alice.cookie, `${SESSION_COOKIE}=${session.token}`)
    // The cookie lasts as long as the session does.
    const [cookie] = await context.cookies(app.url)
    assert.deepEqual(
      [cookie.name, cookie.domain, cookie.path, cookie.sameSite, cookie.expires],
      [SESSION_COOKIE, '127.0.0.1', '/', 'Lax', readSessionToken(session.token).exp],
    )

    // Signing in again as the same email is the same user; another context is not signed in, and
    // the cookie is the app's origin's only (localhost is another site).
    const again = await browser.newContext()
    assert.equal(
      (await signInAs(again, { url: app.url, emulator, tenantId: 'acme', email: 'alice@acme.io' })).roqUserId,
      session.roqUserId,
    )
    assert.deepEqual((await whoAmI(await browser.newContext(), app.url)).status, 401)
    assert.deepEqual((await whoAmI(context, `http://localhost:${app.port}/`)).status, 401)
  },
)

test(
  'without an emulator given, signInAs uses the one the ROQ_* variables name (as emulator exec sets them)',
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t)
    const saved = { ...process.env }
    t.after(() => {
      for (const name of Object.keys(emulator.env)) delete process.env[name]
      Object.assign(process.env, saved)
    })
    Object.assign(process.env, emulator.env)
    const app = await appFor(t, emulator)
    const context = await (await launchChromium(t)).newContext()
    const { roqUserId } = await signInAs(context, { url: new URL(app.url), tenantId: 'globex', email: 'bob@globex.io' })
    const bob = await whoAmI(context, app.url)
    assert.deepEqual([bob.status, bob.roqUserId, bob.tenantId, bob.invitesSeen], [200, roqUserId, 'globex', 0])
  },
)

test('signInAs refuses what is not a context or an app URL, naming it, before signing anyone in', async (t) => {
  const emulator = await emulatorFor(t)
  const context = { addCookies: async () => assert.fail('no cookie for a bad call') }
  const cases = [
    [
      {},
      { url: 'http://127.0.0.1:3000', emulator, tenantId: 'acme' },
      /^signInAs: pass a Playwright BrowserContext .*, got an object$/,
    ],
    [
      undefined,
      { url: 'http://127.0.0.1:3000', emulator, tenantId: 'acme' },
      /^signInAs: pass a Playwright BrowserContext .*, got undefined$/,
    ],
    [context, undefined, /^signInAs: pass \{ url, tenantId, email\?, \.\.\. \}, got undefined$/],
    [
      context,
      { emulator, tenantId: 'acme' },
      /^signInAs: url must be the app's http\(s\) address, e\.g\. baseURL .*; got undefined$/,
    ],
    [context, { url: '/sign-in', emulator, tenantId: 'acme' }, /; got "\/sign-in"$/],
    [context, { url: 'javascript:alert(1)', emulator, tenantId: 'acme' }, /; got "javascript:alert\(1\)"$/],
  ]
  for (const [given, options, message] of cases)
    await assert.rejects(signInAs(given, options), (error) => {
      assert.equal(error.code, 'INVALID_ARGUMENT')
      assert.match(error.message, message)
      return true
    })
  // What the emulator refuses (no tenant) comes back as its error, and sets no cookie.
  await assert.rejects(signInAs(context, { url: 'http://127.0.0.1:3000', emulator }), { code: 'INVALID_ARGUMENT' })
})
