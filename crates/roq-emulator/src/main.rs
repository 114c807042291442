//! `roq-emulator`: a local ROQ platform for invites, as a standalone process.
#![allow(
  clippy::print_stdout,
  clippy::print_stderr,
  reason = "a command-line program talks on stdout and stderr"
)]

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use roq_emulator::{Emulator, EmulatorOptions};

/// A local ROQ platform for user invites: the platform's endpoints, a SQLite store, and an
/// outbox instead of real mail. Point a client at the URL it prints.
#[derive(Parser)]
#[command(name = "roq-emulator", version)]
struct Args {
  /// The port to listen on; 0 picks a free one.
  #[arg(long, default_value_t = 4077)]
  port: u16,
  /// The address to listen on.
  #[arg(long, default_value = "127.0.0.1")]
  host: IpAddr,
  /// A SQLite file that keeps invites, mails and credentials across restarts (in memory if absent).
  #[arg(long)]
  db: Option<PathBuf>,
  /// The environment id (made up, and kept in --db, if absent).
  #[arg(long)]
  environment_id: Option<String>,
  /// The API key (made up, and kept in --db, if absent).
  #[arg(long)]
  api_key: Option<String>,
  /// The page the accept links point to; `?token=` is added.
  #[arg(long)]
  accept_url: Option<String>,
  /// How long an invite can be accepted, in days.
  #[arg(long, default_value_t = 7.0)]
  invite_validity_days: f64,
  /// Refuse user ids the emulator has not seen instead of registering them on first use.
  #[arg(long)]
  strict: bool,
  /// An origin (besides localhost) whose pages may call the browser endpoint; repeatable.
  #[arg(long, value_name = "ORIGIN")]
  cors_origin: Vec<String>,
  /// What the invitation mail invites to ("you are invited to join NAME"); the tenant's id if absent.
  #[arg(long, value_name = "NAME")]
  app_name: Option<String>,
  /// A URL that receives a POST of each change of an invite; repeatable.
  #[arg(long, value_name = "URL")]
  webhook: Vec<String>,
  /// The roq-platform-webhook-key sent with each webhook (made up, and kept in --db, if absent).
  #[arg(long, value_name = "KEY")]
  webhook_key: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
  let args = Args::parse();
  if !(args.invite_validity_days.is_finite() && args.invite_validity_days > 0.0) {
    eprintln!("roq-emulator: --invite-validity-days must be a positive number of days");
    return ExitCode::from(2);
  }
  let options = EmulatorOptions {
    host: Some(args.host),
    port: args.port,
    db_path: args.db,
    environment_id: args.environment_id,
    api_key: args.api_key,
    accept_url: args.accept_url,
    invite_validity_ms: Some((args.invite_validity_days * 86_400_000.0) as u64),
    token_lifetime_ms: None,
    strict: args.strict,
    cors_origins: args.cors_origin,
    app_name: args.app_name,
    webhooks: args
      .webhook
      .into_iter()
      .map(|url| roq_emulator::WebhookTarget { url, key: None })
      .collect(),
    webhook_key: args.webhook_key,
    webhook_retry: None,
  };
  let webhooks = !options.webhooks.is_empty();
  let stopped = stop_signal();
  let emulator = match Emulator::start(options).await {
    Ok(emulator) => emulator,
    Err(error) => {
      eprintln!("roq-emulator: {error}");
      return ExitCode::FAILURE;
    }
  };
  println!("roq-emulator listening on {}", emulator.url());
  println!("ROQ_PLATFORM_URL={}", emulator.url());
  println!("ROQ_ENVIRONMENT_ID={}", emulator.environment_id());
  println!("ROQ_API_KEY={}", emulator.api_key());
  if webhooks {
    println!("ROQ_WEBHOOK_KEY={}", emulator.webhook_key());
  }
  println!(
    "dashboard: {} (user: the environment id, password: the API key)",
    emulator.dashboard_url()
  );
  stopped.await;

  emulator.stop().await;
  println!("roq-emulator stopped");
  ExitCode::SUCCESS
}

/// Ctrl-C (SIGINT), or SIGTERM from a process manager. The handlers are installed when this is
/// called, so call it before announcing that the emulator is up: a signal sent right after the
/// announcement must stop it cleanly, not kill it.
fn stop_signal() -> impl Future<Output = ()> {
  #[cfg(unix)]
  {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).expect("a SIGINT handler can be installed");
    let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler can be installed");
    async move {
      tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
      }
    }
  }
  #[cfg(not(unix))]
  async {
    let _ = tokio::signal::ctrl_c().await;
  }
}
