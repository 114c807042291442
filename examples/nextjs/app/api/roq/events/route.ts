import { recentFor, subscribe } from '@/lib/invite-events'
import { signedIn } from '@/lib/roq/roq-server-client'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The signed-in user's tenant's invite events, as server-sent events: those received so far,
 * then each new one as the platform's webhook brings it. The page's status comes from here;
 * nothing asks the platform again and again.
 */
export async function GET(request: Request) {
  const user = await signedIn()
  if (!user) return new Response('Sign in first', { status: 401 })
  const { tenantId } = user.session
  const encoder = new TextEncoder()
  let stop = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text))
      for (const event of recentFor(tenantId).reverse()) send(`data: ${JSON.stringify(event)}\n\n`)
      const unsubscribe = subscribe(tenantId, (event) => send(`data: ${JSON.stringify(event)}\n\n`))
      // A comment now and then keeps proxies from closing a quiet stream.
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), 25_000)
      stop = () => {
        clearInterval(keepAlive)
        unsubscribe()
      }
      request.signal.addEventListener('abort', () => {
        stop()
        try {
          controller.close()
        } catch {} // already closed by the client
      })
    },
    cancel() {
      stop()
    },
  })
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform' },
  })
}
