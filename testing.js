'use strict'

// roq-invites/testing: helpers for an app's browser tests against the emulator, as
// @clerk/testing is for Clerk. A ROQ app knows its user from the roq-session-token cookie;
// signInAs puts a development session of the emulator there, so a test starts signed in
// instead of walking a sign-in page.

const { connectEmulator } = require('./lib/emulator.js')
const { describe, invalidArgument } = require('./lib/errors.js')
const { readSessionToken } = require('./lib/session.js')

/** The cookie a ROQ app keeps its session in; ROQ's browser SDK reads it, so it is not HttpOnly. */
const SESSION_COOKIE = 'roq-session-token'

/**
 * Signs a browser context (Playwright's `BrowserContext`, or anything with its `addCookies`) in
 * as a development user of a tenant: the emulator's `session(...)`, set as the app's
 * `roq-session-token` cookie for `url`'s origin. The emulator is `emulator`, or the one the
 * `ROQ_*` variables name (as `roq-invites emulator exec` sets them). Resolves to the session.
 */
async function signInAs(context, options) {
  if (typeof context?.addCookies !== 'function')
    throw invalidArgument(
      `signInAs: pass a Playwright BrowserContext (the test's context, or browser.newContext()), got ${describe(context)}`,
    )
  if (options === null || typeof options !== 'object')
    throw invalidArgument(`signInAs: pass { url, tenantId, email?, ... }, got ${describe(options)}`)
  const { url, emulator, ...user } = options
  let app
  try {
    app = new URL(url)
  } catch {
    app = undefined
  }
  if (app === undefined || (app.protocol !== 'http:' && app.protocol !== 'https:'))
    throw invalidArgument(
      "signInAs: url must be the app's http(s) address, e.g. baseURL or http://127.0.0.1:3000; " +
        `got ${typeof url === 'string' ? JSON.stringify(url) : describe(url)}`,
    )
  const session = await (emulator ?? connectEmulator(process.env)).session(user)
  const { exp } = readSessionToken(session.token)
  // As the app's own sign-in sets it: the whole site, sent on top-level navigations from elsewhere.
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: session.token,
      url: `${app.origin}/`,
      sameSite: 'Lax',
      httpOnly: false,
      ...(exp !== null && exp !== undefined && { expires: exp }),
    },
  ])
  return session
}

module.exports = { SESSION_COOKIE, signInAs }
