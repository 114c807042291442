//! `NativeEmulator`: an emulator running in this process, behind `startEmulator()`.

use std::sync::Arc;

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use roq_emulator::command_line::{COMMAND_LINE, FlagValues, options_from_flags};
use roq_emulator::{
  Emulator, EmulatorOptions, Fault, InviteQuery, OutboxFilter, Problem, RequestLogQuery, ResetRequest, SessionRequest,
  StartError,
};
use roq_invites::input::from_json;
use roq_invites::{Error, ErrorCode};

use crate::keep_alive::KeepAlive;
use crate::network::NativeRoots;
use crate::outcome::{Outcome, outcome, spawn_json, to_json};

#[napi]
pub struct NativeEmulator {
  emulator: Arc<Emulator>,
  /// Held while JavaScript has called `ref()`: Node stays up while the emulator runs.
  keep_alive: KeepAlive,
}

/// Starts an emulator on the addon's runtime; `options` is JSON of the emulator's options,
/// `roots` whom deliveries to `https://` webhook receivers trust (Node's).
#[napi]
pub fn start_emulator<'env>(
  env: &'env Env,
  options: String,
  roots: Option<&NativeRoots>,
) -> Result<PromiseRaw<'env, Outcome<NativeEmulator>>> {
  let webhook_tls = roots.map(|native| native.roots().tls_config());
  let start = async move {
    let options = EmulatorOptions {
      webhook_tls,
      ..from_json(&options, "options")?
    };
    Emulator::start(options).await.map_err(|e| match &e {
      StartError::Listen { .. } => Error::new(ErrorCode::NetworkError, e.to_string()),
      StartError::Store { .. } => Error::invalid_argument(format!("dbPath: {e}")),
      StartError::Options(_) => Error::invalid_argument(e.to_string()),
    })
  };
  env.spawn_future(async move {
    Ok(outcome(start.await.map(|emulator| NativeEmulator {
      emulator: Arc::new(emulator),
      keep_alive: KeepAlive::default(),
    })))
  })
}

/// JSON of the emulator's command line, `{ about, flags: [{ name, valueName, help, default, kind }] }`:
/// the table `roq-emulator` builds its flags from, for `roq-invites emulator` to build its own.
#[napi]
pub fn emulator_command_line() -> String {
  serde_json::to_string(&COMMAND_LINE).unwrap_or_default()
}

/// `values`: JSON of the flags given, by name, as `util.parseArgs` gives them (`"4077"`,
/// `["a", "b"]`, `true`); the JSON of the emulator's options, or the message `roq-emulator`
/// prints for the same mistake (`INVALID_ARGUMENT`).
#[napi]
pub fn emulator_options_from_flags(values: String) -> Outcome<String> {
  outcome(
    from_json::<FlagValues>(&values, "flags")
      .and_then(|values| options_from_flags(&values).map_err(Error::invalid_argument))
      .and_then(to_json),
  )
}

/// The emulator's refusal as the client's error: the same status means the same code.
fn refused(problem: Problem) -> Error {
  Error::new(ErrorCode::from_http_status(problem.status_code()), problem.message())
}

#[napi]
impl NativeEmulator {
  #[napi(getter)]
  pub fn url(&self) -> String {
    self.emulator.url().to_owned()
  }

  #[napi(getter)]
  pub fn environment_id(&self) -> String {
    self.emulator.environment_id().to_owned()
  }

  #[napi(getter)]
  pub fn api_key(&self) -> String {
    self.emulator.api_key().to_owned()
  }

  #[napi(getter)]
  pub fn dashboard_url(&self) -> String {
    self.emulator.dashboard_url()
  }

  #[napi(getter)]
  pub fn webhook_key(&self) -> String {
    self.emulator.webhook_key().to_owned()
  }

