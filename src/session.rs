//! `readSessionToken(token)`: who is signed in, read from a ROQ BaaS session token.

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error::{to_js, to_json};

/// The JSON of the session's ids and user (never its access token); decoding only.
#[napi]
pub fn read_session_token(env: Env, token: String) -> Result<String> {
  roq_invites::read_session(&token)
    .and_then(to_json)
    .map_err(|e| to_js(&env, &e))
}
