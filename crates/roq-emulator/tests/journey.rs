//! The emulator as a browser and a developer meet it: JSON typed as the platform types it, CORS
//! on the browser endpoint only, development sessions, the accept page (which a GET never
//! changes) and the dashboard behind the environment's credentials.

use roq_emulator::{Emulator, EmulatorOptions, SessionRequest};
use serde_json::{Value, json};

fn http() -> reqwest::Client {
  let _ = rustls::crypto::ring::default_provider().install_default();
  reqwest::Client::builder()
    .redirect(reqwest::redirect::Policy::none())
    .build()
    .unwrap()
}

fn basic(emulator: &Emulator) -> String {
  use base64::Engine as _;
  let credentials = format!("{}:{}", emulator.environment_id(), emulator.api_key());
  format!(
    "Basic {}",
    base64::engine::general_purpose::STANDARD.encode(credentials)
  )
}

const SEND_V2: &str = "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id email status } errors { email error } } }";

/// Sends invites as the signed-in user of `session` through the browser endpoint.
async fn send_as(
  http: &reqwest::Client,
  emulator: &Emulator,
  access_token: &str,
  tenant: &str,
  inviter: &str,
  emails: &[&str],
) -> Value {
  let invites: Vec<Value> = emails
    .iter()
    .map(|e| json!({ "createdByUserId": inviter, "email": e }))
    .collect();
  http
    .post(format!("{}/v01/graphql", emulator.url()))
    .header("roq-platform-authorization", format!("Bearer {access_token}"))
    .json(&json!({ "query": SEND_V2, "variables": { "data": { "tenantId": tenant, "userInvites": invites } } }))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

fn session(emulator: &Emulator, tenant: &str, email: &str) -> roq_emulator::Session {
  emulator
    .session(&SessionRequest {
      tenant_id: tenant.into(),
      email: Some(email.into()),
      first_name: Some("Alice".into()),
      roles: Some(vec!["owner".into()]),
      ..SessionRequest::default()
    })
    .unwrap()
}

#[tokio::test]
async fn every_json_answer_is_application_json_with_utf8() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let login = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": emulator.api_key() });
  let requests = [
    http
      .post(format!("{}/v01/authorize/serviceAccount", emulator.url()))
      .json(&login),
    http.post(format!("{}/v01/authorize", emulator.url())).json(&login),
    http
      .post(format!("{}/v01/server/graphql", emulator.url()))
      .json(&json!({ "query": "{ __typename }" })),
    http
      .post(format!("{}/v01/graphql", emulator.url()))
      .json(&json!({ "query": "{ __typename }" })),
    http.post(format!("{}/v01/graphql", emulator.url())).body("not json"),
    http
      .get(format!("{}/__emulator/outbox", emulator.url()))
      .header("authorization", basic(&emulator)),
    http.get(format!("{}/__emulator/invites", emulator.url())),
  ];
  for request in requests {
    let response = request.send().await.unwrap();
    let url = response.url().clone();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/json; charset=utf-8", "{url}");
    assert!(response.json::<Value>().await.is_ok(), "{url}");
  }
}

#[tokio::test]
async fn only_the_browser_endpoint_answers_browser_origins() {
  let emulator = Emulator::start(EmulatorOptions {
    cors_origins: vec!["https://app.example.dev".into()],
    ..EmulatorOptions::default()
  })
  .await
  .unwrap();
  let http = http();
  let preflight = |path: &str, origin: &str| {
    http
      .request(reqwest::Method::OPTIONS, format!("{}{path}", emulator.url()))
      .header("origin", origin)
      .header("access-control-request-method", "POST")
      .header(
        "access-control-request-headers",
        "content-type,roq-platform-authorization",
      )
  };
  for origin in [
    "http://localhost:3000",
    "http://127.0.0.1:5173",
    "https://app.example.dev",
  ] {
    let response = preflight("/v01/graphql", origin).send().await.unwrap();
    assert!(response.status().is_success(), "{origin}: {}", response.status());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    let allowed = headers["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(
      allowed.contains("content-type") && allowed.contains("roq-platform-authorization"),
      "{allowed}"
    );
  }
  let foreign = preflight("/v01/graphql", "https://evil.example").send().await.unwrap();
  assert!(foreign.headers().get("access-control-allow-origin").is_none());

  // The endpoints that take the API key never answer a page.
  for path in ["/v01/server/graphql", "/v01/authorize", "/v01/authorize/serviceAccount"] {
    let response = preflight(path, "http://localhost:3000").send().await.unwrap();
    assert!(
      response.headers().get("access-control-allow-origin").is_none(),
      "{path}"
    );
    let post = http
      .post(format!("{}{path}", emulator.url()))
      .header("origin", "http://localhost:3000")
      .json(&json!({}))
      .send()
      .await
      .unwrap();
    assert!(post.headers().get("access-control-allow-origin").is_none(), "{path}");
  }

  // An actual request from a page gets the header, and a fault does not take it away.
  emulator.set_faults(vec![
    serde_json::from_value(json!({ "answer": "status", "status": 503 })).unwrap(),
  ]);
  let faulty = http
    .post(format!("{}/v01/graphql", emulator.url()))
    .header("origin", "http://localhost:3000")
    .json(&json!({ "query": "{ __typename }" }))
    .send()
    .await
    .unwrap();
  assert_eq!(faulty.status(), 503);
  assert_eq!(faulty.headers()["access-control-allow-origin"], "http://localhost:3000");
}

