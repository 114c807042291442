//! The emulator's command line, as data: one table of its flags and one conversion of the values
//! given into [`EmulatorOptions`]. The `roq-emulator` binary builds its clap command from the
//! table; `roq-invites emulator` builds its `util.parseArgs` options and its help from it (through
//! the addon). So both take the same flags with the same defaults, and say the same about the
//! same mistake. No clap here: the addon carries this module, and clap stays out of the addon.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::options::{EmulatorOptions, MAX_INVITE_VALIDITY, configured_urls};
use crate::rate_limit::RateLimit;
use crate::snapshot::format::ImportFrom;
use crate::webhooks::config::WebhookTarget;

/// What a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FlagKind {
  /// One value: `--port 4077`.
  Value,
  /// A value, and the flag may be repeated: `--webhook A --webhook B`.
  List,
  /// No value: `--strict`.
  Switch,
}

impl FlagKind {
  fn takes(self) -> &'static str {
    match self {
      Self::Value => "one value",
      Self::List => "a list of values",
      Self::Switch => "true or false",
    }
  }
}

/// A flag of the command line.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
  /// The long name, without `--`.
  pub name: &'static str,
  /// What the value stands for in the help (`--port N`); none for a switch.
  pub value_name: Option<&'static str>,
  /// What it does, in one sentence: the help generators wrap it.
  pub help: &'static str,
  /// The value that applies when the flag is absent, as it would be typed; both helps show it.
  pub default: Option<&'static str>,
  pub kind: FlagKind,
}

/// The command line's description and flags, in the order the helps list them.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CommandLine {
  /// What the command does: one paragraph, which the help generators wrap.
  pub about: &'static str,
  pub flags: &'static [Flag],
}

const fn value(name: &'static str, value_name: &'static str, help: &'static str) -> Flag {
  Flag {
    name,
    value_name: Some(value_name),
    help,
    default: None,
    kind: FlagKind::Value,
  }
}

const fn list(name: &'static str, value_name: &'static str, help: &'static str) -> Flag {
  Flag {
    kind: FlagKind::List,
    ..value(name, value_name, help)
  }
}

const fn with_default(flag: Flag, default: &'static str) -> Flag {
  Flag {
    default: Some(default),
    ..flag
  }
}

/// The longest validity `--invite-validity-days` takes: the option's, a hundred years.
const MAX_INVITE_VALIDITY_DAYS: f64 = (MAX_INVITE_VALIDITY.as_secs() / 86_400) as f64;
const DAY_MS: f64 = 86_400_000.0;

pub const COMMAND_LINE: CommandLine = CommandLine {
  about: "Runs a local ROQ Platform for user invites (invites in SQLite, an outbox instead of \
          mail) until Ctrl+C or SIGTERM. Prints \"listening on <url>\", then the ROQ_PLATFORM_URL, \
          ROQ_ENVIRONMENT_ID and ROQ_API_KEY to use, one per line, ready for .env.local, and the \
          address of its dashboard (sign in with the environment id and the API key). With \
          --webhook, it prints ROQ_WEBHOOK_KEY too, for the app that verifies them.",
  flags: &[
    with_default(value("port", "N", "The port to listen on; 0 picks a free one"), "4077"),
    with_default(
      value(
        "host",
        "ADDRESS",
        "The IP address to listen on; 0.0.0.0 for every network interface (plain HTTP: only on a network you trust)",
      ),
      "127.0.0.1",
    ),
    value(
      "db",
      "FILE",
      "A SQLite file that keeps invites, mails and credentials across restarts; in memory if absent",
    ),
    value(
      "environment-id",
      "ID",
      "The environment id; made up (and kept in --db) if absent",
    ),
    value("api-key", "KEY", "The API key; made up (and kept in --db) if absent"),
    value(
      "accept-url",
      "URL",
      "The page each mail's accept link points to (?token= is added); the emulator's own /accept-invite if absent",
    ),
    with_default(
      value(
        "invite-validity-days",
        "N",
        "How long an invite can be accepted, in days",
      ),
      "7",
    ),
    Flag {
      name: "strict",
      value_name: None,
      help: "Refuse user ids it has not seen instead of registering them on first use",
      default: None,
      kind: FlagKind::Switch,
    },
    list(
      "cors-origin",
      "ORIGIN",
      "An origin whose pages may call the browser endpoint, besides http://localhost:* and http://127.0.0.1:*; repeat for several",
    ),
    value(
      "app-name",
      "NAME",
      "What the mail invites to (\"you are invited to join NAME\"); the tenant's id if absent",
    ),
    list(
      "webhook",
      "URL",
      "A URL that receives a POST of each change of an invite (created, resent, canceled, accepted, updated, expired); repeat for several",
    ),
    value(
      "webhook-key",
      "KEY",
      "The roq-platform-webhook-key sent with them; made up (and kept in --db) if absent, and printed as ROQ_WEBHOOK_KEY",
    ),
    value(
      "import",
      "FILE",
      "Start from a snapshot (a JSON file from --export-on-exit, the dashboard's Export or a hand-written seed); times move to the emulator's clock; the store must be empty",
    ),
    value(
      "export-on-exit",
      "FILE",
      "Write a snapshot of the data to FILE when the emulator stops (Ctrl+C or SIGTERM); may be the --import file",
    ),
    value(
      "rate-limit",
      "N/PERIOD",
      "At most N GraphQL requests in any PERIOD (a sliding window), e.g. 100/10s, 20/1s or 600/1m; over it, HTTP 429 with Retry-After. No limit if absent",
    ),
  ],
};

