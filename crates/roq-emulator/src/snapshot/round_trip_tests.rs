//! Every export imports again: a snapshot over the extremes of every field (the earliest and
//! latest times, the largest ids, the longest strings and lists, `data` at its largest size and
//! depth, every status, event and delivery state) imports, exports as it was given, and imports
//! again to the same bytes; and so does what the API stores at its limits.

use serde_json::value::to_raw_value;
use serde_json::{Map, Value, json};

use roq_rules::{MAX_DATA_BYTES, MAX_DATA_DEPTH, MAX_ID, MAX_LOCALE, MAX_NAME, MAX_ROLES, is_email};

use super::checks::MAX_SAFE_INTEGER;
use super::format::{ImportFrom, MAX_SNAPSHOT_BYTES, to_text};
use super::{export, import};
use crate::clock::{EARLIEST_MS, LATEST_MS, iso};
use crate::platform::history::MAX_EVENT_BYTES;
use crate::platform::invite::token_hash;
use crate::platform::lifecycle::InvitePatch;
use crate::platform::send::NewInvite;
use crate::platform::sessions::SessionRequest;
use crate::principal::Principal;
use crate::webhooks::config::MAX_ATTEMPTS;
use crate::webhooks::deliveries::MAX_ATTEMPT_ERROR;
use crate::{Emulator, EmulatorOptions, WebhookRetry, WebhookTarget};

const ACCEPT_URL: &str = "http://localhost:3000/accept-invite";
const EXPORTED_AT: &str = "2026-12-03T12:00:00.000Z";

async fn emulator(webhooks: Vec<WebhookTarget>) -> Emulator {
  Emulator::start(EmulatorOptions {
    accept_url: Some(ACCEPT_URL.into()),
    webhooks,
    webhook_retry: Some(WebhookRetry {
      attempts: MAX_ATTEMPTS,
      ..WebhookRetry::default()
    }),
    ..EmulatorOptions::default()
  })
  .await
  .unwrap()
}

/// `count` characters of every kind JSON writes differently: four bytes of UTF-8, two, an escape,
/// a control character (six bytes as JSON), a plain one. Starts with `tag`, so that each is its own.
fn longest(tag: &str, count: usize) -> String {
  let kinds = ['𝄞', 'é', '"', '\\', '\n', '\u{1}', 'x'];
  tag.chars().chain(kinds.iter().copied().cycle()).take(count).collect()
}

/// The longest id sent as a header (an event id): visible ASCII.
fn longest_ascii(tag: &str) -> String {
  format!("{tag}{}", "~".repeat(MAX_ID - tag.len()))
}

/// The longest email address the rulebook takes (254 bytes), ending in `tag.com`.
fn longest_email(tag: char) -> String {
  let email = format!(
    "{}@{}.{}.{}{tag}.com",
    "a".repeat(64),
    "b".repeat(63),
    "c".repeat(63),
    "d".repeat(56)
  );
  assert_eq!(email.len(), 254);
  assert!(is_email(&email), "{email}");
  email
}

/// `data` at its largest: nested as deep as it may be, and exactly `MAX_DATA_BYTES` as JSON.
fn largest_data() -> Map<String, Value> {
  let nest = |filler: &str| {
    let mut value = json!({ "filler": filler, "every": [true, false, null, -1.5, 9_007_199_254_740_991_i64] });
    for level in 0..MAX_DATA_DEPTH - 2 {
      value = json!({ format!("level{level}"): value });
    }
    value.as_object().unwrap().clone()
  };
  let size = |data: &Map<String, Value>| serde_json::to_string(data).unwrap().len();
  let empty = size(&nest(""));
  let data = nest(&"x".repeat(MAX_DATA_BYTES - empty));
  assert_eq!(size(&data), MAX_DATA_BYTES);
  crate::platform::details::check_details(None, None, None, Some(&data)).unwrap();
  data
}

/// The link the importing emulator writes for `token`.
fn accept_link(token: &str) -> String {
  let mut url = url::Url::parse(ACCEPT_URL).unwrap();
  url.query_pairs_mut().append_pair("token", token);
  url.to_string()
}

