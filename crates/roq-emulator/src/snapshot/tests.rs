//! Snapshots against a real emulator: the same bytes after a round trip, times that keep their
//! meaning, a seed written by hand, and every refusal by its path.

use serde_json::value::{RawValue, to_raw_value};
use serde_json::{Value, json};

use super::format::{ImportFrom, read, to_text};
use super::{export, import};
use crate::platform::mail::OutboxFilter;
use crate::platform::send::NewInvite;
use crate::platform::sessions::SessionRequest;
use crate::principal::Principal;
use crate::{Emulator, EmulatorOptions, WebhookTarget};

const DAY: i64 = 86_400_000;
const ACCEPT_URL: &str = "http://localhost:3000/accept-invite";

async fn emulator(webhooks: bool) -> Emulator {
  Emulator::start(EmulatorOptions {
    accept_url: Some(ACCEPT_URL.into()),
    // A receiver that refuses every connection: deliveries are attempted, and fail.
    webhooks: if webhooks {
      vec![WebhookTarget {
        url: "http://127.0.0.1:9/hook".into(),
        key: None,
      }]
    } else {
      Vec::new()
    },
    ..EmulatorOptions::default()
  })
  .await
  .unwrap()
}

fn entry(email: &str) -> NewInvite {
  NewInvite {
    created_by_user_id: "owner".into(),
    email: email.into(),
    first_name: Some("Ada".into()),
    locale: Some("de-DE".into()),
    roles: Some(vec!["editor".into()]),
    data: Some(json!({ "z": 1, "a": [true, null] }).as_object().unwrap().clone()),
    ..NewInvite::default()
  }
}

/// An emulator with one of everything: invites pending, resent, canceled, accepted and expired
/// by time, in two tenants, a session's user with roles, and webhook deliveries.
async fn busy_emulator() -> Emulator {
  let emulator = emulator(true).await;
  let platform = &emulator.platform;
  let sent = |tenant: &str, email: &str| {
    platform
      .send_invites(&Principal::ServiceAccount, Some(tenant.into()), vec![entry(email)])
      .unwrap()
      .success
      .remove(0)
  };
  let expiring = sent("acme", "late@example.com");
  emulator.advance_clock(8 * DAY);
  let resent = sent("acme", "ada@example.com");
  let canceled = sent("acme", "bob@example.com");
  let accepted = sent("globex", "cy@example.com");
  platform.resend_invite(&Principal::ServiceAccount, &resent.id).unwrap();
  platform
    .cancel_invite(&Principal::ServiceAccount, &canceled.id)
    .unwrap();
  let token = emulator.outbox(&OutboxFilter {
    user_invite_id: Some(accepted.id.clone()),
    ..OutboxFilter::default()
  });
  platform.accept_invite(&token.unwrap()[0].token).unwrap();
  platform
    .session(&SessionRequest {
      tenant_id: "acme".into(),
      email: Some("admin@example.com".into()),
      roles: Some(vec!["owner".into()]),
      ..SessionRequest::default()
    })
    .unwrap();
  assert_ne!(expiring.id, resent.id);
  emulator
}

fn snapshot_value(text: &str) -> Value {
  serde_json::from_str(text).unwrap()
}

/// `importFrom: <object>`, as the options' JSON carries it.
fn given(snapshot: &Value) -> ImportFrom {
  ImportFrom::Snapshot(to_raw_value(snapshot).unwrap())
}

/// `importFrom: <object>` as written, keys and all.
fn given_text(text: &str) -> ImportFrom {
  ImportFrom::Snapshot(RawValue::from_string(text.to_owned()).unwrap())
}