#[tokio::test]
async fn a_bad_cors_origin_is_refused_at_start() {
  for bad in ["localhost:3000", "https://app.example.dev/path", "ftp://x.io"] {
    let error = Emulator::start(EmulatorOptions {
      cors_origins: vec![bad.into()],
      ..EmulatorOptions::default()
    })
    .await
    .err()
    .expect("refused");
    assert!(error.to_string().starts_with("corsOrigins[0]: "), "{error}");
  }
}

#[tokio::test]
async fn a_session_acts_as_its_user_in_its_tenant_only() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let alice = session(&emulator, "acme", "alice@acme.io");
  // The cookie's payload, as ROQ's docs show it.
  let payload = alice.token.split('.').nth(1).unwrap();
  use base64::Engine as _;
  let claims: Value = serde_json::from_slice(
    &base64::engine::general_purpose::URL_SAFE_NO_PAD
      .decode(payload)
      .unwrap(),
  )
  .unwrap();
  assert_eq!(claims["roqUserId"], alice.roq_user_id.as_str());
  assert_eq!(claims["roqAccessToken"], alice.access_token.as_str());
  assert_eq!(claims["user"]["tenantId"], "acme");
  assert_eq!(claims["user"]["email"], "alice@acme.io");
  assert_eq!(claims["user"]["roles"], json!(["owner"]));
  assert!(claims["exp"].as_i64() > claims["iat"].as_i64());

  // Signing in again with the same email is the same user.
  assert_eq!(
    session(&emulator, "acme", "ALICE@acme.io").roq_user_id,
    alice.roq_user_id
  );

  let sent = send_as(
    &http,
    &emulator,
    &alice.access_token,
    "acme",
    &alice.roq_user_id,
    &["ada@example.com"],
  )
  .await;
  assert_eq!(
    sent["data"]["sendUserInvitesV2"]["success"][0]["status"], "pending",
    "{sent}"
  );
  let elsewhere = send_as(
    &http,
    &emulator,
    &alice.access_token,
    "globex",
    &alice.roq_user_id,
    &["x@example.com"],
  )
  .await;
  assert_eq!(
    elsewhere["errors"][0]["extensions"]["response"]["statusCode"], 403,
    "{elsewhere}"
  );

  // The session token itself is not a bearer.
  let misuse = send_as(
    &http,
    &emulator,
    &alice.token,
    "acme",
    &alice.roq_user_id,
    &["y@example.com"],
  )
  .await;
  assert_eq!(
    misuse["errors"][0]["extensions"]["response"]["statusCode"], 401,
    "{misuse}"
  );

  // A user has one tenant.
  let moved = emulator
    .session(&SessionRequest {
      tenant_id: "globex".into(),
      user_id: Some(alice.roq_user_id.clone()),
      ..SessionRequest::default()
    })
    .unwrap_err();
  assert_eq!(moved.status_code(), 409);

  // Over HTTP, with the environment's credentials only.
  let body = json!({ "tenantId": "globex", "email": "bob@globex.io" });
  let refused = http
    .post(format!("{}/__emulator/sessions", emulator.url()))
    .json(&body)
    .send()
    .await
    .unwrap();
  assert_eq!(refused.status(), 401);
  let created = http
    .post(format!("{}/__emulator/sessions", emulator.url()))
    .header("authorization", basic(&emulator))
    .json(&body)
    .send()
    .await
    .unwrap();
  assert_eq!(created.status(), 201);
  let bob: Value = created.json().await.unwrap();
  assert_eq!(bob["tenantId"], "globex");
  let bad = http
    .post(format!("{}/__emulator/sessions", emulator.url()))
    .header("authorization", basic(&emulator))
    .json(&json!({ "tenantId": "globex", "email": "bob@" }))
    .send()
    .await
    .unwrap();
  assert_eq!(bad.status(), 400);
}

