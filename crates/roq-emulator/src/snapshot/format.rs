//! The snapshot's format: the types of its JSON, and its reading and writing as text.
//!
//! The format is these types, written by serde in their field order: pretty-printed, users and
//! tenants sorted by id (a new one lands in its place), invites, mails and deliveries in the
//! order they were made (a new one lands at the end), so that two exports of the same data are
//! the same bytes but for `exportedAt` (the clock's now), and a change is a small diff. Times are ISO-8601 on the emulator's clock;
//! `exportedAt` is that clock's "now" at export, and an import shifts every time by
//! (its own now − `exportedAt`), so an invite with a day left still has a day left.
//!
//! Credentials (API key, webhook key, signing secret) are not in it: a snapshot is meant for a
//! repository, and the importing emulator's credentials are its own options. Accept tokens are
//! there only as SHA-256 digests, except in the mails' links, as the outbox has them.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use roq_rules::UserInviteStatus;

use super::duplicate_keys;
use crate::clock::{EARLIEST_MS, LATEST_MS, iso};
use crate::platform::history::InviteEvent;
use crate::webhooks::deliveries::DeliveryState;

/// The version of the format this emulator writes and reads.
pub const SNAPSHOT_VERSION: u64 = 1;

/// The largest snapshot, as JSON text, that an import reads and an export writes: 500 MiB.
///
/// Measured on an export of invites as an app sends them (names, a locale, a role, a little
/// `data`; a tenth resent, a tenth canceled, a tenth accepted), each with its mail and its
/// history: 1.65 KB per invite, and 4.2 KB with a webhook configured (each step's event, as
/// sent, and its delivery). A store of 100,000 invites (the most one `sendUserInvites` takes)
/// exports 165 MB, or 420 MB with a webhook; this leaves a fifth more. It is also just under the
/// longest string V8 holds (2^29 − 24 characters), so that JavaScript can hold any export as one
/// string (`JSON.stringify(snapshot, null, 2)`, the docs' way of writing one, docs/snapshots.md).
pub const MAX_SNAPSHOT_BYTES: usize = 500 * 1024 * 1024;
const _: () = assert!(
  MAX_SNAPSHOT_BYTES < (1 << 29) - 24,
  "JavaScript must hold any export as one string"
);

/// The limit as people read it.
pub(crate) fn limit_in_words() -> String {
  format!("{} MiB", MAX_SNAPSHOT_BYTES / (1024 * 1024))
}

/// What `importFrom` / `--import` takes: a file's path, or the snapshot itself, as its JSON text
/// (read as a file's bytes are: the same limit, the same refusal of a key named twice).
#[derive(Clone, Serialize)]
#[serde(untagged)]
pub enum ImportFrom {
  Path(PathBuf),
  Snapshot(Box<RawValue>),
}

/// A string is a path; anything else is the snapshot, kept as its text. Only from serde_json
/// (the options are JSON), which hands the text over as it is.
impl<'de> Deserialize<'de> for ImportFrom {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    if raw.get().starts_with('"') {
      serde_json::from_str(raw.get())
        .map(Self::Path)
        .map_err(serde::de::Error::custom)
    } else {
      Ok(Self::Snapshot(raw))
    }
  }
}

/// The path, never a snapshot's content: its mails carry accept tokens.
impl std::fmt::Debug for ImportFrom {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match self {
      Self::Path(path) => f.debug_tuple("Path").field(path).finish(),
      Self::Snapshot(_) => f.write_str("Snapshot(..)"),
    }
  }
}

/// A moment, in milliseconds since the Unix epoch; written as the platform writes dates
/// (`2026-12-03T12:00:00.000Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub i64);

impl Serialize for Moment {
  fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&iso(self.0))
  }
}

/// A time the emulator writes: from `0000-01-01T00:00:00.000Z` to `9999-12-31T23:59:59.999Z`
/// ([`EARLIEST_MS`], [`LATEST_MS`]). An offset may take a time past either end
/// (`9999-12-31T23:59:59.999-01:00`): that is refused too.
impl<'de> Deserialize<'de> for Moment {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    let text = String::deserialize(deserializer)?;
    let ms = chrono::DateTime::parse_from_rfc3339(&text)
      .map(|time| time.timestamp_millis())
      .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a time; write it as 2026-12-03T12:00:00.000Z")))?;
    if !(EARLIEST_MS..=LATEST_MS).contains(&ms) {
      return Err(serde::de::Error::custom(format!(
        "{text:?} is outside the times a snapshot holds, {} to {}",
        iso(EARLIEST_MS),
        iso(LATEST_MS)
      )));
    }
    Ok(Self(ms))
  }
}

