import { RoqClient, RoqError, type SentInvite, type UserInvite } from 'roq-invites'

interface Roq {
  client: RoqClient
  tenantId: string
  inviterId: string
}

// One client per server process: it holds the connection pool and the token cache. It lives on
// globalThis because Next may load this module more than once (one copy per route bundle, and
// again on every reload in `next dev`). It is made on first use, not at import, so `next build`
// does not need the ROQ_* variables.
const cache = globalThis as typeof globalThis & { roqExample?: Roq }

function roq(): Roq {
  if (!cache.roqExample) {
    const { ROQ_TENANT_ID: tenantId, ROQ_INVITER_ID: inviterId } = process.env
    if (!tenantId || !inviterId) {
      throw new Error('Set ROQ_TENANT_ID (the tenant to invite into) and ROQ_INVITER_ID (the inviting user id)')
    }
    // Reads ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and ROQ_API_KEY.
    cache.roqExample = { client: RoqClient.fromEnv(), tenantId, inviterId }
  }
  return cache.roqExample
}

export type InviteOutcome =
  | { ok: true; invite: SentInvite }
  | { ok: false; status: number; error: { code: string; message: string } }

/** Invites one person into the example's tenant; a refusal is a value, not an exception. */
export async function inviteOne(email: string, firstName?: string): Promise<InviteOutcome> {
  let config: Roq
  try {
    config = roq()
  } catch (error) {
    return { ok: false, status: 500, error: { code: 'MISCONFIGURED', message: messageOf(error) } }
  }
  try {
    const { client, tenantId, inviterId } = config
    const result = await client.roqPlatform.sendUserInvites({
      data: { tenantId, userInvites: [{ createdByUserId: inviterId, email, firstName }] },
    })
    const [refused] = result.errors
    if (refused) {
      const status = refused.code === 'ALREADY_INVITED' ? 409 : 422
      return { ok: false, status, error: { code: refused.code, message: refused.error } }
    }
    return { ok: true, invite: result.success[0] }
  } catch (error) {
    return failure(error)
  }
}

/** The tenant's invites, newest first. */
export async function listInvites(): Promise<UserInvite[]> {
  const { client, tenantId } = roq()
  const page = await client.roqPlatform.userInvites({
    filter: { tenantId: { equalTo: tenantId } },
    order: { order: 'DESC', sort: 'createdAt' },
  })
  return page.data
}

// The HTTP status that fits each RoqError code: the caller's mistake, or the platform's.
const statusOf: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
  UNAUTHORIZED: 502,
  FORBIDDEN: 502,
  SERVER_ERROR: 502,
  NETWORK_ERROR: 502,
  PROTOCOL_ERROR: 502,
}

function failure(error: unknown): InviteOutcome {
  if (error instanceof RoqError) {
    return { ok: false, status: statusOf[error.code] ?? 500, error: { code: error.code, message: error.message } }
  }
  return { ok: false, status: 500, error: { code: 'INTERNAL_ERROR', message: messageOf(error) } }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
