//! `readSessionToken(token)`: who is signed in, read from a ROQ BaaS session token.

use napi_derive::napi;

use crate::outcome::{Outcome, outcome, to_json};

/// The JSON of the session's ids and user (never its access token); decoding only.
#[napi]
pub fn read_session_token(token: String) -> Outcome<String> {
  outcome(roq_invites::read_session(&token).and_then(to_json))
}
