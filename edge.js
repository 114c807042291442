'use strict'

// What `roq-invites` resolves to in the Edge runtime and in workers (see "exports" in
// package.json), where a native addon cannot load. It exports every public name of index.js, so
// that a bundler finds each name it imports (Turbopack refuses a named import from a module
// without it), and each one throws the message where it is used, not at import.

const message =
  'roq-invites needs the Node.js runtime: it is a native addon, which the Edge runtime and browsers ' +
  'cannot load. In Next.js, call it from route handlers, server components and server actions that ' +
  "run on Node.js (the default; or export const runtime = 'nodejs'), not from middleware or client components."

/** A stand-in for a class or function of index.js: calling it, constructing it or reading from it throws. */
function nodeOnly() {
  const fail = () => {
    throw new Error(message)
  }
  return new Proxy(function roqInvites() {}, { apply: fail, construct: fail, get: fail })
}

// The names of index.js, in its order (__test__/edge.test.mjs keeps the two lists the same), each
// assigned alone so that Node's import of CommonJS and the bundlers see them all.
exports.RoqClient = nodeOnly()
exports.RoqPlatform = nodeOnly()
exports.RoqError = nodeOnly()
exports.Emulator = nodeOnly()
exports.startEmulator = nodeOnly()
exports.connectEmulator = nodeOnly()
exports.readSessionToken = nodeOnly()
exports.verifyWebhook = nodeOnly()
exports.parseWebhookEvent = nodeOnly()
exports.isInviteEvent = nodeOnly()