/// Presses the accept page's button for `token`: its HTTP status and the page's state.
async fn press_accept(http: &reqwest::Client, emulator: &Emulator, token: &str) -> (u16, String) {
  let response = http
    .post(format!("{}/accept-invite", emulator.url()))
    .form(&[("token", token)])
    .send()
    .await
    .unwrap();
  let status = response.status().as_u16();
  (status, state_of(&response.text().await.unwrap()))
}

/// The `data-state` of an accept page.
fn state_of(html: &str) -> String {
  html
    .split("data-state=\"")
    .nth(1)
    .and_then(|rest| rest.split('"').next())
    .unwrap_or_default()
    .to_owned()
}

/// An emulator (with `options`) in which alice of tenant acme has invited `emails`.
async fn acme_invited(options: EmulatorOptions, emails: &[&str]) -> (Emulator, reqwest::Client, roq_emulator::Session) {
  let emulator = Emulator::start(options).await.unwrap();
  let http = http();
  let alice = session(&emulator, "acme", "alice@acme.io");
  send_as(
    &http,
    &emulator,
    &alice.access_token,
    "acme",
    &alice.roq_user_id,
    emails,
  )
  .await;
  (emulator, http, alice)
}

/// The accept page's state (its `data-state`) and HTTP status for `token`.
async fn accept_page(http: &reqwest::Client, emulator: &Emulator, token: &str) -> (u16, String, String) {
  let response = http
    .get(format!("{}/accept-invite", emulator.url()))
    .query(&[("token", token)])
    .send()
    .await
    .unwrap();
  let status = response.status().as_u16();
  assert_eq!(response.headers()["cache-control"], "no-store");
  assert_eq!(response.headers()["referrer-policy"], "no-referrer");
  let html = response.text().await.unwrap();
  let state = state_of(&html);
  (status, state, html)
}

#[tokio::test]
async fn the_accept_page_shows_the_invite_and_accepts_only_on_post() {
  let options = EmulatorOptions {
    app_name: Some("Launchpad".into()),
    ..EmulatorOptions::default()
  };
  let (emulator, http, alice) = acme_invited(options, &["ada@example.com", "bob@example.com"]).await;
  let mails = emulator.outbox(&Default::default()).unwrap();
  let (ada, bob) = (&mails[0], &mails[1]);
  assert_eq!(ada.subject, "User Invitation");
  assert!(
    ada.text.contains("Hi, you are invited to join Launchpad.") && ada.html.contains("Accept Invite"),
    "{}",
    ada.text
  );
  assert!(
    ada
      .accept_url
      .starts_with(&format!("{}/accept-invite?token=", emulator.url()))
  );

  // Any number of GETs (a mail scanner's, then the invitee's) change nothing.
  for _ in 0..3 {
    let (status, state, html) = accept_page(&http, &emulator, &ada.token).await;
    assert_eq!((status, state.as_str()), (200, "pending"));
    assert!(
      html.contains("ada@example.com")
        && html.contains("acme")
        && html.contains("Alice")
        && html.contains("<form method=\"post\""),
      "{html}"
    );
  }
  let records = emulator.invites(&Default::default()).unwrap();
  assert!(records.data.iter().all(|r| r.status == "pending"));

  assert_eq!(
    press_accept(&http, &emulator, &ada.token).await,
    (200, "accepted".into())
  );
  assert_eq!(accept_page(&http, &emulator, &ada.token).await.1, "already-accepted");
  assert_eq!(press_accept(&http, &emulator, &ada.token).await.1, "already-accepted");

  // Bob's invite: resent (the first link is replaced), then canceled.
  let records = emulator.invites(&Default::default()).unwrap();
  let bob_invite = records.data.iter().find(|r| r.email == "bob@example.com").unwrap();
  let resend = "mutation r($id: ID!) { resendUserInvite(id: $id) { id } }";
  let cancel = "mutation c($id: ID!) { cancelUserInvite(id: $id) { id } }";
  for query in [resend, cancel] {
    http
      .post(format!("{}/v01/graphql", emulator.url()))
      .header("roq-platform-authorization", format!("Bearer {}", alice.access_token))
      .json(&json!({ "query": query, "variables": { "id": bob_invite.id } }))
      .send()
      .await
      .unwrap();
  }
  assert_eq!(accept_page(&http, &emulator, &bob.token).await.1, "replaced");
  let newest = emulator
    .outbox(&roq_emulator::OutboxFilter {
      to: Some("bob@example.com".into()),
      user_invite_id: None,
    })
    .unwrap();
  assert_eq!(newest.len(), 2);
  let (status, state, _) = accept_page(&http, &emulator, &newest[1].token).await;
  assert_eq!((status, state.as_str()), (410, "canceled"));
  assert_eq!(accept_page(&http, &emulator, "no-such-token").await.0, 404);
  assert_eq!(accept_page(&http, &emulator, "").await.1, "unknown");

  // The histories say what happened, in order.
  let records = emulator.invites(&Default::default()).unwrap();
  let steps = |email: &str| -> Vec<&str> {
    records
      .data
      .iter()
      .find(|r| r.email == email)
      .unwrap()
      .history
      .iter()
      .map(|h| h.event.as_str())
      .collect()
  };
  assert_eq!(steps("ada@example.com"), ["created", "accepted"]);
  assert_eq!(steps("bob@example.com"), ["created", "resent", "canceled"]);
}

