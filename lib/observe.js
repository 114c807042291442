'use strict'

// Observing one call of `roqPlatform`: its span in the app's OpenTelemetry, its log lines and its
// diagnostics_channel messages, made here, in JavaScript, from the facts the native core reports
// (as Prisma makes its engine's spans): one record per HTTP attempt and per wait, sent only
// when someone observes the call (see crates/roq-invites/src/observe.rs). `#call` in
// lib/client.js begins an observation (or gets null, and does nothing more, when nobody
// observes), passes its trace context and event handler to the native call, and ends it.
//
// Everything that touches the app's tracer, logger or subscribers is in a try/catch: they cannot
// fail or change a call. Nothing recorded holds an argument, a result, a header, a body, a
// platform's message or a secret: operation names, statuses, codes, counts, times and ids.

const channels = require('./channels.js')
const { RoqError } = require('./errors.js')
const { SpanKind, SpanStatusCode, hrTime, registered, startCallSpan } = require('./otel.js')

/** The name of a call's span: `RoqPlatform.<method>`. */
const spanName = (operation) => `RoqPlatform.${operation}`

/** Codes that refuse what the caller asked, logged at `warn`; every other failure at `error`, an abort at `info`. */
const REFUSALS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'CONFLICT'])

/** What every call of a client family is observed with: its log, and where its platform is. */
class Observability {
  log
  #server

  constructor(log, host) {
    this.log = log
    this.#server = server(host)
  }

  /**
   * An observation of a call of `operation` starting now, or null when nobody observes it: no
   * tracer provider registered (or tracing suppressed), no log level, no channel subscriber.
   * `invites` is the length of a send's list.
   */
  begin(operation, invites) {
    const otel = registered()
    const subscribed = channels.observed()
    if (!otel && this.log.level === 0 && !subscribed) return null
    return new Observation(this, operation, invites, this.#server, subscribed)
  }
}

/** `server.address` and `server.port` of a URL of the platform's (the `host` option, an attempt's endpoint). */
function server(host) {
  try {
    const url = new URL(host)
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
    return { address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port }
  } catch {
    return { address: undefined, port: undefined }
  }
}

class Observation {
  #log
  #operation
  #trace
  #channel
  /** The call's start: epoch ms by Date.now() (the SDK's clock for span starts), and performance.now(). */
  #t0
  #p0
  /** The latest end of an attempt or a wait, in ms from the start. */
  #lastEndMs = 0
  #attempts = 0
  #requestId
  /** Whether the native side is asked for records. */
  wantsRecords

  constructor(observability, operation, invites, server, subscribed) {
    this.#log = observability.log
    this.#operation = operation
    this.#t0 = Date.now()
    this.#p0 = performance.now()
    const attributes = { 'server.address': server.address, 'server.port': server.port }
    if (invites !== undefined) attributes['roq.invites.count'] = invites
    this.#trace = startCallSpan(spanName(operation), attributes, hrTime(this.#t0))
    if (subscribed && channels.callObserved()) {
      this.#channel = { operation, serverAddress: server.address, serverPort: server.port }
      if (invites !== undefined) this.#channel.invites = invites
    }
    this.wantsRecords = this.#trace?.recording === true || this.#log.enabled('info') || subscribed
  }

  /** The trace context for the native side to send on every request, if tracing is on. */
  get traceHeaders() {
    return this.#trace?.headers
  }

  /** ms since the call started, on one monotonic clock. */
  #elapsed() {
    return performance.now() - this.#p0
  }

  /** Runs `start()` (which starts the native call and resolves to its result) as this call's, and ends the observation. */
  async run(start) {
    let pending
    if (this.#channel) {
      // As TracingChannel#tracePromise does, but with a RoqError on `error` that carries no
      // platform text (its message may echo what was sent).
      try {
        channels.call.start.runStores(this.#channel, () => {
          pending = start()
        })
      } catch {
        pending ??= start()
      }
      channels.publish(channels.call.end, this.#channel)
    } else {
      pending = start()
    }
    try {
      const result = await pending
      this.#succeeded(result)
      return result
    } catch (error) {
      throw this.#failed(error)
    }
  }

