//! The client against a real emulator, in process: HTTP on loopback, SQLite in memory.

mod common;

use common::{client, emulator};

use roq_emulator::OutboxFilter;
use roq_invites::{
  Client, Config, ErrorCode, InviteErrorCode, SendUserInvites, UserInviteCreate, UserInviteCreateV2, UserInviteStatus,
  UserInvitesCreate, UserInvitesCreateV2,
};

const TENANT: &str = "tenant-1";
const INVITER: &str = "inviter-1";

fn v2(emails: &[&str]) -> SendUserInvites {
  SendUserInvites::V2(UserInvitesCreateV2 {
    tenant_id: TENANT.into(),
    user_invites: emails
      .iter()
      .map(|email| UserInviteCreateV2 {
        created_by_user_id: INVITER.into(),
        email: (*email).into(),
        first_name: Some("Ada".into()),
        last_name: None,
        locale: Some("de-DE".into()),
        roles: Some(vec!["member".into()]),
        injectable_variables: None,
      })
      .collect(),
  })
}

#[tokio::test]
async fn sends_invites_and_writes_their_mails() {
  let emulator = emulator().await;
  let result = client(&emulator)
    .roq_platform()
    .send_user_invites(&v2(&["ada@example.com", "grace@example.com"]))
    .await
    .unwrap();

  assert!(result.errors.is_empty(), "{:?}", result.errors);
  let emails: Vec<_> = result.success.iter().map(|i| i.email.as_str()).collect();
  assert_eq!(emails, ["ada@example.com", "grace@example.com"]);
  let first = &result.success[0];
  assert_eq!(first.status, UserInviteStatus::Pending);
  assert_eq!(first.tenant_id.as_deref(), Some(TENANT));
  assert_eq!(first.created_by_user_id, INVITER);
  assert_eq!(first.role_keys.as_deref(), Some(&["member".to_owned()][..]));
  assert!(first.status_updated_at.is_some() && !first.user_token_id.is_empty());

  let mails = emulator.outbox(&OutboxFilter::default()).unwrap();
  assert_eq!(mails.len(), 2);
  assert_eq!(
    (mails[0].to.as_str(), mails[0].locale.as_str()),
    ("ada@example.com", "de-DE")
  );
  assert_eq!(mails[0].subject, "Benutzereinladung");
  assert!(mails[0].accept_url.ends_with(&format!("?token={}", mails[0].token)));
  assert!(mails[0].token.len() >= 22, "at least 128 bits");
  assert_ne!(mails[0].token, mails[1].token);
}

#[tokio::test]
async fn sends_the_docs_v1_shape_without_a_tenant_on_the_entries() {
  let emulator = emulator().await;
  let request = SendUserInvites::V1(UserInvitesCreate {
    tenant_id: Some(TENANT.into()),
    user_invites: vec![UserInviteCreate {
      created_by_user_id: INVITER.into(),
      email: "docs@example.com".into(),
      first_name: None,
      last_name: None,
      locale: Some("en-US".into()),
      roles: None,
      data: None,
      status: None,
      tenant_id: None,
    }],
  });
  let result = client(&emulator)
    .roq_platform()
    .send_user_invites(&request)
    .await
    .unwrap();
  assert_eq!(result.success.len(), 1);
  assert_eq!(result.success[0].tenant_id.as_deref(), Some(TENANT));
  assert_eq!(
    emulator.outbox(&OutboxFilter::default()).unwrap()[0].subject,
    "User Invitation"
  );
}

#[tokio::test]
async fn refuses_each_bad_entry_on_its_own_and_sends_the_rest() {
  let emulator = emulator().await;
  let client = client(&emulator);
  client
    .roq_platform()
    .send_user_invites(&v2(&["pending@example.com"]))
    .await
    .unwrap();

  let emails = [
    "ok@example.com",
    "bob@",
    "pending@example.com",
    "OK@example.com",
    "also-ok@example.com",
  ];
  let result = client.roq_platform().send_user_invites(&v2(&emails)).await.unwrap();

  let created: Vec<_> = result.success.iter().map(|i| i.email.as_str()).collect();
  assert_eq!(created, ["ok@example.com", "also-ok@example.com"]);
  let refused: Vec<_> = result
    .errors
    .iter()
    .map(|e| (e.index, e.code, e.email.as_str()))
    .collect();
  assert_eq!(
    refused,
    [
      (1, InviteErrorCode::InvalidEmail, "bob@"),
      (2, InviteErrorCode::AlreadyInvited, "pending@example.com"),
      (3, InviteErrorCode::DuplicateInRequest, "OK@example.com"),
    ]
  );
  assert!(
    result.errors[0].error.contains("is not an email address"),
    "{}",
    result.errors[0].error
  );
  assert_eq!(result.errors[0].first_name, "Ada");
  assert_eq!(
    emulator.outbox(&OutboxFilter::default()).unwrap().len(),
    3,
    "one mail per created invite"
  );
}

