//! The request log over raw HTTP, as any client sees it: a row for every request the platform's
//! endpoints answer (refused early, or spoiled by a fault, too), `x-request-id` on every answer,
//! the trace id of a valid `traceparent`, `GET /__emulator/requests` and its filters, the bound,
//! a reset, and no secret or person's data in any row.

use roq_emulator::{Emulator, EmulatorOptions, Fault, FaultAnswer, FaultTarget, RateLimit, RequestLogQuery};
use serde_json::{Value, json};

const SEND: &str = "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } errors { email } } }";
const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// An HTTP client; see the note on `rustls` in Cargo.toml.
fn http() -> reqwest::Client {
  let _ = rustls::crypto::ring::default_provider().install_default();
  reqwest::Client::new()
}

fn basic(emulator: &Emulator) -> String {
  use base64::Engine as _;
  let credentials = format!("{}:{}", emulator.environment_id(), emulator.api_key());
  format!(
    "Basic {}",
    base64::engine::general_purpose::STANDARD.encode(credentials)
  )
}

/// One POST to `path`, with `headers`; the status, the `x-request-id` and the body.
async fn post(
  http: &reqwest::Client,
  emulator: &Emulator,
  path: &str,
  headers: &[(&str, &str)],
  body: impl Into<reqwest::Body>,
) -> (u16, String, String) {
  let mut request = http
    .post(format!("{}{path}", emulator.url()))
    .header("content-type", "application/json")
    .body(body);
  for (name, value) in headers {
    request = request.header(*name, *value);
  }
  let response = request.send().await.unwrap();
  let status = response.status().as_u16();
  let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
  (status, id, response.text().await.unwrap_or_default())
}

async fn service_token(http: &reqwest::Client, emulator: &Emulator) -> String {
  let body = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": emulator.api_key() });
  let (_, _, answer) = post(http, emulator, "/v01/authorize/serviceAccount", &[], body.to_string()).await;
  serde_json::from_str::<Value>(&answer).unwrap()["accessToken"]
    .as_str()
    .unwrap()
    .to_owned()
}

fn rows(emulator: &Emulator, query: RequestLogQuery) -> Vec<Value> {
  emulator
    .requests(&query)
    .unwrap()
    .iter()
    .map(|row| serde_json::to_value(row).unwrap())
    .collect()
}

/// The row of `request_id`: exactly one.
fn row_of(emulator: &Emulator, request_id: &str) -> Value {
  let mut found = rows(
    emulator,
    RequestLogQuery {
      request_id: Some(request_id.to_owned()),
      ..Default::default()
    },
  );
  assert_eq!(found.len(), 1, "{request_id}: {found:?}");
  found.remove(0)
}

/// A row's fields that say what happened, without its id, time, duration and request id.
fn facts(row: &Value) -> Value {
  let mut row = row.clone();
  for varying in ["id", "at", "durationMs", "requestId"] {
    row.as_object_mut().unwrap().remove(varying);
  }
  row
}

fn send_body(tenant: &str, emails: &[&str]) -> String {
  let invites: Vec<Value> = emails
    .iter()
    .map(|email| json!({ "createdByUserId": "alice", "email": email, "firstName": "Ada", "lastName": "Lovelace" }))
    .collect();
  json!({ "query": SEND, "variables": { "data": { "tenantId": tenant, "userInvites": invites } }, "operationName": "sendUserInvites" })
    .to_string()
}

