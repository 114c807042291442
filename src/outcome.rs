//! How results and failures cross to JavaScript: a result as JSON text (V8 parses it far faster
//! than N-API can build objects), a failure as plain data, from which index.js makes the
//! `RoqError` once, in the caller's realm (Jest runs each test file in a realm of its own).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde::Serialize;

/// A failure, as data: lib/errors.js makes the `RoqError` of it.
#[napi(object)]
pub struct Failure {
  /// The stable code: `INVALID_ARGUMENT`, `UNAUTHORIZED`, ….
  pub code: String,
  pub message: String,
  pub status_code: Option<u32>,
  pub error_code: Option<String>,
  pub retry_after_ms: Option<f64>,
  /// Set when a send stopped part way: its results came through its events.
  pub partial: Option<bool>,
  /// Which request failed: the platform's `x-request-id` for it, else the one sent.
  pub request_id: Option<String>,
  /// How many attempts were made.
  pub attempts: Option<u32>,
}

impl From<&roq_invites::Error> for Failure {
  fn from(error: &roq_invites::Error) -> Self {
    Self {
      code: error.code().as_str().to_owned(),
      message: error.message().to_owned(),
      status_code: error.status_code().map(u32::from),
      error_code: error.error_code().map(str::to_owned),
      retry_after_ms: error.retry_after().map(|d| d.as_millis() as f64),
      partial: error.partial().map(|_| true),
      request_id: error.request_id().map(str::to_owned),
      attempts: error.attempts(),
    }
  }
}

/// What a native call gives back: its result, or the failure's data.
pub type Outcome<T> = Either<T, Failure>;

pub(crate) fn outcome<T>(result: roq_invites::Result<T>) -> Outcome<T> {
  match result {
    Ok(value) => Either::A(value),
    Err(error) => Either::B(Failure::from(&error)),
  }
}

/// The JSON text of a result.
pub(crate) fn to_json<T: Serialize>(value: T) -> roq_invites::Result<String> {
  serde_json::to_string(&value).map_err(|e| roq_invites::Error::protocol(format!("could not encode the result: {e}")))
}

/// Runs `work` on the tokio runtime; the promise resolves to the JSON text of its result, or to
/// the failure's data. It never rejects but for a bug (a panic), which index.js reports as one.
pub(crate) fn spawn_json<'env, T, F>(env: &'env Env, work: F) -> Result<PromiseRaw<'env, Outcome<String>>>
where
  T: Serialize,
  F: Future<Output = roq_invites::Result<T>> + Send + 'static,
{
  env.spawn_future(async move { Ok(outcome(work.await.and_then(to_json))) })
}