/// A snapshot over the extremes of every field, written as an export writes it (every field, in
/// its order and place), so that its import must export it back as it is.
fn extremes() -> Value {
  let earliest = iso(EARLIEST_MS);
  let latest = iso(LATEST_MS);
  let (tenant, other_tenant) = (longest("t-", MAX_ID), longest("u-", MAX_ID));
  let roles: Vec<String> = (0..MAX_ROLES).map(|i| longest(&format!("r{i}-"), MAX_ID)).collect();
  let data = largest_data();
  let user = |id: &str, tenant: &str, email: char| {
    json!({
      "id": id, "tenantId": tenant, "email": longest_email(email),
      "firstName": longest("f-", MAX_NAME), "lastName": longest("l-", MAX_NAME), "locale": longest("de-", MAX_LOCALE),
      "roles": roles, "createdAt": earliest, "updatedAt": latest,
    })
  };
  let inviter = longest("a-", MAX_ID);
  let acceptor = longest("b-", MAX_ID);
  let tokens: Vec<String> = (0..6).map(|i| longest(&format!("k{i}-"), MAX_ID)).collect();
  // An event as the emulator sends it, with the invite's `data` before and after.
  let event = |id: &str, change: &str, name: &str, at: &str| {
    let invite = json!({ "id": "whatever the invite was", "data": data, "roleKeys": roles });
    json!({ "change": change, "createdAt": at, "data": { "current": invite, "previous": invite },
            "id": id, "name": name, "object": "UserInvite" })
  };
  let step = |event_name: &str, status: &str, at: &str, id: Option<&str>| {
    let mut step = json!({ "event": event_name, "status": status, "at": at });
    if let Some(id) = id {
      let name = if event_name == "created" {
        "ROQ_USER_INVITE_INSERT"
      } else {
        "ROQ_USER_INVITE_UPDATE"
      };
      step["eventId"] = json!(id);
      step["payload"] = event(id, event_name, name, at);
    }
    step
  };
  let events: Vec<String> = ["e0-", "e1-", "e2-", "e3-", "e4-", "e5-", "e6-"]
    .iter()
    .map(|tag| longest_ascii(tag))
    .collect();
  let invite = |id: &str, email: char, status: &str, history: Vec<Value>| {
    json!({
      "id": id, "tenantId": tenant, "email": longest_email(email),
      "firstName": longest("f-", MAX_NAME), "lastName": longest("l-", MAX_NAME), "locale": longest("en-", MAX_LOCALE),
      "data": data, "roleKeys": roles, "status": status, "statusUpdatedAt": latest,
      "createdByUserId": inviter, "acceptedByUserId": if status == "accepted" { json!(acceptor) } else { Value::Null },
      "userTokenId": longest(&format!("{id}-token-id-"), MAX_ID),
      "tokenDigest": token_hash(&tokens[match status { "pending" => 0, "accepted" => 1, "canceled" => 2, _ => 3 }]),
      "tokenUsedAt": if status == "accepted" { json!(latest) } else { Value::Null },
      "replacedTokens": if status == "pending" {
        json!([{ "tokenDigest": token_hash(&tokens[4]), "replacedAt": earliest },
               { "tokenDigest": token_hash(&tokens[5]), "replacedAt": latest }])
      } else { json!([]) },
      "validTill": latest, "createdAt": earliest, "updatedAt": latest,
      "history": history,
    })
  };
  let invites = vec![
    // Pending, "never expires", resent and updated: its events sent to a webhook.
    invite(
      &longest("i0-", MAX_ID),
      'p',
      "pending",
      vec![
        step("created", "pending", &earliest, Some(&events[0])),
        step("resent", "pending", EXPORTED_AT, Some(&events[1])),
        step("updated", "pending", &latest, Some(&events[2])),
      ],
    ),
    invite(
      &longest("i1-", MAX_ID),
      'q',
      "accepted",
      vec![
        step("created", "pending", &earliest, None),
        step("accepted", "accepted", &latest, Some(&events[3])),
      ],
    ),
    invite(
      &longest("i2-", MAX_ID),
      'r',
      "canceled",
      vec![
        step("created", "pending", &earliest, None),
        step("canceled", "canceled", EXPORTED_AT, Some(&events[4])),
      ],
    ),
    invite(
      &longest("i3-", MAX_ID),
      's',
      "expired",
      vec![
        step("created", "pending", &earliest, Some(&events[5])),
        step("expired", "expired", &earliest, Some(&events[6])),
      ],
    ),
  ];
  let mail = |id: i64, invite: &Value, token: &str| {
    json!({
      "id": id, "userInviteId": invite["id"], "to": invite["email"], "locale": longest("nl-", MAX_LOCALE),
      "subject": longest("s-", MAX_NAME), "firstName": longest("f-", MAX_NAME), "app": longest("app-", MAX_NAME.max(MAX_ID)),
      "validTill": latest, "acceptUrl": accept_link(token), "token": token, "createdAt": earliest,
    })
  };
  let mails = vec![
    mail(1, &invites[0], &tokens[4]),
    mail(2, &invites[0], &tokens[5]),
    mail(3, &invites[1], &tokens[1]),
    mail(MAX_SAFE_INTEGER - 1, &invites[2], &tokens[2]),
    mail(MAX_SAFE_INTEGER, &invites[0], &tokens[0]),
  ];
  let attempt = |i: usize| match i % 3 {
    0 => json!({ "at": earliest, "durationMs": MAX_SAFE_INTEGER, "status": 100, "error": null }),
    1 => json!({ "at": latest, "durationMs": 0, "status": 999, "error": null }),
    _ => json!({ "at": EXPORTED_AT, "durationMs": 1, "status": null, "error": longest("why-", MAX_ATTEMPT_ERROR) }),
  };
  let url = format!(
    "https://hooks.example.com/{}?tenant={}",
    "p".repeat(2000),
    "q".repeat(2000)
  );
  let delivery = |id: i64, event: &str, state: &str, attempts: usize, settled: Value| {
    json!({
      "id": id, "eventId": event, "url": url, "state": state,
      "attempts": (0..attempts).map(attempt).collect::<Vec<_>>(),
      "nextAttemptAt": latest, "createdAt": earliest, "settledAt": settled,
    })
  };
  let most = MAX_ATTEMPTS as usize;
  let deliveries = vec![
    delivery(1, &events[0], "delivered", most, json!(latest)),
    delivery(2, &events[1], "failed", most, json!(earliest)),
    delivery(MAX_SAFE_INTEGER - 1, &events[2], "pending", most - 1, Value::Null),
    delivery(MAX_SAFE_INTEGER, &events[3], "pending", 0, Value::Null),
  ];
  let mut users = vec![
    user(&inviter, &tenant, 'u'),
    user(&acceptor, &tenant, 'v'),
    user(&longest("c-", MAX_ID), &other_tenant, 'w'),
  ];
  users.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
  let mut tenants = vec![json!({ "id": tenant }), json!({ "id": other_tenant })];
  tenants.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
  json!({
    "version": 1, "exportedAt": EXPORTED_AT, "tenants": tenants, "users": users, "invites": invites,
    "mails": mails, "webhookDeliveries": deliveries,
  })
}