/// What was given for a flag, as a command-line parser gives it: `util.parseArgs`'s values
/// (`"4077"`, `["a", "b"]`, `true`) read from JSON as they are.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FlagValue {
  Switch(bool),
  Text(String),
  List(Vec<String>),
}

/// The values given, by flag name (without `--`); an absent flag takes its default.
pub type FlagValues = BTreeMap<String, FlagValue>;

/// The emulator's options from the flags given, every value checked; the error is the message
/// both programs print, naming the flag.
pub fn options_from_flags(values: &FlagValues) -> Result<EmulatorOptions, String> {
  for (name, given) in values {
    let flag = COMMAND_LINE
      .flags
      .iter()
      .find(|flag| flag.name == name)
      .ok_or_else(|| format!("unknown option --{name}"))?;
    let fits = matches!(
      (flag.kind, given),
      (FlagKind::Value, FlagValue::Text(_))
        | (FlagKind::List, FlagValue::List(_))
        | (FlagKind::Switch, FlagValue::Switch(_))
    );
    if !fits {
      // Only a caller that builds the values wrongly sees this: a parser of the table cannot.
      return Err(format!("--{name}: expected {}", flag.kind.takes()));
    }
  }
  let text = |name: &str| match values.get(name) {
    Some(FlagValue::Text(text)) => Some(text.clone()),
    _ => default_of(name).map(str::to_owned),
  };
  let list = |name: &str| match values.get(name) {
    Some(FlagValue::List(list)) => list.clone(),
    _ => Vec::new(),
  };
  Ok(EmulatorOptions {
    host: text("host").map(|host| listen_address(&host)).transpose()?,
    port: text("port").map_or(Ok(0), |port| port_number(&port))?,
    db_path: text("db").map(PathBuf::from),
    environment_id: text("environment-id"),
    api_key: text("api-key"),
    accept_url: text("accept-url")
      .map(|url| checked(&url, "--accept-url", configured_urls::accept_url))
      .transpose()?,
    invite_validity_ms: text("invite-validity-days")
      .map(|days| invite_validity_ms(&days))
      .transpose()?,
    token_lifetime_ms: None,
    strict: values.get("strict") == Some(&FlagValue::Switch(true)),
    cors_origins: list("cors-origin"),
    app_name: text("app-name"),
    webhooks: list("webhook")
      .into_iter()
      .map(|url| checked(&url, "--webhook", configured_urls::webhook_url).map(|url| WebhookTarget { url, key: None }))
      .collect::<Result<_, _>>()?,
    webhook_key: text("webhook-key"),
    import_from: text("import").map(|path| ImportFrom::Path(PathBuf::from(path))),
    export_on_exit: text("export-on-exit")
      .map(|path| export_target(&path, text("db").as_deref()))
      .transpose()?,
    rate_limit: text("rate-limit").map(|limit| RateLimit::parse(&limit)).transpose()?,
    ..EmulatorOptions::default()
  })
}

/// `url` as given, once `check` has taken it; else the check's message behind the flag's name.
fn checked(url: &str, flag: &str, check: fn(&str) -> Result<url::Url, String>) -> Result<String, String> {
  check(url)
    .map(|_| url.to_owned())
    .map_err(|why| format!("{flag} {why}"))
}

/// `--export-on-exit`'s file, checked as the emulator checks it at start, but named by the flags.
fn export_target(path: &str, db: Option<&str>) -> Result<PathBuf, String> {
  crate::snapshot::check_target(Path::new(path), db.map(|db| (Path::new(db), "--db")))
    .map(|_| PathBuf::from(path))
    .map_err(|why| format!("--export-on-exit {why}"))
}

