//! What a call reports of itself while someone observes it (in the binding: the app's
//! OpenTelemetry, a log level that prints, a `diagnostics_channel` subscriber): one flat record
//! per HTTP attempt, made where every attempt is made (`transport.rs`'s `Call::post`), and the
//! waits of the attempt loop (the pacing gate, a backoff) and a token refresh.
//!
//! It costs nothing when nobody observes: a call's options then carry no [`Observer`], each
//! place checks one `Option`, and no record is built. Times are milliseconds from the moment the
//! observer was made (the call's start) on one monotonic clock, so that whoever places them on
//! its own clock (the binding on the call span's start) gets records that nest.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::Result;
use crate::request_id::RequestId;
use crate::transport::Reply;

/// Where the records go, as they happen (from tokio's threads).
pub type ObservedSink = Arc<dyn Fn(&Observed) + Send + Sync>;

/// One thing a call reports: serialized as `{"attempt":{...}}`, `{"wait":{...}}` or
/// `{"tokenRefresh":{...}}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Observed {
  Attempt(AttemptRecord),
  Wait(WaitRecord),
  TokenRefresh(TokenRefreshRecord),
}

/// Which kind of request an attempt was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestKind {
  /// To a token endpoint (`/v01/authorize/serviceAccount`, `/v01/authorize`).
  Token,
  /// The call's own GraphQL request.
  #[default]
  Graphql,
  /// A GraphQL read that settles what a lost answer or an abort did, or finds the pending
  /// invites `onExisting` needs.
  Reconcile,
}

/// One HTTP attempt, whatever it came to.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRecord {
  pub kind: RequestKind,
  /// The GraphQL `operationName` sent (none for a token request, or an anonymous document).
  pub operation: Option<Arc<str>>,
  /// `query` or `mutation`, for a GraphQL request.
  pub operation_type: Option<&'static str>,
  /// The URL, without query or credentials (the configuration's `host` has neither).
  pub url: String,
  pub start_ms: f64,
  pub end_ms: f64,
  /// The HTTP status answered, if an answer came.
  pub status: Option<u16>,
  /// Why the attempt failed at the HTTP level: the status (`"503"`) for 4xx and 5xx, else a
  /// code (`TIMEOUT`, `NETWORK_ERROR`, `PROTOCOL_ERROR`, `ABORTED`); none when it was answered.
  pub error_type: Option<String>,
  /// How many times this request (by its endpoint) was sent before in this attempt loop: a 401
  /// re-authentication, a retry after a 5xx or a network failure, a 429 repeated.
  pub resend_count: u32,
  pub retry_after_ms: Option<u64>,
  /// For a send: which batch (from 0) and how many invites it has.
  pub batch_index: Option<u32>,
  pub batch_size: Option<u32>,
  /// The `x-request-id` sent, and the one answered when it is valid.
  pub request_id: String,
  pub answered_request_id: Option<String>,
}

/// Why a wait was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WaitKind {
  /// At the pacing gate a 429's `Retry-After` closed (`pacing.rs`).
  RateLimit,
  /// Before a retry (`retry.rs`).
  Backoff,
}

/// A wait of the attempt loop.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitRecord {
  pub kind: WaitKind,
  /// For a backoff: the error type of the attempt that is retried (`"503"`, `NETWORK_ERROR`).
  pub reason: Option<String>,
  pub start_ms: f64,
  pub end_ms: f64,
  pub operation: Option<Arc<str>>,
  pub batch_index: Option<u32>,
}

/// The platform refused the cached token; it is forgotten and a new one fetched.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRefreshRecord {
  pub at_ms: f64,
  pub operation: Option<Arc<str>>,
  pub batch_index: Option<u32>,
}

/// Receives a call's records. Made by the binding when the call starts, and carried in the
/// call's options ([`crate::CallOptions::observer`]); each attempt loop gets a scope of its own.
#[derive(Clone)]
pub struct Observer {
  sink: ObservedSink,
  origin: Instant,
  scope: Arc<Scope>,
}

/// What an attempt loop's requests have in common, and how many times each was sent.
#[derive(Default)]
struct Scope {
  kind: RequestKind,
  operation: Option<Arc<str>>,
  operation_type: Option<&'static str>,
  batch: Option<(u32, u32)>,
  /// Sends so far, by endpoint: GraphQL, the service-account token, a user token.
  sent: [AtomicU32; 3],
}

impl Observer {
  /// An observer whose times count from now.
  pub fn new(sink: ObservedSink) -> Self {
    Self {
      sink,
      origin: Instant::now(),
      scope: Arc::default(),
    }
  }

  fn scoped(&self, scope: Scope) -> Self {
    Self {
      sink: Arc::clone(&self.sink),
      origin: self.origin,
      scope: Arc::new(scope),
    }
  }

