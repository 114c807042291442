//! Snapshots against a real emulator: the same bytes after a round trip, times that keep their
//! meaning, a seed written by hand, and every refusal by its path.

use serde_json::{Value, json};

use super::{ImportFrom, export, import, parse, to_text};
use crate::mail::OutboxFilter;
use crate::platform::Principal;
use crate::send::NewInvite;
use crate::sessions::SessionRequest;
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
  import(
    &second.platform,
    &ImportFrom::Snapshot(Box::new(value.clone())),
    exported_at,
  )
  .unwrap();
  assert_eq!(to_text(&export(&second.platform, exported_at).unwrap()), text);

  // Imported a day later: every time a day later, and back again.
  let third = emulator(false).await;
  let later = exported_at + DAY;
  import(&third.platform, &ImportFrom::Snapshot(Box::new(value.clone())), later).unwrap();
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
  import(&fourth.platform, &ImportFrom::Snapshot(Box::new(moved)), exported_at).unwrap();
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
  import(
    &second.platform,
    &ImportFrom::Snapshot(Box::new(serde_json::to_value(&snapshot).unwrap())),
    now,
  )
  .unwrap();
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
  import(&emulator.platform, &ImportFrom::Snapshot(Box::new(seed)), now).unwrap();
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
    let error = import(&emulator.platform, &ImportFrom::Snapshot(Box::new(snapshot)), 0).unwrap_err();
    assert_eq!(error, message);
  }
  let unknown = parse(with(&["invites", "0", "emial"], json!("a@b.c"))).unwrap_err();
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
  let from = ImportFrom::Snapshot(Box::new(serde_json::to_value(&snapshot).unwrap()));
  for shown in [format!("{snapshot:?}"), format!("{from:?}")] {
    assert!(!shown.contains(token.as_str()), "{shown}");
  }
}