#[tokio::test]
async fn a_round_trip_gives_the_same_bytes_and_moves_every_time_by_the_clock() {
  let first = busy_emulator().await;
  let exported_at = first.platform.clock.now_ms();
  let text = to_text(&export(&first.platform, exported_at).unwrap());
  let value = snapshot_value(&text);
  assert_eq!(value["invites"].as_array().unwrap().len(), 4);
  assert_eq!(value["tenants"], json!([{ "id": "acme" }, { "id": "globex" }]));
  assert!(!value["webhookDeliveries"].as_array().unwrap().is_empty(), "{text}");
  // Two exports of the same state are the same bytes.
  assert_eq!(text, to_text(&export(&first.platform, exported_at).unwrap()));

  // Imported at the moment of the export: nothing moves, not a byte.
  let second = emulator(false).await;
  import(&second.platform, &given(&value), exported_at).unwrap();
  assert_eq!(to_text(&export(&second.platform, exported_at).unwrap()), text);

  // Imported a day later: every time a day later, and back again.
  let third = emulator(false).await;
  let later = exported_at + DAY;
  import(&third.platform, &given(&value), later).unwrap();
  let moved = snapshot_value(&to_text(&export(&third.platform, later).unwrap()));
  let ms = |value: &Value| {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap())
      .unwrap()
      .timestamp_millis()
  };
  for (i, invite) in value["invites"].as_array().unwrap().iter().enumerate() {
    for field in ["createdAt", "updatedAt", "statusUpdatedAt", "validTill"] {
      assert_eq!(
        ms(&moved["invites"][i][field]) - ms(&invite[field]),
        DAY,
        "invites[{i}].{field}"
      );
    }
  }
  assert_eq!(
    ms(&moved["mails"][0]["createdAt"]) - ms(&value["mails"][0]["createdAt"]),
    DAY
  );
  let fourth = emulator(false).await;
  import(&fourth.platform, &given(&moved), exported_at).unwrap();
  assert_eq!(to_text(&export(&fourth.platform, exported_at).unwrap()), text);
}

#[tokio::test]
async fn an_imported_invite_keeps_its_time_left_and_is_accepted_with_its_mails_token() {
  let first = emulator(false).await;
  let invite = first
    .platform
    .send_invites(
      &Principal::ServiceAccount,
      Some("acme".into()),
      vec![entry("ada@example.com")],
    )
    .unwrap()
    .success
    .remove(0);
  // Exported 6 of its 7 days after it was sent, on the first emulator's clock.
  let snapshot = export(&first.platform, invite.created_at + 6 * DAY).unwrap();

  let second = emulator(false).await;
  let now = second.platform.clock.now_ms();
  import(&second.platform, &given(&serde_json::to_value(&snapshot).unwrap()), now).unwrap();
  let stored = second.platform.invite(&Principal::ServiceAccount, &invite.id).unwrap();
  // A day left on the second's.
  assert_eq!(stored.valid_till - now, DAY);
  let mail = &second.outbox(&OutboxFilter::default()).unwrap()[0];
  assert_eq!(mail.accept_url, format!("{ACCEPT_URL}?token={}", mail.token));
  // A minute before the end of that day (the real clock has moved on a little since `now`).
  second.advance_clock(DAY - 60_000);
  let accepted = second.platform.accept_invite(&mail.token).unwrap();
  assert_eq!(accepted.status, roq_rules::UserInviteStatus::Accepted);
}

#[tokio::test]
async fn a_seed_written_by_hand_gets_ids_tokens_and_mails_made_up() {
  let seed = json!({
    "version": 1,
    "tenants": [{ "id": "acme" }],
    "users": [{ "id": "owner", "tenantId": "acme", "email": "owner@acme.test", "roles": ["owner"] }],
    "invites": [
      { "tenantId": "acme", "email": "ada@example.com", "firstName": "Ada", "createdByUserId": "owner" },
      { "tenantId": "acme", "email": "bob@example.com", "createdByUserId": "owner", "status": "accepted" },
    ],
  });
  let emulator = emulator(false).await;
  let now = emulator.platform.clock.now_ms();
  import(&emulator.platform, &given(&seed), now).unwrap();
  let mails = emulator.outbox(&OutboxFilter::default()).unwrap();
  assert_eq!(mails.len(), 2);
  assert!(
    mails[0].text.contains("Hi Ada, you are invited to join acme."),
    "{}",
    mails[0].text
  );
  let accepted = emulator.platform.accept_invite(&mails[0].token).unwrap();
  assert_eq!(accepted.valid_till - now, 7 * DAY);
  let snapshot = emulator.export().unwrap();
  assert_eq!(snapshot.users.len(), 2, "owner and the user who accepted");
  let steps = |i: usize| {
    snapshot.invites[i]
      .history
      .iter()
      .map(|s| s.event.as_str())
      .collect::<Vec<_>>()
  };
  assert_eq!(
    (steps(0), steps(1)),
    (vec!["created", "accepted"], vec!["created", "accepted"])
  );
}

