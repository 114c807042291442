//! The Node.js binding of roq-invites: thin on purpose.
//!
//! One native method per operation. Arguments arrive as JSON text and results leave as JSON text:
//! V8's `JSON.stringify` and `JSON.parse` cross the boundary far faster than walking objects
//! property by property through N-API, the parsing runs on the runtime's threads, and serde names
//! the exact field path of any mistake. A failure leaves as plain data (`Failure`), from which the
//! public JavaScript API (index.js) makes a `RoqError` of the caller's realm.
#![deny(clippy::all)]

pub mod client;
pub mod emulator;
mod keep_alive;
mod memory;
pub mod network;
pub mod outcome;
pub mod remote_emulator;
pub mod send;
pub mod session;
pub mod webhook;

/// The most invites one `sendUserInvites` call takes (index.js refuses larger lists before
/// turning them into JSON).
#[napi_derive::napi]
pub const MAX_INVITES_PER_CALL: u32 = roq_invites::MAX_INVITES_PER_CALL as u32;