fn default_of(name: &str) -> Option<&'static str> {
  COMMAND_LINE.flags.iter().find(|flag| flag.name == name)?.default
}

fn port_number(text: &str) -> Result<u16, String> {
  if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
    return Err(format!("--port must be a whole number, got {text:?}"));
  }
  text
    .parse()
    .map_err(|_| format!("--port must be a whole number from 0 to 65535, got {text:?}"))
}

fn listen_address(text: &str) -> Result<IpAddr, String> {
  text.parse().map_err(|_| {
    format!("--host must be the IP address to listen on, e.g. 127.0.0.1, or 0.0.0.0 for every interface; got {text:?}")
  })
}

/// Days as typed (`7`, `0.5`; no sign, exponent or `inf`) to milliseconds.
fn invite_validity_ms(text: &str) -> Result<u64, String> {
  let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
  let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
  let days = text.parse::<f64>().ok().filter(|days| *days > 0.0);
  let Some(days) = days.filter(|_| digits(whole) && digits(fraction)) else {
    return Err(format!(
      "--invite-validity-days must be a positive number of days, got {text:?}"
    ));
  };
  if days > MAX_INVITE_VALIDITY_DAYS {
    return Err(format!(
      "--invite-validity-days must be at most {MAX_INVITE_VALIDITY_DAYS} (a hundred years), got {text:?}"
    ));
  }
  // Never 0 ms: an invite that expires as it is made is no one's intent.
  Ok(((days * DAY_MS).round() as u64).max(1))
}

#[cfg(test)]
mod tests {
  use super::*;

  fn options(given: &[(&str, FlagValue)]) -> Result<EmulatorOptions, String> {
    let values = given
      .iter()
      .map(|(name, value)| ((*name).to_owned(), value.clone()))
      .collect();
    options_from_flags(&values)
  }

  fn text(value: &str) -> FlagValue {
    FlagValue::Text(value.to_owned())
  }

  #[test]
  fn the_defaults_are_the_tables() {
    let defaults = options(&[]).unwrap();
    assert_eq!(defaults.port, 4077);
    assert_eq!(defaults.host, Some(IpAddr::from([127, 0, 0, 1])));
    assert_eq!(defaults.invite_validity_ms, Some(7 * 86_400_000));
    assert_eq!(
      (defaults.db_path, defaults.strict, defaults.webhooks.len()),
      (None, false, 0)
    );
  }

  #[test]
  fn every_flag_reaches_its_option() {
    let given = options(&[
      ("port", text("0")),
      ("host", text("0.0.0.0")),
      ("db", text("platform.db")),
      ("environment-id", text("env")),
      ("api-key", text("key")),
      ("accept-url", text("http://localhost:3000/accept")),
      ("invite-validity-days", text("0.5")),
      ("strict", FlagValue::Switch(true)),
      (
        "cors-origin",
        FlagValue::List(vec!["https://a.dev".into(), "https://b.dev".into()]),
      ),
      ("app-name", text("Acme")),
      ("webhook", FlagValue::List(vec!["http://localhost:3000/hook".into()])),
      ("webhook-key", text("whk")),
      ("import", text("seed.json")),
      ("export-on-exit", text("snapshot.json")),
      ("rate-limit", text("100/10s")),
    ])
    .unwrap();
    assert_eq!((given.port, given.host), (0, Some(IpAddr::from([0, 0, 0, 0]))));
    assert_eq!(given.db_path, Some(PathBuf::from("platform.db")));
    assert_eq!(
      (given.environment_id.as_deref(), given.api_key.as_deref()),
      (Some("env"), Some("key"))
    );
    assert_eq!(given.accept_url.as_deref(), Some("http://localhost:3000/accept"));
    assert_eq!(given.invite_validity_ms, Some(43_200_000));
    assert!(given.strict);
    assert_eq!(given.cors_origins, ["https://a.dev", "https://b.dev"]);
    assert_eq!(given.app_name.as_deref(), Some("Acme"));
    assert_eq!(
      given.webhooks,
      [WebhookTarget {
        url: "http://localhost:3000/hook".into(),
        key: None
      }]
    );
    assert_eq!(given.webhook_key.as_deref(), Some("whk"));
    assert!(matches!(&given.import_from, Some(ImportFrom::Path(path)) if path == &PathBuf::from("seed.json")));
    assert_eq!(given.export_on_exit, Some(PathBuf::from("snapshot.json")));
    assert_eq!(
      given.rate_limit,
      Some(RateLimit {
        requests: 100,
        window_ms: 10_000
      })
    );
  }