  /// For the attempt loop of one GraphQL operation.
  pub(crate) fn for_operation(&self, name: Option<&str>, mutation: bool) -> Self {
    self.scoped(Scope {
      kind: self.scope.kind,
      batch: self.scope.batch,
      operation: name.map(Arc::from),
      operation_type: Some(if mutation { "mutation" } else { "query" }),
      ..Scope::default()
    })
  }

  /// For one batch of a send.
  pub(crate) fn for_batch(&self, name: &str, index: usize, size: usize) -> Self {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    self.scoped(Scope {
      kind: self.scope.kind,
      batch: Some((count(index), count(size))),
      operation: Some(Arc::from(name)),
      operation_type: Some("mutation"),
      ..Scope::default()
    })
  }

  /// For the reads that settle what a lost answer did.
  pub(crate) fn for_reconcile(&self) -> Self {
    self.scoped(Scope {
      kind: RequestKind::Reconcile,
      batch: self.scope.batch,
      ..Scope::default()
    })
  }

  fn ms(&self, at: Instant) -> f64 {
    at.saturating_duration_since(self.origin).as_secs_f64() * 1000.0
  }

  /// Starts the record of one attempt at `path`; it is reported when [`Probe::finish`] is
  /// called, or when the attempt is cut short (dropped: an abort, the call's deadline).
  pub(crate) fn attempt<'a>(
    &'a self,
    path: &str,
    url: &Url,
    request_id: RequestId,
    cancel: Option<&'a CancellationToken>,
  ) -> Probe<'a> {
    let (kind, slot) = match path {
      "v01/authorize/serviceAccount" => (RequestKind::Token, 1),
      "v01/authorize" => (RequestKind::Token, 2),
      _ => (self.scope.kind, 0),
    };
    let resend_count = self.scope.sent[slot].fetch_add(1, Ordering::Relaxed);
    let graphql = kind != RequestKind::Token;
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    Probe {
      observer: self,
      cancel,
      started: Instant::now(),
      record: Some(AttemptRecord {
        kind,
        operation: graphql.then(|| self.scope.operation.clone()).flatten(),
        operation_type: graphql.then_some(self.scope.operation_type).flatten(),
        url: url.into(),
        start_ms: 0.0,
        end_ms: 0.0,
        status: None,
        error_type: None,
        resend_count,
        retry_after_ms: None,
        batch_index: self.scope.batch.map(|(index, _)| index),
        batch_size: self.scope.batch.map(|(_, size)| size),
        request_id: request_id.as_str().to_owned(),
        answered_request_id: None,
      }),
    }
  }

  /// Reports a wait that began at `started` and ends now.
  pub(crate) fn waited(&self, kind: WaitKind, reason: Option<String>, started: Instant) {
    (self.sink)(&Observed::Wait(WaitRecord {
      kind,
      reason,
      start_ms: self.ms(started),
      end_ms: self.ms(Instant::now()),
      operation: self.scope.operation.clone(),
      batch_index: self.scope.batch.map(|(index, _)| index),
    }));
  }

  /// Reports that the cached token was refused and is fetched again.
  pub(crate) fn token_refresh(&self) {
    (self.sink)(&Observed::TokenRefresh(TokenRefreshRecord {
      at_ms: self.ms(Instant::now()),
      operation: self.scope.operation.clone(),
      batch_index: self.scope.batch.map(|(index, _)| index),
    }));
  }
}

impl fmt::Debug for Observer {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("Observer")
  }
}

/// The record of an attempt under way.
pub(crate) struct Probe<'a> {
  observer: &'a Observer,
  cancel: Option<&'a CancellationToken>,
  started: Instant,
  record: Option<AttemptRecord>,
}

impl Probe<'_> {
  /// Reports the attempt with what it came to.
  pub fn finish(mut self, result: &Result<Reply>) {
    let Some(mut record) = self.record.take() else { return };
    match result {
      Ok(reply) => {
        record.status = Some(reply.status);
        record.error_type = (reply.status >= 400).then(|| reply.status.to_string());
        record.retry_after_ms = reply.retry_after.map(|d| d.as_millis() as u64);
        record.answered_request_id = reply.answered_request_id.clone();
      }
      Err(error) => {
        record.status = error.status_code();
        record.error_type = Some(error.code().as_str().to_owned());
      }
    }
    self.report(record);
  }

  fn report(&self, mut record: AttemptRecord) {
    record.start_ms = self.observer.ms(self.started);
    record.end_ms = self.observer.ms(Instant::now());
    (self.observer.sink)(&Observed::Attempt(record));
  }
}

impl Drop for Probe<'_> {
  /// An attempt dropped before it finished was cut short: by the caller's abort, or else by the
  /// call's deadline.
  fn drop(&mut self) {
    if let Some(mut record) = self.record.take() {
      let aborted = self.cancel.is_some_and(CancellationToken::is_cancelled);
      record.error_type = Some(if aborted { "ABORTED" } else { "TIMEOUT" }.to_owned());
      self.report(record);
    }
  }
}
