import { inviteOne } from '@/lib/roq'

// roq-invites is a native addon: it runs in the Node.js runtime only, and invites are never cached.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** POST /api/invites { email, firstName? } → 201 with the invite, or { error: { code, message } }. */
export async function POST(request: Request) {
  const body: unknown = await request.json().catch(() => undefined)
  const { email, firstName } = (body ?? {}) as Record<string, unknown>
  if (typeof email !== 'string' || email.trim() === '' || (firstName !== undefined && typeof firstName !== 'string')) {
    return Response.json(
      { error: { code: 'INVALID_BODY', message: 'Send JSON: { "email": string, "firstName"?: string }' } },
      { status: 400 },
    )
  }

  const outcome = await inviteOne(email.trim(), firstName)
  if (!outcome.ok) return Response.json({ error: outcome.error }, { status: outcome.status })
  return Response.json(outcome.invite, { status: 201 })
}
