'use strict'

// What `roq-invites` resolves to in the Edge runtime, in workers and in browser bundles (see
// "exports" in package.json): it is a native addon, and only Node.js can load it.
throw new Error(
  'roq-invites needs the Node.js runtime: it is a native addon, which the Edge runtime and browsers ' +
    'cannot load. In Next.js, call it from route handlers, server components and server actions that ' +
    "run on Node.js (the default; or export const runtime = 'nodejs'), not from middleware or client components.",
)