fn ms(text: &str) -> i64 {
  chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis()
}

#[tokio::test]
async fn a_snapshot_at_the_extremes_of_every_field_imports_and_exports_to_the_same_data_again_and_again() {
  let given = extremes();
  let now = ms(EXPORTED_AT);
  let first = emulator(Vec::new()).await;
  import(
    &first.platform,
    &ImportFrom::Snapshot(to_raw_value(&given).unwrap()),
    now,
  )
  .unwrap();
  let exported = to_text(&export(&first.platform, now).unwrap());
  // Exported as it was given: nothing cut, moved, made up or lost.
  assert!(serde_json::from_str::<Value>(&exported).unwrap() == given, "{exported}");

  // Its own export imports again, to the same bytes; and from a file, as --import reads one.
  let second = emulator(Vec::new()).await;
  import(
    &second.platform,
    &ImportFrom::Snapshot(serde_json::from_str(&exported).unwrap()),
    now,
  )
  .unwrap();
  assert!(to_text(&export(&second.platform, now).unwrap()) == exported);
  let path = std::env::temp_dir().join(format!("roq-snapshot-extremes-{}.json", std::process::id()));
  std::fs::write(&path, &exported).unwrap();
  let third = emulator(Vec::new()).await;
  let from_file = import(&third.platform, &ImportFrom::Path(path.clone()), now);
  std::fs::remove_file(&path).unwrap();
  from_file.unwrap();
  assert!(to_text(&export(&third.platform, now).unwrap()) == exported);

  // Imported a year later: the ends of the range stay where they are, the rest moves a year.
  let year = 365 * 86_400_000;
  let later = emulator(Vec::new()).await;
  import(
    &later.platform,
    &ImportFrom::Snapshot(serde_json::from_str(&exported).unwrap()),
    now + year,
  )
  .unwrap();
  let moved: Value = serde_json::to_value(export(&later.platform, now + year).unwrap()).unwrap();
  let invite = &moved["invites"][0];
  assert_eq!(
    [&invite["createdAt"], &invite["validTill"], &invite["history"][1]["at"]],
    [
      &json!(iso(EARLIEST_MS)),
      &json!(iso(LATEST_MS)),
      &json!(iso(now + year))
    ]
  );
  assert!(exported.len() < MAX_SNAPSHOT_BYTES);
}

