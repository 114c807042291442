// The server side of the ROQ platform (`lib/roq/roq-server-client.ts` in ROQ's generated apps):
// one RoqClient per server process, and the same client acting as the signed-in user.
import { cookies } from 'next/headers'
import { readSessionToken, RoqClient, type RoqSession } from 'roq-invites'

import { SESSION_COOKIE } from './session-cookie'

// One client per server process: it holds the connection pool and the token cache. It lives on
// globalThis because Next may load this module more than once (one copy per route bundle, and
// again on every reload in `next dev`), and it is made on first use, so that `next build` needs
// no ROQ_* variables.
const cache = globalThis as typeof globalThis & { roqServerClient?: RoqClient }

/** The environment's service account: for what no signed-in user does (an invitee accepting). */
export function roqServerClient(): RoqClient {
  cache.roqServerClient ??= RoqClient.fromEnv() // ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID, ROQ_API_KEY
  return cache.roqServerClient
}

export interface SignedIn {
  session: RoqSession
  /** The client acting as the signed-in user: the platform confines it to the user's tenant. */
  client: RoqClient
}

/**
 * The signed-in user of this request, from its session cookie, or null. The cookie is read when
 * this is called, never at import: a module-level client would act as whoever was signed in
 * when the module first loaded.
 */
export async function signedIn(): Promise<SignedIn | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value
  if (!token) return null
  let session: RoqSession
  try {
    session = readSessionToken(token)
  } catch {
    return null // not a session token: signed out
  }
  if (session.exp !== null && session.exp * 1000 <= Date.now()) return null
  return { session, client: roqServerClient().withBaasToken(token) }
}
