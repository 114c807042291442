'use strict'

// The app's OpenTelemetry, when it has registered one: its tracer provider, context manager and
// propagator, read from the object every copy of @opentelemetry/api 1.x registers them in
// (`globalThis[Symbol.for('opentelemetry.js.api.1')]`). Nothing is required: without the API, or
// with it and nothing registered, there is nothing there and a call does no tracing work at all.
// Reading the registered parts themselves, rather than through a copy of the API of our own,
// means a copy with a newer minor version than the app's cannot be silently refused (the API
// refuses to use a global registered by an older minor), and no second copy is ever loaded. The
// parts are used only through the API's interfaces, stable across 1.x (context keys are
// `Symbol.for` names, span kinds and status codes numbers).

const GLOBAL = Symbol.for('opentelemetry.js.api.1')
// The context key under which the API keeps the active span (`trace.setSpan`, `trace.getSpan`).
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN')

const SpanKind = { INTERNAL: 0, CLIENT: 2 }
const SpanStatusCode = { ERROR: 2 }

/** The instrumentation's name and version, as the tracer is asked for it. */
const NAME = 'roq-invites'
const { version: VERSION } = require('../package.json')

/** The root context, for an app that registered a tracer provider without a context manager. */
class RootContext {
  #values
  constructor(values = new Map()) {
    this.#values = values
  }
  getValue(key) {
    return this.#values.get(key)
  }
  setValue(key, value) {
    return new RootContext(new Map(this.#values).set(key, value))
  }
  deleteValue(key) {
    const values = new Map(this.#values)
    values.delete(key)
    return new RootContext(values)
  }
}
const ROOT = new RootContext()

let cached = { provider: undefined, tracer: undefined }

/**
 * The app's registered OpenTelemetry (`{ api, tracer }`), or undefined when no tracer provider is
 * registered: one property read, the whole cost of a call when tracing is off.
 */
function registered() {
  const api = globalThis[GLOBAL]
  const provider = api?.trace
  if (!provider) return undefined
  if (cached.provider !== provider) {
    cached = { provider, tracer: provider.getTracer(NAME, VERSION) }
  }
  return { api, tracer: cached.tracer }
}

/** Writes what a propagator injects into a plain object without a prototype. */
const SETTER = {
  set(carrier, key, value) {
    carrier[key] = value
  },
}

// W3C Trace Context, version 00: what may be handed to the native side to send.
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/
const TRACESTATE = /^[\x20-\x7e]{1,512}$/

/**
 * The `traceparent` and `tracestate` a propagator wrote, if they are W3C's: anything else (other
 * headers, a value with a line break, one too long, not a string) is dropped here, so that a
 * hostile or broken propagator cannot change a request. Rust checks them again.
 */
function traceHeaders(carrier) {
  const { traceparent, tracestate } = carrier
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined
  return typeof tracestate === 'string' && TRACESTATE.test(tracestate) ? { traceparent, tracestate } : { traceparent }
}

/** A span context's trace id, when it is a valid one. */
function traceIdOf(span) {
  const traceId = span.spanContext()?.traceId
  return typeof traceId === 'string' && /^(?!0{32})[0-9a-f]{32}$/.test(traceId) ? traceId : undefined
}

/**
 * Starts a call's span under the context active now (the route handler's, the test's), with the
 * app's tracer, sampler and propagator: `{ tracer, span, context, recording, headers, traceId }`,
 * or undefined when no tracer provider is registered, tracing is suppressed, or the app's
 * OpenTelemetry throws. `headers` is what goes to the platform: the call span's `traceparent`
 * (flags `00` when the sampler dropped it), none when the propagator gives none.
 */
function startCallSpan(name, attributes, startTime) {
  const otel = registered()
  if (!otel) return undefined
  try {
    const parent = otel.api.context?.active?.() ?? ROOT
    const span = otel.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes, startTime }, parent)
    const traceId = traceIdOf(span)
    // suppressTracing(): the SDK gives an invalid span, and its propagator injects nothing.
    if (!traceId) return undefined
    const context = parent.setValue(SPAN_KEY, span)
    const carrier = Object.create(null)
    otel.api.propagation?.inject?.(context, carrier, SETTER)
    return {
      tracer: otel.tracer,
      span,
      context,
      recording: span.isRecording() === true,
      headers: traceHeaders(carrier),
      traceId,
    }
  } catch {
    return undefined
  }
}

/** Epoch milliseconds (with a fraction) as OpenTelemetry's HrTime: `[seconds, nanoseconds]`. */
function hrTime(ms) {
  const seconds = Math.floor(ms / 1000)
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))
  return [seconds, nanos]
}

module.exports = { SpanKind, SpanStatusCode, startCallSpan, traceHeaders, hrTime, registered }
