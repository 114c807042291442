//! The benchmark's ceiling (run by `npm run bench`; prints one JSON line):
//! - `client`: the same 10,000-invite send as the Node scenarios, from Rust alone (no Node): as
//!   fast as our stack can go against the emulator;
//! - `emulator`: the emulator alone: pre-built batches of 100 posted straight at it, 8 at once,
//!   so that the client's own work does not count.
//!
//! Reads ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and ROQ_API_KEY; the second argument prefixes the
//! emails, which must be new to the emulator.
#![allow(clippy::print_stdout, reason = "the benchmark's output")]

use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use roq_invites::{Client, SendOptions, SendUserInvites, UserInviteCreateV2, UserInvitesCreateV2};
use serde_json::json;

const INVITES: usize = 10_000;

fn request(prefix: &str) -> SendUserInvites {
  let user_invites = (0..INVITES)
    .map(|i| UserInviteCreateV2 {
      created_by_user_id: "bench-inviter".into(),
      email: format!("{prefix}-{i}@example.com"),
      first_name: None,
      last_name: None,
      locale: None,
      roles: None,
      injectable_variables: None,
    })
    .collect();
  SendUserInvites::V2(UserInvitesCreateV2 {
    tenant_id: "bench-tenant".into(),
    user_invites,
  })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
  let args: Vec<String> = std::env::args().collect();
  let (mode, prefix) = (
    args.get(1).map_or("client", String::as_str),
    args.get(2).map_or("ceiling", String::as_str),
  );
  let var = |name| std::env::var(name).map_err(|_| format!("{name} is not set"));
  let (host, environment_id, api_key) = (
    var("ROQ_PLATFORM_URL")?,
    var("ROQ_ENVIRONMENT_ID")?,
    var("ROQ_API_KEY")?,
  );

  let request = request(prefix);
  let wall = match mode {
    "client" => {
      let client = Client::from_env()?;
      let warmup = SendUserInvites::V2(UserInvitesCreateV2 {
        tenant_id: "bench-tenant".into(),
        user_invites: vec![UserInviteCreateV2 {
          email: format!("{prefix}-warmup@example.com"),
          ..first(&request)
        }],
      });
      client.roq_platform().send_user_invites(&warmup).await?;
      let started = Instant::now();
      let result = client
        .roq_platform()
        .send_user_invites_with(&request, &SendOptions::default())
        .await?;
      assert_eq!(result.success.len(), INVITES, "{:?}", result.errors.first());
      started.elapsed()
    }
    "emulator" => {
      // reqwest is built without a TLS provider here; the client installs ring, and so must we.
      let _ = rustls::crypto::ring::default_provider().install_default();
      let http = reqwest::Client::new();
      let login =
        json!({ "email": "project-service-account@roq.tech", "environmentId": environment_id, "apiKey": api_key });
      let token: serde_json::Value = serde_json::from_slice(
        &http
          .post(format!("{host}/v01/authorize/serviceAccount"))
          .header("content-type", "application/json")
          .body(login.to_string())
          .send()
          .await?
          .bytes()
          .await?,
      )?;
      let bearer = format!("Bearer {}", token["accessToken"].as_str().ok_or("no token")?);
      use base64::Engine as _;
      let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{environment_id}:{api_key}"))
      );
      let SendUserInvites::V2(all) = &request else {
        unreachable!("built as V2")
      };
      let query = "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } errors { email } } }";
      let bodies: Vec<String> = all
        .user_invites
        .chunks(100)
        .map(|chunk| {
          json!({ "query": query, "variables": { "data": { "tenantId": all.tenant_id, "userInvites": chunk } } })
            .to_string()
        })
        .collect();
      let started = Instant::now();
      let sent: Vec<usize> = stream::iter(bodies)
        .map(|body| {
          let request = http
            .post(format!("{host}/v01/server/graphql"))
            .header("content-type", "application/json")
            .header("roq-platform-authorization", &bearer)
            .header("roq-platform-server-authorization", &basic)
            .body(body);
          async move {
            let answer: serde_json::Value =
              serde_json::from_slice(&request.send().await.ok()?.bytes().await.ok()?).ok()?;
            Some(answer["data"]["sendUserInvitesV2"]["success"].as_array()?.len())
          }
        })
        .buffer_unordered(8)
        .map(Option::unwrap_or_default)
        .collect()
        .await;
      assert_eq!(sent.iter().sum::<usize>(), INVITES);
      started.elapsed()
    }
    other => return Err(format!("unknown mode {other}; use client or emulator").into()),
  };
  let wall_ms = wall.as_secs_f64() * 1000.0;
  println!(
    "{}",
    json!({ "wallMs": wall_ms, "invitesPerSec": INVITES as f64 / wall.as_secs_f64() })
  );
  Ok(())
}

fn first(request: &SendUserInvites) -> UserInviteCreateV2 {
  match request {
    SendUserInvites::V2(v2) => v2.user_invites[0].clone(),
    SendUserInvites::V1(_) => unreachable!("built as V2"),
  }
}
