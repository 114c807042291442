// Compile-time checks of index.d.ts (`npm run lint` runs tsc --strict over this file): correct
// use compiles, and each @ts-expect-error line proves a misuse is rejected.
import {
  RoqClient,
  RoqError,
  connectEmulator,
  isInviteEvent,
  parseWebhookEvent,
  readSessionToken,
  startEmulator,
  verifyWebhook,
} from '../index.js'
import type {
  CheckUserInviteTokenResult,
  DevSession,
  InviteRecord,
  QueuedFault,
  RemoteEmulator,
  RoqSession,
  Snapshot,
  SnapshotSeed,
  UserInvite as Invite,
  WebhookDelivery,
  WebhookEvent,
  InviteErrorCode,
  RoqErrorCode,
  LogLevel,
  SendProgress,
  SendUserInvitesResult,
  UserInvite,
  UserInvitePage,
  UserInviteStatus,
  ResetCounts,
} from '../index.js'
import type { LoggedRequest, RequestLogQuery } from '../index.js'
import type { BrowserContext } from 'playwright-core'
import { SESSION_COOKIE, signInAs } from 'roq-invites/testing'

export async function usage(): Promise<void> {
  const emulator = await startEmulator({ port: 0, inviteValidityMs: 60_000 })
  const client = new RoqClient({
    host: emulator.url,
    environmentId: emulator.environmentId,
    apiKey: emulator.apiKey,
    timeoutMs: 5000,
  })
  const fromEnv: RoqClient = RoqClient.fromEnv().asUser('user-1', { expiresIn: 3600 }).asSuperAdmin()
  void fromEnv.withBaasToken('a.b.c')
  const level: LogLevel = 'debug'
  new RoqClient({ host: emulator.url, environmentId: 'e', apiKey: 'k', logLevel: level, logger: console })
  // @ts-expect-error not a log level
  new RoqClient({ host: emulator.url, environmentId: 'e', apiKey: 'k', logLevel: 'verbose' })
  // @ts-expect-error not a logger
  new RoqClient({ host: emulator.url, environmentId: 'e', apiKey: 'k', logger: { info() {} } })

  const tenantId = 'tenant-1'
  const roqUserId = 'user-1'
  const email = 'ada@example.com'
  const status: SendUserInvitesResult = await client.roqPlatform.sendUserInvites({
    userInvites: {
      tenantId,
      userInvites: [{ createdByUserId: roqUserId, email, locale: 'en-US' }],
    },
  })
  const first: UserInvite | undefined = status.success[0]
  const state: UserInviteStatus | undefined = first?.status
  const codes: InviteErrorCode[] = status.errors.map((e) => e.code)
  const index: number | undefined = status.errors[0]?.index
  void [state, codes, index]

  await client.roqPlatform.sendUserInvites({
    data: { tenantId, userInvites: [{ createdByUserId: roqUserId, email, injectableVariables: { team: 'Blue' } }] },
  })

  // @ts-expect-error a misspelt field
  await client.roqPlatform.sendUserInvites({ data: { tenantId, userInvites: [{ createdById: roqUserId, email }] } })
  // @ts-expect-error a V2 call without tenantId
  await client.roqPlatform.sendUserInvites({ data: { userInvites: [{ createdByUserId: roqUserId, email }] } })
  // prettier-ignore
  // @ts-expect-error a wrong status string
  await client.roqPlatform.sendUserInvites({ userInvites: { userInvites: [{ createdByUserId: roqUserId, email, status: 'cancelled' }] } })
  // @ts-expect-error both shapes at once
  await client.roqPlatform.sendUserInvites({ userInvites: { userInvites: [] }, data: { tenantId, userInvites: [] } })
  // @ts-expect-error the API key is required
  new RoqClient({ host: emulator.url, environmentId: emulator.environmentId })

  try {
    await client.roqPlatform.sendUserInvites({ data: { tenantId, userInvites: [] } })
  } catch (error) {
    if (error instanceof RoqError) {
      const code: RoqErrorCode = error.code
      const statusCode: number | undefined = error.statusCode
      const invited: number | undefined = error.partial?.success.length
      const named: [string | undefined, number | undefined, string | undefined] = [
        error.requestId,
        error.attempts,
        error.traceId,
      ]
      void [code, statusCode, error.errorCode, error.retryAfterMs, invited, named]
    }
  }
  const resent: UserInvite = await client.roqPlatform.resendUserInvite({ userInviteId: 'id' })
  await client.roqPlatform.cancelUserInvite(resent.id)
  await client.roqPlatform.userInvite({ id: resent.id })
  const page: UserInvitePage = await client.roqPlatform.userInvites({
    filter: {
      status: { valueIn: ['pending', 'expired'] },
      email: { iLike: '%@example.com' },
      tenantId: { equalTo: tenantId },
    },
    order: { order: 'DESC', sort: 'createdAt' },
    search: { key: 'firstName', value: 'Ada' },
    limit: 10,
    offset: 0,
  })
  const total: number = page.totalCount
  void total
  await client.roqPlatform.acceptUserInvite({ data: { token: 't' } })
  await client.roqPlatform.acceptUserInvite({ acceptUserInvite: { token: 't' } })
  const check: CheckUserInviteTokenResult = await client.roqPlatform.checkUserInviteToken({ token: 't' })
  const valid: boolean = check.isValid
  void valid
  await client.roqPlatform.updateUserInvite({ id: resent.id, userInvite: { firstName: 'Ada', data: { team: 'Blue' } } })

  const controller = new AbortController()
  const bulk = await client.roqPlatform.sendUserInvites(
    { data: { tenantId, userInvites: [{ createdByUserId: roqUserId, email }] } },
    {
      batchSize: 100,
      concurrency: 4,
      onExisting: 'skip',
      timeoutMs: 60_000,
      maxRetries: 3,
      signal: controller.signal,
      onProgress: ({ completed, total }: SendProgress) => void [completed, total],
    },
  )
  const outcome: 'created' | 'resent' | 'skipped' | undefined = bulk.success[0]?.outcome
  const at: number | undefined = bulk.success[0]?.index
  void [outcome, at]
  await client.roqPlatform.userInvite('id', { signal: AbortSignal.timeout(1000), timeoutMs: 500, maxRetries: 0 })
  emulator.faults([
    { answer: 'status', status: 503, retryAfter: '1', times: 2 },
    { answer: 'drop', commit: true },
  ])
  const faulted: number = emulator.stats().faults
  void faulted

  // @ts-expect-error onExisting takes error, skip or resend
  await client.roqPlatform.sendUserInvites({ data: { tenantId, userInvites: [] } }, { onExisting: 'replace' })
  // @ts-expect-error only sendUserInvites reports progress
  await client.roqPlatform.userInvites({}, { onProgress: () => {} })
  // @ts-expect-error a wrong status string in a filter
  await client.roqPlatform.userInvites({ filter: { status: { equalTo: 'cancelled' } } })
  // @ts-expect-error email is not a search key
  await client.roqPlatform.userInvites({ search: { key: 'email', value: 'ada' } })
  // @ts-expect-error resend takes the invite's id as userInviteId
  await client.roqPlatform.resendUserInvite({ id: resent.id })

  const mails = await emulator.outbox({ to: email })

  const link: string | undefined = mails[0]?.acceptUrl
  void link
  emulator.advanceClock(1000)
  const { graphql }: { graphql: number } = emulator.stats()
  void graphql

  // Sessions, the journey's views, and an emulator in another process.
  const session: DevSession = await emulator.session({
    tenantId,
    email,
    firstName: 'Ada',
    roles: ['owner'],
    expiresIn: 3600,
  })
  const signedIn: RoqSession = readSessionToken(session.token)
  const ids: [string, string, string[]] = [signedIn.roqUserId, signedIn.tenantId, signedIn.user.roles]
  void [ids, client.withBaasToken(session.token), emulator.dashboardUrl, mails[0]?.html]
  const records: InviteRecord[] = (await emulator.invites({ tenantId, status: 'pending' })).data
  const steps: string[] = records.flatMap((r) => r.history.map((h) => h.event))
  const queued: QueuedFault[] = emulator.faults()
  void [steps, queued]
  const remote: RemoteEmulator = connectEmulator(emulator.env)
  // @ts-expect-error RemoteEmulator is a type only: no class of that name is exported to construct or test against
  void RemoteEmulator
  await remote.faults([{ answer: 'drop' }])
  const remoteQueued: QueuedFault[] = await remote.faults()
  const remoteSession: DevSession = await remote.session({ tenantId })
  void [
    remoteQueued,
    remoteSession,
    await remote.outbox(),
    await startEmulator({ corsOrigins: ['https://app.example.dev'], appName: 'Launchpad' }),
  ]
  // Webhooks and the raw GraphQL door.
  const hooked = await startEmulator({
    webhooks: [{ url: 'http://localhost:3000/api/roq/webhook' }],
    webhookRetry: { attempts: 3, timeoutMs: 1000 },
  })
  const deliveries: WebhookDelivery[] = await hooked.webhooks()
  const key: string = hooked.webhookKey
  const verified: boolean =
    verifyWebhook(new Headers(), key) ||
    verifyWebhook({ 'roq-platform-webhook-key': key }, key) ||
    verifyWebhook(null, key)
  const event: WebhookEvent = parseWebhookEvent('{}')
  if (isInviteEvent(event)) {
    const current: Invite | null = event.data.current
    void current
  }
  void [deliveries, verified, await remote.webhooks()]
  // Reset between tests, and keeping Node running by the emulator's own handle.
  const removed: ResetCounts = await hooked.reset({ tenantId })
  const removedEverywhere: number = (await remote.reset()).faults
  // @ts-expect-error reset takes tenantId, not tenant
  await hooked.reset({ tenant: tenantId })
  void [removed, removedEverywhere, hooked.ref().unref()]
  const data = await client.roqPlatform.graphqlRequest<{ userInvites: { totalCount: number } }>(
    'query q { userInvites { totalCount } }',
    {},
    { headers: { 'x-trace': '1' }, operationName: 'q', timeoutMs: 1000 },
  )
  const counted: number = data.userInvites.totalCount
  void counted
  // @ts-expect-error graphqlRequest takes the document as a string
  await client.roqPlatform.graphqlRequest({ query: '{ x }' })
  // @ts-expect-error verifyWebhook needs the key
  verifyWebhook(new Headers())
  // @ts-expect-error a session needs its tenant
  await emulator.session({ email })
  // @ts-expect-error the history has no such event
  const wrong: 'rejected' = records[0]!.history[0]!.event
  void wrong
  // Snapshots: export, and start from one (a file, the object, or a seed written by hand).
  const snapshot: Snapshot = await emulator.export()
  const remoteSnapshot: Snapshot = await remote.export()
  const seed: SnapshotSeed = {
    version: 1,
    invites: [{ tenantId, email, createdByUserId: 'alice' }],
  }
  void [
    remoteSnapshot,
    await startEmulator({ importFrom: snapshot, exportOnExit: 'snapshot.json' }),
    await startEmulator({ importFrom: seed }),
    await startEmulator({ importFrom: 'seed.json' }),
  ]
  // @ts-expect-error a seed's invite needs its email
  const noEmail: SnapshotSeed = { version: 1, invites: [{ tenantId, createdByUserId: 'alice' }] }
  void noEmail
  await emulator.stop()
}