#[tokio::test]
async fn a_wrong_snapshot_is_refused_with_the_path_of_the_mistake() {
  let base = || {
    json!({
      "version": 1,
      "invites": [
        { "id": "i1", "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner" },
        { "id": "i2", "tenantId": "acme", "email": "bob@example.com", "createdByUserId": "owner" },
      ],
    })
  };
  let with = |path: &[&str], value: Value| {
    let mut snapshot = base();
    let mut at = &mut snapshot;
    for key in path {
      at = match key.parse::<usize>() {
        Ok(i) => &mut at[i],
        Err(_) => &mut at[*key],
      };
    }
    *at = value;
    snapshot
  };
  let mail = |invite: &str| {
    json!([{ "id": 1, "userInviteId": invite, "to": "ada@example.com", "locale": "en-US",
    "subject": "User Invitation", "app": "acme", "validTill": "2026-12-10T00:00:00.000Z", "token": "t",
    "createdAt": "2026-12-03T00:00:00.000Z" }])
  };
  let cases = [
    (
      with(&["version"], json!(2)),
      "version: this emulator reads snapshots of version 1, not 2; export it again with this version",
    ),
    (
      with(&["invites", "1", "email"], json!("x")),
      r#"invites[1].email: "x" is not an email address"#,
    ),
    (
      with(&["invites", "1", "email"], json!(5)),
      "invites[1].email: invalid type: integer `5`, expected a string",
    ),
    (
      with(&["invites", "1", "id"], json!("i1")),
      r#"invites[1].id: "i1" is already invites[0]'s; each must be unique"#,
    ),
    (
      with(&["invites", "0", "createdAt"], json!("yesterday")),
      r#"invites[0].createdAt: "yesterday" is not a time; write it as 2026-12-03T12:00:00.000Z"#,
    ),
    (
      with(&["mails"], mail("i9")),
      r#"mails[0].userInviteId: "i9" is no invite of this snapshot"#,
    ),
    (
      with(&["mails"], mail("i1")),
      r#"mails[0].token: is not the token of invite "i1" (its tokenDigest) nor one a resend replaced; an invite without tokenDigest gets its mail made up"#,
    ),
    (
      with(&["tenants"], json!([{ "id": "globex" }])),
      r#"invites[0].tenantId: "acme" is not in tenants; add { "id": "acme" } to them, or leave tenants out"#,
    ),
    (
      with(&["invites", "1", "email"], json!("ADA@example.com")),
      r#"invites[1]: invites[0] is already a pending invite to "ADA@example.com" in tenant "acme"; a tenant has one pending invite per email"#,
    ),
  ];
  for (snapshot, message) in cases {
    let emulator = emulator(false).await;
    let error = import(&emulator.platform, &given(&snapshot), 0).unwrap_err();
    assert_eq!(error, message);
  }
  let unknown = read(with(&["invites", "0", "emial"], json!("a@b.c")).to_string().as_bytes()).unwrap_err();
  assert!(
    unknown.starts_with("invites[0].emial: unknown field `emial`, expected one of"),
    "{unknown}"
  );

  // At start: INVALID_ARGUMENT's message (through StartError::Options), with the file's name.
  let path = std::env::temp_dir().join(format!("roq-snapshot-{}.json", std::process::id()));
  std::fs::write(&path, with(&["invites", "1", "email"], json!("x")).to_string()).unwrap();
  let refused = Emulator::start(EmulatorOptions {
    import_from: Some(ImportFrom::Path(path.clone())),
    ..EmulatorOptions::default()
  })
  .await
  .err()
  .unwrap();
  assert_eq!(
    refused.to_string(),
    format!(
      r#"importFrom: {}: invites[1].email: "x" is not an email address"#,
      path.display()
    )
  );
  std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn debug_output_holds_no_accept_token() {
  let emulator = emulator(false).await;
  emulator
    .platform
    .send_invites(
      &Principal::ServiceAccount,
      Some("acme".into()),
      vec![entry("ada@example.com")],
    )
    .unwrap();
  let snapshot = emulator.export().unwrap();
  let token = &snapshot.mails[0].token;
  let from = given(&serde_json::to_value(&snapshot).unwrap());
  for shown in [format!("{snapshot:?}"), format!("{from:?}")] {
    assert!(!shown.contains(token.as_str()), "{shown}");
  }
}

/// A snapshot with one of each thing a field rule applies to: a user, an invite with an event
/// (as sent to a webhook), its mail, and the event's delivery with an attempt.
fn everything() -> Value {
  let event = json!({
    "id": "evt-1", "name": "ROQ_USER_INVITE_INSERT", "object": "UserInvite", "change": "created",
    "createdAt": "2026-12-03T00:00:00.000Z", "data": { "current": { "id": "i1" }, "previous": null },
  });
  json!({
    "version": 1,
    "exportedAt": "2026-12-03T00:00:00.000Z",
    "users": [{ "id": "owner", "tenantId": "acme", "email": "owner@acme.test", "roles": ["owner"] }],
    "invites": [{
      "id": "i1", "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner",
      "data": { "team": { "name": "Blue" } },
      "tokenDigest": crate::platform::invite::token_hash("tok-1"),
      "history": [{ "event": "created", "status": "pending", "at": "2026-12-03T00:00:00.000Z",
                    "eventId": "evt-1", "payload": event }],
    }],
    "mails": [{ "id": 1, "userInviteId": "i1", "to": "ada@example.com", "locale": "en-US",
                "subject": "User Invitation", "app": "acme", "validTill": "2026-12-10T00:00:00.000Z",
                "acceptUrl": "http://localhost:3000/accept-invite?token=tok-1", "token": "tok-1",
                "createdAt": "2026-12-03T00:00:00.000Z" }],
    "webhookDeliveries": [{ "id": 1, "eventId": "evt-1", "url": "http://localhost:3000/hook", "state": "failed",
      "attempts": [{ "at": "2026-12-03T00:00:00.000Z", "durationMs": 3, "status": 500 }],
      "nextAttemptAt": "2026-12-03T00:00:00.000Z", "createdAt": "2026-12-03T00:00:00.000Z",
      "settledAt": "2026-12-03T00:00:00.000Z" }],
  })
}

/// `snapshot` with the value at `path` (keys, and indexes as numbers) replaced.
fn changed(mut snapshot: Value, path: &str, value: Value) -> Value {
  let mut at = &mut snapshot;
  for key in path.split('.') {
    at = match key.parse::<usize>() {
      Ok(i) => &mut at[i],
      Err(_) => &mut at[key],
    };
  }
  *at = value;
  snapshot
}

#[tokio::test]
async fn every_field_is_refused_by_the_rule_of_its_counterpart_in_the_api_or_on_the_command_line() {
  let fine = emulator(false).await;
  import(&fine.platform, &given(&everything()), 0).unwrap();

  let long = |n: usize| "x".repeat(n);
  let attempt = |status: Value, error: Value| json!({ "at": "2026-12-03T00:00:00.000Z", "durationMs": 3, "status": status, "error": error });
  let mut deep = json!("bottom");
  for _ in 0..33 {
    deep = json!({ "a": deep });
  }
  let cases = [
    // URLs, as --webhook takes them: never a password, repeated or not; never clear text to
    // another machine (0.0.0.0 is every address of it, not this machine).
    (
      "webhookDeliveries.0.url",
      json!("https://admin:hunter2@hooks.example.com/"),
      "webhookDeliveries[0].url: has a user name or password in it, which the dashboard would show; remove them, and have the receiver check the roq-platform-webhook-key header instead",
    ),
    (
      "webhookDeliveries.0.url",
      json!("http://0.0.0.0:3000/hook"),
      "webhookDeliveries[0].url: \"http://0.0.0.0:3000\" is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])",
    ),
    (
      "webhookDeliveries.0.url",
      json!("file:///etc/passwd"),
      "webhookDeliveries[0].url: \"file:///etc/passwd\" is not an http:// or https:// URL; pass the receiver's address, e.g. \"http://localhost:3000/api/roq/webhook\"",
    ),
    // Ids that reach JavaScript as numbers.
    (
      "mails.0.id",
      json!(9_007_199_254_740_992_i64),
      "mails[0].id: must be 1 to 9007199254740991 (Number.MAX_SAFE_INTEGER); it is 9007199254740992",
    ),
    (
      "mails.0.id",
      json!(i64::MAX),
      "mails[0].id: must be 1 to 9007199254740991 (Number.MAX_SAFE_INTEGER); it is 9223372036854775807",
    ),
    (
      "webhookDeliveries.0.id",
      json!(0),
      "webhookDeliveries[0].id: must be 1 to 9007199254740991 (Number.MAX_SAFE_INTEGER); it is 0",
    ),
    // Ids and texts, as a send takes them.
    (
      "invites.0.acceptedByUserId",
      json!(""),
      "invites[0].acceptedByUserId: must be 1 to 255 characters, not blank, and without NUL",
    ),
    (
      "invites.0.userTokenId",
      json!(long(256)),
      "invites[0].userTokenId: must be 1 to 255 characters, not blank, and without NUL",
    ),
    (
      "invites.0.createdByUserId",
      json!(long(256)),
      "invites[0].createdByUserId: must be 1 to 255 characters, not blank, and without NUL",
    ),
    (
      "users.0.tenantId",
      json!(" "),
      "users[0].tenantId: must be 1 to 255 characters, not blank, and without NUL",
    ),
    (
      "invites.0.data",
      deep,
      "invites[0].data is nested more than 32 levels deep",
    ),
    (
      "invites.0.lastName",
      json!(long(256)),
      "invites[0].lastName is longer than 255 characters",
    ),
    // What only the emulator writes: bounded by what it writes.
    (
      "mails.0.subject",
      json!(long(256)),
      "mails[0].subject: must be 1 to 255 characters",
    ),
    (
      "mails.0.locale",
      json!(""),
      "mails[0].locale: must be 1 to 35 characters",
    ),
    (
      "mails.0.app",
      json!(long(256)),
      "mails[0].app: must be 1 to 255 characters",
    ),
    (
      "mails.0.firstName",
      json!(long(256)),
      "mails[0].firstName is longer than 255 characters",
    ),
    (
      "mails.0.token",
      json!(long(256)),
      "mails[0].token: must be 1 to 255 characters, not blank, and without NUL",
    ),
    (
      "mails.0.acceptUrl",
      json!("javascript:alert(1)"),
      "mails[0].acceptUrl: is not an http:// or https:// link without a user name or password; it is there for reading only (the import makes the link again on its own accept page), so it may be left out",
    ),
    (
      "webhookDeliveries.0.attempts",
      json!(vec![attempt(json!(500), Value::Null); 21]),
      "webhookDeliveries[0].attempts: at most 20 for a failed delivery; the emulator makes at most 20 attempts (webhookRetry.attempts)",
    ),
    (
      "webhookDeliveries.0",
      json!({ "id": 1, "eventId": "evt-1", "url": "http://localhost:3000/hook", "state": "pending",
      "attempts": vec![attempt(json!(500), Value::Null); 20],
      "nextAttemptAt": "2026-12-03T00:00:00.000Z", "createdAt": "2026-12-03T00:00:00.000Z" }),
      "webhookDeliveries[0].attempts: at most 19 for a pending delivery; the emulator makes at most 20 attempts (webhookRetry.attempts)",
    ),
    (
      "webhookDeliveries.0.attempts.0.status",
      json!(42),
      "webhookDeliveries[0].attempts[0].status: 42 is not an HTTP status (100 to 999)",
    ),
    (
      "webhookDeliveries.0.attempts.0.error",
      json!("refused"),
      "webhookDeliveries[0].attempts[0]: has both status and error, or neither; an attempt was answered (status) or not (error)",
    ),
    (
      "webhookDeliveries.0.attempts.0",
      attempt(Value::Null, json!(long(1001))),
      "webhookDeliveries[0].attempts[0].error: must be 1 to 1000 characters",
    ),
    (
      "webhookDeliveries.0.attempts.0.durationMs",
      json!(9_007_199_254_740_992_u64),
      "webhookDeliveries[0].attempts[0].durationMs: must be at most 9007199254740991 (Number.MAX_SAFE_INTEGER)",
    ),
    // The event, as sent: its id is a header, its payload the event of its step.
    (
      "invites.0.history.0.eventId",
      json!("evt 1"),
      "invites[0].history[0].eventId: must be 1 to 255 visible ASCII characters (it is sent as the roq-platform-webhook-event-id header)",
    ),
    (
      "invites.0.history.0.payload",
      Value::Null,
      "invites[0].history[0]: has one of eventId and payload; an event is sent with both (the emulator writes both, with webhooks, or neither)",
    ),
    (
      "invites.0.history.0.payload.id",
      json!("evt-2"),
      "invites[0].history[0].payload.id: must be \"evt-1\", the step's eventId",
    ),
    (
      "invites.0.history.0.payload.change",
      json!("accepted"),
      "invites[0].history[0].payload.change: must be \"created\", the step's event",
    ),
    (
      "invites.0.history.0.payload.data.current.data",
      json!({ "big": long(600 * 1024) }),
      "invites[0].history[0].payload: is 614591 bytes as JSON; an event the emulator sends is at most 512 KiB",
    ),
    // Times: from the first moment of the year 0 to the last of 9999, whatever the offset.
    (
      "invites.0.validTill",
      json!("9999-12-31T23:59:59.999-01:00"),
      "invites[0].validTill: \"9999-12-31T23:59:59.999-01:00\" is outside the times a snapshot holds, 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z",
    ),
    (
      "webhookDeliveries.0.attempts.0.at",
      json!("0000-01-01T00:00:00.000+00:01"),
      "webhookDeliveries[0].attempts[0].at: \"0000-01-01T00:00:00.000+00:01\" is outside the times a snapshot holds, 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z",
    ),
    (
      "exportedAt",
      json!("+10000-01-01T00:00:00.000Z"),
      "exportedAt: \"+10000-01-01T00:00:00.000Z\" is not a time; write it as 2026-12-03T12:00:00.000Z",
    ),
  ];
  for (path, value, message) in cases {
    let emulator = emulator(false).await;
    let error = import(&emulator.platform, &given(&changed(everything(), path, value)), 0).expect_err(path);
    assert_eq!(error, message, "{path}");
    // Nothing of it was stored.
    assert!(emulator.export().unwrap().invites.is_empty());
  }
}

#[tokio::test]
async fn a_key_named_twice_in_any_object_is_refused_by_its_path_from_a_file_or_the_options() {
  // What a reviewer reads is `"name": "Blue"`; what would be stored is the last.
  let text = r#"{"version": 1, "invites": [
    {"tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner"},
    {"tenantId": "acme", "email": "bob@example.com", "createdByUserId": "owner"},
    {"tenantId": "acme", "email": "cy@example.com", "createdByUserId": "owner",
     "data": {"team": {"name": "Blue", "size": 3, "name": "Admins"}}}
  ]}"#;
  let message = r#"invites[2].data.team: "name" appears twice in one object; keep one (a reader of the file sees the first, the import would take the last)"#;
  let emulator = emulator(false).await;
  assert_eq!(import(&emulator.platform, &given_text(text), 0).unwrap_err(), message);

  let path = std::env::temp_dir().join(format!("roq-snapshot-twice-{}.json", std::process::id()));
  std::fs::write(&path, text).unwrap();
  let refused = import(&emulator.platform, &ImportFrom::Path(path.clone()), 0).unwrap_err();
  std::fs::remove_file(&path).unwrap();
  assert_eq!(refused, format!("{}: {message}", path.display()));

  // A known field named twice, too (serde's own refusal), and at the top.
  let twice = r#"{"version": 1, "invites": [{"tenantId": "a", "tenantId": "b", "email": "ada@example.com", "createdByUserId": "o"}]}"#;
  assert_eq!(
    import(&emulator.platform, &given_text(twice), 0).unwrap_err(),
    r#"invites[0]: "tenantId" appears twice in one object; keep one (a reader of the file sees the first, the import would take the last)"#
  );
  assert!(emulator.export().unwrap().invites.is_empty());
}

