//! Why a request failed, in the platform's terms: what every part of the emulator answers with,
//! and the endpoints write in the platform's error shapes.

/// Why a request failed, in the terms of the platform's error response
/// (`extensions.response {statusCode, errorCode, message}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
  BadRequest(String),
  Unauthorized(String),
  Forbidden(String),
  NotFound(String),
  Conflict(String),
  /// A request body larger than the emulator takes.
  TooLarge(String),
  Internal(String),
  /// Over the environment's rate limit (see [`crate::rate_limit`]).
  TooManyRequests(String),
}

impl Problem {
  pub fn status_code(&self) -> u16 {
    match self {
      Self::BadRequest(_) => 400,
      Self::Unauthorized(_) => 401,
      Self::Forbidden(_) => 403,
      Self::NotFound(_) => 404,
      Self::Conflict(_) => 409,
      Self::TooLarge(_) => 413,
      Self::Internal(_) => 500,
      Self::TooManyRequests(_) => 429,
    }
  }

  /// The platform's `errorCode` (the SDK knows `UNAUTHORIZED_EXCEPTION`, `FORBIDDEN` and
  /// `INTERNAL_ERROR`; the others follow the same style).
  pub fn error_code(&self) -> &'static str {
    match self {
      Self::BadRequest(_) => "BAD_REQUEST",
      Self::Unauthorized(_) => "UNAUTHORIZED_EXCEPTION",
      Self::Forbidden(_) => "FORBIDDEN",
      Self::NotFound(_) => "NOT_FOUND",
      Self::Conflict(_) => "CONFLICT",
      Self::TooLarge(_) => "PAYLOAD_TOO_LARGE",
      Self::Internal(_) => "INTERNAL_ERROR",
      Self::TooManyRequests(_) => "TOO_MANY_REQUESTS",
    }
  }

  pub fn message(&self) -> &str {
    match self {
      Self::BadRequest(m)
      | Self::Unauthorized(m)
      | Self::Forbidden(m)
      | Self::NotFound(m)
      | Self::Conflict(m)
      | Self::TooLarge(m)
      | Self::Internal(m)
      | Self::TooManyRequests(m) => m,
    }
  }
}

impl From<rusqlite::Error> for Problem {
  fn from(error: rusqlite::Error) -> Self {
    Self::Internal(format!("the emulator's store failed: {error}"))
  }
}