#[tokio::test]
async fn what_the_api_stores_at_its_limits_exports_and_imports_again() {
  // A receiver that refuses every connection: each delivery records its attempts and fails.
  let first = emulator(vec![WebhookTarget {
    url: "http://127.0.0.1:9/hook".into(),
    key: None,
  }])
  .await;
  let platform = &first.platform;
  let service = Principal::ServiceAccount;
  let tenant = longest("t-", MAX_ID);
  let entry = |email: char| NewInvite {
    created_by_user_id: longest("a-", MAX_ID),
    email: longest_email(email),
    first_name: Some(longest("f-", MAX_NAME)),
    last_name: Some(longest("l-", MAX_NAME)),
    locale: Some(longest("de-", MAX_LOCALE)),
    roles: Some((0..MAX_ROLES).map(|i| longest(&format!("r{i}-"), MAX_ID)).collect()),
    data: Some(largest_data()),
    tenant_id: None,
  };
  let sent = platform
    .send_invites(&service, Some(tenant.clone()), vec![entry('p'), entry('q'), entry('r')])
    .unwrap();
  assert!(sent.errors.is_empty(), "{:?}", sent.errors);
  let ids: Vec<String> = sent.success.iter().map(|invite| invite.id.clone()).collect();
  platform.resend_invite(&service, &ids[0]).unwrap();
  let patch = InvitePatch {
    accepted_by_user_id: Some(longest("b-", MAX_ID)),
    data: Some(largest_data()),
    first_name: Some(longest("g-", MAX_NAME)),
    ..InvitePatch::default()
  };
  platform.update_invite(&service, &ids[0], patch).unwrap();
  platform.cancel_invite(&service, &ids[1]).unwrap();
  let mail = first
    .outbox(&crate::platform::mail::OutboxFilter {
      user_invite_id: Some(ids[2].clone()),
      ..crate::platform::mail::OutboxFilter::default()
    })
    .unwrap()
    .remove(0);
  platform.accept_invite(&mail.token).unwrap();
  platform
    .session(&SessionRequest {
      tenant_id: tenant.clone(),
      user_id: Some(longest("c-", MAX_ID)),
      email: Some(longest_email('w')),
      first_name: Some(longest("f-", MAX_NAME)),
      last_name: Some(longest("l-", MAX_NAME)),
      roles: Some((0..MAX_ROLES).map(|i| longest(&format!("s{i}-"), MAX_ID)).collect()),
      locale: Some(longest("nl-", MAX_LOCALE)),
      ..SessionRequest::default()
    })
    .unwrap();
  let now = platform.clock.now_ms();
  let exported = to_text(&export(platform, now).unwrap());
  let value: Value = serde_json::from_str(&exported).unwrap();
  for invite in value["invites"].as_array().unwrap() {
    for step in invite["history"].as_array().unwrap() {
      let size = step["payload"].to_string().len();
      assert!(size <= MAX_EVENT_BYTES / 2, "an event of {size} bytes");
    }
  }
  let second = emulator(Vec::new()).await;
  import(
    &second.platform,
    &ImportFrom::Snapshot(serde_json::from_str(&exported).unwrap()),
    now,
  )
  .unwrap();
  assert!(to_text(&export(&second.platform, now).unwrap()) == exported);
}