/// The emulator's data as JSON (version 1), as `export()`, `GET /__emulator/export` and
/// `exportOnExit` give it: pretty-printed, fields in a fixed order, tenants and users sorted by
/// id, invites, mails and deliveries in the order they were made, so that two exports of the same
/// state are the same bytes. Times are ISO-8601 on the emulator's clock. No credentials; accept
/// tokens only as SHA-256 digests, except in the mails' links.
///
/// An import takes the same, where only `version` is required: a hand-written seed gives what it
/// cares about and the import makes up the rest. (In TypeScript, `Snapshot` is what an export
/// gives, every field there; `SnapshotSeed` what a seed may leave out.)
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Snapshot {
  #[cfg_attr(feature = "typescript", ts(type = "1"))]
  pub version: u64,
  /// The emulator clock's now at export; an import moves every time by (its now − this). Absent
  /// in a seed, whose times are then taken as written.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub exported_at: Option<Moment>,
  /// Every tenant that has users or invites. In a seed, when given, every `tenantId` must be one.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub tenants: Vec<Tenant>,
  #[serde(default)]
  pub users: Vec<SnapshotUser>,
  #[serde(default)]
  pub invites: Vec<SnapshotInvite>,
  #[serde(default)]
  pub mails: Vec<SnapshotMail>,
  #[serde(default)]
  pub webhook_deliveries: Vec<SnapshotDelivery>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Tenant {
  pub id: String,
}

/// A platform user: an inviter, an invitee who accepted, or a session's user (with its roles).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SnapshotUser {
  pub id: String,
  #[serde(default)]
  pub tenant_id: Option<String>,
  #[serde(default)]
  pub email: Option<String>,
  #[serde(default)]
  pub first_name: Option<String>,
  #[serde(default)]
  pub last_name: Option<String>,
  #[serde(default)]
  pub locale: Option<String>,
  /// The role keys a session gave it.
  #[serde(default)]
  pub roles: Option<Vec<String>>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub created_at: Option<Moment>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub updated_at: Option<Moment>,
}

/// An invite, with what its accept flow needs (the digest of its live token, and of the tokens
/// a resend replaced) and its history.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SnapshotInvite {
  /// Made up if absent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub id: Option<String>,
  pub tenant_id: String,
  pub email: String,
  #[serde(default)]
  pub first_name: Option<String>,
  #[serde(default)]
  pub last_name: Option<String>,
  #[serde(default)]
  pub locale: Option<String>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "Record<string, unknown> | null"))]
  pub data: Option<Map<String, Value>>,
  #[serde(default)]
  pub role_keys: Option<Vec<String>>,
  /// As read at export: a pending invite past its validity is `expired`. `pending` if absent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "UserInviteStatus"))]
  pub status: Option<UserInviteStatus>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub status_updated_at: Option<Moment>,
  pub created_by_user_id: String,
  #[serde(default)]
  pub accepted_by_user_id: Option<String>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub user_token_id: Option<String>,
  /// The SHA-256 (64 hex digits) of the accept token in its latest mail. Absent in a seed: a
  /// token is made, and its mail written as if sent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub token_digest: Option<String>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<String>"))]
  pub token_used_at: Option<Moment>,
  /// Tokens of earlier mails that a resend replaced: their links say so instead of "not found".
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub replaced_tokens: Vec<ReplacedToken>,
  /// `createdAt` + the emulator's invite validity if absent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub valid_till: Option<Moment>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub created_at: Option<Moment>,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub updated_at: Option<Moment>,
  /// Oldest first; with webhooks, each step's event id and payload as sent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub history: Vec<Step>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ReplacedToken {
  pub token_digest: String,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub replaced_at: Moment,
}

/// A step of an invite's history; with webhooks, also the event sent (its id and payload, as
/// sent, so that a delivery still to come sends the same).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Step {
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub event: InviteEvent,
  /// The invite's status after it.
  pub status: UserInviteStatus,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub at: Moment,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(feature = "typescript", ts(optional))]
  pub event_id: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(feature = "typescript", ts(type = "unknown", optional))]
  pub payload: Option<Value>,
}