// The emulator's request log, in process and from another.
export async function requestLog() {
  const emulator = await startEmulator()
  const query: RequestLogQuery = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', status: 'failed', limit: 10 }
  const rows: LoggedRequest[] = await emulator.requests(query)
  const fromElsewhere: LoggedRequest[] = await connectEmulator(emulator.env).requests({ requestId: 'r-1', status: 503 })
  const first = rows[0]!
  const facts: [string, string | null, 'serviceAccount' | 'user' | null, number, boolean, string[]] = [
    first.requestId,
    first.traceId,
    first.caller,
    first.status,
    first.failed,
    first.inviteIds,
  ]
  void [fromElsewhere, facts, await emulator.requests()]
  // @ts-expect-error status is a number or 'failed'
  await emulator.requests({ status: 'ok' })
  // @ts-expect-error the filter is traceId
  await emulator.requests({ trace: 'x' })
  // @ts-expect-error an endpoint is one of the platform's
  const wrongEndpoint: LoggedRequest['endpoint'] = '/__emulator/requests'
  void wrongEndpoint
  await emulator.stop()
}

// roq-invites/testing: a Playwright context, the session's options, the session back.
export async function signedIn(context: BrowserContext, baseURL: string) {
  const emulator = await startEmulator()
  const { roqUserId, accessToken } = await signInAs(context, {
    url: baseURL,
    tenantId: 'acme',
    email: 'a@x.io',
    emulator,
  })
  await signInAs(context, { url: new URL(baseURL), tenantId: 'acme', roles: ['owner'], emulator: connectEmulator() })
  const cookie: 'roq-session-token' = SESSION_COOKIE
  void [roqUserId, accessToken, cookie]
  // @ts-expect-error signInAs needs the app's url
  await signInAs(context, { tenantId: 'acme' })
  // @ts-expect-error a session needs its tenant
  await signInAs(context, { url: baseURL })
  // @ts-expect-error a page is not a context
  await signInAs(await context.newPage(), { url: baseURL, tenantId: 'acme' })
  await emulator.stop()
}
