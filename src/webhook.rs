//! `verifyWebhook` and `parseWebhookEvent`: no client needed, as a route handler has none.

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error::{to_js, to_json};

/// Whether `header` (the `roq-platform-webhook-key` value, if any) is `key`, in constant time.
#[napi]
pub fn verify_webhook(env: Env, header: Option<String>, key: String) -> Result<bool> {
  roq_invites::verify_webhook(header.as_deref(), &key).map_err(|e| to_js(&env, &e))
}

/// The JSON of the event in a webhook request's body (its text).
#[napi]
pub fn parse_webhook_event(env: Env, body: String) -> Result<String> {
  roq_invites::parse_webhook_event(&body)
    .and_then(to_json)
    .map_err(|e| to_js(&env, &e))
}