#[tokio::test]
async fn a_file_larger_than_the_limit_is_refused_naming_it_without_being_read() {
  let limit = "is more than 500 MiB, the largest snapshot the emulator reads (MAX_SNAPSHOT_BYTES); a snapshot is one JSON object, and one of 100,000 invites is about 420 MB";
  let emulator = emulator(false).await;
  // A file that says its size: refused before a byte is read (sparse, so it costs no disk).
  let path = std::env::temp_dir().join(format!("roq-snapshot-large-{}.json", std::process::id()));
  std::fs::File::create(&path)
    .unwrap()
    .set_len(super::MAX_SNAPSHOT_BYTES as u64 + 1)
    .unwrap();
  let refused = import(&emulator.platform, &ImportFrom::Path(path.clone()), 0).unwrap_err();
  std::fs::remove_file(&path).unwrap();
  assert_eq!(refused, format!("{}: {limit}", path.display()));
  // One that does not (a pipe, a device) is read up to the limit and no further.
  if cfg!(unix) {
    let refused = import(&emulator.platform, &ImportFrom::Path("/dev/zero".into()), 0).unwrap_err();
    assert_eq!(refused, format!("/dev/zero: {limit}"));
  }
  // The same limit for the snapshot given in the options (whose text `import` reads alike).
  let mut padded = vec![b' '; super::MAX_SNAPSHOT_BYTES + 1];
  padded[..2].copy_from_slice(b"{}");
  assert_eq!(read(&padded).unwrap_err(), limit);
}

