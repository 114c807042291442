//! A local emulator of the ROQ Platform's user-invite API: the same endpoints, headers, tokens
//! and GraphQL documents as the real platform (reference/roq-protocol.md), so that both this
//! project's client and the official `@roq/nodejs` SDK work against it unchanged.
//!
//! It is a real server (axum + async-graphql) over a real store (SQLite, in memory or in a file),
//! and writes every invitation mail to an outbox instead of sending it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), roq_emulator::StartError> {
//! let emulator = roq_emulator::Emulator::start(Default::default()).await?;
//! println!("{} {} {}", emulator.url(), emulator.environment_id(), emulator.api_key());
//! emulator.stop().await.ok();
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod clock;
mod counters;
mod faults;
mod options;
mod pages;
mod platform;
mod principal;
mod problem;
mod rate_limit;
mod request_log;
mod schema;
mod server;
mod snapshot;
mod webhooks;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::ServiceExt;
use axum::extract::Request;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use counters::Stats;
pub use faults::{Fault, FaultAnswer, FaultTarget};
pub use options::command_line;
pub use options::token_lifetime::{ExpiresIn, MAX_EXPIRES_IN_SECS};
pub use options::{DEFAULT_INVITE_VALIDITY, DEFAULT_TOKEN_LIFETIME, EmulatorOptions, MAX_INVITE_VALIDITY};
pub use platform::history::{HistoryEntry, InviteEvent};
pub use platform::invite_records::{InviteQuery, InviteRecord, InviteRecords};
pub use platform::mail::{Mail, OutboxFilter};
pub use platform::reset::ResetRequest;
pub use platform::reset_generations::Removed;
pub use platform::sessions::{Session, SessionRequest};
pub use problem::Problem;
pub use rate_limit::{RateLimit, RateLimitState};
pub use request_log::{CallerKind, Endpoint, LoggedRequest, RequestLogQuery};
pub use roq_rules as rules;
pub use snapshot::format::{
  ImportFrom, SNAPSHOT_VERSION, Snapshot, SnapshotDelivery, SnapshotInvite, SnapshotMail, SnapshotUser,
};
pub use webhooks::config::{WebhookRetry, WebhookTarget};
pub use webhooks::deliveries::{Attempt, WebhookDelivery};

use crate::clock::Clock;
use crate::counters::Counters;
use crate::faults::Faults;
use crate::options::checks;
use crate::platform::credentials::{Credentials, random_text};
use crate::platform::reset_generations::Resets;
use crate::platform::store::Store;
use crate::platform::{Platform, Rules};
use crate::rate_limit::RateLimiter;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
  #[error("could not open the emulator's store{}: {source}", path.as_ref().map(|p| format!(" at {}", p.display())).unwrap_or_default())]
  Store {
    path: Option<PathBuf>,
    source: rusqlite_migration::Error,
  },
  #[error("could not listen on {address}: {source}")]
  Listen {
    address: SocketAddr,
    source: std::io::Error,
  },
  #[error("{0}")]
  Options(String),
}

/// Why [`Emulator::stop`] could not write the snapshot of `exportOnExit` (the emulator is
/// stopped all the same).
#[derive(Debug, thiserror::Error)]
#[error("exportOnExit: could not write the snapshot to {}: {source}", path.display())]
pub struct StopError {
  pub path: PathBuf,
  pub source: std::io::Error,
}

/// A running emulator. Stop it with [`Emulator::stop`]; dropping it stops it too.
pub struct Emulator {
  url: String,
  platform: Arc<Platform>,
  shutdown: Mutex<Option<oneshot::Sender<()>>>,
  server: Mutex<Option<JoinHandle<()>>>,
  /// Stops the tasks that deliver webhooks and expire invites on time.
  tasks: CancellationToken,
  /// Where [`Emulator::stop`] writes the snapshot, if anywhere; taken by the first stop.
  export_on_exit: Mutex<Option<PathBuf>>,
}

