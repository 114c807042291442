//! One error type for every failure, with a stable machine-readable [`ErrorCode`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::types::SendUserInvitesResult;

/// The stable codes a caller can branch on. They never change meaning between releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum ErrorCode {
  /// The caller passed something wrong: a type, a missing field, a bad option.
  InvalidArgument,
  /// The platform rejected the credentials or the token.
  Unauthorized,
  /// The credentials are valid but may not do this.
  Forbidden,
  /// The invite (or other object) does not exist, or is not visible to this caller.
  NotFound,
  /// The invite is not in a state that allows this (e.g. cancelling an accepted invite).
  Conflict,
  /// The platform asked us to slow down (HTTP 429).
  RateLimited,
  /// The platform failed (HTTP 5xx or an internal GraphQL error).
  ServerError,
  /// The platform could not be reached, or the connection broke.
  NetworkError,
  /// The platform did not answer in time.
  Timeout,
  /// The caller cancelled the call.
  Aborted,
  /// The platform answered something that does not follow the protocol, or a redirect (any 3xx,
  /// in `status_code`), which is never followed.
  ProtocolError,
}

impl ErrorCode {
  /// The code as the string JavaScript sees in `err.code`.
  pub const fn as_str(self) -> &'static str {
    match self {
      Self::InvalidArgument => "INVALID_ARGUMENT",
      Self::Unauthorized => "UNAUTHORIZED",
      Self::Forbidden => "FORBIDDEN",
      Self::NotFound => "NOT_FOUND",
      Self::Conflict => "CONFLICT",
      Self::RateLimited => "RATE_LIMITED",
      Self::ServerError => "SERVER_ERROR",
      Self::NetworkError => "NETWORK_ERROR",
      Self::Timeout => "TIMEOUT",
      Self::Aborted => "ABORTED",
      Self::ProtocolError => "PROTOCOL_ERROR",
    }
  }

  /// The code that best describes an HTTP status the platform answered with.
  pub fn from_http_status(status: u16) -> Self {
    match status {
      400 | 422 => Self::InvalidArgument,
      401 => Self::Unauthorized,
      403 => Self::Forbidden,
      404 => Self::NotFound,
      409 => Self::Conflict,
      408 | 504 => Self::Timeout,
      429 => Self::RateLimited,
      500..=599 => Self::ServerError,
      _ => Self::ProtocolError,
    }
  }
}

impl fmt::Display for ErrorCode {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(self.as_str())
  }
}

/// A failed call: what went wrong (`code`), a message that says where and what to do, and what
/// the platform said (`status_code`, `error_code`) when it said anything.
///
/// Messages never contain the API key or a token: nothing that builds one has access to them.
/// A failure of the connection keeps its cause ([`std::error::Error::source`]): reqwest's error
/// without the URL, which holds no secret either.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
  code: ErrorCode,
  message: String,
  #[source]
  source: Option<Arc<dyn std::error::Error + Send + Sync>>,
  status_code: Option<u16>,
  error_code: Option<String>,
  retry_after: Option<Duration>,
  outcome_unknown: bool,
  /// Set when no retry can help although the code is one that usually passes (a refused certificate).
  lasting: bool,
  partial: Option<Box<SendUserInvitesResult>>,
  /// Which request it was: the answer's `x-request-id`, else the one sent (`request_id.rs`).
  /// A `Box<str>`, not a `String`, to keep the error small (clippy's `result_large_err`).
  request_id: Option<Box<str>>,
  /// How many attempts the call (or the batch that failed) made.
  attempts: Option<u32>,
}

