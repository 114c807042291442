'use strict'

// RoqClient and its roqPlatform: plain JavaScript classes over the native client (so nothing
// here patches native exports, and loading this module again, as Jest does per file, is
// harmless). Arguments cross as JSON text (lib/to-json.js), to one native method that runs the
// operation it is named (`run`), or to the send's own, which streams its results.

const { RoqError, describe, invalidArgument, isFailure, toRoqError } = require('./errors.js')
const { makeLog } = require('./log.js')
const { binding, call, settle } = require('./native.js')
const { networkFor } = require('./network.js')
const { Observability } = require('./observe.js')
const { sentInvite } = require('./sent-invite.js')
const { toJson } = require('./to-json.js')

// Lets RoqClient be made from a native client without a second public constructor.
const fromNative = Symbol('fromNative')
const observedBy = Symbol('observedBy')

/** A client of the ROQ Platform's invite API. */
class RoqClient {
  #native
  #platform
  /** Its log and where its platform is: shared by every client made from it (lib/observe.js). */
  #observability

  constructor(options) {
    if (options !== null && typeof options === 'object' && fromNative in options) {
      this.#native = options[fromNative]
      this.#observability = options[observedBy]
      return
    }
    // logLevel and logger are JavaScript's: the rest crosses to the native client.
    const plain = options !== null && typeof options === 'object' && !Array.isArray(options)
    const { logLevel, logger, ...rest } = plain ? options : {}
    const log = makeLog(logLevel, logger)
    const json = toJson(plain ? rest : options, 'options')
    this.#native = call(() => binding.NativeClient.create(json, ...networkFor(options?.host)))
    this.#observability = new Observability(log, rest.host)
  }

  /**
   * A client configured from ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and ROQ_API_KEY. They are read
   * from the caller's process.env, which is what test runners (Jest gives each file its own copy)
   * and frameworks (Next.js loads .env files into it) set.
   */
  static fromEnv() {
    const env = process.env
    const missing = ['ROQ_PLATFORM_URL', 'ROQ_ENVIRONMENT_ID', 'ROQ_API_KEY'].find((name) => !env[name])
    if (missing) {
      throw invalidArgument(
        `${missing} is not set: set it in the environment (e.g. in .env.local), or pass the options to new RoqClient({ host, environmentId, apiKey })`,
      )
    }
    try {
      return new RoqClient({
        host: env.ROQ_PLATFORM_URL,
        environmentId: env.ROQ_ENVIRONMENT_ID,
        apiKey: env.ROQ_API_KEY,
      })
    } catch (error) {
      throw new RoqError(`from the environment (ROQ_*): ${error.message}`, error)
    }
  }

  /** The invite operations. The same object on every access. */
  get roqPlatform() {
    this.#platform ??= new RoqPlatform(this.#native, this.#observability)
    return this.#platform
  }