impl Emulator {
  /// Opens the store, binds the port and starts serving on the current tokio runtime.
  pub async fn start(options: EmulatorOptions) -> Result<Self, StartError> {
    let store_error = |source: rusqlite_migration::Error| StartError::Store {
      path: options.db_path.clone(),
      source,
    };
    let store = Store::open(options.db_path.as_deref()).map_err(store_error)?;
    // Now, not at stop: a session must not be lost at its end. After the store is open, so that
    // its files exist to be told apart from the target.
    let export_on_exit = options
      .export_on_exit
      .as_deref()
      .map(|path| {
        snapshot::check_target(path, options.db_path.as_deref().map(|db| (db, "dbPath")))
          .map_err(|why| StartError::Options(format!("exportOnExit: {why}")))
      })
      .transpose()?;
    let setting = |key: &str, given: &Option<String>, make: fn() -> String| match given {
      Some(value) if value.trim().is_empty() => Err(StartError::Options(format!("{key} must not be empty"))),
      Some(value) => store
        .set_setting(key, value)
        .map(|()| value.clone())
        .map_err(|e| store_error(e.into())),
      None => store.setting(key, make).map_err(|e| store_error(e.into())),
    };
    let environment_id = setting("environmentId", &options.environment_id, || {
      uuid::Uuid::new_v4().to_string()
    })?;
    let api_key = setting("apiKey", &options.api_key, || format!("roq_emu_{}", random_text()))?;
    let signing_secret = setting("signingSecret", &None, random_text)?;
    let webhook_key = setting("webhookKey", &options.webhook_key, || format!("whk_{}", random_text()))?;
    let webhooks = checks::webhooks(&options, webhook_key).map_err(StartError::Options)?;
    if let Some(limit) = &options.rate_limit {
      limit.check().map_err(StartError::Options)?;
    }

    let address = SocketAddr::new(options.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)), options.port);
    let listener = tokio::net::TcpListener::bind(address)
      .await
      .map_err(|source| StartError::Listen { address, source })?;
    let address = listener
      .local_addr()
      .map_err(|source| StartError::Listen { address, source })?;
    let url = format!("http://{address}");

    let accept_url = checks::accept_url(options.accept_url.as_deref(), &url).map_err(StartError::Options)?;
    let origins = checks::browser_origins(&options.cors_origins).map_err(StartError::Options)?;
    let app_name = checks::app_name(options.app_name.as_deref()).map_err(StartError::Options)?;
    let token_lifetime = checks::token_lifetime(options.token_lifetime_ms).map_err(StartError::Options)?;
    let invite_validity = checks::invite_validity(options.invite_validity_ms).map_err(StartError::Options)?;
    let resets = Resets::load(&store.lock()).map_err(|e| store_error(e.into()))?;
    let platform = Arc::new(Platform {
      store,
      faults: Faults::default(),

      clock: Clock::default(),
      counters: Counters::default(),
      credentials: Credentials::new(
        environment_id,
        api_key,
        signing_secret.as_bytes(),
        token_lifetime.as_secs().max(1) as i64,
      ),
      rules: Rules {
        invite_validity,
        accept_url,
        strict: options.strict,
        app_name,
      },
      webhooks,
      rate_limiter: RateLimiter::new(options.rate_limit),
      resets,
      requests: Default::default(),
      #[cfg(test)]
      export_pause: Default::default(),
    });
    if let Some(from) = &options.import_from {
      snapshot::import(&platform, from, platform.clock.now_ms())
        .map_err(|why| StartError::Options(format!("importFrom: {why}")))?;
    }
    // Deliveries still to go to a URL that is not configured now (from the snapshot, or from the
    // store of a run with other webhooks) are given up, before anything could send them.
    platform.give_up_unconfigured().map_err(|e| store_error(e.into()))?;
    let tasks = CancellationToken::new();
    if platform.webhooks.enabled() {
      tokio::spawn(webhooks::sender::run(Arc::clone(&platform), tasks.clone()));
      tokio::spawn(webhooks::expiry_task::run(Arc::clone(&platform), tasks.clone()));
    }

    let (shutdown, signal) = oneshot::channel::<()>();
    let app = server::app(Arc::clone(&platform), server::BrowserOrigins(origins));
    let server = tokio::spawn(async move {
      let stopped = async {
        let _ = signal.await;
      };
      // An error here means the listener failed; there is no one to report it to but the
      // caller of stop(), who sees the server gone either way.
      let _ = axum::serve(listener, ServiceExt::<Request>::into_make_service(app))
        .with_graceful_shutdown(stopped)
        .await;
    });
    Ok(Self {
      url,
      platform,
      shutdown: Mutex::new(Some(shutdown)),
      server: Mutex::new(Some(server)),
      tasks,
      export_on_exit: Mutex::new(export_on_exit),
    })
  }

  /// The base URL, e.g. `http://127.0.0.1:41234`: what clients take as `host`.
  pub fn url(&self) -> &str {
    &self.url
  }

  pub fn environment_id(&self) -> &str {
    &self.platform.credentials.environment_id
  }

  pub fn api_key(&self) -> &str {
    &self.platform.credentials.api_key
  }

  /// The dashboard's address: every invite, mail and fault, in a browser.
  pub fn dashboard_url(&self) -> String {
    format!("{}/__emulator/", self.url)
  }

  /// The mails written so far, oldest first.
  pub fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<Mail>, Problem> {
    self.platform.outbox(filter)
  }

  /// Signs a development user of a tenant in: a `roq-session-token` for it (see [`Session`]).
  pub fn session(&self, request: &SessionRequest) -> Result<Session, Problem> {
    self.platform.session(request)
  }

  /// The invites that match `query`, newest first, each with its history.
  pub fn invites(&self, query: &InviteQuery) -> Result<InviteRecords, Problem> {
    self.platform.invite_records(query)
  }

  /// The requests the platform's endpoints answered that match `query`, newest first (the log
  /// keeps the newest 1,000).
  pub fn requests(&self, query: &RequestLogQuery) -> Result<Vec<LoggedRequest>, Problem> {
    self.platform.requests.read(query)
  }

  /// The faults still waiting, in order.
  pub fn queued_faults(&self) -> Vec<Fault> {
    self.platform.faults.queued()
  }

  /// How many requests each endpoint has answered.
  pub fn stats(&self) -> Stats {
    self.platform.counters.snapshot()
  }

  /// Moves the emulator's clock by `ms` (negative to go back): tokens and invites expire by
  /// this clock, so tests need not sleep.
  pub fn advance_clock(&self, ms: i64) {
    self.platform.clock.advance(ms);
    // Expiries and webhook retries that are due by the new time happen now.
    self.platform.webhooks.wake();
  }

  /// The key sent as `roq-platform-webhook-key` to targets without their own.
  pub fn webhook_key(&self) -> &str {
    &self.platform.webhooks.key
  }

  /// Every webhook delivery, newest first, with its attempts.
  pub fn webhooks(&self) -> Result<Vec<WebhookDelivery>, Problem> {
    self.platform.webhook_deliveries(usize::MAX >> 1)
  }

  /// Sends a past delivery's event again (the same event id) as a new delivery to the webhook
  /// configured now, and returns it: to its URL if it is still configured, else to every webhook
  /// configured now (the first returned); `CONFLICT` with none.
  pub fn redeliver(&self, delivery_id: &str) -> Result<WebhookDelivery, Problem> {
    self.platform.redeliver(delivery_id)
  }

  /// Makes the next requests fail (or slow down) as `faults` say, in order; an empty list
  /// clears the queue. See [`Fault`].
  pub fn set_faults(&self, faults: Vec<Fault>) {
    self.platform.faults.set(faults);
  }

  /// The data as a snapshot: stable JSON (see [`Snapshot`]), which `importFrom` starts from. It
  /// reads for seconds from a large store (from a copy: it holds no request up), on the calling
  /// thread; from async code, [`Emulator::export_text`] does it on a blocking thread.
  pub fn export(&self) -> Result<Snapshot, Problem> {
    self.platform.snapshot()
  }

  /// The snapshot as its file's text: what `GET /__emulator/export` answers and `exportOnExit`
  /// writes, made on tokio's blocking threads.
  pub async fn export_text(&self) -> Result<String, Problem> {
    snapshot::text(Arc::clone(&self.platform)).await
  }

  /// Removes the invites, mails, users and webhook deliveries of one tenant (or of all, and the
  /// queued faults and the request log with them), keeping the credentials and settings; says
  /// what it removed.
  pub fn reset(&self, request: &ResetRequest) -> Result<Removed, Problem> {
    self.platform.reset(request)
  }

  /// The rate limit and how many requests are in its window now; none without a limit.
  pub fn rate_limit(&self) -> Option<RateLimitState> {
    self.platform.rate_limiter.state(|| self.platform.clock.now_ms())
  }

  /// Stops listening and waits (up to 5 s) for requests in flight to finish; then writes the
  /// snapshot to `exportOnExit`, if given. Calling it again does nothing.
  pub async fn stop(&self) -> Result<(), StopError> {
    self.tasks.cancel();
    if let Some(shutdown) = self.shutdown.lock().unwrap_or_else(PoisonError::into_inner).take() {
      let _ = shutdown.send(());
    }
    let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(mut server) = server
      && tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err()
    {
      server.abort();
    }
    let export_to = self
      .export_on_exit
      .lock()
      .unwrap_or_else(PoisonError::into_inner)
      .take();
    match export_to {
      Some(path) => snapshot::write_file(Arc::clone(&self.platform), path.clone())
        .await
        .map_err(|source| StopError { path, source }),
      None => Ok(()),
    }
  }
}

impl Drop for Emulator {
  fn drop(&mut self) {
    self.tasks.cancel();
    if let Some(server) = self.server.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
      server.abort();
    }
  }
}
