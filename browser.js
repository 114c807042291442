'use strict'

// What `roq-invites` resolves to in browser bundles (see "exports" in package.json). Importing
// server-only makes `next build` and `next dev` fail, under Turbopack and webpack alike, where a
// client component imports roq-invites, in Next's own words ("'server-only' cannot be imported
// from a Client Component module"), instead of a page that breaks in the visitor's browser.
// Other bundlers get server-only's own error when the module loads. Next's error shows the two
// lines above the require, so they are short, and meant for whoever reads it there.

// Server only: use roq-invites in server components, route handlers and
// server actions, and hand client components what they need as props.
require('server-only')

module.exports = require('./edge.js')
