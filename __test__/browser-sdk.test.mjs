// ROQ's browser SDK, @roq/client, as a test client of the emulator: 0.0.6 (the docs' V1 call)
// and 0.0.12 (V2), unchanged, with their own cookie authenticator reading a development session
// from `document.cookie`, as in a ROQ app's page.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { emulatorFor } from './helpers.mjs'

// Imported by file, as ROQ's generated apps do: the package index pulls in @zenstackhq/*.
const versions = {
  '0.0.6': { generation: 'V1', root: 'sendUserInvites' },
  '0.0.12': { generation: 'V2', root: 'sendUserInvitesV2' },
}
for (const [version, sdk] of Object.entries(versions)) {
  const base = `roq-client-${version}/build/src`
  sdk.RoqPlatformClient = (await import(`${base}/platform-client/platform-client.js`)).RoqPlatformClient
  sdk.BrowserCookieAuth = (await import(`${base}/authenticator/browser-cookie-auth.js`)).BrowserCookieAuth
}

/** A browser client signed in with `session`: the roq-session-token cookie, read by ROQ's own authenticator. */
function signedIn(sdk, emulator, session) {
  const auth = new sdk.BrowserCookieAuth()
  return {
    roqPlatform: new sdk.RoqPlatformClient({
      host: emulator.url,
      auth: {
        getAccessToken: () => {
          globalThis.document = { cookie: `theme=dark; roq-session-token=${session.token}` }
          return auth.getAccessToken()
        },
      },
    }).roqPlatform,
  }
}

/** What the platform refused, from graphql-request's ClientError: `extensions.response`. */
async function refusal(promise) {
  const error = await promise.then(
    () => assert.fail('resolved'),
    (e) => e,
  )
  assert.equal(error.constructor.name, 'ClientError', error.message)
  return error.response.errors[0].extensions.response
}

function send(sdk, client, tenantId, createdByUserId, emails) {
  const list = { tenantId, userInvites: emails.map((email) => ({ createdByUserId, email, locale: 'en-US' })) }
  return client.roqPlatform.sendUserInvites(sdk.generation === 'V1' ? { userInvites: list } : { data: list })
}

for (const [version, sdk] of Object.entries(versions)) {
  test(`@roq/client ${version} (${sdk.generation}) sends, lists, gets, resends and cancels as the signed-in user`, async (t) => {
    const emulator = await emulatorFor(t)
    const alice = await emulator.session({ tenantId: 'acme', email: 'alice@acme.io', firstName: 'Alice' })
    const browser = signedIn(sdk, emulator, alice)

    const sent = (await send(sdk, browser, 'acme', alice.roqUserId, ['ada@example.com', 'grace@example.com', 'bob@']))[
      sdk.root
    ]
    assert.deepEqual(
      sent.success.map((i) => [i.email, i.status, i.tenantId, i.createdByUserId]),
      [
        ['ada@example.com', 'pending', 'acme', alice.roqUserId],
        ['grace@example.com', 'pending', 'acme', alice.roqUserId],
      ],
    )
    assert.deepEqual(
      sent.errors.map((e) => e.email),
      ['bob@'],
    )
    const [ada, grace] = sent.success

    const listed = await browser.roqPlatform.userInvites({
      filter: { email: { iLike: '%@EXAMPLE.com' }, status: { equalTo: 'pending' } },
      order: { order: 'ASC', sort: 'email' },
      limit: 1,
    })
    assert.deepEqual(
      [listed.userInvites.data.map((i) => i.email), listed.userInvites.totalCount],
      [['ada@example.com'], 2],
    )
    assert.equal((await browser.roqPlatform.userInvite({ id: grace.id })).userInvite.email, 'grace@example.com')

    const resent = await browser.roqPlatform.resendUserInvite({ userInviteId: ada.id })
    assert.equal(resent.resendUserInvite.status, 'pending')
    assert.equal((await emulator.outbox({ to: 'ada@example.com' })).length, 2)
    assert.equal(
      (await browser.roqPlatform.cancelUserInvite({ userInviteId: grace.id })).cancelUserInvite.status,
      'canceled',
    )
    const history = (await emulator.invites()).data.map((i) => [i.email, i.history.map((h) => h.event)])
    assert.deepEqual(history, [
      ['grace@example.com', ['created', 'canceled']],
      ['ada@example.com', ['created', 'resent']],
    ])
  })

  test(`@roq/client ${version}: a bad bearer is refused, and a user of another tenant sees nothing`, async (t) => {
    const emulator = await emulatorFor(t)
    const alice = await emulator.session({ tenantId: 'acme', email: 'alice@acme.io' })
    const bob = await emulator.session({ tenantId: 'globex', email: 'bob@globex.io' })
    const [ada] = (await send(sdk, signedIn(sdk, emulator, alice), 'acme', alice.roqUserId, ['ada@example.com']))[
      sdk.root
    ].success

    const forged = {
      ...alice,
      token: alice.token.replace(
        /\.[^.]+\./,
        `.${Buffer.from(JSON.stringify({ roqAccessToken: 'forged' })).toString('base64url')}.`,
      ),
    }
    const refused = await refusal(signedIn(sdk, emulator, forged).roqPlatform.userInvites({}))
    assert.deepEqual([refused.statusCode, refused.errorCode], [401, 'UNAUTHORIZED_EXCEPTION'])

    const stranger = signedIn(sdk, emulator, bob)
    assert.deepEqual((await stranger.roqPlatform.userInvites({})).userInvites, { data: [], totalCount: 0 })
    assert.equal((await refusal(stranger.roqPlatform.userInvite({ id: ada.id }))).statusCode, 404)
    assert.equal((await refusal(stranger.roqPlatform.cancelUserInvite({ userInviteId: ada.id }))).statusCode, 404)
    assert.equal((await refusal(send(sdk, stranger, 'acme', bob.roqUserId, ['x@example.com']))).statusCode, 403)
    assert.equal((await emulator.invites()).totalCount, 1)
  })
}