#[tokio::test]
async fn what_no_import_would_take_is_refused_where_it_arrives_so_that_no_export_holds_it() {
  let emulator = emulator(Vec::new()).await;
  let platform = &emulator.platform;
  let service = Principal::ServiceAccount;
  let too_long = "x".repeat(MAX_ID + 1);
  let entry = |change: fn(&mut NewInvite)| {
    let mut entry = NewInvite {
      created_by_user_id: "owner".into(),
      email: "ada@example.com".into(),
      ..NewInvite::default()
    };
    change(&mut entry);
    entry
  };
  let refusals = |entries: Vec<NewInvite>| {
    let outcome = platform.send_invites(&service, Some("acme".into()), entries).unwrap();
    assert!(outcome.success.is_empty());
    outcome
      .errors
      .into_iter()
      .map(|refusal| refusal.error)
      .collect::<Vec<_>>()
  };
  assert_eq!(
    refusals(vec![
      entry(|e| e.created_by_user_id = "x".repeat(MAX_ID + 1)),
      entry(|e| e.tenant_id = Some(" ".into())),
      entry(|e| {
        let mut deep = json!(1);
        for _ in 0..=MAX_DATA_DEPTH {
          deep = json!({ "a": deep });
        }
        e.data = Some(deep.as_object().unwrap().clone());
      }),
    ]),
    [
      "createdByUserId must be 1 to 255 characters, not blank, and without NUL",
      "tenantId must be 1 to 255 characters, not blank, and without NUL",
      "data is nested more than 32 levels deep",
    ]
  );
  let bad_request = |result: Result<_, crate::Problem>| match result {
    Err(crate::Problem::BadRequest(message)) => message,
    other => panic!("{:?}", other.map(|_| ())),
  };
  assert_eq!(
    bad_request(
      platform
        .send_invites(&service, Some(too_long.clone()), vec![entry(|_| {})])
        .map(|_| ())
    ),
    "tenantId must be 1 to 255 characters, not blank, and without NUL"
  );
  let invite = platform
    .send_invites(&service, Some("acme".into()), vec![entry(|_| {})])
    .unwrap()
    .success
    .remove(0);
  let patch = InvitePatch {
    accepted_by_user_id: Some(too_long.clone()),
    ..InvitePatch::default()
  };
  assert_eq!(
    bad_request(platform.update_invite(&service, &invite.id, patch).map(|_| ())),
    "acceptedByUserId must be 1 to 255 characters, not blank, and without NUL"
  );
  assert_eq!(
    bad_request(platform.admit_user(&too_long).map(|_| ())),
    "userId must be 1 to 255 characters, not blank, and without NUL"
  );
  let refused = Emulator::start(EmulatorOptions {
    app_name: Some("x".repeat(MAX_NAME + 1)),
    ..EmulatorOptions::default()
  })
  .await
  .err()
  .unwrap();
  assert_eq!(refused.to_string(), "appName: must be at most 255 characters");
  // What was refused is not in the export; what was taken imports again.
  let exported = to_text(&platform.snapshot().unwrap());
  assert_eq!(platform.snapshot().unwrap().invites.len(), 1);
  let again = self::emulator(Vec::new()).await;
  import(
    &again.platform,
    &ImportFrom::Snapshot(serde_json::from_str(&exported).unwrap()),
    0,
  )
  .unwrap();
}