#[tokio::test]
async fn a_time_at_either_end_of_the_range_stays_there_through_every_import_export_and_clock_move() {
  // The loop of docs/snapshots.md (--import F --export-on-exit F) with an invite that never expires, the
  // clock moved one way and the other between the runs.
  let mut snapshot = json!({
    "version": 1,
    "invites": [{ "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner",
                  "createdAt": "0000-01-01T00:00:00.000Z", "validTill": "9999-12-31T23:59:59.999Z" }],
  });
  for moved in [DAY, -3 * DAY, 365 * DAY, 1, 0] {
    let emulator = emulator(false).await;
    import(&emulator.platform, &given(&snapshot), emulator.platform.clock.now_ms()).unwrap();
    emulator.advance_clock(moved);
    snapshot = serde_json::to_value(emulator.export().unwrap()).unwrap();
    let invite = &snapshot["invites"][0];
    assert_eq!(
      (&invite["createdAt"], &invite["validTill"], &invite["status"]),
      (
        &json!("0000-01-01T00:00:00.000Z"),
        &json!("9999-12-31T23:59:59.999Z"),
        &json!("pending")
      ),
      "moved by {moved}"
    );
    assert_eq!(snapshot["mails"][0]["validTill"], "9999-12-31T23:59:59.999Z");
  }

  // A time near an end is moved at most to it (an invite exported with a millisecond to go, and
  // imported a day later on a clock a day ahead).
  let near = json!({
    "version": 1, "exportedAt": "2026-12-03T00:00:00.000Z",
    "invites": [{ "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner",
                  "createdAt": "2026-12-03T00:00:00.000Z", "validTill": "9999-12-31T23:59:59.998Z" }],
  });
  let emulator = emulator(false).await;
  let exported_at = chrono::DateTime::parse_from_rfc3339("2026-12-03T00:00:00.000Z")
    .unwrap()
    .timestamp_millis();
  import(&emulator.platform, &given(&near), exported_at + DAY).unwrap();
  let exported = serde_json::to_value(export(&emulator.platform, exported_at + DAY).unwrap()).unwrap();
  assert_eq!(exported["invites"][0]["validTill"], "9999-12-31T23:59:59.999Z");
}

