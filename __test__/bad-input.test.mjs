// Every way a caller can get an argument wrong: a RoqError with code INVALID_ARGUMENT, a message
// that names the path and the fix, nothing sent, and the process unharmed.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import { RoqClient, RoqError, RoqPlatform } from '../index.js'
import { clientFor, emulatorFor } from './helpers.mjs'

const require = createRequire(import.meta.url)

const entry = (fields = {}) => ({ createdByUserId: 'alice', email: 'ada@example.com', ...fields })
const v2 = (...entries) => ({ data: { tenantId: 'acme', userInvites: entries } })
const v1 = (...entries) => ({ userInvites: { tenantId: 'acme', userInvites: entries } })

function withProto(key, value) {
  const data = JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`)
  return data
}

function cyclic() {
  const data = { name: 'loop' }
  data.self = data
  return data
}

/** [what, args, options, message]: each must reject with INVALID_ARGUMENT and a message matching. */
const SEND_CASES = [
  ['no argument', undefined, undefined, /^sendUserInvites argument: expected an object, got null or undefined$/],
  [
    'a string',
    'ada@example.com',
    undefined,
    /^sendUserInvites argument: "ada@example\.com" is not one of userInvites or data$/,
  ],
  ['an array', [entry()], undefined, /^sendUserInvites argument: expected an object, got an array$/],
  [
    'both shapes',
    { ...v1(entry()), ...v2(entry()) },
    undefined,
    /^sendUserInvites argument: has the keys data and userInvites; pass only one of them$/,
  ],
  [
    'a list that is not a list',
    { data: { tenantId: 'acme', userInvites: entry() } },
    undefined,
    /^data\.userInvites: expected an array, got an object$/,
  ],
  ['an empty list', v2(), undefined, /^data\.userInvites: must not be empty; pass at least one invite$/],
  ['a missing tenantId (V2)', { data: { userInvites: [entry()] } }, undefined, /^data\.tenantId: is required$/],
  [
    'a null tenantId (V2)',
    { data: { tenantId: null, userInvites: [entry()] } },
    undefined,
    /^data\.tenantId: expected a string, got null$/,
  ],
  ['a missing email', v2({ createdByUserId: 'alice' }), undefined, /^data\.userInvites\[0\]\.email: is required$/],
  ['an undefined email', v2(entry({ email: undefined })), undefined, /^data\.userInvites\[0\]\.email: is required$/],
  [
    'a null createdByUserId',
    v2(entry({ createdByUserId: null })),
    undefined,
    /^data\.userInvites\[0\]\.createdByUserId: expected a string, got null$/,
  ],
  [
    'an empty createdByUserId',
    v2(entry({ createdByUserId: '  ' })),
    undefined,
    /^data\.userInvites\[0\]\.createdByUserId: must not be empty$/,
  ],
  [
    'a number for an email',
    v1(entry({ email: 42 })),
    undefined,
    /^userInvites\.userInvites\[0\]\.email: expected a string, got the number 42$/,
  ],
  [
    'an object for a name',
    v2(entry({ firstName: { first: 'Ada' } })),
    undefined,
    /^data\.userInvites\[0\]\.firstName: expected a string, got an object$/,
  ],
  [
    'a string for roles',
    v2(entry({ roles: 'admin' })),
    undefined,
    /^data\.userInvites\[0\]\.roles: expected an array, got the string "admin"$/,
  ],
  [
    'a number among roles',
    v2(entry({ roles: ['admin', 7] })),
    undefined,
    /^data\.userInvites\[0\]\.roles\[1\]: expected a string, got the number 7$/,
  ],
  [
    'a misspelt key',
    v2({ createdById: 'alice', email: 'ada@example.com' }),
    undefined,
    /^data\.userInvites\[0\]\.createdById: is not a known field; did you mean createdByUserId\?$/,
  ],
  [
    'a V1 key in V2',
    v2(entry({ data: { team: 'Blue' } })),
    undefined,
    /^data\.userInvites\[0\]\.data: is not a known field/,
  ],
  [
    'a name too long',
    v2(entry({ lastName: 'x'.repeat(256) })),
    undefined,
    /^data\.userInvites\[0\]\.lastName: is 256 characters long; at most 255 are allowed$/,
  ],
  [
    'data too large',
    v1(entry({ data: { blob: 'x'.repeat(70_000) } })),
    undefined,
    /^userInvites\.userInvites\[0\]\.data: is \d+ bytes as JSON; at most 64 KiB are allowed$/,
  ],
  [
    'data that is not an object',
    v1(entry({ data: ['team'] })),
    undefined,
    /^userInvites\.userInvites\[0\]\.data: expected an object, got an array$/,
  ],
  [
    'data that is a string',
    v2(entry({ injectableVariables: 'team=Blue' })),
    undefined,
    /^data\.userInvites\[0\]\.injectableVariables: expected an object, got the string "team=Blue"$/,
  ],
  [
    'a NUL character',
    v2(entry({ firstName: 'Ada\u0000' })),
    undefined,
    /^data\.userInvites\[0\]\.firstName: contains a NUL character \(\\u0000\); remove it$/,
  ],
  [
    'a lone surrogate',
    v2(entry({ lastName: 'Love\ud800lace' })),
    undefined,
    /^data\.userInvites\[0\]\.lastName: contains an unpaired UTF-16 surrogate/,
  ],
  [
    'a __proto__ key in data',
    v1(entry({ data: withProto('__proto__', { admin: true }) })),
    undefined,
    /^userInvites\.userInvites\[0\]\.data\.__proto__: is not allowed as a key/,
  ],
  [
    'a constructor key, nested',
    v2(entry({ injectableVariables: { a: [withProto('constructor', 1)] } })),
    undefined,
    /^data\.userInvites\[0\]\.injectableVariables\.a\[0\]\.constructor: is not allowed as a key/,
  ],
  [
    'a __proto__ key on an entry',
    v2({ ...entry(), ...withProto('__proto__', 'x') }),
    undefined,
    /^data\.userInvites\[0\]\.__proto__: is not a known field/,
  ],
  [
    'a BigInt',
    v2(entry({ firstName: 10n })),
    undefined,
    /^data\.userInvites\[0\]\.firstName: is a BigInt, which JSON cannot carry; pass a number or a string$/,
  ],
  [
    'a cycle',
    v1(entry({ data: cyclic() })),
    undefined,
    /^userInvites\.userInvites\[0\]\.data\.self: refers back to an object that contains it; pass plain data$/,
  ],
  [
    'a bad locale',
    v2(entry({ locale: 'en US' })),
    undefined,
    /^data\.userInvites\[0\]\.locale: "en US" is not a locale; pass a language tag like "en-US"$/,
  ],
  ['options that are not an object', v2(entry()), 'fast', /^sendUserInvites options: must be an object/],
  [
    'a negative timeout',
    v2(entry()),
    { timeoutMs: -5 },
    /^timeoutMs: expected a whole number of 0 or more, got the number -5$/,
  ],
  ['a zero timeout', v2(entry()), { timeoutMs: 0 }, /^timeoutMs: must be at least 1/],
  ['too many retries', v2(entry()), { maxRetries: 11 }, /^maxRetries: must be between 0 and 10; it is 11/],
  ['a batch size of 0', v2(entry()), { batchSize: 0 }, /^batchSize: must be between 1 and 1000; it is 0$/],
  ['too much concurrency', v2(entry()), { concurrency: 100 }, /^concurrency: must be between 1 and 16; it is 100$/],
  [
    'an unknown onExisting',
    v2(entry()),
    { onExisting: 'replace' },
    /^onExisting: "replace" is not one of error, skip or resend$/,
  ],
  ['a misspelt option', v2(entry()), { timeout: 100 }, /^timeout: is not a known field; did you mean timeoutMs\?$/],
  [
    'a signal that is not one',
    v2(entry()),
    { signal: true },
    /^sendUserInvites options\.signal: must be an AbortSignal/,
  ],
  [
    'an onProgress that is not a function',
    v2(entry()),
    { onProgress: 'log' },
    /^sendUserInvites options\.onProgress: must be a function, got a string$/,
  ],
]

test('sendUserInvites: every wrong argument is INVALID_ARGUMENT naming the path and the fix, and nothing is sent', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  for (const [what, args, options, message] of SEND_CASES) {
    const error = await roqPlatform.sendUserInvites(args, options).then(
      () => assert.fail(`${what}: resolved`),
      (e) => e,
    )
    assert.ok(error instanceof RoqError && error instanceof Error, what)
    assert.equal(error.code, 'INVALID_ARGUMENT', `${what}: ${error.message}`)
    assert.match(error.message, message, what)
  }
  assert.equal(emulator.stats().graphql, 0, 'nothing reached the platform')
})

/** An object whose `key` throws when read, as a getter of a class might. */
function throwingGetter(key) {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get: () => {
      throw new Error('not loaded')
    },
  })
}

/** Data nested `depth` levels deep. */
function nested(depth) {
  let data = { leaf: true }
  for (let i = 0; i < depth; i++) data = { child: data }
  return data
}

test('values JSON cannot carry are refused with their path and the fix, never converted, before anything is sent', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const sparse = ['a']
  sparse[2] = 'c'
  const cycle = { name: 'loop' }
  cycle.self = cycle
  const cases = [
    [
      v1(entry({ data: { team: cycle } })),
      undefined,
      'userInvites.userInvites[0].data.team.self: refers back to an object that contains it; pass plain data',
    ],
    [
      v2(entry({ injectableVariables: { when: new Date(0) } })),
      undefined,
      'data.userInvites[0].injectableVariables.when: a Date is not JSON; pass date.toISOString()',
    ],
    [
      v1(entry({ data: { score: NaN } })),
      undefined,
      'userInvites.userInvites[0].data.score: NaN is not a number JSON can carry; pass a finite number',
    ],
    [
      v1(entry({ data: { ratio: Infinity } })),
      undefined,
      'userInvites.userInvites[0].data.ratio: Infinity is not a number JSON can carry; pass a finite number',
    ],
    [
      v1(entry({ data: { ratio: -Infinity } })),
      undefined,
      'userInvites.userInvites[0].data.ratio: -Infinity is not a number JSON can carry; pass a finite number',
    ],
    [
      v1(entry({ data: { tags: new Set(['a']) } })),
      undefined,
      'userInvites.userInvites[0].data.tags: a Set is not JSON; pass [...set]',
    ],
    [
      v1(entry({ data: { map: new Map([['a', 1]]) } })),
      undefined,
      'userInvites.userInvites[0].data.map: a Map is not JSON; pass Object.fromEntries(map)',
    ],
    [
      v1(entry({ data: { bytes: new Uint8Array([1, 2]) } })),
      undefined,
      'userInvites.userInvites[0].data.bytes: binary data is not JSON; pass an array of numbers, or a string',
    ],
    [v2(entry({ firstName: () => 'Ada' })), undefined, 'data.userInvites[0].firstName: is a function; pass plain data'],
    [v2(entry({ lastName: Symbol('x') })), undefined, 'data.userInvites[0].lastName: is a symbol; pass a string'],
    [
      v2(entry({ roles: sparse })),
      undefined,
      'data.userInvites[0].roles[1]: is a hole in the array; pass null or leave the entry out',
    ],
    [
      v2(entry({ injectableVariables: throwingGetter('team') })),
      undefined,
      'data.userInvites[0].injectableVariables.team: reading it threw (not loaded); pass plain data',
    ],
    [
      v1(entry({ data: nested(100_000) })),
      undefined,
      /^userInvites\.userInvites\[0\]\.data(\.child)+: is nested more than 40 levels deep$/,
    ],
    [
      v1(entry({ data: nested(34) })),
      undefined,
      /^userInvites\.userInvites\[0\]\.data(\.child)+: is nested more than 32 levels deep$/,
    ],
    [
      { data: { tenantId: new Date(0), userInvites: [entry()] } },
      undefined,
      'data.tenantId: a Date is not JSON; pass date.toISOString()',
    ],
    [v2(entry()), { batchSize: NaN }, 'batchSize: NaN is not a number JSON can carry; pass a finite number'],
    [
      v2(entry()),
      { concurrency: Infinity },
      'concurrency: Infinity is not a number JSON can carry; pass a finite number',
    ],
    [v2(entry()), { timeoutMs: 10n }, 'timeoutMs: is a BigInt, which JSON cannot carry; pass a number or a string'],
  ]
  for (const [args, options, message] of cases) {
    const pending = roqPlatform.sendUserInvites(args, options)
    const error = await pending.then(
      () => assert.fail(`resolved: ${message}`),
      (e) => e,
    )
    assert.ok(error instanceof RoqError, String(error))
    assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
  }
  assert.equal(emulator.stats().graphql, 0, 'nothing reached the platform')

  // The same in every other operation's arguments and options; async methods never throw at once.
  const others = [
    [
      () => roqPlatform.userInvites({ filter: { email: { equalTo: new Date(0) } } }),
      'filter.email.equalTo: a Date is not JSON; pass date.toISOString()',
    ],
    [() => roqPlatform.userInvites({ limit: NaN }), 'limit: NaN is not a number JSON can carry; pass a finite number'],
    [
      () => roqPlatform.updateUserInvite({ id: 'x', userInvite: { data: { at: new Date(0) } } }),
      'userInvite.data.at: a Date is not JSON; pass date.toISOString()',
    ],
    [
      () => roqPlatform.userInvite('x', { timeoutMs: Infinity }),
      'timeoutMs: Infinity is not a number JSON can carry; pass a finite number',
    ],
    [
      () => roqPlatform.graphqlRequest('{ x }', { when: new Date(0) }),
      'variables.when: a Date is not JSON; pass date.toISOString()',
    ],
  ]
  for (const [call, message] of others) {
    let pending
    assert.doesNotThrow(() => (pending = call()))
    const error = await pending.then(
      () => assert.fail('resolved'),
      (e) => e,
    )
    assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
    assert.equal(error.message, message)
  }
})

test('an empty id or token is INVALID_ARGUMENT without a request', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  for (const [call, message] of [
    [() => roqPlatform.userInvite(''), /^id: must not be empty/],
    [() => roqPlatform.resendUserInvite({ userInviteId: '  ' }), /^userInviteId: must not be empty/],
    [() => roqPlatform.cancelUserInvite(''), /^userInviteId: must not be empty/],
    [() => roqPlatform.checkUserInviteToken(''), /^token: must not be empty/],
    [() => roqPlatform.acceptUserInvite({ data: { token: '' } }), /^data\.token: must not be empty/],
    [
      () => roqPlatform.acceptUserInvite({ acceptUserInvite: { token: ' ' } }),
      /^acceptUserInvite\.token: must not be empty/,
    ],
    [() => roqPlatform.updateUserInvite({ id: '', userInvite: { firstName: 'Ada' } }), /^id: must not be empty/],
  ]) {
    const error = await call().then(
      () => assert.fail(`resolved: ${message}`),
      (e) => e,
    )
    assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
    assert.match(error.message, message)
  }
  assert.equal(emulator.stats().graphql, 0)
})

test('a million entries are refused at once, before they are turned into JSON', async (t) => {
  const emulator = await emulatorFor(t)
  const million = Array.from({ length: 1_000_000 }, (_, i) => ({
    createdByUserId: 'alice',
    email: `user${i}@example.com`,
  }))
  const error = await clientFor(emulator)
    .roqPlatform.sendUserInvites({ data: { tenantId: 'acme', userInvites: million } })
    .catch((e) => e)
  assert.equal(error.code, 'INVALID_ARGUMENT')
  assert.equal(
    error.message,
    'data.userInvites: has 1000000 invites; at most 100000 can be sent in one call: split the list',
  )
})

test('bad and unusual addresses: bad ones are refused by index with the fix, unusual valid ones are sent', async (t) => {
  const emulator = await emulatorFor(t)
  const emails = [
    'bob@',
    '@example.com',
    'two words@example.com',
    'ada@localhost',
    'a..b@example.com',
    'Ada <ada@example.com>',
    '',
    'user+tag@example.com',
    "o'brien@example.ie",
    '"john..doe"@example.com',
    '用户@例子.广告',
    'x@sub.domain.example.co.uk',
  ]
  const result = await clientFor(emulator).roqPlatform.sendUserInvites(v2(...emails.map((email) => entry({ email }))))
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.code]),
    [0, 1, 2, 3, 4, 5, 6].map((i) => [i, 'INVALID_EMAIL']),
  )
  assert.equal(
    result.errors[0].error,
    'data.userInvites[0].email: "bob@" is not an email address; correct it or leave the entry out',
  )
  assert.deepEqual(
    result.success.map((s) => s.index),
    [7, 8, 9, 10, 11],
  )
  assert.deepEqual((await emulator.outbox()).map((m) => m.to).sort(), emails.slice(7).sort())
})

test('every other operation checks its arguments and options the same way', async (t) => {
  const emulator = await emulatorFor(t)
  const { roqPlatform } = clientFor(emulator)
  const cases = [
    [() => roqPlatform.resendUserInvite(), /^resendUserInvite argument: expected an object, got null or undefined$/],
    [() => roqPlatform.resendUserInvite({ id: 'x' }), /^id: is not a known field; did you mean userInviteId\?$/],
    [() => roqPlatform.cancelUserInvite({ userInviteId: 5 }), /^userInviteId: expected a string, got the number 5$/],
    [() => roqPlatform.userInvite({}), /^id: is required$/],
    [
      () => roqPlatform.userInvites({ filter: { email: { contains: 'ada' } } }),
      /^filter\.email\.contains: is not a known field/,
    ],
    [
      () => roqPlatform.userInvites({ filter: { status: { equalTo: 'cancelled' } } }),
      /^filter\.status\.equalTo: "cancelled" is not one of pending, accepted, canceled or expired$/,
    ],
    [() => roqPlatform.userInvites({ limit: -1 }), /^limit: expected a whole number of 0 or more, got the number -1$/],
    [() => roqPlatform.userInvites({ order: { sort: 'createdAt' } }), /^order\.order: is required$/],
    [
      () => roqPlatform.userInvites({ search: { key: 'email', value: 'ada' } }),
      /^search\.key: "email" is not one of firstName, lastName or locale$/,
    ],
    [() => roqPlatform.acceptUserInvite({ token: 't' }), /"token" is not one of acceptUserInvite or data/],
    [() => roqPlatform.checkUserInviteToken({ token: null }), /^token: expected a string, got null$/],
    [
      () => roqPlatform.updateUserInvite({ id: 'x', userInvite: { email: 'new@example.com' } }),
      /^userInvite\.email: is not a known field/,
    ],
    [() => roqPlatform.userInvites({}, { batchSize: 10 }), /^batchSize: is not a known field/],
    [
      () => roqPlatform.userInvites({}, { onProgress: () => {} }),
      /^userInvites options\.onProgress: only sendUserInvites takes one$/,
    ],
  ]
  for (const [call, message] of cases) {
    const error = await call().then(
      () => assert.fail(`resolved: ${message}`),
      (e) => e,
    )
    assert.equal(error.code, 'INVALID_ARGUMENT', error.message)
    assert.match(error.message, message)
  }
  assert.equal(emulator.stats().graphql, 0)
})

test('the addon runs each operation by its name, and a name that is none is a bug, not a call', async (t) => {
  const emulator = await emulatorFor(t)
  const { binding } = require('../lib/native.js')
  const options = JSON.stringify({ host: emulator.url, environmentId: emulator.environmentId, apiKey: emulator.apiKey })
  const native = binding.NativeClient.create(options)
  const names = Object.getOwnPropertyNames(RoqPlatform.prototype).filter((name) => name !== 'constructor')
  assert.equal(names.length, 9)
  for (const name of names.filter((name) => name !== 'sendUserInvites')) {
    const answer = await native.run(name, 'null', '{}')
    assert.equal(answer.code, 'INVALID_ARGUMENT', name)
    assert.equal(answer.message, `${name} argument: expected an object, got null or undefined`)
  }
  for (const name of ['sendUserInvites', 'nope', 'constructor', '']) {
    assert.throws(() => native.run(name, '{}', '{}'), {
      message: `NativeClient.run: no operation is named ${JSON.stringify(name)}`,
    })
  }
  assert.equal(emulator.stats().graphql, 0)
})

test('bad client options fail at construction', () => {
  const base = { host: 'https://example.roq-platform.com', environmentId: 'env', apiKey: 'key' }
  const cases = [
    [{ ...base, host: 'example.com' }, /^host: "example\.com" is not a URL/],
    [
      { ...base, host: 'http://example.com' },
      /^host: "http:\/\/example\.com" uses http:\/\/, which would send the API key in clear text/,
    ],
    [{ ...base, host: 'ftp://example.com' }, /^host: the scheme "ftp" is not supported/],
    [{ ...base, timeoutMs: -1 }, /^timeoutMs: expected a whole number of 0 or more, got the number -1$/],
    [{ ...base, timeoutMs: 'fast' }, /^timeoutMs: expected a whole number of 0 or more, got the string "fast"$/],
    [{ ...base, maxRetries: 99 }, /^maxRetries: must be between 0 and 10/],
    [{ ...base, apiKey: undefined }, /^apiKey: is required$/],
    [{ ...base, apikey: 'k' }, /^apikey: is not a known field; did you mean apiKey\?$/],
    ['https://example.com', /^options: expected an object, got the string "https:\/\/example\.com"$/],
  ]
  for (const [options, message] of cases) {
    assert.throws(
      () => new RoqClient(options),
      (error) => error instanceof RoqError && error.code === 'INVALID_ARGUMENT' && message.test(error.message),
      String(message),
    )
  }
})