  #[test]
  fn a_wrong_value_is_named_by_its_flag() {
    let cases = [
      ("port", "http", r#"--port must be a whole number, got "http""#),
      ("port", "-1", r#"--port must be a whole number, got "-1""#),
      (
        "port",
        "70000",
        r#"--port must be a whole number from 0 to 65535, got "70000""#,
      ),
      (
        "host",
        "localhost",
        r#"--host must be the IP address to listen on, e.g. 127.0.0.1, or 0.0.0.0 for every interface; got "localhost""#,
      ),
      (
        "invite-validity-days",
        "0",
        r#"--invite-validity-days must be a positive number of days, got "0""#,
      ),
      (
        "invite-validity-days",
        "1e3",
        r#"--invite-validity-days must be a positive number of days, got "1e3""#,
      ),
      (
        "invite-validity-days",
        "inf",
        r#"--invite-validity-days must be a positive number of days, got "inf""#,
      ),
      (
        "invite-validity-days",
        "2.",
        r#"--invite-validity-days must be a positive number of days, got "2.""#,
      ),
      (
        "invite-validity-days",
        "36501",
        r#"--invite-validity-days must be at most 36500 (a hundred years), got "36501""#,
      ),
      (
        "rate-limit",
        "100 per 10s",
        r#"--rate-limit must be N/PERIOD, e.g. 100/10s, 20/1s or 600/1m (N a whole number, PERIOD a whole number of ms, s, m or h); got "100 per 10s""#,
      ),
    ];
    for (name, given, message) in cases {
      assert_eq!(options(&[(name, text(given))]).unwrap_err(), message);
    }
  }

  #[test]
  fn a_webhook_or_accept_url_that_may_not_be_is_refused_by_its_flag() {
    let webhook = |url: &str| {
      options(&[(
        "webhook",
        FlagValue::List(vec!["https://ok.example.com/hook".into(), url.into()]),
      )])
    };
    assert_eq!(
      webhook("http://hooks.example.com/roq").unwrap_err(),
      r#"--webhook "http://hooks.example.com" is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])"#
    );
    let credentials = webhook("http://admin:hunter2@localhost:3000/hook").unwrap_err();
    assert!(
      credentials.starts_with("--webhook has a user name or password in it"),
      "{credentials}"
    );
    assert!(!credentials.contains("hunter2"), "{credentials}");
    assert_eq!(webhook("http://[::1]:3000/hook").unwrap().webhooks.len(), 2);
    for given in ["javascript:alert(document.domain)", "data:text/html,hi"] {
      assert_eq!(
        options(&[("accept-url", text(given))]).unwrap_err(),
        format!(
          "--accept-url {given:?} is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, e.g. \"http://localhost:3000/accept-invite\""
        )
      );
    }
  }

  #[test]
  fn an_export_target_that_would_lose_the_session_or_the_store_is_refused_by_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (db, missing) = (path("platform.db"), path("missing/snapshot.json"));
    assert_eq!(
      options(&[("export-on-exit", text(&missing))]).unwrap_err(),
      format!(
        "--export-on-exit {missing}: the folder {} does not exist; create it, or pass a file in a folder that exists",
        path("missing")
      )
    );
    // The store need not exist yet: the emulator would make it.
    assert_eq!(
      options(&[("db", text(&db)), ("export-on-exit", text(&db))]).unwrap_err(),
      format!(
        "--export-on-exit {db}: is the store (--db {db}), which the snapshot would replace; pass another file, e.g. snapshot.json"
      )
    );
    let wal = format!("{db}-wal");
    assert_eq!(
      options(&[("db", text(&db)), ("export-on-exit", text(&wal))]).unwrap_err(),
      format!(
        "--export-on-exit {wal}: is the store's write-ahead log (--db {db}), which the snapshot would replace; pass another file, e.g. snapshot.json"
      )
    );
    let fine = options(&[("db", text(&db)), ("export-on-exit", text(&path("snapshot.json")))]).unwrap();
    assert_eq!(fine.export_on_exit, Some(PathBuf::from(path("snapshot.json"))));
    // Nothing was left behind by the checks, and the store was not made.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
  }

  #[test]
  fn values_the_table_does_not_describe_are_refused() {
    assert_eq!(options(&[("bogus", text("1"))]).unwrap_err(), "unknown option --bogus");
    assert_eq!(
      options(&[("strict", text("yes"))]).unwrap_err(),
      "--strict: expected true or false"
    );
  }

  #[test]
  fn every_flag_but_a_switch_has_a_value_name() {
    for flag in COMMAND_LINE.flags {
      assert_eq!(
        flag.value_name.is_none(),
        flag.kind == FlagKind::Switch,
        "{}",
        flag.name
      );
    }
  }
}
