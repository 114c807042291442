//! HTTP: one shared reqwest client (rustls, keep-alive pool), JSON bodies, and the mapping of
//! transport failures to `NETWORK_ERROR` / `TIMEOUT`.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use url::Url;

use crate::error::{Error, ErrorCode, Result};

/// A body larger than this is not an answer we can use; it fails instead of filling memory.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What came back from one POST.
pub(crate) struct Reply {
  pub status: u16,
  /// Whether the body is JSON by its content type (the rule graphql-request applies).
  pub is_json: bool,
  pub body: Vec<u8>,
}

impl Reply {
  pub fn is_success(&self) -> bool {
    (200..300).contains(&self.status)
  }

  /// The start of the body as text, for error messages.
  pub fn snippet(&self) -> String {
    let text = String::from_utf8_lossy(&self.body);
    let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    if text.is_empty() {
      "an empty body".to_owned()
    } else {
      format!("{text:?}")
    }
  }
}

pub(crate) struct Transport {
  http: reqwest::Client,
  timeout: Duration,
}

impl Transport {
  pub fn new(timeout: Duration) -> Result<Self> {
    // reqwest is built with `rustls-no-provider`: ring is smaller and faster to build than
    // aws-lc. Installing fails only when a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
      .timeout(timeout)
      .connect_timeout(timeout.min(Duration::from_secs(10)))
      .user_agent(concat!("roq-invites/", env!("CARGO_PKG_VERSION")))
      .build()
      .map_err(|e| Error::new(ErrorCode::NetworkError, format!("could not set up HTTP: {e}")))?;
    Ok(Self { http, timeout })
  }

  /// POSTs a JSON body and reads the whole answer.
  pub async fn post_json(&self, url: Url, mut headers: HeaderMap, body: Bytes) -> Result<Reply> {
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut response = self
      .http
      .post(url.clone())
      .headers(headers)
      .body(body)
      .send()
      .await
      .map_err(|e| self.transport_error(&url, &e))?;
    let status = response.status().as_u16();
    let is_json = response
      .headers()
      .get(CONTENT_TYPE)
      .and_then(|v| v.to_str().ok())
      .is_some_and(is_json_content_type);
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(&url, &e))? {
      if body.len() + chunk.len() > MAX_BODY_BYTES {
        return Err(Error::protocol(format!(
          "the answer from {url} is larger than {} MiB; is host pointing at the ROQ platform?",
          MAX_BODY_BYTES >> 20
        )));
      }
      body.extend_from_slice(&chunk);
    }
    Ok(Reply { status, is_json, body })
  }

  fn transport_error(&self, url: &Url, error: &reqwest::Error) -> Error {
    if error.is_timeout() {
      return Error::new(
        ErrorCode::Timeout,
        format!(
          "{url} did not answer within {} ms; check that the platform is up, or raise timeoutMs",
          self.timeout.as_millis()
        ),
      );
    }
    let cause = root_cause(error);
    if error.is_connect() {
      Error::new(
        ErrorCode::NetworkError,
        format!("could not connect to {url} ({cause}); is the platform running, and is host right?"),
      )
    } else {
      Error::new(
        ErrorCode::NetworkError,
        format!("the connection to {url} failed ({cause})"),
      )
    }
  }
}

/// The innermost cause of a transport error, e.g. "Connection refused (os error 111)".
fn root_cause(error: &reqwest::Error) -> String {
  let mut cause: &dyn std::error::Error = error;
  while let Some(next) = cause.source() {
    cause = next;
  }
  cause.to_string()
}

/// The content types graphql-request reads as JSON; anything else is treated as text.
fn is_json_content_type(value: &str) -> bool {
  let value = value.trim_start().to_ascii_lowercase();
  [
    "application/json",
    "application/graphql+json",
    "application/graphql-response+json",
  ]
  .iter()
  .any(|prefix| value.starts_with(prefix))
}
