//! The Node.js binding of roq-invites: thin on purpose.
//!
//! Arguments arrive as JSON text and results leave as JSON text: V8's `JSON.stringify` and
//! `JSON.parse` cross the boundary far faster than walking objects property by property through
//! N-API, the parsing runs on a worker thread, and serde reports the exact field path of any
//! mistake. The public JavaScript API (index.js) wraps these classes; it also turns rejections
//! into `RoqError`s of the caller's realm (Jest runs tests in their own realm).
#![deny(clippy::all)]

pub mod client;
pub mod emulator;
pub mod error;
mod memory;
pub mod session;
pub mod webhook;

/// The most invites one `sendUserInvites` call takes (index.js refuses larger lists before
/// turning them into JSON).
#[napi_derive::napi]
pub const MAX_INVITES_PER_CALL: u32 = roq_invites::MAX_INVITES_PER_CALL as u32;
