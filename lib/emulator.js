'use strict'

// The platform emulator: `startEmulator()` runs it in this process; `connectEmulator()` reaches
// one that runs elsewhere (`npx roq-invites emulator`, a Jest global set-up) over its HTTP
// endpoints.

const { RoqError, invalidArgument, toRoqError } = require('./errors.js')
const { binding, call, settle, unwrap } = require('./native.js')
const { rootsFor } = require('./network.js')
const { redirectRefused } = require('./redirect.js')
const { toJson } = require('./to-json.js')

/** A ROQ platform emulator running in this process. */
class Emulator {
  #native

  constructor(native) {
    this.#native = native
  }

  /**
   * Keeps Node running while the emulator runs, as `net.Server#ref()` does: the emulator holds a
   * handle of its own on the event loop (`stop()` lets it go); `unref()` undoes it.
   */
  ref() {
    call(() => this.#native.ref())
    return this
  }

  /** Lets Node exit while the emulator runs (the default). */
  unref() {
    this.#native.unref()
    return this
  }

  get url() {
    return this.#native.url
  }

  get environmentId() {
    return this.#native.environmentId
  }

  get apiKey() {
    return this.#native.apiKey
  }

  /** The settings a client needs, under the names RoqClient.fromEnv() reads. */
  get env() {
    return { ROQ_PLATFORM_URL: this.url, ROQ_ENVIRONMENT_ID: this.environmentId, ROQ_API_KEY: this.apiKey }
  }

  /** The dashboard's address: invites, mails and faults in a browser (sign in with environmentId and apiKey). */
  get dashboardUrl() {
    return this.#native.dashboardUrl
  }

  /** The mails written so far, oldest first. */
  async outbox(filter = {}) {
    return settle(this.#native.outbox(toJson(filter, 'outbox filter')))
  }

  /** Signs a development user of a tenant in → `{ token, roqUserId, tenantId, accessToken }`; `token` is a roq-session-token. */
  async session(options) {
    return settle(this.#native.session(toJson(options, 'session')))
  }

  /** Every invite (newest first), with its history: `{ id?, tenantId?, status?, limit? }` → `{ data, totalCount }`. */
  async invites(query = {}) {
    return settle(this.#native.invites(toJson(query, 'invites query')))
  }

  /**
   * The request log: the requests the platform's endpoints answered (the newest 1,000), newest
   * first, that match `{ traceId?, requestId?, status?, limit? }`.
   */
  async requests(query = {}) {
    return settle(this.#native.requests(toJson(query, 'requests query')))
  }

  /** The key sent as `roq-platform-webhook-key` to webhooks without their own. */
  get webhookKey() {
    return this.#native.webhookKey
  }

  /** Every webhook delivery, newest first, with each attempt's time, status or error. */
  async webhooks() {
    return settle(this.#native.webhooks())
  }

  /** How many requests each endpoint has answered, and how many a fault spoiled. */
  stats() {
    return JSON.parse(this.#native.stats())
  }

  /**
   * With faults, makes the next requests fail or slow down, in order (see Fault in index.d.ts);
   * `[]` clears the queue. Without, returns the faults still waiting.
   */
  faults(faults) {
    if (arguments.length === 0) return JSON.parse(this.#native.queuedFaults())
    call(() => this.#native.setFaults(toJson(Array.isArray(faults) ? faults : [faults], 'faults')))
  }

  /** Moves the emulator's clock by `ms` milliseconds (negative to go back): tokens and invites expire by it. */
  advanceClock(ms) {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw invalidArgument(`advanceClock: ms must be a finite number of milliseconds, got ${String(ms)}`)
    }
    this.#native.advanceClock(ms)
  }

  /**
   * Removes the invites, mails, users and webhook deliveries of one tenant (`{ tenantId }`) or of
   * every tenant (and then the queued faults too), keeping the credentials and settings →
   * `{ invites, mails, users, events, replacedTokens, webhookDeliveries, faults }`, what it removed.
   */
  async reset(options = {}) {
    return settle(this.#native.reset(toJson(resetOptions(options), 'reset')))
  }

  /** Sends a past webhook delivery's event again (the same event id) as a new delivery, and resolves to it. */
  async redeliver(deliveryId) {
    return settle(this.#native.redeliver(deliveryIdOf(deliveryId)))
  }

  /**
   * Stops the emulator (and lets Node exit, if `ref()` kept it running), then writes
   * `exportOnExit`'s snapshot if it was given; calling it again does nothing.
   */
  async stop() {
    let answer
    try {
      answer = await this.#native.stop()
    } catch (error) {
      throw toRoqError(error)
    }
    unwrap(answer)
  }

  /** The emulator's data as a snapshot (see Snapshot in index.d.ts), which `importFrom` starts from. */
  async export() {
    return settle(this.#native.export())
  }
}

if (typeof Symbol.asyncDispose === 'symbol') {
  Emulator.prototype[Symbol.asyncDispose] = Emulator.prototype.stop
}

/**
 * An emulator running elsewhere (`npx roq-invites emulator`, a Jest global set-up), reached over
 * its HTTP endpoints with the environment's credentials: `{ url, environmentId, apiKey }`, or the
 * `ROQ_*` variables (`process.env` if nothing is given).
 */
function connectEmulator(settings = process.env) {
  if (settings === null || typeof settings !== 'object') {
    throw invalidArgument(
      'connectEmulator: pass { url, environmentId, apiKey } or the ROQ_* variables, or nothing for process.env',
    )
  }
  const url = settings.url ?? settings.ROQ_PLATFORM_URL
  const environmentId = settings.environmentId ?? settings.ROQ_ENVIRONMENT_ID
  const apiKey = settings.apiKey ?? settings.ROQ_API_KEY
  const missing = [
    ['url', 'ROQ_PLATFORM_URL', url],
    ['environmentId', 'ROQ_ENVIRONMENT_ID', environmentId],
    ['apiKey', 'ROQ_API_KEY', apiKey],
  ]
    .filter(([, , value]) => typeof value !== 'string' || value.trim() === '')
    .map(([option, variable]) => `${option} (${variable})`)
  if (missing.length > 0)
    throw invalidArgument(`connectEmulator: ${missing.join(', ')} missing; pass it, or set it in the environment`)
  // The credentials travel as Basic auth: in clear text only to this machine, by the rulebook's
  // rule for where a secret may go (roq_rules::secret_url), which the addon applies.
  const origin = call(() => binding.remoteEmulatorOrigin(url))
  return new RemoteEmulator(origin, environmentId, apiKey)
}

/** An emulator in another process, through `/__emulator/...`. */
class RemoteEmulator {
  #authorization

  constructor(url, environmentId, apiKey) {
    this.url = url
    this.environmentId = environmentId
    this.#authorization = `Basic ${Buffer.from(`${environmentId}:${apiKey}`).toString('base64')}`
    Object.defineProperty(this, 'apiKey', { value: apiKey, enumerable: false })
  }

  get env() {
    return { ROQ_PLATFORM_URL: this.url, ROQ_ENVIRONMENT_ID: this.environmentId, ROQ_API_KEY: this.apiKey }
  }

  get dashboardUrl() {
    return `${this.url}/__emulator/`
  }

  async outbox(filter = {}) {
    return this.#request('GET', 'outbox', filter)
  }

  async session(options) {
    return this.#request('POST', 'sessions', options, 'session')
  }

  async invites(query = {}) {
    return this.#request('GET', 'invites', query)
  }

  async webhooks() {
    return this.#request('GET', 'webhooks')
  }

  async requests(query = {}) {
    return this.#request('GET', 'requests', query, 'requests query')
  }

  async faults(faults) {
    if (arguments.length === 0) return this.#request('GET', 'faults')
    await this.#request('POST', 'faults', Array.isArray(faults) ? faults : [faults])
  }

  async export() {
    return this.#request('GET', 'export')
  }

  async reset(options = {}) {
    return this.#request('POST', 'reset', resetOptions(options), 'reset')
  }

  async redeliver(deliveryId) {
    const id = encodeURIComponent(deliveryIdOf(deliveryId))
    return this.#request('POST', `webhooks/${id}/redeliver`, {}, 'redeliver')
  }

  async #request(method, endpoint, input, what = endpoint) {
    const target = new URL(`/__emulator/${endpoint}`, this.url)
    if (method === 'GET' && input !== undefined) {
      if (input === null || typeof input !== 'object')
        throw invalidArgument(`${what}: pass an object of filters, or nothing`)
      for (const [key, value] of Object.entries(input))
        if (value !== undefined) target.searchParams.set(key, String(value))
    }
    const body = method === 'POST' ? toJson(input, what) : undefined
    let response
    try {
      response = await fetch(target, {
        method,
        headers: { authorization: this.#authorization, ...(body && { 'content-type': 'application/json' }) },
        body,
        // A redirect would carry the credentials off url: it is an error instead (redirect.js).
        redirect: 'manual',
      })
    } catch (cause) {
      throw new RoqError(
        `could not reach the emulator at ${this.url} (${cause.cause?.code ?? cause.cause?.message ?? cause.message}); is it running?`,
        {
          code: 'NETWORK_ERROR',
          cause,
        },
      )
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel()
      throw redirectRefused(what, target, response, this.apiKey)
    }
    const text = await response.text()
    let answer
    try {
      answer = JSON.parse(text)
    } catch {
      throw new RoqError(
        `${what}: ${this.url} answered HTTP ${response.status} with something that is not JSON; is it the emulator?`,
        {
          code: 'PROTOCOL_ERROR',
          statusCode: response.status,
        },
      )
    }
    if (response.ok) return answer
    const code = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' }[
      response.status
    ]
    throw new RoqError(`${what}: ${answer?.message ?? text}`, {
      code: code ?? (response.status >= 500 ? 'SERVER_ERROR' : 'PROTOCOL_ERROR'),
      statusCode: response.status,
    })
  }
}

/**
 * What `reset()` takes, as given. JSON would drop a `tenantId` that is undefined, and the reset
 * would then empty every tenant: a tenant missing by mistake (an unset variable) is refused
 * instead, as the emulator refuses `null`. Only leaving `tenantId` out means every tenant.
 */
function resetOptions(options) {
  if (
    options !== null &&
    typeof options === 'object' &&
    Object.hasOwn(options, 'tenantId') &&
    options.tenantId === undefined
  )
    throw invalidArgument(
      "reset: tenantId is undefined; pass the tenant's id, or leave tenantId out to reset every tenant",
    )
  return options
}

/** A delivery's id as the emulator takes it: the number `webhooks()` gives, or its text. */
function deliveryIdOf(id) {
  if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.trim() !== ''))
    return String(id).trim()
  throw invalidArgument(
    `redeliver: deliveryId must be the id of a delivery (a whole number, as webhooks() gives it), got ${typeof id === 'string' ? JSON.stringify(id) : String(id)}`,
  )
}

/** Starts a ROQ platform emulator in this process. */
async function startEmulator(options = {}) {
  const json = toJson(options, 'options')
  let answer
  try {
    const receivers = Array.isArray(options?.webhooks) ? options.webhooks.map((target) => String(target?.url)) : []
    answer = await binding.startEmulator(json, rootsFor(receivers))
  } catch (error) {
    throw toRoqError(error)
  }
  return new Emulator(unwrap(answer))
}

module.exports = { Emulator, RemoteEmulator, startEmulator, connectEmulator }
