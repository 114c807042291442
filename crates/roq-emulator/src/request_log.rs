//! The request log: every request the emulator answered on the platform's endpoints (the two
//! token endpoints and both GraphQL endpoints), so that a failed call's request id, or a trace
//! of the app, finds what the emulator saw. `server/request_log_layer.rs` writes a row as each
//! answer goes out; `emulator.requests()`, `GET /__emulator/requests`, `roq-invites requests` and
//! the dashboard's Requests tab read them.
//!
//! It is a ring in memory of the newest [`ROWS`] rows: a test suite's last thousand requests are
//! what anyone looks for, and the log's memory stays small and the same however long the
//! emulator runs. A row holds no secret and nothing of a person (no key, token, credentials,
//! email, name, variables or body): the caller is the service account or a user's id, the
//! operation is the document's name, the invites are their ids.
//!
//! Writing a row is what every request pays, so it is kept cheap: the few fields are moved in as
//! they are (times as numbers, the trace id as its bytes), under a lock held for a push and a pop;
//! the text of a row (its ISO time) is made only when the row is read. Readers take the rows
//! (shared, not copied) and leave the lock at once.
//!
//! A reset of every tenant empties the log (its requests were about data that is gone); a reset
//! of one tenant leaves it, since a request need not be one tenant's (a token, the service
//! account listing every tenant). Row ids go on from where they were: an id never names two rows.
//! Snapshots hold no request.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};

use crate::clock::iso;
use crate::faults::FaultAnswer;
use crate::principal::Principal;
use crate::problem::Problem;

/// How many rows the log keeps: the newest; the oldest goes as a new one comes.
pub const ROWS: usize = 1000;

/// How many ids of the invites a request created or changed its row keeps (the first); the row
/// counts them all.
pub const INVITE_IDS_KEPT: usize = 5;

/// The longest operation name kept, in bytes (a GraphQL name is ASCII); a longer one is cut.
pub const MAX_OPERATION_BYTES: usize = 128;

/// Which endpoint a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Endpoint {
  #[serde(rename = "/v01/authorize/serviceAccount")]
  ServiceAccountToken,
  #[serde(rename = "/v01/authorize")]
  UserToken,
  #[serde(rename = "/v01/server/graphql")]
  ServerGraphql,
  #[serde(rename = "/v01/graphql")]
  BrowserGraphql,
}

impl Endpoint {
  /// The endpoint at `path`, if it is one of the platform's.
  pub fn of(path: &str) -> Option<Self> {
    match path {
      "/v01/authorize/serviceAccount" => Some(Self::ServiceAccountToken),
      "/v01/authorize" => Some(Self::UserToken),
      "/v01/server/graphql" => Some(Self::ServerGraphql),
      "/v01/graphql" => Some(Self::BrowserGraphql),
      _ => None,
    }
  }

  pub fn path(self) -> &'static str {
    match self {
      Self::ServiceAccountToken => "/v01/authorize/serviceAccount",
      Self::UserToken => "/v01/authorize",
      Self::ServerGraphql => "/v01/server/graphql",
      Self::BrowserGraphql => "/v01/graphql",
    }
  }
}

/// Who a request's credentials showed it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum CallerKind {
  /// The environment's service account (the API key, or its token).
  ServiceAccount,
  /// A user, by a token the emulator issued for it (`userId` says which).
  User,
}

/// Who called, as far as the credentials showed before the answer: never a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
  ServiceAccount,
  User(Box<str>),
}

impl Caller {
  pub fn of(principal: &Principal) -> Self {
    match principal {
      Principal::ServiceAccount => Self::ServiceAccount,
      Principal::User { user_id } => Self::User(user_id.as_str().into()),
    }
  }
}

/// The invites a request created or changed: how many, and the ids of the first few.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InviteIds {
  pub count: u64,
  pub first: Vec<Box<str>>,
}

impl InviteIds {
  /// Adds `count` invites, whose ids (at least the first [`INVITE_IDS_KEPT`]) `ids` gives.
  pub fn add<'a>(&mut self, count: usize, ids: impl IntoIterator<Item = &'a str>) {
    self.count = self.count.saturating_add(count as u64);
    let room = INVITE_IDS_KEPT.saturating_sub(self.first.len());
    self.first.extend(ids.into_iter().take(room.min(count)).map(Box::from));
  }
}

/// What a handler learned of a request that the log's layer cannot see from outside: who called,
/// the operation, the error code of its answer and the invites it created or changed. The
/// handler puts it on its answer's extensions; the layer takes it off.
#[derive(Clone, Debug, Default)]
pub struct Noted {
  pub caller: Option<Caller>,
  pub operation: Option<Box<str>>,
  /// The platform's code of the answer's error (REST's `errorCode`, the first GraphQL error's
  /// `extensions.code`), if it holds one.
  pub error_code: Option<Cow<'static, str>>,
  pub invites: InviteIds,
}

