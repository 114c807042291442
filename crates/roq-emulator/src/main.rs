//! `roq-emulator`: a local ROQ platform for invites, as a standalone process.
#![allow(
  clippy::print_stdout,
  clippy::print_stderr,
  reason = "a command-line program talks on stdout and stderr"
)]

use std::io::Write as _;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Command};
use roq_emulator::command_line::{COMMAND_LINE, FlagKind, FlagValue, FlagValues, options_from_flags};
use roq_emulator::{Emulator, StartError};

/// The clap command of the flag table that `roq-invites emulator` reads too.
fn command() -> Command {
  let flags = COMMAND_LINE.flags.iter().map(|flag| {
    let arg = Arg::new(flag.name).long(flag.name).help(flag.help);
    let arg = match flag.kind {
      FlagKind::Value => arg.action(ArgAction::Set),
      FlagKind::List => arg.action(ArgAction::Append),
      FlagKind::Switch => arg.action(ArgAction::SetTrue),
    };
    let arg = match flag.value_name {
      Some(name) => arg.value_name(name),
      None => arg,
    };
    match flag.default {
      Some(default) => arg.default_value(default),
      None => arg,
    }
  });
  Command::new("roq-emulator")
    .version(env!("CARGO_PKG_VERSION"))
    .max_term_width(100)
    .about(COMMAND_LINE.about)
    .args(flags)
}

/// The values clap read, as the table's conversion takes them: text, untouched, so that it
/// checks them as it does for `roq-invites emulator`.
fn flag_values(matches: &ArgMatches) -> FlagValues {
  let given = |flag: &roq_emulator::command_line::Flag| match flag.kind {
    FlagKind::Value => matches.get_one::<String>(flag.name).cloned().map(FlagValue::Text),
    FlagKind::List => matches
      .get_many::<String>(flag.name)
      .map(|values| FlagValue::List(values.cloned().collect())),
    FlagKind::Switch => Some(FlagValue::Switch(matches.get_flag(flag.name))),
  };
  COMMAND_LINE
    .flags
    .iter()
    .filter_map(|flag| Some((flag.name.to_owned(), given(flag)?)))
    .collect()
}

#[tokio::main]
async fn main() -> ExitCode {
  let mut command = command();
  let matches = command.get_matches_mut();
  let options = match options_from_flags(&flag_values(&matches)) {
    Ok(options) => options,
    // As clap reports its own usage errors: the message, the usage line, exit code 2.
    Err(message) => command.error(ErrorKind::ValueValidation, message).exit(),
  };
  let webhooks = !options.webhooks.is_empty();
  let stopped = stop_signal();
  let emulator = match Emulator::start(options).await {
    Ok(emulator) => emulator,
    Err(error) => {
      eprintln!("roq-emulator: {error}");
      // A value it refused (a webhook or an origin that is no URL) is a usage error too.
      return match error {
        StartError::Options(_) => ExitCode::from(2),
        StartError::Listen { .. } | StartError::Store { .. } => ExitCode::FAILURE,
      };
    }
  };
  // Written, not printed: `println!` panics when whatever read stdout has gone (a closed pipe),
  // and the emulator must still stop cleanly and write its snapshot.
  let mut out = std::io::stdout().lock();
  let mut lines = vec![
    format!("roq-emulator listening on {}", emulator.url()),
    format!("ROQ_PLATFORM_URL={}", emulator.url()),
    format!("ROQ_ENVIRONMENT_ID={}", emulator.environment_id()),
    format!("ROQ_API_KEY={}", emulator.api_key()),
  ];
  if webhooks {
    lines.push(format!("ROQ_WEBHOOK_KEY={}", emulator.webhook_key()));
  }
  lines.push(format!(
    "dashboard: {} (user: the environment id, password: the API key)",
    emulator.dashboard_url()
  ));
  for line in lines {
    let _ = writeln!(out, "{line}");
  }
  let _ = out.flush();
  drop(out);
  stopped.await;

  let stopped = emulator.stop().await;
  let _ = writeln!(std::io::stdout(), "roq-emulator stopped");
  match stopped {
    Ok(()) => ExitCode::SUCCESS,
    // The only failure at stop: the snapshot, said in the flag's words.
    Err(error) => {
      eprintln!(
        "roq-emulator: --export-on-exit: could not write the snapshot to {}: {}",
        error.path.display(),
        error.source
      );
      ExitCode::FAILURE
    }
  }
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
