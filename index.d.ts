// Type definitions for roq-invites: the public contract. The types of the data (inputs, invites,
// filters, results, codes) are generated from the Rust types into types.d.ts; the classes and
// functions, with their docs, are written beside the JavaScript that implements them, one file
// per module of lib/. The native classes they wrap are typed in binding.d.ts, which napi-rs
// generates.

export * from './types'
export * from './lib/errors'
export * from './lib/client'
export * from './lib/log'
export * from './lib/webhooks'
export * from './lib/emulator'
export * from './lib/session'
