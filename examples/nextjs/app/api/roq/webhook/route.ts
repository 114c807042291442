import { isInviteEvent, parseWebhookEvent, RoqError, verifyWebhook } from 'roq-invites'

import { record } from '@/lib/invite-events'

// roq-invites is a native addon: Node.js runtime only.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The platform's webhook (on the emulator: `--webhook http://localhost:3000/api/roq/webhook`).
 * Verifies `roq-platform-webhook-key`, reads the event, and records it; 401 and nothing recorded
 * for a request without the key.
 */
export async function POST(request: Request) {
  const key = process.env.ROQ_WEBHOOK_KEY
  if (!key) {
    return Response.json(
      { error: { code: 'MISCONFIGURED', message: 'Set ROQ_WEBHOOK_KEY (the emulator prints it)' } },
      { status: 500 },
    )
  }
  if (!verifyWebhook(request.headers, key)) {
    return Response.json(
      { error: { code: 'UNAUTHORIZED', message: 'The roq-platform-webhook-key is missing or wrong' } },
      { status: 401 },
    )
  }
  let event
  try {
    event = parseWebhookEvent(await request.text())
  } catch (error) {
    const message = error instanceof RoqError ? error.message : String(error)
    return Response.json({ error: { code: 'INVALID_EVENT', message } }, { status: 400 })
  }
  // Other events of the platform are welcome, and of no interest here.
  const recorded = isInviteEvent(event) && record(event)
  return Response.json({ received: true, recorded })
}
