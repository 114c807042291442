// Development sign-in, against the roq-invites emulator only: it mints the session a real ROQ
// sign-in would leave in the roq-session-token cookie. A real app signs its users in with ROQ
// (@roq/nextjs); nothing else in this app depends on how the cookie was set.
import { cookies } from 'next/headers'
import { connectEmulator, readSessionToken } from 'roq-invites'

import { SESSION_COOKIE } from './session-cookie'

export interface DevUser {
  tenantId: string
  email?: string
  userId?: string
  firstName?: string
}

/** Signs `user` in on the emulator (ROQ_PLATFORM_URL, with the environment's credentials) and sets the cookie. */
export async function devSignIn(user: DevUser): Promise<void> {
  const { token } = await connectEmulator(process.env).session({ ...user, roles: ['owner'] })
  const { exp } = readSessionToken(token)
  ;(await cookies()).set(SESSION_COOKIE, token, {
    path: '/',
    sameSite: 'lax',
    // ROQ's browser SDK reads the cookie (document.cookie), as in ROQ's own apps.
    httpOnly: false,
    ...(exp !== null && { expires: new Date(exp * 1000) }),
  })
}

export async function signOut(): Promise<void> {
  ;(await cookies()).delete(SESSION_COOKIE)
}
