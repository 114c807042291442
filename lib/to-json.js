'use strict'

const { invalidArgument } = require('./errors.js')

// Arguments cross to the native side as JSON text: V8's JSON.stringify is far faster than walking
// objects through N-API. But JSON.stringify converts what JSON cannot carry instead of refusing
// it (NaN and Infinity become null, a Date a string, a Map {}, a hole in an array null), so the
// replacer below refuses those first, and a failure names the path and the fix. A replacer call
// per value costs more than the stringify itself, so plain data (nearly every argument) is
// checked by a loop first and stringified without one; anything else takes the replacer's path.

/** How deep an argument may nest: the deepest argument (`data`) may be 32 levels deep itself. */
const MAX_DEPTH = 40

/** Thrown by the replacer to stop JSON.stringify at the first value it must not convert. */
const REFUSED = Symbol('refused')

/** Why `value` cannot be sent as JSON, and what to pass instead; undefined if it can. */
function refusal(value) {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} is not a number JSON can carry; pass a finite number`
    case 'bigint':
      return 'is a BigInt, which JSON cannot carry; pass a number or a string'
    case 'function':
      return 'is a function; pass plain data'
    case 'symbol':
      return 'is a symbol; pass a string'
    case 'object': {
      if (value === null) return undefined
      if (Array.isArray(value)) return undefined
      const tag = Object.prototype.toString.call(value)
      if (tag === '[object Date]') return 'a Date is not JSON; pass date.toISOString()'
      if (tag === '[object Map]' || tag === '[object WeakMap]') return 'a Map is not JSON; pass Object.fromEntries(map)'
      if (tag === '[object Set]' || tag === '[object WeakSet]') return 'a Set is not JSON; pass [...set]'
      if (ArrayBuffer.isView(value) || tag === '[object ArrayBuffer]')
        return 'binary data is not JSON; pass an array of numbers, or a string'
      if (tag === '[object RegExp]') return 'a RegExp is not JSON; pass its source as a string'
      if (tag === '[object Promise]') return 'is a Promise; await it first'
      return undefined
    }
    default:
      return undefined
  }
}

/** `path` with `key` of `holder` added: `a.b`, `a[2]`. */
const pathOf = (path, holder, key) => (Array.isArray(holder) ? `${path}[${key}]` : path ? `${path}.${key}` : key)

/**
 * The first value in `value` that JSON cannot carry, in the order JSON.stringify meets them, as
 * `{ path, problem }`. Only called once something is wrong: it is slower than the replacer.
 */
function findRefusal(value) {
  const ancestors = []
  const walk = (holder, key, path) => {
    let item
    try {
      item = holder[key]
    } catch (error) {
      return { path, problem: `reading it threw (${error?.message ?? error}); pass plain data` }
    }
    if (Array.isArray(holder) && !(key in holder))
      return { path, problem: 'is a hole in the array; pass null or leave the entry out' }
    const problem = refusal(item)
    if (problem) return { path, problem }
    if (item === null || typeof item !== 'object' || typeof item.toJSON === 'function') return undefined
    if (ancestors.includes(item)) return { path, problem: 'refers back to an object that contains it; pass plain data' }
    if (ancestors.length >= MAX_DEPTH) return { path, problem: `is nested more than ${MAX_DEPTH} levels deep` }
    ancestors.push(item)
    const keys = Array.isArray(item) ? Array.from(item.keys(), String) : Object.keys(item)
    for (const next of keys) {
      const found = walk(item, next, pathOf(path, item, next))
      if (found) return found
    }
    ancestors.pop()
    return undefined
  }
  return walk({ '': value }, '', '')
}

/**
 * Whether JSON.stringify carries `value` as it is, nothing in it refused or converted: strings,
 * booleans, finite numbers, null, undefined, arrays without holes and objects of an Object.prototype
 * (or of none) without toJSON or a toStringTag, at most MAX_DEPTH deep (a cycle is deeper). False
 * says only "not this simple": the replacer decides. It may throw (a getter): the same.
 */
function isPlain(value, depth) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object':
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth >= MAX_DEPTH || typeof value.toJSON === 'function') return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      if ((item === undefined && !(i in value)) || !isPlain(item, depth + 1)) return false
    }
    return true
  }
  // Object.prototype of any realm (Jest gives each test file its own) has no prototype itself.
  const prototype = Object.getPrototypeOf(value)
  if ((prototype !== null && Object.getPrototypeOf(prototype) !== null) || value[Symbol.toStringTag] !== undefined)
    return false
  // for-in: own enumerable keys, plus any enumerable ones on Object.prototype (more checked, never fewer).
  for (const key in value) {
    if (!isPlain(value[key], depth + 1)) return false
  }
  return true
}

/**
 * The JSON text of an argument, or an INVALID_ARGUMENT naming the path of the first value JSON
 * cannot carry (`data.userInvites[2].data.when: a Date is not JSON; pass date.toISOString()`).
 * `what` names the argument itself in messages. `undefined` becomes null, which the native side
 * reports as missing.
 */
function toJson(value, what) {
  try {
    if (isPlain(value, 0)) return JSON.stringify(value) ?? 'null'
  } catch {
    // A getter that threw, say: the replacer's path below finds it and names it.
  }
  try {
    const text = JSON.stringify(value, function replacer(key, item) {
      // `this[key]` is the value before its toJSON (a Date's, for one) was called.
      if (refusal(this[key]) !== undefined) throw REFUSED
      if (item === undefined && Array.isArray(this) && !(key in this)) throw REFUSED
      return item
    })
    return text ?? 'null'
  } catch (error) {
    const found = findRefusal(value)
    if (found) throw invalidArgument(`${found.path || what}: ${found.problem}`)
    // What the walk does not see: a toJSON that threw, or a stack too deep for either.
    const why = error === REFUSED ? 'it is not plain data' : (error?.message ?? String(error))
    throw invalidArgument(`${what}: cannot be sent as JSON (${why}); pass plain data`)
  }
}

module.exports = { toJson }
