//! Failures as JavaScript sees them: an `Error` named `RoqError` with a stable `code`, and the
//! platform's `statusCode` and `errorCode` when it gave them.

use napi::bindgen_prelude::*;
use napi::{Env, JsValue};
use roq_invites::Error;

/// Builds the JavaScript error for `error`; returning it from a function throws it, and from a
/// future's callback rejects the promise with it.
pub(crate) fn to_js(env: &Env, error: &Error) -> napi::Error {
  let build = || -> Result<napi::Error> {
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, error.message()))?;
    object.set("name", "RoqError")?;
    object.set("code", error.code().as_str())?;
    if let Some(status_code) = error.status_code() {
      object.set("statusCode", status_code)?;
    }
    if let Some(error_code) = error.error_code() {
      object.set("errorCode", error_code)?;
    }
    if let Some(retry_after) = error.retry_after() {
      object.set("retryAfterMs", retry_after.as_millis() as f64)?;
    }
    if let Some(partial) = error.partial().and_then(|p| serde_json::to_string(p).ok()) {
      object.set("partialJson", partial)?;
    }
    Ok(napi::Error::from(object.to_unknown()))
  };
  build().unwrap_or_else(|failure| failure)
}

/// The JSON text of a result.
pub(crate) fn to_json<T: serde::Serialize>(value: T) -> roq_invites::Result<String> {
  serde_json::to_string(&value).map_err(|e| Error::protocol(format!("could not encode the result: {e}")))
}

/// Runs `work` on the tokio runtime and settles a promise with the JSON text it produces.
pub(crate) fn spawn_json<'env, F>(env: &'env Env, work: F) -> Result<PromiseRaw<'env, String>>
where
  F: Future<Output = roq_invites::Result<String>> + Send + 'static,
{
  env.spawn_future_with_callback(async move { Ok(work.await) }, |env, result| {
    result.map_err(|e| to_js(env, &e))
  })
}