#[tokio::test]
async fn a_wrong_api_key_is_unauthorized_and_the_key_is_not_in_the_message() {
  let emulator = emulator().await;
  let config = Config::new(emulator.url(), emulator.environment_id(), "wrong-key-123456").unwrap();
  let client = Client::new(config).unwrap();
  let err = client
    .roq_platform()
    .send_user_invites(&v2(&["a@example.com"]))
    .await
    .unwrap_err();
  let user = client.as_user("alice", None).unwrap();
  for debug in [
    format!("{client:?}"),
    format!("{user:?}"),
    format!("{:?}", client.config()),
  ] {
    assert!(!debug.contains("wrong-key-123456"), "{debug}");
  }
  assert_eq!(err.code(), ErrorCode::Unauthorized);
  assert_eq!(err.status_code(), Some(401));
  assert_eq!(err.error_code(), Some("UNAUTHORIZED_EXCEPTION"));
  assert!(err.message().contains("check environmentId and apiKey"), "{err}");
  assert!(!err.message().contains("wrong-key-123456") && !format!("{err:?}").contains("wrong-key-123456"));
}

#[tokio::test]
async fn a_token_the_platform_rejects_is_fetched_again_once() {
  let emulator = emulator().await;
  let client = client(&emulator);
  client
    .roq_platform()
    .send_user_invites(&v2(&["one@example.com"]))
    .await
    .unwrap();
  // Two hours later by the platform's clock, the cached token has expired there.
  emulator.advance_clock(2 * 3600 * 1000);
  client
    .roq_platform()
    .send_user_invites(&v2(&["two@example.com"]))
    .await
    .unwrap();
  assert_eq!(emulator.stats().service_account_tokens, 2);
  assert_eq!(emulator.stats().graphql, 3, "the rejected call, then its one retry");
}

#[tokio::test]
async fn a_token_past_its_exp_is_refreshed_before_it_is_used() {
  let emulator = emulator().await;
  // The platform's clock is two hours behind: its tokens are valid for it, but their exp is
  // already past for the client, which must fetch a new one before every call.
  emulator.advance_clock(-2 * 3600 * 1000);
  let client = client(&emulator);
  client
    .roq_platform()
    .send_user_invites(&v2(&["one@example.com"]))
    .await
    .unwrap();
  client
    .roq_platform()
    .send_user_invites(&v2(&["two@example.com"]))
    .await
    .unwrap();
  let stats = emulator.stats();
  assert_eq!(
    (stats.service_account_tokens, stats.graphql),
    (2, 2),
    "no call was rejected"
  );
}

#[tokio::test]
async fn concurrent_first_calls_fetch_one_token() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let calls = (0..20).map(|i| {
    let client = client.clone();
    tokio::spawn(async move {
      client
        .roq_platform()
        .send_user_invites(&v2(&[&format!("user{i}@example.com")]))
        .await
    })
  });
  for call in calls {
    call.await.unwrap().unwrap();
  }
  assert_eq!(emulator.stats().service_account_tokens, 1);
  assert_eq!(emulator.stats().graphql, 20);
}

#[tokio::test]
async fn a_platform_that_is_down_is_a_network_error() {
  let emulator = emulator().await;
  let client = client(&emulator);
  emulator.stop().await.unwrap();
  let err = client
    .roq_platform()
    .send_user_invites(&v2(&["a@example.com"]))
    .await
    .unwrap_err();
  assert_eq!(err.code(), ErrorCode::NetworkError, "{err}");
  assert!(err.message().contains("could not connect"), "{err}");
  // The cause is kept, for a caller that walks the chain, and it holds no secret either.
  let mut chain = Vec::new();
  let mut cause = std::error::Error::source(&err);
  while let Some(next) = cause {
    chain.push(next.to_string());
    cause = next.source();
  }
  assert!(
    chain.iter().any(|text| text.contains("Connection refused")),
    "{chain:?}"
  );
  assert!(!format!("{chain:?} {err:?}").contains(emulator.api_key()));
}
