//! Webhooks from the platform: whether a request carries the app's webhook key, and the event it
//! brings. The platform sends the key as it is in the header `roq-platform-webhook-key` (ROQ signs
//! nothing); an event is `{ name, id, object, data: { current, previous } }`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::input::from_json;
use crate::types::UserInvite;

/// The header the platform puts the webhook key in.
pub const WEBHOOK_KEY_HEADER: &str = "roq-platform-webhook-key";

/// Whether `header` (the value of `roq-platform-webhook-key`, if the request had one) is `key`.
/// They are compared as digests, so the time taken says nothing about how much of a guess was
/// right. An empty `key` is a mistake in the app's set-up, never a pass.
pub fn verify_webhook(header: Option<&str>, key: &str) -> Result<bool> {
  if key.trim().is_empty() {
    return Err(Error::invalid_argument(
      "key: must not be empty; pass the webhook key from the ROQ Console (the emulator's ROQ_WEBHOOK_KEY)",
    ));
  }
  let Some(header) = header else { return Ok(false) };
  let (given, expected) = (
    Sha256::digest(header.trim().as_bytes()),
    Sha256::digest(key.trim().as_bytes()),
  );
  Ok(
    given
      .iter()
      .zip(expected.iter())
      .fold(0u8, |differ, (a, b)| differ | (a ^ b))
      == 0,
  )
}

/// The invite events' names: a new invite, and every change after it.
pub const INVITE_INSERT: &str = "ROQ_USER_INVITE_INSERT";
pub const INVITE_UPDATE: &str = "ROQ_USER_INVITE_UPDATE";
pub const INVITE_REMOVE: &str = "ROQ_USER_INVITE_REMOVE";

/// A webhook event. For the invite events (`ROQ_USER_INVITE_*`), `current` and `previous` are
/// invites; for the platform's other events they are passed on as they came.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
  pub name: String,
  /// The event's id: the same in every delivery of it, so a receiver can ignore a repeat.
  pub id: String,
  pub object: Option<String>,
  /// What happened to the invite: `created`, `resent`, `canceled`, `accepted`, `updated` or
  /// `expired` (the emulator's; the platform documents none).
  pub change: Option<String>,
  pub created_at: Option<String>,
  pub data: EventData,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventData {
  pub current: Option<Box<RawValue>>,
  pub previous: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
  name: String,
  id: String,
  #[serde(default)]
  object: Option<String>,
  #[serde(default)]
  change: Option<String>,
  #[serde(default)]
  created_at: Option<String>,
  data: RawData,
}

#[derive(Deserialize)]
struct RawData {
  #[serde(default)]
  current: Option<Box<RawValue>>,
  #[serde(default)]
  previous: Option<Box<RawValue>>,
}

/// The invites of an invite event, checked against the schema (each path named).
#[derive(Deserialize)]
#[allow(dead_code, reason = "deserialized only to check the event's invites")]
struct InviteData {
  current: Option<UserInvite>,
  previous: Option<UserInvite>,
}

/// Reads a webhook request's body (its text) as an event; `INVALID_ARGUMENT` names what is wrong.
pub fn parse_webhook_event(body: &str) -> Result<WebhookEvent> {
  const WHAT: &str = "body";
  if serde_json::from_str::<&RawValue>(body).is_err() {
    return Err(Error::invalid_argument(format!(
      "{WHAT}: is not JSON; pass the request's body as it came (await request.text())"
    )));
  }
  let event: Body = from_json(body, WHAT).map_err(|e| e.context("the webhook's body is not a ROQ event"))?;
  if event.id.trim().is_empty() || event.name.trim().is_empty() {
    return Err(Error::invalid_argument(format!(
      "{WHAT}: has an empty name or id; it is not a ROQ event"
    )));
  }
  if event.name.starts_with("ROQ_USER_INVITE_") {
    let data = serde_json::json!({
      "current": event.data.current.as_deref(),
      "previous": event.data.previous.as_deref(),
    });
    from_json::<InviteData>(&data.to_string(), "data").map_err(|e| {
      Error::invalid_argument(format!("data.{}", e.message())).context(format!("{} carries no invite", event.name))
    })?;
  }
  Ok(WebhookEvent {
    name: event.name,
    id: event.id,
    object: event.object,
    change: event.change,
    created_at: event.created_at,
    data: EventData {
      current: event.data.current,
      previous: event.data.previous,
    },
  })
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;

  const INVITE: &str = r#"{"acceptedByUserId":null,"createdAt":"2026-12-01T00:00:00.000Z","createdByUserId":"u","data":null,"email":"ada@example.com","firstName":"","id":"i1","locale":null,"lastName":"","roleKeys":null,"status":"accepted","statusUpdatedAt":"2026-12-01T00:00:00.000Z","tenantId":"acme","updatedAt":"2026-12-01T00:00:00.000Z","userTokenId":"t1"}"#;

  #[test]
  fn verifies_the_key_and_refuses_an_empty_one() {
    assert!(verify_webhook(Some("whk_secret"), "whk_secret").unwrap());
    assert!(verify_webhook(Some(" whk_secret "), "whk_secret").unwrap());
    assert!(!verify_webhook(Some("whk_secrets"), "whk_secret").unwrap());
    assert!(!verify_webhook(Some(""), "whk_secret").unwrap());
    assert!(!verify_webhook(None, "whk_secret").unwrap());
    for empty in ["", "  "] {
      assert_eq!(
        verify_webhook(Some(""), empty).unwrap_err().code(),
        ErrorCode::InvalidArgument
      );
    }
  }

  #[test]
  fn reads_an_invite_event_and_keeps_its_invites_as_they_came() {
    let body = format!(
      r#"{{"name":"ROQ_USER_INVITE_UPDATE","id":"e1","object":"UserInvite","change":"accepted","data":{{"current":{INVITE},"previous":null}}}}"#
    );
    let event = parse_webhook_event(&body).unwrap();
    assert_eq!(
      (event.name.as_str(), event.change.as_deref()),
      ("ROQ_USER_INVITE_UPDATE", Some("accepted"))
    );
    assert_eq!(event.data.current.unwrap().get(), INVITE);
    assert!(event.data.previous.is_none());
  }

  #[test]
  fn names_what_is_wrong() {
    for (body, expected) in [
      ("not json".to_owned(), "body: is not JSON"),
      (
        r#"{"id":"e1","data":{}}"#.to_owned(),
        "the webhook's body is not a ROQ event: name: is required",
      ),
      (
        r#"{"name":"X","id":"e1"}"#.to_owned(),
        "the webhook's body is not a ROQ event: data: is required",
      ),
      (
        format!(
          r#"{{"name":"ROQ_USER_INVITE_INSERT","id":"e1","data":{{"current":{}}}}}"#,
          INVITE.replace("\"accepted\"", "\"gone\"")
        ),
        "ROQ_USER_INVITE_INSERT carries no invite: data.current.status: \"gone\" is not one of",
      ),
    ] {
      let error = parse_webhook_event(&body).unwrap_err();
      assert_eq!(error.code(), ErrorCode::InvalidArgument);
      assert!(error.message().starts_with(expected), "{error}");
    }
    // Other events of the platform pass, their data as it came.
    let user = parse_webhook_event(r#"{"name":"ROQ_USER_INSERT","id":"e2","data":{"current":{"id":"u1"}}}"#).unwrap();
    assert_eq!(user.data.current.unwrap().get(), r#"{"id":"u1"}"#);
  }
}
