//! HTTP: one shared reqwest client (rustls, keep-alive pool, no redirects), JSON bodies, and the
//! mapping of transport failures to `NETWORK_ERROR` / `TIMEOUT`.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::client::CallOptions;
use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::observe::Observer;
use crate::redirect;
use crate::request_id::{self, RequestId, X_REQUEST_ID};
use crate::retry_after::parse_retry_after;
use crate::trust::TrustedRoots;

/// A body larger than this is not an answer we can use; it fails instead of filling memory. The
/// emulator sends none larger: one limit, in the rulebook.
const MAX_BODY_BYTES: usize = roq_rules::MAX_ANSWER_BYTES;

/// What came back from one POST.
pub(crate) struct Reply {
  pub status: u16,
  /// Whether the body is JSON by its content type (the rule graphql-request applies).
  pub is_json: bool,
  pub body: Vec<u8>,
  /// The `Retry-After` the platform sent, if any.
  pub retry_after: Option<Duration>,
  /// Which request this answers: the answer's `x-request-id` when it is a valid one, else the
  /// one sent.
  pub request_id: String,
  /// The answer's `x-request-id`, when it is a valid one.
  pub answered_request_id: Option<String>,
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
}

impl Transport {
  pub fn new(config: &Config) -> Result<Self> {
    // reqwest is built with `rustls-no-provider`: ring is smaller and faster to build than
    // aws-lc. Installing fails only when a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // HTTP/1.1 with a keep-alive pool (reqwest is built without `http2`): HTTP/2 measured within
    // the run-to-run spread for bulk sends and costs 0.5 MB of binary (docs/benchmarks.md).
    let mut http = reqwest::Client::builder()
      .connect_timeout(CONNECT_TIMEOUT)
      .user_agent(concat!("roq-invites/", env!("CARGO_PKG_VERSION")))
      // No redirect is followed: it would carry the API key and tokens off `host` (redirect.rs).
      .redirect(reqwest::redirect::Policy::none())
      .no_proxy();
    // Whom to trust: the roots given; none for a local plain-HTTP platform, so that nothing is
    // read from the machine; else the operating system's verifier.
    let roots = match config.trusted_roots() {
      Some(roots) => Some(roots.clone()),
      None if config.is_plain_http() => Some(TrustedRoots::none()?),
      None => None,
    };
    if let Some(roots) = roots {
      http = http.tls_backend_preconfigured(roots.tls_config());
    }
    if let Some(proxy) = config.proxy() {
      http = http.proxy(proxy.to_reqwest()?);
    }
    let http = http.build().map_err(|e| {
      Error::new(
        ErrorCode::NetworkError,
        format!("could not set up HTTP: {}", root_cause(&e)),
      )
    })?;
    Ok(Self { http })
  }

  /// POSTs a JSON body as the request `request_id` and reads the whole answer, within `timeout`.
  /// A failure without an answer names the request by `request_id`.
  pub async fn post_json(
    &self,
    url: Url,
    mut headers: HeaderMap,
    body: Bytes,
    timeout: Duration,
    request_id: RequestId,
  ) -> Result<Reply> {
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(X_REQUEST_ID, request_id.header_value());
    let failed = |e: reqwest::Error| transport_error(&url, e, timeout).or_request_id(Some(request_id.as_str()));
    let mut response = self
      .http
      .post(url.clone())
      .headers(headers)
      .body(body)
      .timeout(timeout)
      .send()
      .await
      .map_err(failed)?;
    let answered_request_id = request_id::answered(response.headers().get(X_REQUEST_ID));
    let named = answered_request_id
      .clone()
      .unwrap_or_else(|| request_id.as_str().to_owned());
    if response.status().is_redirection() {
      let error = redirect::refused(&url, response.status().as_u16(), response.headers().get(LOCATION));
      return Err(error.or_request_id(Some(&named)));
    }
    let header = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let is_json = header(CONTENT_TYPE).is_some_and(is_json_content_type);
    let retry_after = header(RETRY_AFTER).and_then(parse_retry_after);
    let status = response.status().as_u16();
    // Sized once from Content-Length (a lying one costs at most the limit): a batch's answer
    // comes in many chunks, and growing the buffer copied it over and over.
    let announced = response.content_length().unwrap_or(0).min(MAX_BODY_BYTES as u64);
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
      if body.len() + chunk.len() > MAX_BODY_BYTES {
        let message = format!(
          "the answer from {url} is larger than {} MiB; is host pointing at the ROQ platform?",
          MAX_BODY_BYTES >> 20
        );
        return Err(
          Error::protocol(message)
            .with_outcome_unknown()
            .or_request_id(Some(&named)),
        );
      }
      body.extend_from_slice(&chunk);
    }
    Ok(Reply {
      status,
      is_json,
      body,
      retry_after,
      request_id: named,
      answered_request_id,
    })
  }
}