#[tokio::test]
async fn an_expired_invite_says_so_on_its_page() {
  let options = EmulatorOptions {
    invite_validity_ms: Some(60_000),
    ..EmulatorOptions::default()
  };
  let (emulator, http, _) = acme_invited(options, &["late@example.com"]).await;
  let mail = emulator.outbox(&Default::default()).unwrap().remove(0);
  emulator.advance_clock(61_000);
  let (status, state, _) = accept_page(&http, &emulator, &mail.token).await;
  assert_eq!((status, state.as_str()), (410, "expired"));
  assert_eq!(press_accept(&http, &emulator, &mail.token).await.1, "expired");
  let history = &emulator.invites(&Default::default()).unwrap().data[0].history;
  assert_eq!(history.last().unwrap().event.as_str(), "expired");
}

#[tokio::test]
async fn the_dashboard_asks_for_the_credentials_and_shows_invites_mails_and_faults() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let refused = http.get(emulator.dashboard_url()).send().await.unwrap();
  assert_eq!(refused.status(), 401);
  assert!(
    refused.headers()["www-authenticate"]
      .to_str()
      .unwrap()
      .starts_with("Basic realm=")
  );

  let alice = session(&emulator, "acme", "alice@acme.io");
  send_as(
    &http,
    &emulator,
    &alice.access_token,
    "acme",
    &alice.roq_user_id,
    &["ada@example.com"],
  )
  .await;
  let bob = session(&emulator, "globex", "bob@globex.io");
  send_as(
    &http,
    &emulator,
    &bob.access_token,
    "globex",
    &bob.roq_user_id,
    &["hank@example.com"],
  )
  .await;
  emulator.set_faults(vec![
    serde_json::from_value(json!({ "answer": "drop", "times": 2 })).unwrap(),
  ]);

  let get = |query: &str| {
    http
      .get(format!("{}{query}", emulator.dashboard_url()))
      .header("authorization", basic(&emulator))
      .send()
  };
  let all = get("").await.unwrap().text().await.unwrap();
  assert!(
    all.contains("ada@example.com") && all.contains("hank@example.com"),
    "{all}"
  );
  let acme = get("?view=invites&tenant=acme&status=pending")
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
  assert!(acme.contains("ada@example.com") && !acme.contains("hank@example.com"));
  let none = get("?view=invites&status=accepted")
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
  assert!(!none.contains("ada@example.com") && none.contains("No invites match"));
  let outbox = get("?view=outbox").await.unwrap().text().await.unwrap();
  assert!(outbox.contains("User Invitation") && outbox.contains("srcdoc=") && outbox.contains("/accept-invite?token="));
  let faults = get("?view=faults").await.unwrap().text().await.unwrap();
  assert!(faults.contains("drop the connection"), "{faults}");
  let bad = get("?view=invites&status=cancelled").await.unwrap();
  assert_eq!(bad.status(), 400);
}