#[tokio::test]
async fn every_endpoint_writes_a_row_with_what_it_saw_and_answers_with_its_request_id() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let (key, basic) = (emulator.api_key().to_owned(), basic(&emulator));
  let service = service_token(&http, &emulator).await;
  let service_bearer = format!("Bearer {service}");
  let server = [
    ("roq-platform-server-authorization", basic.as_str()),
    ("roq-platform-authorization", service_bearer.as_str()),
  ];

  // The service account's token: the caller named once the key is checked.
  let login =
    json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": key });
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/authorize/serviceAccount",
    &[("x-request-id", "token-1"), ("traceparent", TRACEPARENT)],
    login.to_string(),
  )
  .await;
  assert_eq!((status, id.as_str()), (201, "token-1"), "the caller's id is echoed");
  assert_eq!(
    facts(&row_of(&emulator, "token-1")),
    json!({
      "endpoint": "/v01/authorize/serviceAccount", "operation": null, "caller": "serviceAccount", "userId": null,
      "status": 201, "errorCode": null, "fault": null, "failed": false, "traceId": TRACE,
      "inviteIds": [], "inviteCount": 0,
    })
  );

  // A user's token, asked for by the service account.
  let user_login = json!({ "environmentId": emulator.environment_id(), "apiKey": key, "userId": "alice" });
  let (status, id, answer) = post(
    &http,
    &emulator,
    "/v01/authorize",
    &[("roq-platform-authorization", &service_bearer)],
    user_login.to_string(),
  )
  .await;
  assert_eq!(status, 201);
  let user_token = serde_json::from_str::<Value>(&answer).unwrap()["accessToken"]
    .as_str()
    .unwrap()
    .to_owned();
  assert!(uuid::Uuid::parse_str(&id).is_ok(), "made: {id}");
  let row = row_of(&emulator, &id);
  assert_eq!(
    (&row["endpoint"], &row["caller"], &row["status"], &row["traceId"]),
    (
      &json!("/v01/authorize"),
      &json!("serviceAccount"),
      &json!(201),
      &Value::Null
    )
  );

  // A send on the server endpoint: the operation as the document names it, the invites it made.
  let (status, id, answer) = post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &[server[0], server[1], ("x-request-id", "send-1")],
    send_body("acme", &["ada@example.com", "grace@example.com", "bob@"]),
  )
  .await;
  assert_eq!((status, id.as_str()), (200, "send-1"));
  let answer: Value = serde_json::from_str(&answer).unwrap();
  let created: Vec<Value> = answer["data"]["sendUserInvitesV2"]["success"]
    .as_array()
    .unwrap()
    .iter()
    .map(|invite| invite["id"].clone())
    .collect();
  assert_eq!(created.len(), 2);
  assert_eq!(
    facts(&row_of(&emulator, "send-1")),
    json!({
      "endpoint": "/v01/server/graphql", "operation": "sendUserInvites", "caller": "serviceAccount", "userId": null,
      "status": 200, "errorCode": null, "fault": null, "failed": false, "traceId": null,
      "inviteIds": created, "inviteCount": 2,
    })
  );

  // The browser endpoint, as a user: an anonymous query is named by its root field.
  let user_bearer = format!("Bearer {user_token}");
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/graphql",
    &[("roq-platform-authorization", &user_bearer)],
    json!({ "query": "{ userInvites { totalCount } }" }).to_string(),
  )
  .await;
  assert_eq!(status, 200);
  assert_eq!(
    facts(&row_of(&emulator, &id)),
    json!({
      "endpoint": "/v01/graphql", "operation": "userInvites", "caller": "user", "userId": "alice",
      "status": 200, "errorCode": null, "fault": null, "failed": false, "traceId": null,
      "inviteIds": [], "inviteCount": 0,
    })
  );

  // A change of one invite names it; a read names none.
  let cancel = json!({ "query": "mutation cancel($id: ID!) { cancelUserInvite(id: $id) { status } }", "variables": { "id": created[0] } });
  let (_, id, _) = post(&http, &emulator, "/v01/server/graphql", &server, cancel.to_string()).await;
  let row = row_of(&emulator, &id);
  assert_eq!(
    (&row["operation"], &row["inviteIds"], &row["inviteCount"]),
    (&json!("cancel"), &json!([created[0]]), &json!(1))
  );
  let get = json!({ "query": "query($id: ID!) { userInvite(id: $id) { id } }", "variables": { "id": created[1] } });
  let (_, id, _) = post(&http, &emulator, "/v01/server/graphql", &server, get.to_string()).await;
  let row = row_of(&emulator, &id);
  assert_eq!(
    (&row["operation"], &row["inviteCount"]),
    (&json!("userInvite"), &json!(0))
  );

  // Newest first, numbered in order; every row's time by the emulator's clock.
  let all = rows(&emulator, RequestLogQuery::default());
  let ids: Vec<u64> = all.iter().map(|row| row["id"].as_u64().unwrap()).collect();
  assert_eq!(ids, (1..=ids.len() as u64).rev().collect::<Vec<_>>());
  assert!(all.iter().all(|row| row["at"].as_str().unwrap().ends_with('Z')));
  assert!(all.iter().all(|row| row["durationMs"].as_f64().unwrap() > 0.0));
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn a_request_refused_early_has_its_row_with_what_its_caller_got() {
  let emulator = Emulator::start(EmulatorOptions {
    rate_limit: Some(RateLimit {
      requests: 2,
      window_ms: 3_600_000,
    }),
    ..Default::default()
  })
  .await
  .unwrap();
  let http = http();
  let basic = basic(&emulator);
  let bearer = format!("Bearer {}", service_token(&http, &emulator).await);
  let server = [
    ("roq-platform-server-authorization", basic.as_str()),
    ("roq-platform-authorization", bearer.as_str()),
  ];
  let outcome = |row: &Value| {
    (
      row["status"].as_u64().unwrap(),
      row["errorCode"].as_str().map(str::to_owned),
      row["caller"].as_str().map(str::to_owned),
      row["operation"].as_str().map(str::to_owned),
      row["failed"].as_bool().unwrap(),
    )
  };
  let some = |text: &str| Some(text.to_owned());

  // A wrong API key: 401, and no caller.
  let wrong = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": "wrong" });
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/authorize/serviceAccount",
    &[],
    wrong.to_string(),
  )
  .await;
  assert_eq!(status, 401);
  assert_eq!(
    outcome(&row_of(&emulator, &id)),
    (401, some("UNAUTHORIZED_EXCEPTION"), None, None, true)
  );

  // No bearer on GraphQL: HTTP 200 with the error, in the platform's way; the body is not read.
  let (status, id, _) = post(&http, &emulator, "/v01/graphql", &[], send_body("acme", &["a@x.io"])).await;
  assert_eq!(status, 200);
  assert_eq!(
    outcome(&row_of(&emulator, &id)),
    (200, some("UNAUTHORIZED_EXCEPTION"), None, None, true)
  );

  // A body past the rulebook's largest (the token endpoint's own limit is axum's): 413.
  let huge = vec![b' '; roq_emulator::rules::MAX_REQUEST_BYTES + 1];
  let (status, id, _) = post(&http, &emulator, "/v01/server/graphql", &server, huge.clone()).await;
  assert_eq!(status, 413);
  assert_eq!(
    outcome(&row_of(&emulator, &id)),
    (413, some("PAYLOAD_TOO_LARGE"), some("serviceAccount"), None, true)
  );
  let (status, id, _) = post(&http, &emulator, "/v01/authorize/serviceAccount", &[], huge).await;
  assert_eq!(status, 413);
  assert_eq!(outcome(&row_of(&emulator, &id)), (413, None, None, None, true));

  // A document that does not parse, then one the rate limit refuses (the window of two is used).
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &server,
    json!({ "query": "query Broken {" }).to_string(),
  )
  .await;
  assert_eq!(status, 200);
  assert_eq!(
    outcome(&row_of(&emulator, &id)),
    (200, some("GRAPHQL_PARSE_FAILED"), some("serviceAccount"), None, true)
  );
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &server,
    send_body("acme", &["a@x.io"]),
  )
  .await;
  assert_eq!(status, 429);
  assert_eq!(
    outcome(&row_of(&emulator, &id)),
    (429, some("TOO_MANY_REQUESTS"), some("serviceAccount"), None, true)
  );

  // A GET where only POST is: 405, logged too.
  let response = http
    .get(format!("{}/v01/server/graphql", emulator.url()))
    .send()
    .await
    .unwrap();
  assert_eq!(response.status().as_u16(), 405);
  let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
  assert_eq!(outcome(&row_of(&emulator, &id)).0, 405);

  // A browser's preflight gets an id, and no row.
  let before = rows(&emulator, RequestLogQuery::default()).len();
  let preflight = http
    .request(reqwest::Method::OPTIONS, format!("{}/v01/graphql", emulator.url()))
    .header("origin", "http://localhost:3000")
    .header("access-control-request-method", "POST")
    .header(
      "access-control-request-headers",
      "content-type, roq-platform-authorization, x-request-id, traceparent, tracestate",
    )
    .send()
    .await
    .unwrap();
  assert_eq!(preflight.status().as_u16(), 200);
  assert!(preflight.headers().contains_key("x-request-id"));
  let allowed = preflight.headers()["access-control-allow-headers"].to_str().unwrap();
  for header in ["x-request-id", "traceparent", "tracestate"] {
    assert!(allowed.contains(header), "{header} in {allowed}");
  }
  assert_eq!(rows(&emulator, RequestLogQuery::default()).len(), before);
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn a_request_a_fault_answered_shows_the_fault_and_what_was_carried_out() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let basic = basic(&emulator);
  let bearer = format!("Bearer {}", service_token(&http, &emulator).await);
  let server = [
    ("roq-platform-server-authorization", basic.as_str()),
    ("roq-platform-authorization", bearer.as_str()),
  ];
  let fault = |answer, commit| Fault {
    on: FaultTarget::Graphql,
    answer,
    times: 1,
    delay_ms: 0,
    status: Some(503),
    retry_after: None,
    commit,
  };

  // A 503 in place of the answer, the send not carried out.
  emulator.set_faults(vec![fault(FaultAnswer::Status, false)]);
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &[server[0], server[1], ("x-request-id", "fault-503")],
    send_body("acme", &["a@x.io"]),
  )
  .await;
  assert_eq!((status, id.as_str()), (503, "fault-503"));
  let row = row_of(&emulator, "fault-503");
  assert_eq!(
    (
      &row["status"],
      &row["fault"],
      &row["failed"],
      &row["operation"],
      &row["inviteCount"]
    ),
    (&json!(503), &json!("status"), &json!(true), &Value::Null, &json!(0))
  );

  // Carried out, then the connection dropped: the row has what the send did.
  emulator.set_faults(vec![fault(FaultAnswer::Drop, true)]);
  let dropped = http
    .post(format!("{}/v01/server/graphql", emulator.url()))
    .header(server[0].0, server[0].1)
    .header(server[1].0, server[1].1)
    .header("x-request-id", "fault-drop")
    .body(send_body("acme", &["b@x.io"]))
    .send()
    .await;
  // The connection broke: before the headers came, or in the body.
  match dropped {
    Ok(response) => assert!(response.text().await.is_err(), "the body broke off"),
    Err(error) => assert!(error.is_request(), "{error}"),
  }
  let invites = emulator.invites(&Default::default()).unwrap();
  let row = row_of(&emulator, "fault-drop");
  assert_eq!(
    (
      &row["status"],
      &row["fault"],
      &row["failed"],
      &row["operation"],
      &row["caller"],
      &row["inviteIds"],
      &row["errorCode"]
    ),
    (
      &json!(200),
      &json!("drop"),
      &json!(true),
      &json!("sendUserInvites"),
      &json!("serviceAccount"),
      &json!([invites.data[0].id]),
      &Value::Null
    )
  );

  // A delay only: not a failure, but the fault is named.
  emulator.set_faults(vec![Fault {
    delay_ms: 1,
    ..fault(FaultAnswer::Normal, false)
  }]);
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &server,
    send_body("acme", &["c@x.io"]),
  )
  .await;
  assert_eq!(status, 200);
  let row = row_of(&emulator, &id);
  assert_eq!(
    (&row["fault"], &row["failed"], &row["inviteCount"]),
    (&json!("normal"), &json!(false), &json!(1))
  );

  // A token request's fault.
  emulator.set_faults(vec![Fault {
    on: FaultTarget::Token,
    status: Some(500),
    ..fault(FaultAnswer::Status, false)
  }]);
  let login = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": emulator.api_key() });
  let (status, id, _) = post(
    &http,
    &emulator,
    "/v01/authorize/serviceAccount",
    &[],
    login.to_string(),
  )
  .await;
  assert_eq!(status, 500);
  let row = row_of(&emulator, &id);
  assert_eq!(
    (&row["endpoint"], &row["fault"], &row["caller"]),
    (&json!("/v01/authorize/serviceAccount"), &json!("status"), &Value::Null)
  );
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn an_invalid_traceparent_or_request_id_is_never_kept() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  for (request_id, traceparent) in [
    ("a b", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
    (
      "<script>alert(1)</script>",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ),
    ("ok-id", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    ("ok-id-2", "<b>trace</b>"),
  ] {
    let (_, id, _) = post(
      &http,
      &emulator,
      "/v01/graphql",
      &[("x-request-id", request_id), ("traceparent", traceparent)],
      "{}",
    )
    .await;
    if request_id.starts_with("ok-id") {
      assert_eq!(id, request_id);
    } else {
      assert!(uuid::Uuid::parse_str(&id).is_ok(), "{request_id:?} answered {id:?}");
    }
    assert_eq!(row_of(&emulator, &id)["traceId"], Value::Null, "{traceparent}");
  }
  let text = serde_json::to_string(&rows(&emulator, RequestLogQuery::default())).unwrap();
  for never in ["a b", "<script>", "4BF92F", "<b>"] {
    assert!(!text.contains(never), "{never} in {text}");
  }
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn get_emulator_requests_filters_newest_first_behind_the_credentials() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let basic = basic(&emulator);
  let bearer = format!("Bearer {}", service_token(&http, &emulator).await);
  for (request_id, traceparent) in [("r1", TRACEPARENT), ("r2", ""), ("r3", TRACEPARENT)] {
    let mut headers = vec![
      ("roq-platform-server-authorization", basic.as_str()),
      ("roq-platform-authorization", bearer.as_str()),
      ("x-request-id", request_id),
    ];
    if !traceparent.is_empty() {
      headers.push(("traceparent", traceparent));
    }
    post(
      &http,
      &emulator,
      "/v01/server/graphql",
      &headers,
      send_body("acme", &["a@x.io"]),
    )
    .await;
  }
  post(
    &http,
    &emulator,
    "/v01/graphql",
    &[("x-request-id", "r4"), ("traceparent", TRACEPARENT)],
    "{}",
  )
  .await;

  let get = |query: &'static str, authorization: Option<&str>| {
    let mut request = http.get(format!("{}/__emulator/requests{query}", emulator.url()));
    if let Some(authorization) = authorization {
      request = request.header("authorization", authorization);
    }
    async move {
      let response = request.send().await.unwrap();
      let status = response.status().as_u16();
      (status, response.json::<Value>().await.unwrap())
    }
  };
  let request_ids = |rows: &Value| -> Vec<String> {
    rows
      .as_array()
      .unwrap()
      .iter()
      .map(|row| row["requestId"].as_str().unwrap().to_owned())
      .collect()
  };
  let (status, answer) = get("", None).await;
  assert_eq!((status, &answer["errorCode"]), (401, &json!("UNAUTHORIZED_EXCEPTION")));
  let (status, all) = get("", Some(&basic)).await;
  assert_eq!(status, 200);
  assert_eq!(request_ids(&all)[..4], ["r4", "r3", "r2", "r1"]);
  let (_, traced) = get("?traceId=4BF92F3577B34DA6A3CE929D0E0E4736", Some(&basic)).await;
  assert_eq!(request_ids(&traced), ["r4", "r3", "r1"]);
  let (_, failed) = get("?traceId=4bf92f3577b34da6a3ce929d0e0e4736&status=failed", Some(&basic)).await;
  assert_eq!(request_ids(&failed), ["r4"]);
  let (_, ok) = get("?status=200&limit=2", Some(&basic)).await;
  assert_eq!(request_ids(&ok), ["r4", "r3"]);
  let (_, one) = get("?requestId=r2", Some(&basic)).await;
  assert_eq!(request_ids(&one), ["r2"]);
  let (_, none) = get("?traceId=&status=&requestId=", Some(&basic)).await;
  assert_eq!(none, all, "a form's empty fields filter nothing");

  for (query, says) in [
    ("?status=teapot", "neither an HTTP status"),
    ("?traceId=abc", "is not a trace id"),
    ("?limit=5000", "limit must be 0 to 1000"),
    ("?limit=-1", "limit"),
    ("?trace=abc", "unknown field `trace`"),
  ] {
    let (status, answer) = get(query, Some(&basic)).await;
    assert_eq!((status, &answer["errorCode"]), (400, &json!("BAD_REQUEST")), "{query}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains(says), "{query}: {message}");
  }
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn the_log_keeps_the_newest_thousand_and_a_reset_of_every_tenant_empties_it() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  for n in 0..1005 {
    let (status, _, _) = post(
      &http,
      &emulator,
      "/v01/graphql",
      &[("x-request-id", &format!("n{n}"))],
      "{}",
    )
    .await;
    assert_eq!(status, 200);
  }
  let all = rows(&emulator, RequestLogQuery::default());
  assert_eq!(all.len(), 1000);
  assert_eq!((&all[0]["requestId"], &all[0]["id"]), (&json!("n1004"), &json!(1005)));
  assert_eq!(
    (&all[999]["requestId"], &all[999]["id"]),
    (&json!("n5"), &json!(6)),
    "the five oldest went"
  );

  // A tenant's reset leaves the log; a reset of every tenant empties it, and numbers go on.
  emulator
    .reset(&roq_emulator::ResetRequest {
      tenant_id: Some("acme".into()),
    })
    .unwrap();
  assert_eq!(rows(&emulator, RequestLogQuery::default()).len(), 1000);
  emulator.reset(&Default::default()).unwrap();
  assert!(rows(&emulator, RequestLogQuery::default()).is_empty());
  let (_, id, _) = post(&http, &emulator, "/v01/graphql", &[], "{}").await;
  assert_eq!(row_of(&emulator, &id)["id"], 1006);
  emulator.stop().await.unwrap();
}

#[tokio::test]
async fn no_row_holds_a_secret_or_a_persons_data() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let http = http();
  let basic = basic(&emulator);
  let service = service_token(&http, &emulator).await;
  let bearer = format!("Bearer {service}");
  let session = emulator
    .session(&roq_emulator::SessionRequest {
      tenant_id: "acme".into(),
      email: Some("owner.person@acme.io".into()),
      first_name: Some("Olivia".into()),
      ..Default::default()
    })
    .unwrap();
  let user_bearer = format!("Bearer {}", session.access_token);
  let server = [
    ("roq-platform-server-authorization", basic.as_str()),
    ("roq-platform-authorization", bearer.as_str()),
  ];
  post(
    &http,
    &emulator,
    "/v01/server/graphql",
    &server,
    send_body("acme", &["secret.person@example.com"]),
  )
  .await;
  post(
    &http,
    &emulator,
    "/v01/graphql",
    &[("roq-platform-authorization", &user_bearer)],
    send_body("acme", &["other.person@example.com"]),
  )
  .await;
  let search = json!({ "query": "query($f: UserInviteFilterArgType) { userInvites(filter: $f) { totalCount } }", "variables": { "f": { "email": { "equalTo": "searched.person@example.com" } } } });
  post(&http, &emulator, "/v01/server/graphql", &server, search.to_string()).await;
  let login = json!({ "environmentId": emulator.environment_id(), "apiKey": emulator.api_key(), "userId": "alice" });
  post(
    &http,
    &emulator,
    "/v01/authorize",
    &[("roq-platform-authorization", &bearer)],
    login.to_string(),
  )
  .await;
  let wrong = json!({ "email": "project-service-account@roq.tech", "environmentId": emulator.environment_id(), "apiKey": "wrong-key-typed" });
  post(
    &http,
    &emulator,
    "/v01/authorize/serviceAccount",
    &[],
    wrong.to_string(),
  )
  .await;
  let mail = &emulator.outbox(&Default::default()).unwrap()[0];
  let accept_token = mail.accept_url.split("token=").nth(1).unwrap().to_owned();
  let accept = json!({ "query": "mutation($t: String!) { acceptUserInviteV2(data: { token: $t }) { id } }", "variables": { "t": accept_token } });
  post(&http, &emulator, "/v01/server/graphql", &server, accept.to_string()).await;

  let rows = rows(&emulator, RequestLogQuery::default());
  assert_eq!(rows.len(), 7);
  let text = serde_json::to_string(&rows).unwrap();
  for secret in [
    emulator.api_key(),
    "wrong-key-typed",
    &basic["Basic ".len()..],
    &service,
    &session.access_token,
    &session.token,
    &accept_token,
    "@example.com",
    "@acme.io",
    "Ada",
    "Lovelace",
    "Olivia",
    "searched",
    "Bearer",
    "Basic",
  ] {
    assert!(!text.contains(secret), "{secret} in {text}");
  }
  emulator.stop().await.unwrap();
}