#[tokio::test]
async fn every_time_the_emulator_writes_is_one_it_reads_back_however_far_the_clock_went() {
  let emulator = emulator(false).await;
  // Three days before the end of time, an invite valid for seven is valid until the end.
  emulator.advance_clock(crate::clock::LATEST_MS - emulator.platform.clock.now_ms() - 3 * DAY);
  let invite = emulator
    .platform
    .send_invites(
      &Principal::ServiceAccount,
      Some("acme".into()),
      vec![entry("ada@example.com")],
    )
    .unwrap()
    .success
    .remove(0);
  assert_eq!(invite.valid_till, crate::clock::LATEST_MS);
  emulator
    .platform
    .resend_invite(&Principal::ServiceAccount, &invite.id)
    .unwrap();
  // And past the end, the clock stays there.
  emulator.advance_clock(i64::MAX);
  emulator.advance_clock(i64::MAX);
  let snapshot = serde_json::to_value(emulator.export().unwrap()).unwrap();
  assert_eq!(snapshot["exportedAt"], "9999-12-31T23:59:59.999Z");
  let again = self::emulator(false).await;
  import(&again.platform, &given(&snapshot), again.platform.clock.now_ms()).unwrap();
}

/// A webhook receiver that answers 200 and says what it got: the key of each request.
async fn receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
  let (got, requests) = tokio::sync::mpsc::unbounded_channel();
  let app = axum::Router::new().route(
    "/hook",
    axum::routing::post(move |headers: axum::http::HeaderMap| {
      let key = headers
        .get("roq-platform-webhook-key")
        .and_then(|k| k.to_str().ok())
        .unwrap_or_default()
        .to_owned();
      let _ = got.send(key);
      async { "ok" }
    }),
  );
  let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
  let url = format!("http://{}/hook", listener.local_addr().unwrap());
  tokio::spawn(async move { axum::serve(listener, app).await });
  (url, requests)
}