/// The result of every fallible call in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
  /// An error with a code and a message, and nothing from the platform.
  pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
    Self {
      code,
      message: message.into(),
      source: None,
      status_code: None,
      error_code: None,
      retry_after: None,
      outcome_unknown: false,
      lasting: false,
      partial: None,
      request_id: None,
      attempts: None,
    }
  }

  /// `INVALID_ARGUMENT`: the message should name the field and the fix.
  pub fn invalid_argument(message: impl Into<String>) -> Self {
    Self::new(ErrorCode::InvalidArgument, message)
  }

  /// `PROTOCOL_ERROR`: the platform answered something we cannot use.
  pub fn protocol(message: impl Into<String>) -> Self {
    Self::new(ErrorCode::ProtocolError, message)
  }

  /// An error the platform reported, with its HTTP-like status and its own error code.
  pub fn from_platform(status_code: u16, error_code: Option<String>, message: impl Into<String>) -> Self {
    Self {
      status_code: Some(status_code),
      error_code,
      ..Self::new(ErrorCode::from_http_status(status_code), message)
    }
  }

  pub fn code(&self) -> ErrorCode {
    self.code
  }

  pub fn message(&self) -> &str {
    &self.message
  }

  /// The status the platform gave (in `extensions.response.statusCode` or as the HTTP status).
  pub fn status_code(&self) -> Option<u16> {
    self.status_code
  }

  /// The platform's own error code, e.g. `UNAUTHORIZED_EXCEPTION`.
  pub fn error_code(&self) -> Option<&str> {
    self.error_code.as_deref()
  }

  /// How long the platform asked us to wait (`Retry-After`), when it did.
  pub fn retry_after(&self) -> Option<Duration> {
    self.retry_after
  }

  /// Whether the request may have been carried out although the answer was lost (a timeout or
  /// a broken connection after it was sent, a 5xx, an unreadable answer).
  pub fn outcome_unknown(&self) -> bool {
    self.outcome_unknown
  }

  /// For a bulk send that was aborted or ran out of time: what was done before it stopped.
  pub fn partial(&self) -> Option<&SendUserInvitesResult> {
    self.partial.as_deref()
  }

  /// Which request to the platform failed: the `x-request-id` the platform answered with when it
  /// is a valid one, else the one sent. None when nothing was sent.
  pub fn request_id(&self) -> Option<&str> {
    self.request_id.as_deref()
  }

  /// How many attempts were made (the first, and each retry) before the call failed; for a send,
  /// those of the batch that failed. None when nothing was sent.
  pub fn attempts(&self) -> Option<u32> {
    self.attempts
  }

  /// The same error, naming the request `request_id` unless it names one already.
  pub(crate) fn or_request_id(mut self, request_id: Option<&str>) -> Self {
    if self.request_id.is_none() {
      self.request_id = request_id.map(Box::from);
    }
    self
  }

  pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
    self.attempts.get_or_insert(attempts);
    self
  }

  /// The same error, caused by `source`.
  pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
    self.source = Some(Arc::new(source));
    self
  }

  pub(crate) fn with_status(mut self, status_code: u16) -> Self {
    self.status_code = Some(status_code);
    self
  }

  pub(crate) fn with_retry_after(mut self, retry_after: Duration) -> Self {
    self.retry_after = Some(retry_after);
    self
  }

  /// The same error, marked as one that another attempt cannot fix.
  pub(crate) fn lasting(mut self) -> Self {
    self.lasting = true;
    self
  }

  pub(crate) fn is_lasting(&self) -> bool {
    self.lasting
  }

  pub(crate) fn with_outcome_unknown(mut self) -> Self {
    self.outcome_unknown = true;
    self
  }

  pub(crate) fn with_partial(mut self, partial: SendUserInvitesResult) -> Self {
    self.partial = Some(Box::new(partial));
    self
  }

  /// The same error with every secret in its texts replaced by `[REDACTED]` (see [`scrub`]).
  pub(crate) fn redact(mut self, secrets: &[&str]) -> Self {
    self.message = scrub(&self.message, secrets);
    self.error_code = self.error_code.map(|code| scrub(&code, secrets));
    self
  }

  /// The same error with `context` put in front of the message.
  pub fn context(mut self, context: impl fmt::Display) -> Self {
    self.message = format!("{context}: {}", self.message);
    self
  }
}

/// `text` with every secret in it replaced by `[REDACTED]`, in any case: a secret echoed in a
/// host name (a redirect's `Location`) reads in lower case. Secrets shorter than 6 characters
/// are left alone: they would mangle ordinary words.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
  secrets
    .iter()
    .filter(|s| s.len() >= 6)
    .fold(text.to_owned(), |text, secret| redact_ignoring_case(&text, secret))
}

fn redact_ignoring_case(text: &str, secret: &str) -> String {
  // ASCII lower-casing keeps every byte where it was, so the offsets found apply to `text`.
  let (haystack, needle) = (text.to_ascii_lowercase(), secret.to_ascii_lowercase());
  let mut redacted = String::with_capacity(text.len());
  let mut kept = 0;
  for (at, _) in haystack.match_indices(&needle) {
    redacted.push_str(&text[kept..at]);
    redacted.push_str("[REDACTED]");
    kept = at + needle.len();
  }
  redacted.push_str(&text[kept..]);
  redacted
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn scrubs_secrets_in_any_case_and_leaves_short_ones() {
    let secrets = ["roq_live_SECRET", "tok"];
    assert_eq!(
      scrub(
        "key roq_live_SECRET, host roq_live_secret.example, ROQ_LIVE_SECRET, tok",
        &secrets
      ),
      "key [REDACTED], host [REDACTED].example, [REDACTED], tok"
    );
    assert_eq!(scrub("é roq_live_SECRETé ü", &secrets), "é [REDACTED]é ü");
  }
}
