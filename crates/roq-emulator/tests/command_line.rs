//! The two programs made from one table of flags (`command_line.rs`) say the same: the
//! `roq-emulator` binary (clap) and `roq-invites emulator` (the Node command line, which reads the
//! table through the addon). The binary is the one cargo builds for these tests
//! (`CARGO_BIN_EXE_roq-emulator`; its `cli` feature is a default one). `roq-invites emulator` is
//! `node bin/roq-invites.mjs emulator` in the repository's root, on the addon built there (`npm
//! test` builds it before `cargo test`). Without node or an addon, only the binary is checked,
//! against the table and the list below, and the test says on stderr what it did not compare.
#![allow(clippy::print_stderr, reason = "a test says what it could not check")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use roq_emulator::command_line::COMMAND_LINE;

const BINARY: &str = env!("CARGO_BIN_EXE_roq-emulator");

/// The repository's root: bin/roq-invites.mjs, and the addon beside package.json.
fn repository() -> PathBuf {
  Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why `roq-invites` cannot be run here, or None.
fn roq_invites_missing() -> Option<String> {
  let root = repository();
  let node = Command::new("node").arg("--version").output();
  if !node.is_ok_and(|output| output.status.success()) {
    return Some("no node on PATH".to_owned());
  }
  let addon = std::fs::read_dir(&root).unwrap().filter_map(Result::ok).any(|entry| {
    let name = entry.file_name();
    let name = name.to_string_lossy();
    name.starts_with("roq-invites.") && name.ends_with(".node")
  });
  (!addon).then(|| {
    format!(
      "no addon (roq-invites.*.node) in {}: npm run build:debug builds it",
      root.display()
    )
  })
}

/// `roq-invites emulator <args>`, its output read through pipes.
fn roq_invites_emulator(args: &[&str]) -> Command {
  let mut command = Command::new("node");
  command
    .current_dir(repository())
    .arg("bin/roq-invites.mjs")
    .arg("emulator")
    .args(args)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
  command
}

/// Whether to compare with `roq-invites emulator`; says on stderr why not.
fn compare_with_roq_invites() -> bool {
  match roq_invites_missing() {
    None => true,
    Some(why) => {
      eprintln!("roq-invites emulator not compared: {why}");
      false
    }
  }
}

fn roq_emulator(args: &[&str]) -> Command {
  let mut command = Command::new(BINARY);
  command.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
  command
}

fn text(bytes: &[u8]) -> String {
  String::from_utf8(bytes.to_vec()).unwrap()
}

/// A flag as a help lists it: `--port N`, and its help text, wrapped lines joined.
#[derive(Debug, PartialEq, Eq)]
struct Listed {
  usage: String,
  help: String,
}

/// The flags a help lists, but -h and -V. roq-invites writes `--port N`, clap `--port <N>`;
/// both put the help two spaces or more after it, and wrap it under itself.
fn flags_in(help: &str) -> Vec<Listed> {
  let mut flags: Vec<Listed> = Vec::new();
  for line in help.lines() {
    let indent = line.len() - line.trim_start().len();
    let trimmed = line.trim_start();
    // `-h, --help` has a short form; the table's flags have none.
    let long = match trimmed.split_once(", ") {
      Some((short, rest)) if short.len() == 2 && short.starts_with('-') => rest,
      _ => trimmed,
    };
    // A wrapped help goes on under itself, far to the right; such a line may start with a flag's
    // name (`--db) if absent`), which does not make it a flag.
    if indent >= 20 {
      if let Some(last) = flags.last_mut() {
        last.help = format!("{} {}", last.help, trimmed).trim().to_owned();
      }
    } else if indent > 0 && long.starts_with("--") {
      let (label, help) = long.split_once("  ").unwrap_or((long, ""));
      let usage = label.trim().replace(['<', '>'], "");
      flags.push(Listed {
        usage,
        help: help.trim().to_owned(),
      });
    }
  }
  flags.retain(|flag| flag.usage != "--help" && flag.usage != "--version");
  flags
}

#[test]
fn roq_emulator_help_and_roq_invites_emulator_help_list_the_same_flags_from_the_table() {
  let theirs = roq_emulator(&["--help"]).output().unwrap();
  assert!(theirs.status.success(), "{}", text(&theirs.stderr));
  let flags = flags_in(&text(&theirs.stdout));

  // The binary lists the table, in its order, each help with its default as clap marks it.
  let table: Vec<Listed> = COMMAND_LINE
    .flags
    .iter()
    .map(|flag| Listed {
      usage: match flag.value_name {
        Some(value) => format!("--{} {value}", flag.name),
        None => format!("--{}", flag.name),
      },
      help: match flag.default {
        Some(default) => format!("{} [default: {default}]", flag.help),
        None => flag.help.to_owned(),
      },
    })
    .collect();
  assert_eq!(flags, table);
  // What both say, so that two empty lists cannot agree.
  let usages: Vec<&str> = flags.iter().map(|flag| flag.usage.as_str()).collect();
  assert_eq!(
    usages,
    [
      "--port N",
      "--host ADDRESS",
      "--db FILE",
      "--environment-id ID",
      "--api-key KEY",
      "--accept-url URL",
      "--invite-validity-days N",
      "--strict",
      "--cors-origin ORIGIN",
      "--app-name NAME",
      "--webhook URL",
      "--webhook-key KEY",
      "--import FILE",
      "--export-on-exit FILE",
      "--rate-limit N/PERIOD",
    ]
  );
  assert_eq!(
    flags[0].help,
    "The port to listen on; 0 picks a free one [default: 4077]"
  );
  assert!(
    flags[1].help.starts_with("The IP address to listen on; ") && flags[1].help.ends_with("[default: 127.0.0.1]"),
    "{:?}",
    flags[1]
  );

  if !compare_with_roq_invites() {
    return;
  }
  let ours = roq_invites_emulator(&["--help"]).output().unwrap();
  assert!(ours.status.success(), "{}", text(&ours.stderr));
  let ours = text(&ours.stdout);
  assert_eq!(
    flags_in(&ours),
    flags,
    "roq-invites emulator --help (if the table changed, rebuild the addon: npm run build:debug)"
  );
  // Here --host is the address to listen on; the note says so, as the other commands' is a URL.
  let words = ours.split_whitespace().collect::<Vec<_>>().join(" ");
  assert!(
    words.contains("--host here is the address this emulator listens on, not the platform's URL"),
    "{ours}"
  );
}

#[test]
fn a_wrong_value_of_a_flag_gets_the_same_message_from_roq_emulator_and_roq_invites_emulator() {
  let cases = [
    (
      "--invite-validity-days=0",
      r#"--invite-validity-days must be a positive number of days, got "0""#,
    ),
    (
      "--invite-validity-days=-1",
      r#"--invite-validity-days must be a positive number of days, got "-1""#,
    ),
    (
      "--invite-validity-days=1e3",
      r#"--invite-validity-days must be a positive number of days, got "1e3""#,
    ),
    (
      "--invite-validity-days=36501",
      r#"--invite-validity-days must be at most 36500 (a hundred years), got "36501""#,
    ),
    ("--port=http", r#"--port must be a whole number, got "http""#),
    (
      "--port=65536",
      r#"--port must be a whole number from 0 to 65535, got "65536""#,
    ),
    (
      "--host=localhost",
      r#"--host must be the IP address to listen on, e.g. 127.0.0.1, or 0.0.0.0 for every interface; got "localhost""#,
    ),
    (
      "--webhook=http://hooks.example.com/roq",
      r#"--webhook "http://hooks.example.com" is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])"#,
    ),
    (
      "--webhook=https://admin:hunter2@hooks.example.com/roq",
      "--webhook has a user name or password in it, which the dashboard would show; remove them, and have the receiver check the roq-platform-webhook-key header instead",
    ),
    (
      "--accept-url=javascript:alert(document.domain)",
      r#"--accept-url "javascript:alert(document.domain)" is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, e.g. "http://localhost:3000/accept-invite""#,
    ),
    (
      "--accept-url=data:text/html,hi",
      r#"--accept-url "data:text/html,hi" is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, e.g. "http://localhost:3000/accept-invite""#,
    ),
  ];
  // Every case of both programs at once: the children are independent.
  let compare = compare_with_roq_invites();
  let children: Vec<_> = cases
    .iter()
    .map(|(arg, _)| {
      let theirs = roq_emulator(&[arg]).spawn().unwrap();
      let ours = compare.then(|| roq_invites_emulator(&[arg]).spawn().unwrap());
      (theirs, ours)
    })
    .collect();
  for ((arg, message), (theirs, ours)) in cases.iter().zip(children) {
    let theirs = theirs.wait_with_output().unwrap();
    // clap's own layout for a usage error: the message, the usage line and a hint.
    let stderr = text(&theirs.stderr);
    assert_eq!(
      (
        theirs.status.code(),
        text(&theirs.stdout).as_str(),
        stderr.lines().next()
      ),
      (Some(2), "", Some(format!("error: {message}").as_str())),
      "roq-emulator {arg}"
    );
    if let Some(ours) = ours {
      let ours = ours.wait_with_output().unwrap();
      assert_eq!(
        (ours.status.code(), text(&ours.stdout), text(&ours.stderr)),
        (
          Some(2),
          String::new(),
          format!("roq-invites: {message}\nRun \"roq-invites emulator --help\" for usage.\n")
        ),
        "roq-invites emulator {arg}"
      );
    }
  }
}
