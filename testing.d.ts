// Type definitions for roq-invites/testing: helpers for an app's browser tests against the emulator.
import type { DevSession, Emulator, RemoteEmulator, SessionOptions } from './lib/emulator'

/** The cookie a ROQ app keeps its session in: `'roq-session-token'`. */
export declare const SESSION_COOKIE: 'roq-session-token'

/** What `signInAs` needs of a browser context: Playwright's `BrowserContext` has it. */
export interface CookieJar {
  addCookies(
    cookies: {
      name: string
      value: string
      url: string
      sameSite: 'Lax'
      httpOnly: boolean
      expires?: number
    }[],
  ): Promise<void>
}

/** Who to sign in, on which app, through which emulator. */
export interface SignInAsOptions extends SessionOptions {
  /** The app's address (Playwright's `baseURL`): the cookie is set for its origin. */
  url: string | URL
  /**
   * The emulator that signs the user in: `startEmulator()`'s or `connectEmulator(...)`'s; the one
   * the `ROQ_*` variables name if absent (`roq-invites emulator exec` sets them).
   */
  emulator?: Emulator | RemoteEmulator
}

/**
 * Signs a browser context in as a development user of a tenant, as @clerk/testing does for Clerk:
 * the emulator's `session(...)`, set as the app's `roq-session-token` cookie for `url`'s origin.
 * Pages the context opens afterwards are signed in. Resolves to the session
 * (`{ token, roqUserId, tenantId, accessToken }`).
 *
 * @example
 * test('the owner sees the invite form', async ({ context, page, baseURL }) => {
 *   await signInAs(context, { url: baseURL!, tenantId: 'acme', email: 'alice@acme.io', roles: ['owner'] })
 *   await page.goto('/')
 * })
 */
export declare function signInAs(context: CookieJar, options: SignInAsOptions): Promise<DevSession>
