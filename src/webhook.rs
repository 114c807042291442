//! `verifyWebhook` and `parseWebhookEvent`: no client needed, as a route handler has none.

use napi_derive::napi;

use crate::outcome::{Outcome, outcome, to_json};

/// Whether `header` (the `roq-platform-webhook-key` value, if any) is `key`, in constant time.
#[napi]
pub fn verify_webhook(header: Option<String>, key: String) -> Outcome<bool> {
  outcome(roq_invites::verify_webhook(header.as_deref(), &key))
}

/// The JSON of the event in a webhook request's body (its text).
#[napi]
pub fn parse_webhook_event(body: String) -> Outcome<String> {
  outcome(roq_invites::parse_webhook_event(&body).and_then(to_json))
}
