// lib/to-json.js: what crosses to the native side for values at the edges of "plain data". Plain
// data takes a fast path (a checking loop, then JSON.stringify without a replacer); everything
// else the replacer's. These pin what each value becomes, or the refusal it gets, so that neither
// path can change what the other would have done.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { toJson } = require('../lib/to-json.js')

function nested(depth) {
  let data = { leaf: true }
  for (let i = 0; i < depth; i++) data = { child: data }
  return data
}

test('values JSON carries, or that JSON.stringify leaves out, cross as JSON.stringify writes them', () => {
  const hidden = Object.defineProperty({ a: 1 }, 'hidden', { value: NaN, enumerable: false })
  const inheriting = Object.assign(Object.create({ inherited: NaN }), { a: 1 })
  const bare = Object.assign(Object.create(null), { a: 1 })
  const getter = Object.defineProperty({}, 'a', { enumerable: true, get: () => 1 })
  const cases = [
    ['-0', { n: -0 }, '{"n":0}'],
    ['a toJSON method', { a: { toJSON: () => ({ b: 1 }) } }, '{"a":{"b":1}}'],
    [
      'a class instance',
      new (class Team {
        name = 'acme'
      })(),
      '{"name":"acme"}',
    ],
    ['an object without a prototype', bare, '{"a":1}'],
    ['a non-enumerable property', hidden, '{"a":1}'],
    ['a symbol key', { [Symbol('s')]: 1n, a: 1 }, '{"a":1}'],
    ['a prototype property', inheriting, '{"a":1}'],
    ['a getter', getter, '{"a":1}'],
    ['undefined in an object and in an array', { a: undefined, b: [undefined] }, '{"b":[null]}'],
    ['undefined itself', undefined, 'null'],
    ['boxed primitives', [new String('s'), new Number(1), new Boolean(false)], '["s",1,false]'],
    ['a Proxy of an object', new Proxy({ a: 1 }, {}), '{"a":1}'],
    ['nesting the native side refuses, not this', nested(45), JSON.stringify(nested(45))],
  ]
  for (const [what, value, json] of cases) assert.equal(toJson(value, 'argument'), json, what)
})

test('an enumerable property added to Object.prototype is left out, as JSON.stringify leaves it', () => {
  Object.prototype.polluted = NaN
  try {
    assert.equal(toJson({ a: [{ b: 1 }] }, 'argument'), '{"a":[{"b":1}]}')
  } finally {
    delete Object.prototype.polluted
  }
})

test('values JSON cannot carry are refused with their path, at any depth and in arrays', () => {
  const sparse = ['a']
  sparse[2] = 'c'
  const unfilled = []
  unfilled.length = 2
  const cycle = { name: 'loop' }
  cycle.self = cycle
  const throwing = Object.defineProperty({}, 'team', {
    enumerable: true,
    get: () => {
      throw new Error('not loaded')
    },
  })
  const cases = [
    [{ a: { b: [1, NaN] } }, 'a.b[1]: NaN is not a number JSON can carry; pass a finite number'],
    [[Infinity], '[0]: Infinity is not a number JSON can carry; pass a finite number'],
    [NaN, 'argument: NaN is not a number JSON can carry; pass a finite number'],
    [{ a: sparse }, 'a[1]: is a hole in the array; pass null or leave the entry out'],
    [{ a: unfilled }, 'a[0]: is a hole in the array; pass null or leave the entry out'],
    [{ a: [{ n: 10n }] }, 'a[0].n: is a BigInt, which JSON cannot carry; pass a number or a string'],
    [{ a: [() => 1] }, 'a[0]: is a function; pass plain data'],
    [{ a: Symbol('x') }, 'a: is a symbol; pass a string'],
    [{ a: { when: new Date(0) } }, 'a.when: a Date is not JSON; pass date.toISOString()'],
    [{ a: { [Symbol.toStringTag]: 'Date' } }, 'a: a Date is not JSON; pass date.toISOString()'],
    [{ a: new Map() }, 'a: a Map is not JSON; pass Object.fromEntries(map)'],
    [{ a: new Set() }, 'a: a Set is not JSON; pass [...set]'],
    [{ a: new Uint8Array(1) }, 'a: binary data is not JSON; pass an array of numbers, or a string'],
    [{ a: /x/ }, 'a: a RegExp is not JSON; pass its source as a string'],
    [{ a: Promise.resolve(1) }, 'a: is a Promise; await it first'],
    [{ a: { b: throwing } }, 'a.b.team: reading it threw (not loaded); pass plain data'],
    [{ a: cycle }, 'a.self: refers back to an object that contains it; pass plain data'],
    [{ a: { toJSON: () => ({ b: NaN }) } }, 'argument: cannot be sent as JSON (it is not plain data); pass plain data'],
    [
      { a: Object.assign([1], { toJSON: () => ({ b: NaN }) }) },
      'argument: cannot be sent as JSON (it is not plain data); pass plain data',
    ],
  ]
  for (const [value, message] of cases) {
    assert.throws(
      () => toJson(value, 'argument'),
      (error) => error.code === 'INVALID_ARGUMENT' && error.message === message,
      message,
    )
  }
  assert.throws(
    () => toJson({ data: nested(100_000) }, 'argument'),
    (error) => /^data(\.child)+: is nested more than 40 levels deep$/.test(error.message),
  )
})