/// One request written byte by byte (what no well-behaved client can send), and the whole answer.
async fn raw(emulator: &Emulator, request_id: &[u8]) -> String {
  use tokio::io::{AsyncReadExt, AsyncWriteExt};
  let address = emulator.url().trim_start_matches("http://").to_owned();
  let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
  let mut request = b"POST /v01/graphql HTTP/1.1\r\nhost: 127.0.0.1\r\nx-request-id: ".to_vec();
  request.extend_from_slice(request_id);
  request.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
  stream.write_all(&request).await.unwrap();
  let mut answer = Vec::new();
  stream.read_to_end(&mut answer).await.unwrap();
  String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_hostile_request_id_on_the_wire_is_replaced_never_echoed() {
  let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
  let long = "a".repeat(129);
  let hostile: [&[u8]; 4] = [
    "ümlaut-id".as_bytes(),
    b"\xff\xfe-not-utf8",
    b"tab\there",
    long.as_bytes(),
  ];
  for given in hostile {
    let answer = raw(&emulator, given).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{given:?}: {answer}");
    let ids: Vec<&str> = answer
      .lines()
      .filter_map(|line| line.strip_prefix("x-request-id: "))
      .collect();
    assert_eq!(ids.len(), 1, "{answer}");
    assert!(uuid::Uuid::parse_str(ids[0]).is_ok(), "{given:?} answered {}", ids[0]);
    assert_eq!(row_of(&emulator, ids[0])["errorCode"], "UNAUTHORIZED_EXCEPTION");
  }
  let text = serde_json::to_string(&rows(&emulator, RequestLogQuery::default())).unwrap();
  for never in ["mlaut", "not-utf8", "here", &long] {
    assert!(!text.contains(never), "{never} in {text}");
  }

  // A line break (a folded line) or another control character cannot be in a header: HTTP
  // itself refuses the request before any route, so it is answered without an id and no row.
  let before = rows(&emulator, RequestLogQuery::default()).len();
  for given in [
    &b"line\r\n break"[..],
    b"del\x7fbreak",
    b"esc\x1b[2Jbreak",
    b"nul\x00break",
  ] {
    let refused = raw(&emulator, given).await;
    assert!(refused.starts_with("HTTP/1.1 400 "), "{given:?}: {refused}");
    assert!(
      !refused.contains("break") && !refused.contains("x-request-id"),
      "{refused}"
    );
  }
  assert_eq!(rows(&emulator, RequestLogQuery::default()).len(), before);
  emulator.stop().await.unwrap();
}