/// A mail of the outbox; its text and HTML are composed again from these when it is read. Its
/// link is this emulator's accept page with the token (an import points it at the importing
/// emulator's page).
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SnapshotMail {
  pub id: i64,
  pub user_invite_id: String,
  pub to: String,
  pub locale: String,
  pub subject: String,
  #[serde(default)]
  pub first_name: Option<String>,
  /// What it invites to.
  pub app: String,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub valid_till: Moment,
  /// For reading: an import makes the link again from its own accept page and `token`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(optional = nullable))]
  pub accept_url: Option<String>,
  pub token: String,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub created_at: Moment,
}

/// Without the token and the link.
impl std::fmt::Debug for SnapshotMail {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("SnapshotMail")
      .field("id", &self.id)
      .field("user_invite_id", &self.user_invite_id)
      .field("to", &self.to)
      .field("created_at", &self.created_at)
      .finish_non_exhaustive()
  }
}

/// A webhook delivery of one event (named by its `eventId` in an invite's history) to one URL.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "SnapshotWebhookDelivery"))]
pub struct SnapshotDelivery {
  pub id: i64,
  /// The `eventId` of a step of an invite's history.
  pub event_id: String,
  pub url: String,
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub state: DeliveryState,
  /// Written as a delivery's attempts are (`WebhookAttempt`).
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Vec<crate::webhooks::deliveries::Attempt>"))]
  pub attempts: Vec<SnapshotAttempt>,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub next_attempt_at: Moment,
  #[cfg_attr(feature = "typescript", ts(as = "String"))]
  pub created_at: Moment,
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<String>"))]
  pub settled_at: Option<Moment>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotAttempt {
  pub at: Moment,
  pub duration_ms: u64,
  #[serde(default)]
  pub status: Option<u16>,
  #[serde(default)]
  pub error: Option<String>,
}

/// The snapshot as its file's bytes: pretty-printed, with a final newline.
pub(crate) fn to_text(snapshot: &Snapshot) -> String {
  let mut text = serde_json::to_string_pretty(snapshot).expect("a snapshot always encodes as JSON");
  text.push('\n');
  text
}

/// Reads a snapshot's JSON text straight into its types (no `Value` of the whole in between),
/// naming the path of the first mistake: `invites[3].email: …`. First, in one pass over the text:
/// its size, that it is JSON, that no key is named twice in one object, and its version.
pub(crate) fn read(text: &[u8]) -> Result<Snapshot, String> {
  if text.len() > MAX_SNAPSHOT_BYTES {
    return Err(too_large_to_read());
  }
  let version = duplicate_keys::check(text).map_err(|refusal| match refusal {
    duplicate_keys::Refusal::NotJson(error) => format!("is not JSON ({error}); a snapshot is a JSON object"),
    duplicate_keys::Refusal::Mistake(mistake) => mistake,
  })?;
  match version {
    Some(Value::Number(n)) if n.as_u64() == Some(SNAPSHOT_VERSION) => {}
    Some(other) => {
      return Err(format!(
        "version: this emulator reads snapshots of version {SNAPSHOT_VERSION}, not {other}; export it again with this version"
      ));
    }
    None => {
      return Err(format!(
        "version: missing; a snapshot starts with \"version\": {SNAPSHOT_VERSION}"
      ));
    }
  }
  serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(text)).map_err(|error| {
    let path = error.path().to_string();
    let inner = without_position(error.into_inner().to_string());
    if path == "." { inner } else { format!("{path}: {inner}") }
  })
}

/// serde_json's message without the " at line 3 column 7" it adds: the path says where, in the
/// snapshot's own words.
fn without_position(mut message: String) -> String {
  if let Some((_, place)) = message.rsplit_once(" at line ")
    && let Some((line, column)) = place.split_once(" column ")
    && [line, column]
      .iter()
      .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
  {
    message.truncate(message.len() - place.len() - " at line ".len());
  }
  message
}

/// Past [`MAX_SNAPSHOT_BYTES`], on reading (a file that does not end, such as `/dev/zero`, is
/// read no further).
pub(crate) fn too_large_to_read() -> String {
  format!(
    "is more than {}, the largest snapshot the emulator reads (MAX_SNAPSHOT_BYTES); a snapshot is one JSON object, and one of 100,000 invites is about 420 MB",
    limit_in_words()
  )
}
