//! The checks the options pass at start that their types cannot make, each with the message that
//! names the option and what to pass; the façade (`Emulator::start`) runs them in its order, and
//! says a failed one as `StartError::Options`.

use std::time::Duration;

use url::Url;

use crate::options::token_lifetime::MAX_EXPIRES_IN_SECS;
use crate::options::{
  DEFAULT_INVITE_VALIDITY, DEFAULT_TOKEN_LIFETIME, EmulatorOptions, MAX_INVITE_VALIDITY, configured_urls,
};
use crate::webhooks::config::Webhooks;

/// The webhook targets, each checked, and how they are retried.
pub(crate) fn webhooks(options: &EmulatorOptions, key: String) -> Result<Webhooks, String> {
  for (i, target) in options.webhooks.iter().enumerate() {
    configured_urls::webhook_url(&target.url).map_err(|why| format!("webhooks[{i}].url: {why}"))?;
    if target.key.as_deref().is_some_and(|k| k.trim().is_empty()) {
      return Err(format!(
        "webhooks[{i}].key: must not be empty; leave it out for the environment's key"
      ));
    }
  }
  let retry = options.webhook_retry.unwrap_or_default();
  retry.check()?;
  Ok(Webhooks::new(
    options.webhooks.clone(),
    key,
    retry,
    options.webhook_tls.clone(),
  ))
}

/// The accept page of every mail's link: the one given, or the emulator's own at `url`.
pub(crate) fn accept_url(given: Option<&str>, url: &str) -> Result<Url, String> {
  match given {
    Some(given) => configured_urls::accept_url(given).map_err(|why| format!("acceptUrl: {why}")),
    None => Url::parse(&format!("{url}/accept-invite"))
      .map_err(|e| format!("the emulator's own address {url} is not a URL ({e})")),
  }
}

/// What every mail invites to, trimmed; none if absent or blank. Every mail names it, as it names
/// a person; so a snapshot's mail is bounded by it too.
pub(crate) fn app_name(given: Option<&str>) -> Result<Option<String>, String> {
  let app_name = given.map(str::trim).filter(|n| !n.is_empty());
  if app_name.is_some_and(|name| name.chars().count() > roq_rules::MAX_NAME) {
    return Err(format!("appName: must be at most {} characters", roq_rules::MAX_NAME));
  }
  Ok(app_name.map(str::to_owned))
}

/// `tokenLifetimeMs`: at most the longest lifetime a caller may ask for.
pub(crate) fn token_lifetime(given: Option<u64>) -> Result<Duration, String> {
  bounded_ms(
    "tokenLifetimeMs",
    given,
    DEFAULT_TOKEN_LIFETIME,
    (Duration::from_secs(MAX_EXPIRES_IN_SECS), "365 days"),
  )
}

/// `inviteValidityMs`: at most a hundred years.
pub(crate) fn invite_validity(given: Option<u64>) -> Result<Duration, String> {
  bounded_ms(
    "inviteValidityMs",
    given,
    DEFAULT_INVITE_VALIDITY,
    (MAX_INVITE_VALIDITY, "a hundred years"),
  )
}

/// A duration option in milliseconds, the default if absent; past `most`, an error that names it.
fn bounded_ms(name: &str, given: Option<u64>, default: Duration, most: (Duration, &str)) -> Result<Duration, String> {
  let (most, in_words) = most;
  match given.map(Duration::from_millis) {
    None => Ok(default),
    Some(duration) if duration <= most => Ok(duration),
    Some(_) => Err(format!(
      "{name}: must be at most {} ({in_words}); leave it out for the default",
      most.as_millis()
    )),
  }
}

/// The extra origins of the browser endpoint, each checked and written as `scheme://host[:port]`.
pub(crate) fn browser_origins(given: &[String]) -> Result<Vec<String>, String> {
  let origins = given.iter().enumerate().map(|(i, text)| {
    let invalid = |why: &str| {
      format!(
        "corsOrigins[{i}]: {text:?} {why}; pass an origin like \"https://app.example.dev\" or \"http://devbox:3000\""
      )
    };
    let url = Url::parse(text.trim()).map_err(|_| invalid("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
      return Err(invalid("is not an http:// or https:// origin"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
      return Err(invalid("has more than scheme, host and port"));
    }
    Ok(url.origin().ascii_serialization())
  });
  origins.collect()
}