#[tokio::test]
async fn a_delivery_to_a_url_not_configured_now_is_given_up_at_start_without_a_request() {
  let (named_url, mut named) = receiver().await;
  let (configured_url, mut configured) = receiver().await;
  let snapshot = changed(
    everything(),
    "webhookDeliveries.0",
    json!({ "id": 7, "eventId": "evt-1", "url": named_url, "state": "pending",
            "attempts": [{ "at": "2026-12-03T00:00:00.000Z", "durationMs": 3, "error": "the connection was refused" }],
            "nextAttemptAt": "2026-12-03T00:00:00.000Z", "createdAt": "2026-12-03T00:00:00.000Z" }),
  );
  for webhooks in [
    vec![WebhookTarget {
      url: configured_url.clone(),
      key: Some("configured-key".into()),
    }],
    Vec::new(),
  ] {
    let emulator = Emulator::start(EmulatorOptions {
      webhooks: webhooks.clone(),
      webhook_key: Some("environment-key".into()),
      import_from: Some(given(&snapshot)),
      ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    // Settled before anything could send it: failed, with the reason as its last attempt.
    let delivery = emulator.platform.webhook_delivery(7).unwrap().unwrap();
    assert_eq!(delivery.state, "failed");
    let reason = delivery.attempts.last().unwrap();
    assert_eq!(
      (
        reason.status,
        reason.error.as_deref(),
        reason.duration_ms,
        delivery.attempts.len()
      ),
      (None, Some(crate::webhooks::deliveries::NOT_SENT), 0, 2)
    );
    if webhooks.is_empty() {
      continue;
    }
    // The configured receiver gets what happens now, with its own key; the URL the snapshot
    // named gets nothing, not even after the sender has gone through what is due.
    emulator
      .platform
      .send_invites(
        &Principal::ServiceAccount,
        Some("acme".into()),
        vec![entry("bob@example.com")],
      )
      .unwrap();
    assert_eq!(configured.recv().await.as_deref(), Some("configured-key"));
    assert!(named.try_recv().is_err());
    emulator.stop().await.unwrap();
  }
}

#[tokio::test]
async fn an_export_larger_than_an_import_reads_is_refused_with_what_to_do() {
  // Without webhooks: nothing changes the data between two exports (exportedAt keeps its width).
  let emulator = emulator(false).await;
  let entries = vec![entry("ada@example.com"), entry("bob@example.com")];
  emulator
    .platform
    .send_invites(&Principal::ServiceAccount, Some("acme".into()), entries)
    .unwrap();
  let text = to_text(&emulator.export().unwrap());
  // Exactly as large as it may be: written; a byte less room: refused.
  assert!(emulator.platform.snapshot_of_at_most(text.len()).is_ok());
  let refused = emulator.platform.snapshot_of_at_most(text.len() - 1).unwrap_err();
  assert_eq!(
    refused,
    crate::Problem::Conflict(format!(
      "The snapshot would be more than {} bytes, the largest one an import reads (MAX_SNAPSHOT_BYTES), so it is not written; remove what you do not need (POST /__emulator/reset with a tenantId, or emulator.reset({{ tenantId }})) and export again",
      text.len() - 1
    ))
  );
}
