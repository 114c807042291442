//! An export in progress holds no other request up: it reads from a copy of the store, not under
//! the store's lock, and on a blocking thread, not on a worker of the server. Proved by holding an
//! export mid-way (`Platform::export_pause`) and asking the emulator something meanwhile; no clock.

use std::sync::Arc;

use serde_json::Value;

use crate::platform::send::NewInvite;
use crate::principal::Principal;
use crate::{Emulator, EmulatorOptions};

fn http() -> reqwest::Client {
  let _ = rustls::crypto::ring::default_provider().install_default();
  reqwest::Client::new()
}

fn get(http: &reqwest::Client, emulator: &Emulator, path: &str) -> reqwest::RequestBuilder {
  http
    .get(format!("{}{path}", emulator.url()))
    .basic_auth(emulator.environment_id(), Some(emulator.api_key()))
}

// One worker (tokio::test's runtime): an export that ran on it would leave no one to answer.
#[tokio::test]
async fn a_request_that_needs_the_store_is_answered_while_an_export_is_in_progress() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let invite = emulator
    .platform
    .send_invites(
      &Principal::ServiceAccount,
      Some("acme".into()),
      vec![NewInvite {
        created_by_user_id: "owner".into(),
        email: "ada@example.com".into(),
        ..NewInvite::default()
      }],
    )
    .unwrap()
    .success
    .remove(0);
  let (paused, on_pause) = tokio::sync::oneshot::channel();
  let (resume, on_resume) = tokio::sync::oneshot::channel::<()>();
  let platform = Arc::clone(&emulator.platform);
  emulator.platform.export_pause.set(move || {
    // Each fails at once rather than wait for ever: the export must not hold the store's lock
    // while it reads, and must not run on a worker of the runtime (where `block_on` panics).
    assert!(!platform.store.is_locked(), "the export reads under the store's lock");
    paused.send(()).unwrap();
    tokio::runtime::Handle::current().block_on(on_resume).unwrap();
  });
  let http = http();
  let exporting = tokio::spawn(get(&http, &emulator, "/__emulator/export").send());
  on_pause
    .await
    .expect("the export reached its pause, on a blocking thread, with the store free");

  // The export is held mid-way: the store and the server answer all the same.
  let invites: Value = get(&http, &emulator, "/__emulator/invites?limit=1")
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
  assert_eq!(invites["data"][0]["id"], invite.id.as_str());
  let faults = get(&http, &emulator, "/__emulator/faults").send().await.unwrap();
  assert_eq!(faults.status(), 200);

  resume.send(()).unwrap();
  let exported = exporting.await.unwrap().unwrap();
  assert_eq!(exported.status(), 200);
  let snapshot: Value = exported.json().await.unwrap();
  assert_eq!(snapshot["invites"][0]["id"], invite.id.as_str());
}

#[tokio::test]
async fn the_export_is_neither_cached_nor_sniffed_whatever_it_answers() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let answered = get(&http, &emulator, "/__emulator/export").send().await.unwrap();
  let refused = http
    .get(format!("{}/__emulator/export", emulator.url()))
    .send()
    .await
    .unwrap();
  for (response, status) in [(answered, 200), (refused, 401)] {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
  }
}