/// Which fault spoiled (or slowed) a request's answer: `server/fault_middleware.rs` puts it on
/// the answer's extensions.
#[derive(Clone, Copy, Debug)]
pub struct FaultApplied(pub FaultAnswer);

/// What the GraphQL side of one request notes while it runs (the operation, as the document
/// names it; the invites the resolvers created or changed), shared with the schema through the
/// request's data.
#[derive(Debug, Default)]
pub struct GraphqlNote {
  operation: OnceLock<Box<str>>,
  invites: Mutex<InviteIds>,
}

impl GraphqlNote {
  /// The operation's name, cut to [`MAX_OPERATION_BYTES`]; the first one noted stays.
  pub fn set_operation(&self, name: &str) {
    let mut end = name.len().min(MAX_OPERATION_BYTES);
    while !name.is_char_boundary(end) {
      end -= 1;
    }
    let _ = self.operation.set(name[..end].into());
  }

  pub fn add_invites<'a>(&self, count: usize, ids: impl IntoIterator<Item = &'a str>) {
    self
      .invites
      .lock()
      .unwrap_or_else(PoisonError::into_inner)
      .add(count, ids);
  }

  /// What was noted, into `noted`.
  pub fn into_noted(self, noted: &mut Noted) {
    noted.operation = self.operation.into_inner();
    noted.invites = self.invites.into_inner().unwrap_or_else(PoisonError::into_inner);
  }
}

/// A trace id as a `traceparent` carries it: 32 lowercase hexadecimal characters, not all zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceId([u8; 32]);

impl TraceId {
  /// The trace id of a valid W3C `traceparent` (the rulebook's rule); none for anything else.
  pub fn of_traceparent(value: &[u8]) -> Option<Self> {
    let trace = roq_rules::trace_id_of_traceparent(value)?;
    let mut id = [0; 32];
    id.copy_from_slice(trace);
    Some(Self(id))
  }

  /// A trace id given to search by: its 32 hexadecimal characters, in either case.
  pub fn parse(text: &str) -> Option<Self> {
    let bytes = text.as_bytes();
    if bytes.len() != 32 || !bytes.iter().all(u8::is_ascii_hexdigit) {
      return None;
    }
    let mut id = [0; 32];
    id.copy_from_slice(bytes);
    id.make_ascii_lowercase();
    Some(Self(id))
  }

  pub fn as_str(&self) -> &str {
    // Only ASCII hexadecimal digits are ever kept.
    std::str::from_utf8(&self.0).unwrap_or_default()
  }
}

pub use roq_rules::is_request_id;

/// A row as the log keeps it: what the request's layer moves in.
#[derive(Debug)]
pub struct Entry {
  /// When it arrived, by the emulator's clock (milliseconds since the epoch).
  pub at_ms: i64,
  pub endpoint: Endpoint,
  pub noted: Noted,
  pub status: u16,
  pub fault: Option<FaultAnswer>,
  pub duration_us: u64,
  pub request_id: Box<str>,
  pub trace_id: Option<TraceId>,
}

impl Entry {
  /// Whether the caller was answered with a failure: an HTTP error, an answer that holds an
  /// error (GraphQL's answer 200 with `errors`), or an answer a fault spoiled.
  fn failed(&self) -> bool {
    self.status >= 400
      || self.noted.error_code.is_some()
      || self.fault.is_some_and(|fault| fault != FaultAnswer::Normal)
  }
}

