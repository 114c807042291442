// The browser client of the ROQ platform, as ROQ's generated apps build it (`lib/roq/roq-client.ts`):
// ROQ's own `@roq/client`, whose requests carry the signed-in user's access token, read from the
// `roq-session-token` cookie. Use it from client components; it talks to the platform's browser
// endpoint directly (the emulator answers pages on localhost; see docs/nextjs.md, "The example app").
import { RoqPlatformClient } from '@roq/client/build/src/platform-client/platform-client.js'

import { SESSION_COOKIE } from './session-cookie'

export { OrderEnum, UserInviteOrderSortEnum } from '@roq/client/build/src/generated/sdk.js'

/** The access token of the signed-in user: the `roqAccessToken` claim of the session cookie. */
function accessToken(): string {
  const cookie = document.cookie
    .split('; ')
    .find((entry) => entry.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1)
  const payload = cookie?.split('.')[1]
  if (!payload) throw new Error('Not signed in: there is no roq-session-token cookie')
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
  return JSON.parse(json).roqAccessToken
}

export const roqBrowserClient = new RoqPlatformClient({
  host: process.env.NEXT_PUBLIC_ROQ_PLATFORM_URL ?? '',
  auth: { getAccessToken: async () => accessToken() },
})
