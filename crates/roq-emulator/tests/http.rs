//! The emulator over raw HTTP, as any client sees it: the binary's life cycle, the header checks
//! of the GraphQL endpoint, and answers to documents that do not fit the schema.

use roq_emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

const SEND_V2: &str = "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } errors { email error } } }";

/// An HTTP client; see the note on `rustls` in Cargo.toml.
fn http() -> reqwest::Client {
  let _ = rustls::crypto::ring::default_provider().install_default();
  reqwest::Client::new()
}

async fn service_token(http: &reqwest::Client, emulator: &Emulator) -> String {
  let body = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": emulator.api_key() });
  let reply: Value = http
    .post(format!("{}/v01/authorize/serviceAccount", emulator.url()))
    .json(&body)
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
  reply["accessToken"].as_str().unwrap().to_owned()
}

fn basic(emulator: &Emulator) -> String {
  use base64::Engine as _;
  let credentials = format!("{}:{}", emulator.environment_id(), emulator.api_key());
  format!(
    "Basic {}",
    base64::engine::general_purpose::STANDARD.encode(credentials)
  )
}

async fn graphql(http: &reqwest::Client, emulator: &Emulator, headers: &[(&str, String)], body: Value) -> (u16, Value) {
  let mut request = http.post(format!("{}/v01/server/graphql", emulator.url())).json(&body);
  for (name, value) in headers {
    request = request.header(*name, value);
  }
  let response = request.send().await.unwrap();
  (response.status().as_u16(), response.json().await.unwrap())
}

fn send_body(variables: Value) -> Value {
  json!({ "query": SEND_V2, "variables": variables, "operationName": "sendUserInvites" })
}

#[tokio::test]
async fn graphql_checks_both_headers_and_answers_in_the_platform_error_shape() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let token = service_token(&http, &emulator).await;
  let variables =
    json!({ "data": { "tenantId": "t", "userInvites": [{ "createdByUserId": "u", "email": "a@example.com" }] } });

  let cases = [
    vec![("roq-platform-authorization", format!("Bearer {token}"))],
    vec![
      ("roq-platform-server-authorization", basic(&emulator)),
      ("roq-platform-authorization", "Bearer undefined".into()),
    ],
    vec![
      ("roq-platform-server-authorization", "Basic d3Jvbmc6a2V5".into()),
      ("roq-platform-authorization", format!("Bearer {token}")),
    ],
  ];
  for headers in cases {
    let (status, body) = graphql(&http, &emulator, &headers, send_body(variables.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], Value::Null);
    let response = &body["errors"][0]["extensions"]["response"];
    assert_eq!(
      (response["statusCode"].as_u64(), response["errorCode"].as_str()),
      (Some(401), Some("UNAUTHORIZED_EXCEPTION"))
    );
  }

  let headers = [
    ("roq-platform-server-authorization", basic(&emulator)),
    ("roq-platform-authorization", format!("Bearer {token}")),
  ];
  let (_, body) = graphql(&http, &emulator, &headers, send_body(variables)).await;
  assert_eq!(body["data"]["sendUserInvitesV2"]["errors"], json!([]), "{body}");
  assert_eq!(
    body["data"]["sendUserInvitesV2"]["success"].as_array().map(Vec::len),
    Some(1)
  );
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn the_v1_variables_with_the_v2_document_fail_validation_as_on_the_platform() {
  // What @roq/nodejs 1.0.20 does with the docs' shape (golden 28): `$data` is not provided.
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let token = service_token(&http, &emulator).await;
  let headers = [
    ("roq-platform-server-authorization", basic(&emulator)),
    ("roq-platform-authorization", format!("Bearer {token}")),
  ];
  let v1 = json!({ "userInvites": { "tenantId": "t", "userInvites": [{ "createdByUserId": "u", "email": "a@example.com" }] } });
  let (_, body) = graphql(&http, &emulator, &headers, send_body(v1)).await;
  assert!(
    body["errors"][0]["message"].as_str().unwrap().contains("data"),
    "{body}"
  );
  assert!(
    body["errors"][0]["extensions"]["response"].is_null(),
    "a validation error, not an HttpException"
  );
  assert!(emulator.outbox(&Default::default()).unwrap().is_empty());
  emulator.stop().await.unwrap();
}

// Signals, and `kill` to send them, are Unix's.
#[cfg(unix)]
#[test]
fn the_binary_prints_its_settings_and_stops_cleanly_on_sigint_and_sigterm() {
  use std::io::{BufRead, BufReader};
  use std::process::{Command, Stdio};

  for signal in ["INT", "TERM"] {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roq-emulator"))
      .args(["--port", "0"])
      .stdout(Stdio::piped())
      .spawn()
      .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut settings = std::collections::HashMap::new();
    let mut dashboard = None;
    for line in lines.by_ref().take(5) {
      let line = line.unwrap();
      if let Some(rest) = line.strip_prefix("dashboard: ") {
        dashboard = Some(rest.to_owned());
      } else if let Some((name, value)) = line.split_once('=') {
        settings.insert(name.to_owned(), value.to_owned());
      }
    }
    let url = &settings["ROQ_PLATFORM_URL"];
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    assert!(dashboard.is_some_and(|d| d.starts_with(&format!("{url}/__emulator/ "))));
    assert!(!settings["ROQ_ENVIRONMENT_ID"].is_empty() && !settings["ROQ_API_KEY"].is_empty());

    let killed = Command::new("kill")
      .args([&format!("-{signal}"), &child.id().to_string()])
      .status()
      .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIG{signal}: {status}");
    assert_eq!(
      lines.next().transpose().unwrap().as_deref(),
      Some("roq-emulator stopped")
    );
  }
}