/// A request the emulator answered, as the log shows it (`emulator.requests()`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct LoggedRequest {
  /// The row's number: from 1, in the order the answers went out, never given again (not after a
  /// reset either).
  pub id: u64,
  /// When the request arrived, by the emulator's clock (ISO-8601).
  pub at: String,
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub endpoint: Endpoint,
  /// The GraphQL operation's name as the document gives it (the one `operationName` picks), else
  /// its first root field (`userInvites`); null for a token request, or a GraphQL request whose
  /// document was not read (refused before, or not parsed).
  pub operation: Option<String>,
  /// Who called, as the credentials showed: null when they showed nobody (refused, or not read).
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub caller: Option<CallerKind>,
  /// The user's id when `caller` is `user`.
  pub user_id: Option<String>,
  /// The HTTP status of the answer (a fault's, when a fault answered).
  pub status: u16,
  /// The platform's code of the error the answer holds: REST's `errorCode`, or the first GraphQL
  /// error's `extensions.code` (GraphQL answers most errors with HTTP 200); null when it holds none.
  pub error_code: Option<String>,
  /// The fault that answered in the platform's place (`status`, `drop`: the connection broken,
  /// ...; see `Fault`) or, `normal`, only delayed its answer; null without one.
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub fault: Option<FaultAnswer>,
  /// Whether the caller got a failure: `status` 400 or more, an `errorCode`, or a fault other
  /// than `normal`.
  pub failed: bool,
  /// From the request's arrival to its answer's headers, in milliseconds (to the microsecond),
  /// a fault's delay included.
  pub duration_ms: f64,
  /// The `x-request-id` the answer carried: the caller's own, when it sent one of 1 to 128
  /// characters of `[A-Za-z0-9._:-]`, else one the emulator made (a UUID).
  pub request_id: String,
  /// The trace id of the request's `traceparent`, when it sent a valid one.
  pub trace_id: Option<String>,
  /// The ids of the first invites (at most 5) the request created or changed, in order.
  pub invite_ids: Vec<String>,
  /// How many invites the request created or changed.
  pub invite_count: u64,
}

impl LoggedRequest {
  fn of(id: u64, entry: &Entry) -> Self {
    let (caller, user_id) = match &entry.noted.caller {
      None => (None, None),
      Some(Caller::ServiceAccount) => (Some(CallerKind::ServiceAccount), None),
      Some(Caller::User(user)) => (Some(CallerKind::User), Some(user.to_string())),
    };
    Self {
      id,
      at: iso(entry.at_ms),
      endpoint: entry.endpoint,
      operation: entry.noted.operation.as_deref().map(str::to_owned),
      caller,
      user_id,
      status: entry.status,
      error_code: entry.noted.error_code.as_deref().map(str::to_owned),
      fault: entry.fault,
      failed: entry.failed(),
      duration_ms: entry.duration_us as f64 / 1000.0,
      request_id: entry.request_id.to_string(),
      trace_id: entry.trace_id.map(|id| id.as_str().to_owned()),
      invite_ids: entry.noted.invites.first.iter().map(|id| id.to_string()).collect(),
      invite_count: entry.noted.invites.count,
    }
  }
}

/// Which statuses to show: one HTTP status, or every failure (see [`LoggedRequest::failed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
  Code(u16),
  Failed,
}

impl StatusFilter {
  /// `failed`, or an HTTP status (100 to 599); empty for none.
  pub fn parse(text: &str) -> Result<Option<Self>, Problem> {
    match text {
      "" => Ok(None),
      "failed" => Ok(Some(Self::Failed)),
      digits => digits
        .parse::<u16>()
        .ok()
        .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
        .map(Self::code)
        .unwrap_or_else(|| Err(Self::wrong(&format!("{text:?}"))))
        .map(Some),
    }
  }

  fn code(code: u16) -> Result<Self, Problem> {
    if (100..=599).contains(&code) {
      Ok(Self::Code(code))
    } else {
      Err(Self::wrong(&code.to_string()))
    }
  }

  fn wrong(given: &str) -> Problem {
    Problem::BadRequest(format!(
      "status {given} is neither an HTTP status (100 to 599) nor \"failed\""
    ))
  }

  fn matches(self, entry: &Entry) -> bool {
    match self {
      Self::Code(code) => entry.status == code,
      Self::Failed => entry.failed(),
    }
  }
}

/// Which rows to show (`emulator.requests(query)`, `GET /__emulator/requests?...`): those with
/// every property given, newest first.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
pub struct RequestLogQuery {
  /// The trace id (32 hexadecimal characters) of the requests' `traceparent`.
  #[serde(default)]
  pub trace_id: Option<String>,
  /// The request's `x-request-id`, e.g. a `RoqError`'s `requestId`.
  #[serde(default)]
  pub request_id: Option<String>,
  /// An HTTP status, or `failed`: every request answered with a failure.
  #[serde(default, with = "status_filter")]
  #[cfg_attr(feature = "typescript", ts(type = "number | 'failed'", optional))]
  pub status: Option<StatusFilter>,
  /// At most this many rows, 0 to 1000; all of them if absent.
  #[serde(default)]
  pub limit: Option<usize>,
}

/// `status` from JSON (a number or a string) or from a query string (text).
mod status_filter {
  use serde::Deserializer;

  // From the crate, not `super::`: tests/no_import_circles.rs reads a file's paths as the file's,
  // and `super::` of this file is the crate root.
  use crate::request_log::StatusFilter;

  pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<StatusFilter>, D::Error> {
    deserializer.deserialize_any(Visitor)
  }