  /** Takes one record from the native side: `{ attempt }`, `{ wait }` or `{ tokenRefresh }`. */
  record(event) {
    try {
      if (event.attempt) this.#attempt(event.attempt)
      else if (event.wait) this.#wait(event.wait)
      else if (event.tokenRefresh) this.#tokenRefresh(event.tokenRefresh)
    } catch {
      // An observer's failure is not the call's.
    }
  }

  #attempt(record) {
    this.#attempts++
    this.#requestId = record.answeredRequestId ?? record.requestId
    this.#lastEndMs = Math.max(this.#lastEndMs, record.endMs)
    const durationMs = round(record.endMs - record.startMs)
    const failed = record.errorType !== undefined && record.errorType !== null && record.errorType !== 'ABORTED'
    const trace = this.#trace
    if (trace?.recording) {
      const { address, port } = server(record.url)
      const attributes = {
        'http.request.method': 'POST',
        'server.address': address,
        'server.port': port,
        'url.full': record.url,
        'roq.request.kind': record.kind,
        'http.request.header.x-request-id': [record.requestId],
      }
      if (record.status != null) attributes['http.response.status_code'] = record.status
      if (failed) attributes['error.type'] = record.errorType
      if (record.resendCount > 0) attributes['http.request.resend_count'] = record.resendCount
      if (record.operation != null) attributes['graphql.operation.name'] = record.operation
      if (record.operationType != null) attributes['graphql.operation.type'] = record.operationType
      if (record.batchIndex != null) attributes['roq.batch.index'] = record.batchIndex
      if (record.batchSize != null) attributes['roq.batch.size'] = record.batchSize
      if (record.answeredRequestId != null) attributes['http.response.header.x-request-id'] = [record.answeredRequestId]
      if (record.retryAfterMs != null) attributes['roq.retry_after_ms'] = record.retryAfterMs
      const span = trace.tracer.startSpan(
        'POST',
        { kind: SpanKind.CLIENT, attributes, startTime: this.#at(record.startMs) },
        trace.context,
      )
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end(this.#at(record.endMs))
    }
    const facts = known({
      operation: this.#operation,
      kind: record.kind,
      attempt: record.resendCount + 1,
      status: record.status ?? undefined,
      errorType: record.errorType ?? undefined,
      durationMs,
      requestId: record.requestId,
      answeredRequestId: record.answeredRequestId ?? undefined,
      batchIndex: record.batchIndex ?? undefined,
      batchSize: record.batchSize ?? undefined,
      traceId: trace?.traceId,
    })
    const outcome = record.status ?? record.errorType
    this.#log.write(
      'debug',
      `roq-invites: ${this.#operation}: ${record.kind} request ${facts.attempt > 1 ? `(attempt ${facts.attempt}) ` : ''}${outcome} in ${durationMs} ms`,
      facts,
    )
    if (channels.attempt.hasSubscribers) {
      channels.publish(channels.attempt, { ...facts, url: record.url, call: this.#channel })
    }
  }

  #wait(record) {
    this.#lastEndMs = Math.max(this.#lastEndMs, record.endMs)
    const durationMs = round(record.endMs - record.startMs)
    const kind = record.kind === 'rateLimit' ? 'rate_limit' : 'backoff'
    const trace = this.#trace
    if (trace?.recording) {
      const attributes = { 'roq.wait.kind': kind }
      if (record.reason != null) attributes['roq.wait.reason'] = record.reason
      if (record.batchIndex != null) attributes['roq.batch.index'] = record.batchIndex
      const name = kind === 'rate_limit' ? 'roq-invites.rate_limit_wait' : 'roq-invites.backoff'
      const span = trace.tracer.startSpan(
        name,
        { kind: SpanKind.INTERNAL, attributes, startTime: this.#at(record.startMs) },
        trace.context,
      )
      span.end(this.#at(record.endMs))
    }
    const facts = known({
      operation: this.#operation,
      wait: kind,
      reason: record.reason ?? undefined,
      durationMs,
      batchIndex: record.batchIndex ?? undefined,
      traceId: trace?.traceId,
    })
    const why = kind === 'rate_limit' ? 'the rate limit (429 Retry-After)' : `a retry after ${record.reason}`
    this.#log.write('info', `roq-invites: ${this.#operation}: waited ${durationMs} ms for ${why}`, facts)
    if (channels.wait.hasSubscribers) channels.publish(channels.wait, { ...facts, call: this.#channel })
  }

  #tokenRefresh(record) {
    const trace = this.#trace
    if (trace?.recording) {
      const attributes = record.batchIndex != null ? { 'roq.batch.index': record.batchIndex } : undefined
      trace.span.addEvent('roq-invites.token_refresh', attributes, this.#at(record.atMs))
    }
    this.#log.write(
      'info',
      `roq-invites: ${this.#operation}: the platform refused the cached token; fetching a new one`,
      known({ operation: this.#operation, batchIndex: record.batchIndex, traceId: trace?.traceId }),
    )
  }

  /** A time `ms` after the call's start, as HrTime. */
  #at(ms) {
    return hrTime(this.#t0 + ms)
  }

  /** Ends the call span at the later of now and the last attempt's end, so that it holds every child. */
  #endSpan(configure) {
    const trace = this.#trace
    if (!trace) return
    try {
      configure?.(trace.span)
      trace.span.end(this.#at(Math.max(this.#elapsed(), this.#lastEndMs)))
    } catch {
      // The app's tracer failed; the call has not.
    }
  }

  #succeeded(result) {
    const durationMs = round(this.#elapsed())
    this.#endSpan((span) => {
      if (Array.isArray(result?.success) && Array.isArray(result?.errors)) {
        span.setAttribute('roq.invites.succeeded', result.success.length)
        span.setAttribute('roq.invites.failed', result.errors.length)
      }
    })
    this.#log.write(
      'debug',
      `roq-invites: ${this.#operation}: done in ${durationMs} ms`,
      known({
        operation: this.#operation,
        durationMs,
        attempts: this.#attempts || undefined,
        requestId: this.#requestId,
        traceId: this.#trace?.traceId,
      }),
    )
    if (this.#channel) {
      this.#channel.attempts = this.#attempts
      this.#channel.requestId = this.#requestId
      channels.publish(channels.call.asyncStart, this.#channel)
      channels.publish(channels.call.asyncEnd, this.#channel)
    }
  }

  /** The call's RoqError, with its trace id; the failure recorded and logged without its message. */
  #failed(error) {
    const traceId = this.#trace?.traceId
    if (error instanceof RoqError && traceId && error.traceId === undefined) error.traceId = traceId
    const code = error?.code ?? 'INTERNAL_ERROR'
    const aborted = code === 'ABORTED'
    const durationMs = round(this.#elapsed())
    this.#endSpan((span) => {
      if (aborted) return
      span.setAttribute('error.type', code)
      span.setStatus({ code: SpanStatusCode.ERROR, message: code })
    })
    const facts = known({
      operation: this.#operation,
      code,
      statusCode: error?.statusCode,
      errorCode: platformCode(error?.errorCode),
      requestId: error?.requestId,
      attempts: error?.attempts,
      durationMs,
      traceId,
    })
    const level = aborted ? 'info' : REFUSALS.has(code) ? 'warn' : 'error'
    this.#log.write(level, `roq-invites: ${this.#operation}: ${aborted ? 'aborted' : `failed: ${code}`}`, facts)
    if (this.#channel) {
      this.#channel.attempts = this.#attempts
      this.#channel.requestId = error?.requestId ?? this.#requestId
      const { operation, ...rest } = facts
      this.#channel.error = new RoqError(`${operation} failed: ${code}`, { ...rest, code })
      channels.publish(channels.call.error, this.#channel)
      channels.publish(channels.call.asyncStart, this.#channel)
      channels.publish(channels.call.asyncEnd, this.#channel)
    }
    return error
  }
}

/** The platform's error code, when it looks like one (`UNAUTHORIZED_EXCEPTION`): a hostile platform may put anything there. */
function platformCode(errorCode) {
  return typeof errorCode === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(errorCode) ? errorCode : undefined
}

const round = (ms) => Math.round(ms * 1000) / 1000

/** `facts` without the keys whose value is undefined or null, for a line or a message that shows only what is known. */
function known(facts) {
  for (const key of Object.keys(facts)) if (facts[key] === undefined || facts[key] === null) delete facts[key]
  return facts
}

module.exports = { Observability }