  /** The same client, acting as the environment's service account (the default). */
  asSuperAdmin() {
    return new RoqClient({ [fromNative]: this.#native.asSuperAdmin(), [observedBy]: this.#observability })
  }

  /** The same client, acting as the platform user `userId`. */
  asUser(userId, options) {
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
      throw invalidArgument('asUser: options must be an object like { expiresIn: 3600 }, or left out')
    }
    const args = toJson({ ...options, userId }, 'asUser arguments')
    return new RoqClient({ [fromNative]: call(() => this.#native.asUser(args)), [observedBy]: this.#observability })
  }

  /** The same client, acting as the signed-in user of a ROQ BaaS app (its roq-session-token cookie). */
  withBaasToken(sessionJwt) {
    if (typeof sessionJwt !== 'string') {
      throw invalidArgument(
        `sessionJwt: expected the roq-session-token cookie's value (a string), got ${describe(sessionJwt)}`,
      )
    }
    return new RoqClient({
      [fromNative]: call(() => this.#native.withBaasToken(sessionJwt)),
      [observedBy]: this.#observability,
    })
  }
}

/** The kind of a value, in words for a message. */
/** The invite operations of a RoqClient: `client.roqPlatform`. */
class RoqPlatform {
  #native
  #observability

  constructor(native, observability) {
    this.#native = native
    this.#observability = observability
  }

  /**
   * Creates one invite per entry and mails each invitee: `{ userInvites: {...} }` or `{ data: {...} }`.
   * Refused entries come back in `errors`; options add `batchSize`, `concurrency`, `onExisting` and `onProgress`.
   */
  async sendUserInvites(args, options) {
    const list = args?.data?.userInvites ?? args?.userInvites?.userInvites
    if (Array.isArray(list) && list.length > binding.MAX_INVITES_PER_CALL) {
      // Refused before JSON.stringify, which would hold the event loop for a list this size.
      const path = args.data ? 'data.userInvites' : 'userInvites.userInvites'
      throw invalidArgument(
        `${path}: has ${list.length} invites; at most ${binding.MAX_INVITES_PER_CALL} can be sent in one call: split the list`,
      )
    }
    return this.#call('sendUserInvites', args, options)
  }

  /** Mails a pending invite again with a new link: `{ userInviteId }` (or the id, as older docs pass it). */
  async resendUserInvite(args, options) {
    return this.#call('resendUserInvite', typeof args === 'string' ? { userInviteId: args } : args, options)
  }

  /** Cancels a pending invite: `{ userInviteId }` (or the id). */
  async cancelUserInvite(args, options) {
    return this.#call('cancelUserInvite', typeof args === 'string' ? { userInviteId: args } : args, options)
  }

  /** One invite: `{ id }` (or the id). */
  async userInvite(args, options) {
    return this.#call('userInvite', typeof args === 'string' ? { id: args } : args, options)
  }

  /** A page of invites: `{ filter?, limit?, offset?, order?, search? }` → `{ data, totalCount }`. */
  async userInvites(args = {}, options) {
    return this.#call('userInvites', args, options)
  }

  /** Accepts an invite by the token from its mail: `{ data: { token } }` (or the V1 `{ acceptUserInvite: { token } }`). */
  async acceptUserInvite(args, options) {
    return this.#call('acceptUserInvite', args, options)
  }

  /** Whether a token from an invitation mail can still be used: `{ token }` (or the token). */
  async checkUserInviteToken(args, options) {
    return this.#call('checkUserInviteToken', typeof args === 'string' ? { token: args } : args, options)
  }

  /** Changes an invite's names, locale, data or acceptedByUserId: `{ id, userInvite }`. */
  async updateUserInvite(args, options) {
    return this.#call('updateUserInvite', args, options)
  }

  /**
   * Runs any GraphQL document on the platform's server endpoint, as this client's identity, and
   * resolves to its `data`. `options` also takes `headers` and `operationName`.
   */
  async graphqlRequest(query, variables, options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument(
        'graphqlRequest options: must be an object like { timeoutMs: 10000, headers: { ... } }, or left out',
      )
    }
    const { headers, operationName, ...rest } = options
    return this.#call('graphqlRequest', { query, variables, operationName, headers: headerList(headers) }, rest)
  }

  /**
   * Runs the native operation of the same name (the addon dispatches by it) with the call's
   * options; `signal` and `onProgress` cross as handles. The one place a call starts, so the one
   * place it is observed (lib/observe.js): its span's parent is the context active now.
   */
  async #call(operation, args, options = {}) {
    const invites = operation === 'sendUserInvites' ? inviteCount(args) : undefined
    const observation = this.#observability.begin(operation, invites)
    const run = () => this.#run(operation, args, options, observation)
    return observation ? observation.run(run) : run()
  }

  async #run(operation, args, options, observation) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument(`${operation} options: must be an object like { timeoutMs: 10000 }, or left out`)
    }
    const { signal, onProgress, ...settings } = options
    if (
      signal !== undefined &&
      !(typeof signal?.aborted === 'boolean' && typeof signal.addEventListener === 'function')
    ) {
      throw invalidArgument(`${operation} options.signal: must be an AbortSignal, e.g. AbortSignal.timeout(5000)`)
    }
    if (onProgress !== undefined && operation !== 'sendUserInvites') {
      throw invalidArgument(`${operation} options.onProgress: only sendUserInvites takes one`)
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw invalidArgument(`${operation} options.onProgress: must be a function, got ${describe(onProgress)}`)
    }
    if (signal?.aborted) throw aborted(signal)
    const argsJson = toJson(args, `${operation} argument`)
    const settingsJson = toJson(settings, `${operation} options`)
    const abort = signal ? new binding.AbortHandle() : null
    const onAbort = () => abort.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return operation === 'sendUserInvites'
        ? await send(this.#native, argsJson, settingsJson, abort, onProgress, observation)
        : await single(this.#native, operation, argsJson, settingsJson, abort, observation)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }
}

/** How many invites a send's arguments hold, if they hold a list. */
function inviteCount(args) {
  const list = args?.data?.userInvites ?? args?.userInvites?.userInvites
  return Array.isArray(list) ? list.length : undefined
}

/**
 * Runs a native operation other than the send. An observed one that wants records gets a
 * function for them, called with each as JSON, then `{ done: true }`, which is awaited so that
 * every record is in before the call's span ends.
 */
async function single(native, operation, argsJson, settingsJson, abort, observation) {
  const trace = observation?.traceHeaders
  if (!observation?.wantsRecords) return settle(call(() => native.run(operation, argsJson, settingsJson, abort, trace)))
  let delivered
  const allDelivered = new Promise((resolve) => (delivered = resolve))
  const onEvent = (json) => {
    const event = JSON.parse(json)
    if (event.done) delivered()
    else observation.record(event)
  }
  const pending = call(() => native.run(operation, argsJson, settingsJson, abort, trace, onEvent))
  try {
    return await settle(pending)
  } finally {
    await allDelivered
  }
}

/** Headers as `[name, value]` pairs: from a fetch `Headers`, an object, or pairs already. */
function headerList(headers) {
  if (headers === undefined) return []
  if (headers !== null && typeof headers === 'object') {
    const entries = typeof headers.entries === 'function' ? [...headers.entries()] : Object.entries(headers)
    return entries.map(([name, value]) => [name, String(value)])
  }
  throw invalidArgument('graphqlRequest options.headers: must be an object of header names and values, or a Headers')
}

/** The RoqError for a signal that fired before the call started. */
function aborted(signal) {
  const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : ''
  return new RoqError(`the call was aborted before it started${reason}`, { code: 'ABORTED' })
}

/**
 * Runs a native send. Its results arrive a batch at a time as they are known (`SendEvents` in
 * src/send.rs), with progress, then `done`; they are put back in the caller's order here.
 */
async function send(native, argsJson, settingsJson, abort, onProgress, observation) {
  const success = []
  const errors = []
  let delivered
  const allDelivered = new Promise((resolve) => (delivered = resolve))
  // Each event's JSON: `{ sent: [[...], ...] }` (the invites a batch created, as arrays: see
  // lib/sent-invite.js), `{ results: { success, errors } }` (its other entries), each entry with its
  // `index` in the caller's list, `{ progress }`, or `{ done: true }`.
  const onEvent = (json) => {
    const event = JSON.parse(json)
    if (event.sent) {
      for (const invite of event.sent) success.push(sentInvite(invite))
    } else if (event.results) {
      for (const sent of event.results.success) success.push(sent)
      for (const refusal of event.results.errors) errors.push(refusal)
    } else if (event.progress) {
      report(onProgress, event.progress)
    } else if (event.done) {
      delivered()
    } else {
      observation?.record(event)
    }
  }
  let answer
  try {
    answer = await native.sendUserInvites(
      argsJson,
      settingsJson,
      abort,
      onEvent,
      onProgress !== undefined,
      observation?.traceHeaders,
      observation?.wantsRecords === true,
    )
  } catch (error) {
    answer = toRoqError(error)
  }
  await allDelivered
  const result = { success: inOrder(success), errors: inOrder(errors) }
  if (!isFailure(answer) && !(answer instanceof RoqError)) return result
  const failure = toRoqError(answer)
  // A send that got under way fails with what it did; its results came here rather than with it.
  if (answer.partial) failure.partial = result
  throw failure
}

/** Entries sorted by their index in the caller's list. */
function inOrder(entries) {
  const sorted = entries.every((entry, i) => i === 0 || entries[i - 1].index < entry.index)
  return sorted ? entries : entries.sort((a, b) => a.index - b.index)
}

/** Calls the caller's onProgress; an error it throws becomes a warning. */
function report(onProgress, progress) {
  try {
    onProgress(progress)
  } catch (error) {
    process.emitWarning(error instanceof Error ? error : String(error), { code: 'ROQ_INVITES_ON_PROGRESS' })
  }
}

module.exports = { RoqClient, RoqPlatform }
