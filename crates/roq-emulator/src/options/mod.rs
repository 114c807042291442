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

/// How the emulator starts: what `startEmulator(options)` takes. Everything is optional.
// Serialize: `roq-invites emulator` gets it from the flags this way.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
pub struct EmulatorOptions {
  /// The IP address to listen on; 127.0.0.1 unless given.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "string", optional))]
  pub host: Option<IpAddr>,
  /// The port; 0 (the default) picks a free one.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub port: u16,
  /// A SQLite file that keeps invites, mails and credentials across restarts; in memory if absent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "string", optional))]
  pub db_path: Option<PathBuf>,
  /// The environment id; made up (and kept in `dbPath`) if absent.
  #[serde(default)]
  pub environment_id: Option<String>,
  /// The API key; made up (and kept in `dbPath`) if absent.
  #[serde(default)]
  pub api_key: Option<String>,
  /// The page the accept link in each mail points to (`?token=` is added): an `http://` or
  /// `https://` URL without a user name or password. The emulator's `/accept-invite` if absent.
  #[serde(default)]
  pub accept_url: Option<String>,
  /// How long an invite can be accepted, in milliseconds. Default 7 days; at most a hundred years.
  #[serde(default)]
  pub invite_validity_ms: Option<u64>,
  /// How long an access token is valid, in milliseconds. Default 1 hour; at most 365 days, the
  /// longest a caller may ask for.
  #[serde(default)]
  pub token_lifetime_ms: Option<u64>,
  /// Refuse user ids the emulator has not seen, instead of registering them on first use.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub strict: bool,
  /// Origins whose pages may call the browser endpoint (`/v01/graphql`, which ROQ's browser SDK
  /// uses), besides `http(s)://localhost:*` and `http(s)://127.0.0.1:*`, each as
  /// `scheme://host[:port]`: e.g. `['https://app.example.dev']`. The endpoints that take the API
  /// key never answer a page.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub cors_origins: Vec<String>,
  /// What the invitation mail invites to ("you are invited to join {appName}"); the tenant's id
  /// if absent.
  #[serde(default)]
  pub app_name: Option<String>,
  /// URLs that receive a POST of each change of an invite (created, resent, canceled, accepted,
  /// updated, expired) after it is committed, with `roq-platform-webhook-key`: `key`, or
  /// `webhookKey`. Each is `https://`, or `http://` to this machine (localhost, 127.0.0.1, [::1]),
  /// without a user name or password, as the client's `host` is.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional, inline))]
  pub webhooks: Vec<WebhookTarget>,
  /// The webhook key of the URLs without their own; made up (and kept in `dbPath`) if absent.
  #[serde(default)]
  pub webhook_key: Option<String>,
  /// How deliveries are retried. Default: 5 attempts, 1 s doubling to at most 60 s, a 3 s timeout
  /// each.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub webhook_retry: Option<WebhookRetry>,
  /// Whom deliveries to `https://` receivers trust (the Node binding passes the roots Node
  /// trusts); the machine's store if absent.
  #[serde(skip)]
  pub webhook_tls: Option<rustls::ClientConfig>,
  /// Start from a snapshot: the path of a JSON file (`--export-on-exit`'s, the dashboard's Export,
  /// `JSON.stringify(await emulator.export(), null, 2)`, or a seed written by hand), or the
  /// snapshot itself. Every time moves by (the emulator's now − `exportedAt`), so an invite with a
  /// day left still has a day left; a time at either end of the range (`9999-12-31T23:59:59.999Z`,
  /// "never") stays there. The store must be empty (in memory, or a new `dbPath`). A snapshot is
  /// untrusted input: every field is checked as the API or the command line checks its
  /// counterpart, a key named twice in one object is refused, and a delivery still pending goes
  /// only to a URL of `webhooks` (with its key); one to any other URL is given up at start, unsent.
  /// @throws {RoqError} `INVALID_ARGUMENT` from `startEmulator` naming the path of the mistake:
  /// `importFrom: seed.json: invites[3].email: "x" is not an email address`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "string | Snapshot | SnapshotSeed", optional))]
  pub import_from: Option<ImportFrom>,
  /// A file that `stop()` writes the snapshot to (replacing it, through a new file renamed over it;
  /// it may be `importFrom`'s file).
  /// @throws {RoqError} `INVALID_ARGUMENT` from `startEmulator`, not at stop, when its folder does
  /// not exist or takes no file, or it is a folder or the `dbPath` file (or its `-wal`, `-shm`,
  /// `-journal`): `exportOnExit: platform.db: is the store (dbPath platform.db), which the snapshot
  /// would replace; pass another file, e.g. snapshot.json`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "string", optional))]
  pub export_on_exit: Option<PathBuf>,
  /// At most `requests` GraphQL requests (both endpoints, every caller of the environment) in any
  /// `windowMs`, as a sliding window by the emulator's clock (`advanceClock` moves it on); over
  /// it, HTTP 429 in the platform's error shape (`TOO_MANY_REQUESTS`) with `Retry-After`, whole
  /// seconds until a request would be let through. Only requests with the environment's valid
  /// credentials count: one without them is answered `UNAUTHORIZED_EXCEPTION` and uses up
  /// nothing. `requests` 1 to 100,000, `windowMs` 1 to a day. No limit if absent. The token
  /// endpoints are not limited. Also `--rate-limit N/PERIOD`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
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
