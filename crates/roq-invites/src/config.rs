//! Where the platform is and how to authenticate with it, checked once when a client is made.

use std::time::Duration;

use roq_rules::{UrlProblem, secret_url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::error::{Error, Result};
use crate::proxy::Proxy;
use crate::retry_policy::RetryPolicy;
use crate::trust::TrustedRoots;

/// How long a call may take, retries included, before it fails with `TIMEOUT`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most retries a call may be given: more would only hide an outage.
pub const MAX_RETRIES: u32 = 10;

/// The environment variables [`Config::from_env`] reads, as ROQ's own docs name them.
pub const ENV_HOST: &str = "ROQ_PLATFORM_URL";
pub const ENV_ENVIRONMENT_ID: &str = "ROQ_ENVIRONMENT_ID";
pub const ENV_API_KEY: &str = "ROQ_API_KEY";

/// The options of `new RoqClient({...})`, as they arrive from JavaScript or a config file.
/// `Config::from_options` checks them. `Debug` does not show the API key.
#[derive(Debug, Deserialize)]
#[cfg_attr(
  feature = "typescript",
  derive(ts_rs::TS),
  ts(rename = "RoqClientOptions", optional_fields)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
  /// The platform's base URL, e.g. `https://<your-environment>.roq-platform.com` (ROQ_PLATFORM_URL).
  /// Must be https://, except for a local platform (localhost, 127.0.0.1, ::1) such as the emulator.
  /// The credentials go to this host only: a redirect is an error, never followed.
  pub host: String,
  /// The environment's id, from the ROQ Console (ROQ_ENVIRONMENT_ID).
  pub environment_id: String,
  /// The environment's API key, from the ROQ Console (ROQ_API_KEY). Never printed.
  #[cfg_attr(feature = "typescript", ts(type = "string"))]
  pub api_key: SecretString,
  /// How long a call may take, retries included, in milliseconds. Default 30000. A
  /// `sendUserInvites` of several batches gives each batch this long, unless its own options
  /// set `timeoutMs` for the whole call.
  #[serde(default)]
  pub timeout_ms: Option<u64>,
  /// How many times a call that failed for a transient reason is retried (0 to 10). Default 2.
  #[serde(default)]
  pub max_retries: Option<u32>,
}

/// A checked configuration. The API key is kept as a secret: `Debug` prints `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct Config {
  base: Url,
  environment_id: String,
  api_key: SecretString,
  timeout: Duration,
  retry: RetryPolicy,
  /// Whom HTTPS trusts; the operating system's verifier if absent.
  trusted_roots: Option<TrustedRoots>,
  proxy: Option<Proxy>,
}

impl Config {
  /// Checks the three required settings: `host` must be an `https://` URL (or `http://` to a
  /// loopback address, for the emulator), and the ids must not be empty.
  pub fn new(host: &str, environment_id: &str, api_key: &str) -> Result<Self> {
    Ok(Self {
      base: parse_host(host)?,
      environment_id: required("environmentId", environment_id)?.to_owned(),
      api_key: SecretString::from(required("apiKey", api_key)?.to_owned()),
      timeout: DEFAULT_TIMEOUT,
      retry: RetryPolicy::default(),
      trusted_roots: None,
      proxy: None,
    })
  }

  /// Checks an options object (see [`ClientOptions`]).
  pub fn from_options(options: ClientOptions) -> Result<Self> {
    let mut config = Self::new(&options.host, &options.environment_id, options.api_key.expose_secret())?;
    if let Some(ms) = options.timeout_ms {
      config = config.with_timeout(Duration::from_millis(ms))?;
    }
    if let Some(max_retries) = options.max_retries {
      config = config.with_max_retries(max_retries)?;
    }
    Ok(config)
  }

  /// Reads `ROQ_PLATFORM_URL`, `ROQ_ENVIRONMENT_ID` and `ROQ_API_KEY`.
  pub fn from_env() -> Result<Self> {
    let var = |name: &str| {
      std::env::var(name).map_err(|_| {
        Error::invalid_argument(format!(
          "{name} is not set: set it in the environment (e.g. in .env.local), or pass the options to new RoqClient({{ host, environmentId, apiKey }})"
        ))
      })
    };
    let (host, environment_id, api_key) = (var(ENV_HOST)?, var(ENV_ENVIRONMENT_ID)?, var(ENV_API_KEY)?);
    Self::new(&host, &environment_id, &api_key).map_err(|e| e.context("from the environment"))
  }

  /// Sets how long a call may take, retries included (at least 1 ms).
  pub fn with_timeout(mut self, timeout: Duration) -> Result<Self> {
    self.timeout = check_timeout(timeout)?;
    Ok(self)
  }

  /// Sets how many times a failed call is retried (0 to 10).
  pub fn with_max_retries(mut self, max_retries: u32) -> Result<Self> {
    self.retry.max_retries = check_max_retries(max_retries)?;
    Ok(self)
  }

  /// Sets the retry policy: how many retries, and the backoff's base and cap.
  pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Result<Self> {
    check_max_retries(retry.max_retries)?;
    self.retry = retry;
    Ok(self)
  }

  /// Trusts these roots for HTTPS instead of the operating system's store.
  pub fn with_trusted_roots(mut self, roots: TrustedRoots) -> Self {
    self.trusted_roots = Some(roots);
    self
  }

  /// Reaches the platform through `proxy` (unless its `no_proxy` list names the host).
  pub fn with_proxy(mut self, proxy: Proxy) -> Self {
    self.proxy = Some(proxy);
    self
  }

