import { failure, invite } from '@/lib/invites'
import { signedIn } from '@/lib/roq/roq-server-client'

// roq-invites is a native addon: it runs in the Node.js runtime only, and invites are never cached.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * POST /api/invites { email, firstName? }, as the signed-in user (the roq-session-token cookie):
 * 201 with the invite, or { error: { code, message } }.
 */
export async function POST(request: Request) {
  const user = await signedIn()
  if (!user) {
    return Response.json(
      { error: { code: 'UNAUTHORIZED', message: 'Sign in first: no roq-session-token cookie' } },
      { status: 401 },
    )
  }
  const body: unknown = await request.json().catch(() => undefined)
  const { email, firstName } = (body ?? {}) as Record<string, unknown>
  if (typeof email !== 'string' || email.trim() === '' || (firstName !== undefined && typeof firstName !== 'string')) {
    return Response.json(
      { error: { code: 'INVALID_BODY', message: 'Send JSON: { "email": string, "firstName"?: string }' } },
      { status: 400 },
    )
  }
  try {
    const [result] = await invite(user, [{ email: email.trim(), firstName }])
    if (result?.ok) return Response.json(result, { status: 201 })
    const status = result?.code === 'ALREADY_INVITED' ? 409 : 422
    return Response.json({ error: { code: result?.code, message: result?.message } }, { status })
  } catch (error) {
    const { status, code, message } = failure(error)
    return Response.json({ error: { code, message } }, { status })
  }
}
