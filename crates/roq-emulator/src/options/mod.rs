//! How the emulator is started: [`EmulatorOptions`] (what `startEmulator(options)` takes), the
//! checks they pass at start (`checks.rs`), the command line that makes them from flags, the URLs
//! they give, and the lifetime a caller asks for a token.

pub(crate) mod checks;
pub mod command_line;
pub(crate) mod configured_urls;
pub(crate) mod token_lifetime;

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rate_limit::RateLimit;
use crate::snapshot::format::ImportFrom;
use crate::webhooks::config::{WebhookRetry, WebhookTarget};

/// How the emulator starts. Everything is optional; JavaScript passes the same object to
/// `startEmulator(options)`. Serialize: `roq-invites emulator` gets it from the flags this way.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatorOptions {
  /// The address to listen on; 127.0.0.1 unless given.
  #[serde(default)]
  pub host: Option<IpAddr>,
  /// The port; 0 (the default) picks a free one.
  #[serde(default)]
  pub port: u16,
  /// A SQLite file that keeps the data (and the credentials) across restarts; in memory if absent.
  #[serde(default)]
  pub db_path: Option<PathBuf>,
  /// The environment id; made up (and kept in the file) if absent.
  #[serde(default)]
  pub environment_id: Option<String>,
  /// The API key; made up (and kept in the file) if absent.
  #[serde(default)]
  pub api_key: Option<String>,
  /// The page the accept link in each mail points to (`?token=` is added); the emulator's
  /// `/accept-invite` if absent.
  #[serde(default)]
  pub accept_url: Option<String>,
  /// How long an invite can be accepted, in milliseconds; 7 days if absent, at most
  /// [`MAX_INVITE_VALIDITY`].
  #[serde(default)]
  pub invite_validity_ms: Option<u64>,
  /// How long an access token is valid, in milliseconds; 1 hour if absent, at most
  /// [`MAX_EXPIRES_IN_SECS`](token_lifetime::MAX_EXPIRES_IN_SECS) seconds (the longest a caller may ask for).
  #[serde(default)]
  pub token_lifetime_ms: Option<u64>,
  /// Refuse user ids the emulator has not seen instead of registering them on first use.
  #[serde(default)]
  pub strict: bool,
  /// Origins whose pages may call the browser endpoint `/v01/graphql` besides
  /// `http(s)://localhost:*` and `http(s)://127.0.0.1:*`, each as `scheme://host[:port]`.
  #[serde(default)]
  pub cors_origins: Vec<String>,
  /// What the invitation mail invites to ("you are invited to join {appName}"); the tenant's
  /// id if absent.
  #[serde(default)]
  pub app_name: Option<String>,
  /// URLs that receive a POST of each change of an invite, after it is committed.
  #[serde(default)]
  pub webhooks: Vec<WebhookTarget>,
  /// The `roq-platform-webhook-key` of the targets without their own; made up (and kept in the
  /// file) if absent.
  #[serde(default)]
  pub webhook_key: Option<String>,
  /// How webhook deliveries are retried, and how long a receiver may take.
  #[serde(default)]
  pub webhook_retry: Option<WebhookRetry>,
  /// Whom deliveries to `https://` receivers trust (the Node binding passes the roots Node
  /// trusts); the machine's store if absent.
  #[serde(skip)]
  pub webhook_tls: Option<rustls::ClientConfig>,
  /// A snapshot to start from (see [`Snapshot`](crate::snapshot::format::Snapshot)): a JSON file's path, or the snapshot itself.
  /// The store must be empty (in memory, or a new `dbPath`).
  #[serde(default)]
  pub import_from: Option<ImportFrom>,
  /// A file that [`Emulator::stop`](crate::Emulator::stop) writes the snapshot to (replacing it). Checked at start: its
  /// folder must exist and be writable, and it must not be a folder or the store (`dbPath`).
  #[serde(default)]
  pub export_on_exit: Option<PathBuf>,
  /// At most `requests` GraphQL requests in any `windowMs` (a sliding window), counting only
  /// those with the environment's valid credentials; over it, 429 with `Retry-After`. No limit
  /// if absent.
  #[serde(default)]
  pub rate_limit: Option<RateLimit>,
}

/// Without the API key and the webhook key: a `{:?}` of the options must not print them.
impl std::fmt::Debug for EmulatorOptions {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let secret = |value: &Option<String>| value.as_ref().map(|_| "[redacted]");
    f.debug_struct("EmulatorOptions")
      .field("host", &self.host)
      .field("port", &self.port)
      .field("db_path", &self.db_path)
      .field("environment_id", &self.environment_id)
      .field("api_key", &secret(&self.api_key))
      .field("accept_url", &self.accept_url)
      .field("invite_validity_ms", &self.invite_validity_ms)
      .field("token_lifetime_ms", &self.token_lifetime_ms)
      .field("strict", &self.strict)
      .field("cors_origins", &self.cors_origins)
      .field("app_name", &self.app_name)
      .field("webhooks", &self.webhooks)
      .field("webhook_key", &secret(&self.webhook_key))
      .field("webhook_retry", &self.webhook_retry)
      .field("import_from", &self.import_from)
      .field("export_on_exit", &self.export_on_exit)
      .field("rate_limit", &self.rate_limit)
      .finish_non_exhaustive()
  }
}

pub const DEFAULT_INVITE_VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The longest an invite can be accepted: a hundred years, far inside the range of the emulator's
/// millisecond clock.
pub const MAX_INVITE_VALIDITY: Duration = Duration::from_secs(36_500 * 86_400);

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn debug_output_holds_no_key() {
    let options = EmulatorOptions {
      api_key: Some("key_secret".into()),
      webhook_key: Some("whk_secret".into()),
      webhooks: vec![WebhookTarget {
        url: "http://127.0.0.1:1/hook".into(),
        key: Some("target_secret".into()),
      }],
      ..Default::default()
    };
    let shown = format!("{options:?}");
    assert!(!shown.contains("secret") && shown.contains("[redacted]"), "{shown}");
  }
}