  pub fn trusted_roots(&self) -> Option<&TrustedRoots> {
    self.trusted_roots.as_ref()
  }

  pub fn proxy(&self) -> Option<&Proxy> {
    self.proxy.as_ref()
  }

  /// Whether the platform is reached over plain HTTP (a local one, such as the emulator).
  pub(crate) fn is_plain_http(&self) -> bool {
    self.base.scheme() == "http"
  }

  pub fn retry_policy(&self) -> RetryPolicy {
    self.retry
  }

  pub fn environment_id(&self) -> &str {
    &self.environment_id
  }

  pub(crate) fn api_key(&self) -> &SecretString {
    &self.api_key
  }

  pub fn timeout(&self) -> Duration {
    self.timeout
  }

  /// The URL of a platform endpoint, e.g. `endpoint("v01/server/graphql")`.
  pub(crate) fn endpoint(&self, path: &str) -> Url {
    // `base` always ends with '/', so joining keeps any path prefix the host has.
    self.base.join(path).expect("a relative path joins onto a base URL")
  }
}

pub(crate) fn check_timeout(timeout: Duration) -> Result<Duration> {
  if timeout.is_zero() {
    return Err(Error::invalid_argument(
      "timeoutMs: must be at least 1 (milliseconds); leave it out for the default of 30000",
    ));
  }
  Ok(timeout)
}

pub(crate) fn check_max_retries(max_retries: u32) -> Result<u32> {
  if max_retries > MAX_RETRIES {
    return Err(Error::invalid_argument(format!(
      "maxRetries: must be between 0 and {MAX_RETRIES}; it is {max_retries} (leave it out for the default of 2)"
    )));
  }
  Ok(max_retries)
}

fn required<'a>(field: &str, value: &'a str) -> Result<&'a str> {
  let value = value.trim();
  if value.is_empty() {
    return Err(Error::invalid_argument(format!(
      "{field}: must not be empty; copy it from the ROQ Console (or run the emulator and use the one it prints)"
    )));
  }
  Ok(value)
}

/// The platform's base URL, by the rulebook's rule for where a secret may go (the API key does),
/// worded for `host`, and without a query or fragment.
fn parse_host(host: &str) -> Result<Url> {
  let example = "e.g. \"https://<your-environment>.roq-platform.com\"";
  let mut url = secret_url(host).map_err(|problem| {
    Error::invalid_argument(match problem {
      UrlProblem::NotAUrl => format!("host: {host:?} is not a URL; pass the platform's base URL, {example}"),
      UrlProblem::NoHost => format!("host: {host:?} has no host name; pass the platform's base URL, {example}"),
      UrlProblem::ClearText => format!(
        "host: {host:?} uses http://, which would send the API key in clear text; use https:// (http:// is only allowed for localhost)"
      ),
      UrlProblem::Scheme(other) => format!("host: the scheme {other:?} is not supported; use https://, {example}"),
      UrlProblem::Credentials => {
        "host: must not contain a user name or password; pass environmentId and apiKey instead".to_owned()
      }
    })
  })?;
  if url.query().is_some() || url.fragment().is_some() {
    return Err(Error::invalid_argument(format!(
      "host: {host:?} must not have a query or fragment; pass only the base URL, {example}"
    )));
  }
  if !url.path().ends_with('/') {
    let path = format!("{}/", url.path());
    url.set_path(&path);
  }
  Ok(url)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;

  #[test]
  fn accepts_https_and_loopback_http() {
    for host in [
      "https://mars-pp.roq-platform.com",
      "https://example.com/prefix/",
      "http://127.0.0.1:4000",
      "http://localhost:3000",
      "http://[::1]:9",
    ] {
      assert!(Config::new(host, "env", "key").is_ok(), "{host}");
    }
  }

  #[test]
  fn keeps_a_path_prefix_and_never_doubles_slashes() {
    let c = Config::new("https://example.com/roq", "env", "key").unwrap();
    assert_eq!(
      c.endpoint("v01/server/graphql").as_str(),
      "https://example.com/roq/v01/server/graphql"
    );
    let c = Config::new("https://example.com/", "env", "key").unwrap();
    assert_eq!(
      c.endpoint("v01/authorize").as_str(),
      "https://example.com/v01/authorize"
    );
  }

  #[test]
  fn rejects_bad_hosts_with_a_message_that_names_the_field() {
    for (host, needle) in [
      ("not a url", "is not a URL"),
      ("http://example.com", "use https://"),
      ("ftp://example.com", "not supported"),
      ("https://user:pw@example.com", "user name or password"),
      ("https://example.com?x=1", "query"),
    ] {
      let err = Config::new(host, "env", "key").unwrap_err();
      assert_eq!(err.code(), ErrorCode::InvalidArgument);
      assert!(err.message().starts_with("host: "), "{err}");
      assert!(err.message().contains(needle), "{err}");
    }
  }

  #[test]
  fn rejects_empty_ids_and_zero_timeouts() {
    assert!(
      Config::new("https://x.io", " ", "key")
        .unwrap_err()
        .message()
        .starts_with("environmentId:")
    );
    assert!(
      Config::new("https://x.io", "env", "")
        .unwrap_err()
        .message()
        .starts_with("apiKey:")
    );
    let c = Config::new("https://x.io", "env", "key").unwrap();
    assert!(c.with_timeout(Duration::ZERO).is_err());
  }

  #[test]
  fn debug_never_shows_the_api_key() {
    let c = Config::new("https://x.io", "env", "super-secret-key").unwrap();
    assert!(!format!("{c:?}").contains("super-secret-key"));
  }
}
