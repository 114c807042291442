// The three clients the benchmark compares, behind one interface: `load()` the package, then
// `client.one(email)` sends one invite and `client.bulk(emails)` sends many in batches of 100 with
// 4 requests in flight. roq-invites does that itself; for @roq/nodejs and plain fetch it is
// written here by hand, as a careful user would write it.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const TENANT = 'bench-tenant'
export const INVITER = 'bench-inviter'
export const BATCH_SIZE = 100
export const CONCURRENCY = 4

const entry = (email) => ({ createdByUserId: INVITER, email })

/** Runs `send` on `batches` with at most `concurrency` at once, as a user's own pool would. */
async function pool(batches, concurrency, send) {
  const results = Array.from({ length: batches.length })
  let next = 0
  const worker = async () => {
    while (next < batches.length) {
      const i = next++
      results[i] = await send(batches[i])
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results.flat()
}

function chunks(list, size) {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size))
}

/** A client from `send(emails)`, with the batches and the pool written by hand. */
function byHand(send) {
  return {
    one: async (email) => (await send([email])).length,
    bulk: async (emails) => (await pool(chunks(emails, BATCH_SIZE), CONCURRENCY, send)).length,
  }
}

/**
 * ROQ_BENCH_OTEL, to measure what observing costs (docs/observability.md, "Cost"): `api` loads
 * @opentelemetry/api and registers nothing; `tracing` registers the Node SDK with a batch
 * processor and an exporter that drops what it gets, so that spans are made and recorded as an
 * app's are, and nothing else; `unsampled` the same with a sampler that records nothing (the SDK's
 * own cost, and a traceparent sent); `modules` loads a package of about the API's size that has
 * nothing to do with tracing (semver: 47 modules, to the API's 44), the control for what loading
 * modules alone costs a fresh process. Unset: no OpenTelemetry at all.
 */
function observe(mode) {
  if (mode === 'api') require('@opentelemetry/api').trace.getTracer('bench')
  if (mode === 'modules') require('semver')
  if (mode === 'tracing' || mode === 'unsampled') {
    const { AlwaysOffSampler, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base')
    const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node')
    const dropping = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }
    const sampler = mode === 'unsampled' ? new AlwaysOffSampler() : undefined
    new NodeTracerProvider({ sampler, spanProcessors: [new BatchSpanProcessor(dropping)] }).register()
  }
}

/** roq-invites: its own batching and concurrency. */
const roqInvites = {
  load: () => {
    observe(process.env.ROQ_BENCH_OTEL)
    return require('../index.js')
  },
  make({ RoqClient }, env) {
    const { roqPlatform } = new RoqClient({
      host: env.ROQ_PLATFORM_URL,
      environmentId: env.ROQ_ENVIRONMENT_ID,
      apiKey: env.ROQ_API_KEY,
    })
    return {
      one: async (email) =>
        (await roqPlatform.sendUserInvites({ data: { tenantId: TENANT, userInvites: [entry(email)] } })).success.length,
      bulk: async (emails) => {
        const result = await roqPlatform.sendUserInvites(
          { data: { tenantId: TENANT, userInvites: emails.map(entry) } },
          { batchSize: BATCH_SIZE, concurrency: CONCURRENCY },
        )
        return result.success.length
      },
    }
  },
}

/** The official SDK, with batching and a pool written by hand. */
const officialSdk = {
  load: () => require('@roq/nodejs'),
  make({ Platform }, env) {
    const admin = new Platform({
      host: env.ROQ_PLATFORM_URL,
      environmentId: env.ROQ_ENVIRONMENT_ID,
      apiKey: env.ROQ_API_KEY,
    }).asSuperAdmin()
    const send = async (emails) => {
      const { sendUserInvitesV2 } = await admin.sendUserInvites({
        data: { tenantId: TENANT, userInvites: emails.map(entry) },
      })
      return sendUserInvitesV2.success
    }
    return byHand(send)
  },
}

/** Plain fetch: the SDK's document and headers, a token fetched once. */
const plainFetch = {
  load: () => ({}),
  make(_, env) {
    const DOCUMENT = require('./sdk-send-document.json')
    const basic = `Basic ${Buffer.from(`${env.ROQ_ENVIRONMENT_ID}:${env.ROQ_API_KEY}`).toString('base64')}`
    let token
    const bearer = async () => {
      token ??= fetch(`${env.ROQ_PLATFORM_URL}/v01/authorize/serviceAccount`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'project-service-account@roq.tech',
          environmentId: env.ROQ_ENVIRONMENT_ID,
          apiKey: env.ROQ_API_KEY,
        }),
      }).then(async (response) => `Bearer ${(await response.json()).accessToken}`)
      return token
    }
    const send = async (emails) => {
      const response = await fetch(`${env.ROQ_PLATFORM_URL}/v01/server/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'roq-platform-authorization': await bearer(),
          'roq-platform-server-authorization': basic,
        },
        body: JSON.stringify({
          query: DOCUMENT,
          variables: { data: { tenantId: TENANT, userInvites: emails.map(entry) } },
          operationName: 'sendUserInvites',
        }),
      })
      const body = await response.json()
      if (!body.data) throw new Error(`the platform answered ${JSON.stringify(body).slice(0, 200)}`)
      return body.data.sendUserInvitesV2.success
    }
    return byHand(send)
  },
}

export const CLIENTS = { 'roq-invites': roqInvites, '@roq/nodejs': officialSdk, fetch: plainFetch }