#[tokio::test]
async fn the_browser_endpoint_takes_the_users_bearer_only_in_both_generations() {
  // What @roq/client 0.0.6 (V1) and 0.0.12 (V2) send (goldens b1, b2), with a real user token.
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let service = service_token(&http, &emulator).await;
  let login = json!({ "environmentId": emulator.environment_id(), "apiKey": emulator.api_key(), "userId": "alice" });
  let user: Value = http
    .post(format!("{}/v01/authorize", emulator.url()))
    .header("roq-platform-authorization", format!("Bearer {service}"))
    .json(&login)
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
  let bearer = format!("Bearer {}", user["accessToken"].as_str().unwrap());

  for (file, root) in [
    (
      "b1-browser-roq-client-0.0.6-sendUserInvites--browser-graphql.json",
      "sendUserInvites",
    ),
    (
      "b2-browser-roq-client-0.0.12-sendUserInvites--browser-graphql.json",
      "sendUserInvitesV2",
    ),
  ] {
    let golden: Value = serde_json::from_str(
      &std::fs::read_to_string(format!(
        "{}/../../reference/roq-golden/{file}",
        env!("CARGO_MANIFEST_DIR")
      ))
      .unwrap(),
    )
    .unwrap();
    let mut body = golden["request"]["body"].clone();
    // The golden's inviter and tenant stand for the signed-in user's own.
    let variables = body["variables"].as_object_mut().unwrap().values_mut().next().unwrap();
    variables["tenantId"] = json!("acme");
    for invite in variables["userInvites"].as_array_mut().unwrap() {
      invite["createdByUserId"] = json!("alice");
      invite["email"] = json!(format!("{root}@example.com"));
    }
    let response: Value = http
      .post(format!("{}/v01/graphql", emulator.url()))
      .header("roq-platform-authorization", &bearer)
      .json(&body)
      .send()
      .await
      .unwrap()
      .json()
      .await
      .unwrap();
    assert_eq!(response["data"][root]["errors"], json!([]), "{file}: {response}");
    assert_eq!(
      response["data"][root]["success"][0]["tenantId"], "acme",
      "{file}: {response}"
    );
  }
  let anonymous: Value = http
    .post(format!("{}/v01/graphql", emulator.url()))
    .json(&json!({ "query": "{ userInvites { totalCount } }" }))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
  assert_eq!(anonymous["errors"][0]["extensions"]["response"]["statusCode"], 401);
  emulator.stop().await.unwrap();
}

// Signals, and `kill` to send them, are Unix's.
#[cfg(unix)]
#[test]
fn the_binary_starts_from_import_and_writes_export_on_exit_on_sigint_and_sigterm() {
  use std::io::{BufRead, BufReader};
  use std::process::{Command, Stdio};

  let dir = std::env::temp_dir().join(format!("roq-emulator-snapshot-{}", std::process::id()));
  std::fs::create_dir_all(&dir).unwrap();
  let seed = dir.join("seed.json");
  std::fs::write(
    &seed,
    r#"{ "version": 1, "invites": [{ "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "alice" }] }"#,
  )
  .unwrap();
  for signal in ["INT", "TERM"] {
    let out = dir.join(format!("SIG{signal}.json"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_roq-emulator"))
      .args(["--port", "0", "--import"])
      .arg(&seed)
      .arg("--export-on-exit")
      .arg(&out)
      .stdout(Stdio::piped())
      .spawn()
      .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Up once it has printed its five lines.
    assert_eq!(lines.by_ref().take(5).count(), 5);
    assert!(!out.exists(), "written only when it stops");
    let killed = Command::new("kill")
      .args([&format!("-{signal}"), &child.id().to_string()])
      .status()
      .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success(), "SIG{signal}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    assert_eq!(written["invites"][0]["email"], "ada@example.com");
    assert_eq!(
      written["mails"][0]["to"], "ada@example.com",
      "the seed's mail, made up as if sent"
    );
  }
  std::fs::remove_dir_all(dir).unwrap();
}

/// The emulator keeps the documents it has parsed: the same text sent again with other variables
/// must be answered by those, with `@include` and `@skip` applied to its own copy.
#[tokio::test]
async fn a_document_sent_again_is_answered_by_its_own_variables() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let headers = [
    (
      "roq-platform-authorization",
      format!("Bearer {}", service_token(&http, &emulator).await),
    ),
    ("roq-platform-server-authorization", basic(&emulator)),
  ];
  let query = "query page($data: Boolean!) { userInvites(limit: 1) { totalCount data @include(if: $data) { id } } }";
  for data in [true, false, true, false] {
    let (status, answer) = graphql(
      &http,
      &emulator,
      &headers,
      json!({ "query": query, "variables": { "data": data } }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let page = answer["data"]["userInvites"].as_object().unwrap();
    assert_eq!(page.contains_key("data"), data, "{answer}");
    assert_eq!(page["totalCount"], 0);
  }
  emulator.stop().await.unwrap();
}