  struct Visitor;

  impl serde::de::Visitor<'_> for Visitor {
    type Value = Option<StatusFilter>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
      formatter.write_str("an HTTP status or \"failed\"")
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
      let code = u16::try_from(value).unwrap_or(u16::MAX);
      StatusFilter::code(code)
        .map(Some)
        .map_err(|problem| E::custom(problem.message()))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
      self.visit_u64(u64::try_from(value).unwrap_or(u64::MAX))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
      StatusFilter::parse(value).map_err(|problem| E::custom(problem.message()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
      Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
      Ok(None)
    }
  }
}

/// A query checked: what each row is compared with.
struct Search {
  trace_id: Option<TraceId>,
  request_id: Option<String>,
  status: Option<StatusFilter>,
  limit: usize,
}

impl RequestLogQuery {
  fn search(&self) -> Result<Search, Problem> {
    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    let trace_id = given(&self.trace_id)
      .map(|text| {
        TraceId::parse(&text).ok_or_else(|| {
          Problem::BadRequest(format!(
            "traceId {text:?} is not a trace id: 32 hexadecimal characters, the second part of a traceparent"
          ))
        })
      })
      .transpose()?;
    let request_id = given(&self.request_id)
      .map(|text| {
        if is_request_id(text.as_bytes()) {
          Ok(text)
        } else {
          Err(Problem::BadRequest(format!(
            "requestId {text:?} is not a request id: 1 to {} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'",
            roq_rules::MAX_REQUEST_ID
          )))
        }
      })
      .transpose()?;
    let limit = match self.limit {
      Some(limit) if limit > ROWS => {
        return Err(Problem::BadRequest(format!("limit must be 0 to {ROWS}, got {limit}")));
      }
      Some(limit) => limit,
      None => ROWS,
    };
    Ok(Search {
      trace_id,
      request_id,
      status: self.status,
      limit,
    })
  }
}

impl Search {
  fn matches(&self, entry: &Entry) -> bool {
    self.trace_id.is_none_or(|id| entry.trace_id == Some(id))
      && self.request_id.as_deref().is_none_or(|id| *entry.request_id == *id)
      && self.status.is_none_or(|status| status.matches(entry))
  }
}

/// The ring of rows.
pub struct RequestLog {
  ring: Mutex<Ring>,
  capacity: usize,
}

struct Ring {
  rows: VecDeque<(u64, Arc<Entry>)>,
  /// The number the next row gets.
  next: u64,
}

impl Default for RequestLog {
  fn default() -> Self {
    Self::with_capacity(ROWS)
  }
}

impl RequestLog {
  pub fn with_capacity(capacity: usize) -> Self {
    Self {
      ring: Mutex::new(Ring {
        rows: VecDeque::with_capacity(capacity + 1),
        next: 1,
      }),
      capacity,
    }
  }

  fn ring(&self) -> MutexGuard<'_, Ring> {
    // A panic while holding the lock leaves a whole ring: rows are pushed and popped whole.
    self.ring.lock().unwrap_or_else(PoisonError::into_inner)
  }

  /// Adds a row, and drops the oldest past the capacity; returns the row's number.
  pub fn write(&self, entry: Entry) -> u64 {
    let entry = Arc::new(entry);
    let mut ring = self.ring();
    let id = ring.next;
    ring.next += 1;
    ring.rows.push_back((id, entry));
    let dropped = if ring.rows.len() > self.capacity {
      ring.rows.pop_front()
    } else {
      None
    };
    drop(ring);
    // The oldest row is freed outside the lock.
    drop(dropped);
    id
  }

  /// The rows that match `query`, newest first.
  pub fn read(&self, query: &RequestLogQuery) -> Result<Vec<LoggedRequest>, Problem> {
    let search = query.search()?;
    let rows: Vec<(u64, Arc<Entry>)> = self.ring().rows.iter().cloned().collect();
    Ok(
      rows
        .iter()
        .rev()
        .filter(|(_, entry)| search.matches(entry))
        .take(search.limit)
        .map(|(id, entry)| LoggedRequest::of(*id, entry))
        .collect(),
    )
  }

  /// The statuses of the rows kept, each once, in order: the dashboard's filter offers them.
  pub fn statuses(&self) -> Vec<u16> {
    let mut statuses: Vec<u16> = self.ring().rows.iter().map(|(_, entry)| entry.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
  }

  /// Empties the log (a reset of every tenant); numbers go on from where they were.
  pub fn clear(&self) {
    let rows = std::mem::take(&mut self.ring().rows);
    drop(rows);
  }
}

#[cfg(test)]
mod tests;