/// How long to wait for a connection; a platform that does not accept one in this time is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A failure to connect means the request never left; anything later (a timeout, a reset) means
/// the platform may have carried it out.
fn transport_error(url: &Url, error: reqwest::Error, timeout: Duration) -> Error {
  let cause = root_cause(&error);
  if let Some(problem) = certificate_problem(&error) {
    let message = untrusted_message(url, problem);
    return Error::new(ErrorCode::NetworkError, message)
      .lasting()
      .with_source(error.without_url());
  }
  if error.is_connect() {
    return Error::new(
      ErrorCode::NetworkError,
      format!("could not connect to {url} ({cause}); is the platform running, and is host right?"),
    )
    .with_source(error.without_url());
  }
  let failure = if error.is_timeout() {
    Error::new(
      ErrorCode::Timeout,
      format!(
        "{url} did not answer within {} ms; check that the platform is up, or raise timeoutMs",
        timeout.as_millis()
      ),
    )
  } else {
    Error::new(
      ErrorCode::NetworkError,
      format!("the connection to {url} failed ({cause})"),
    )
  };
  failure.with_outcome_unknown().with_source(error.without_url())
}

/// Why the platform's certificate was refused, if it was.
fn certificate_problem(error: &reqwest::Error) -> Option<&rustls::CertificateError> {
  let mut link: Option<&(dyn std::error::Error + 'static)> = Some(error);
  while let Some(current) = link {
    if let Some(rustls::Error::InvalidCertificate(problem)) = current.downcast_ref() {
      return Some(problem);
    }
    // An io::Error's `source()` skips the error it wraps (rustls's is inside two): look inside.
    link = match current.downcast_ref::<std::io::Error>() {
      Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
      None => current.source(),
    };
  }
  None
}

/// What to do about a refused certificate: most often a proxy or a company network that re-signs
/// TLS with its own authority, which Node (and so this client) trusts once NODE_EXTRA_CA_CERTS
/// names it.
fn untrusted_message(url: &Url, problem: &rustls::CertificateError) -> String {
  use rustls::CertificateError::{Expired, ExpiredContext, NotValidForName, NotValidForNameContext};
  let origin = url.origin().ascii_serialization();
  match problem {
    NotValidForName | NotValidForNameContext { .. } => {
      format!("could not connect to {origin}: its certificate is not for that host name ({problem:?}); check host")
    }
    Expired | ExpiredContext { .. } => format!(
      "could not connect to {origin}: its certificate has expired ({problem:?}), or this machine's clock is wrong"
    ),
    _ => format!(
      "could not connect to {origin}: its certificate is not signed by a certificate authority Node trusts \
       ({problem:?}). If a proxy or your company's network re-signs TLS, start Node with \
       NODE_EXTRA_CA_CERTS set to that authority's certificate (a PEM file)"
    ),
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

/// One attempt at a call to the platform: its configuration, the connection pool, the deadline
/// every request of the attempt (token requests included) must meet, and what the call's options
/// say of observing it.
pub(crate) struct Call<'a> {
  config: &'a Config,
  transport: &'a Transport,
  deadline: Instant,
  options: &'a CallOptions,
  /// Whether a text holds one of the client's secrets: a platform that answers with one as its
  /// `x-request-id` must not have it recorded.
  holds_secret: &'a (dyn Fn(&str) -> bool + Sync),
  /// The id of the last request sent, to name it when the attempt is cut short.
  last_sent: Mutex<Option<RequestId>>,
}

impl<'a> Call<'a> {
  pub fn new(
    config: &'a Config,
    transport: &'a Transport,
    deadline: Instant,
    options: &'a CallOptions,
    holds_secret: &'a (dyn Fn(&str) -> bool + Sync),
  ) -> Self {
    Self {
      config,
      transport,
      deadline,
      options,
      holds_secret,
      last_sent: Mutex::new(None),
    }
  }

  pub fn config(&self) -> &Config {
    self.config
  }

  /// The id of the last request this attempt sent, if any.
  pub fn last_sent(&self) -> Option<RequestId> {
    *self.last_sent.lock().unwrap_or_else(PoisonError::into_inner)
  }

  fn observer(&self) -> Option<&Observer> {
    self.options.observer.as_ref()
  }

  fn cancel(&self) -> Option<&CancellationToken> {
    self.options.cancel.as_ref()
  }

  /// POSTs to `path` (e.g. `v01/server/graphql`) with what is left of the deadline: the one place
  /// every request to the platform is made. Each carries a new `x-request-id` and the trace
  /// context of the call, if it has one; with an observer, each is reported as it ends.
  pub async fn post(&self, path: &str, mut headers: HeaderMap, body: Bytes) -> Result<Reply> {
    // The call's deadline is enforced around the whole call (so that its error names timeoutMs);
    // the request's own timeout is a backstop just beyond it.
    let left = self.deadline.saturating_duration_since(Instant::now()) + Duration::from_millis(250);
    let request_id = RequestId::new();
    *self.last_sent.lock().unwrap_or_else(PoisonError::into_inner) = Some(request_id);
    if let Some(trace) = &self.options.trace {
      trace.add_to(&mut headers);
    }
    let url = self.config.endpoint(path);
    let probe = self
      .observer()
      .map(|observer| observer.attempt(path, &url, request_id, self.cancel()));
    let mut result = self.transport.post_json(url, headers, body, left, request_id).await;
    if let Ok(reply) = &mut result
      && reply.answered_request_id.as_deref().is_some_and(self.holds_secret)
    {
      reply.answered_request_id = None;
      reply.request_id = request_id.as_str().to_owned();
    }
    if let Some(probe) = probe {
      probe.finish(&result);
    }
    result
  }
}