  /// Resolves to the JSON of every webhook delivery, newest first, with its attempts.
  #[napi]
  pub fn webhooks<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move { emulator.webhooks().map_err(refused) })
  }

  /// `filter`: JSON of `{ to?, userInviteId? }`; resolves to the JSON of the mails.
  #[napi]
  pub fn outbox<'env>(&self, env: &'env Env, filter: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move {
      let filter: OutboxFilter = from_json(&filter, "outbox filter")?;
      emulator.outbox(&filter).map_err(refused)
    })
  }

  /// `request`: JSON of `{ tenantId, userId?, email?, firstName?, lastName?, roles?, locale?,
  /// expiresIn? }`; resolves to the JSON of `{ token, roqUserId, tenantId, accessToken }`.
  #[napi]
  pub fn session<'env>(&self, env: &'env Env, request: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move {
      let request: SessionRequest = from_json(&request, "session")?;
      emulator.session(&request).map_err(refused)
    })
  }

  /// `query`: JSON of `{ id?, tenantId?, status?, limit? }`; resolves to the JSON of the invites
  /// with their histories.
  #[napi]
  pub fn invites<'env>(&self, env: &'env Env, query: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move {
      let query: InviteQuery = from_json(&query, "invites query")?;
      emulator.invites(&query).map_err(refused)
    })
  }

  /// `query`: JSON of `{ traceId?, requestId?, status?, limit? }`; resolves to the JSON of the
  /// request log's rows that match, newest first.
  #[napi]
  pub fn requests<'env>(&self, env: &'env Env, query: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move {
      let query: RequestLogQuery = from_json(&query, "requests query")?;
      emulator.requests(&query).map_err(refused)
    })
  }

  /// JSON of how many requests each endpoint has answered.
  #[napi]
  pub fn stats(&self) -> String {
    serde_json::to_string(&self.emulator.stats()).unwrap_or_default()
  }

  /// `faults`: JSON of a list of faults; replaces the queue (`[]` clears it).
  #[napi]
  pub fn set_faults(&self, faults: String) -> Outcome<()> {
    outcome(from_json::<Vec<Fault>>(&faults, "faults").map(|faults| self.emulator.set_faults(faults)))
  }

  /// JSON of the faults still waiting, in order.
  #[napi]
  pub fn queued_faults(&self) -> String {
    serde_json::to_string(&self.emulator.queued_faults()).unwrap_or_default()
  }

  /// Moves the emulator's clock by `ms` milliseconds.
  #[napi]
  pub fn advance_clock(&self, ms: f64) {
    self.emulator.advance_clock(ms as i64);
  }

  /// Sends the event of the webhook delivery `id` again, as a new delivery; resolves to its JSON.
  #[napi]
  pub fn redeliver<'env>(&self, env: &'env Env, id: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move { emulator.redeliver(&id).map_err(refused) })
  }

  /// `request`: JSON of `{ tenantId? }`; resolves to the JSON of what was removed, by kind.
  #[napi]
  pub fn reset<'env>(&self, env: &'env Env, request: String) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    spawn_json(env, async move {
      let request: ResetRequest = from_json(&request, "reset")?;
      emulator.reset(&request).map_err(refused)
    })
  }

  /// Keeps Node running while the emulator runs, by a handle of its own (`net.Server#ref()`).
  #[napi(js_name = "ref")]
  pub fn refer(&self, env: &Env) -> Result<()> {
    self.keep_alive.hold(env)
  }

  /// Lets Node exit while the emulator runs (the default).
  #[napi]
  pub fn unref(&self) {
    self.keep_alive.release();
  }

  /// Stops it and releases what kept Node running for it, for good; then writes `exportOnExit`'s
  /// snapshot, if given (a failure to write it is an `INVALID_ARGUMENT` naming the file, after
  /// the emulator has stopped).
  #[napi]
  pub fn stop<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Outcome<()>>> {
    self.keep_alive.close();
    let emulator = Arc::clone(&self.emulator);
    env.spawn_future(async move {
      Ok(outcome(
        emulator
          .stop()
          .await
          .map_err(|e| Error::invalid_argument(e.to_string())),
      ))
    })
  }

  /// Resolves to the JSON of the snapshot of the emulator's data (see `Snapshot`): the file's
  /// text, made as the export at stop makes it, off the runtime's workers.
  #[napi]
  pub fn export<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let emulator = Arc::clone(&self.emulator);
    env.spawn_future(async move { Ok(outcome(emulator.export_text().await.map_err(refused))) })
  }
}
