//! The whole life of an invite and every auth mode, client against a real emulator.

mod common;

use common::{client, emulator};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use roq_emulator::{Emulator, OutboxFilter};
use roq_invites::{
  AcceptUserInvite, Client, ErrorCode, IdArgs, IdFilter, JsonObject, SendUserInvites, SortOrder, StringFilter,
  TokenArgs, UpdateUserInviteArgs, UserInvite, UserInviteCreateV2, UserInviteFilter, UserInviteIdArgs, UserInviteOrder,
  UserInviteSearch, UserInviteSearchKey, UserInviteSortField, UserInviteStatus, UserInviteUpdate, UserInvitesArgs,
  UserInvitesCreateV2,
};
use serde_json::json;

const DAY_MS: i64 = 24 * 3600 * 1000;

struct Entry<'a> {
  email: &'a str,
  first_name: &'a str,
  last_name: &'a str,
  locale: &'a str,
}

fn entry(email: &str) -> Entry<'_> {
  Entry {
    email,
    first_name: "",
    last_name: "",
    locale: "en-US",
  }
}

async fn send(client: &Client, tenant: &str, inviter: &str, entries: &[Entry<'_>]) -> Vec<UserInvite> {
  let request = SendUserInvites::V2(UserInvitesCreateV2 {
    tenant_id: tenant.into(),
    user_invites: entries
      .iter()
      .map(|e| UserInviteCreateV2 {
        created_by_user_id: inviter.into(),
        email: e.email.into(),
        first_name: Some(e.first_name.into()).filter(|n: &String| !n.is_empty()),
        last_name: Some(e.last_name.into()).filter(|n: &String| !n.is_empty()),
        locale: Some(e.locale.into()),
        roles: None,
        injectable_variables: None,
      })
      .collect(),
  });
  let result = client.roq_platform().send_user_invites(&request).await.unwrap();
  assert!(result.errors.is_empty(), "{:?}", result.errors);
  result.success.into_iter().map(|sent| sent.invite).collect()
}

fn by_id(id: &str) -> UserInviteIdArgs {
  UserInviteIdArgs {
    user_invite_id: id.into(),
  }
}

async fn token_of(emulator: &Emulator, invite: &UserInvite) -> String {
  let filter = OutboxFilter {
    user_invite_id: Some(invite.id.clone()),
    ..Default::default()
  };
  emulator
    .outbox(&filter)
    .unwrap()
    .last()
    .expect("a mail for the invite")
    .token
    .clone()
}

fn accept(token: &str) -> AcceptUserInvite {
  AcceptUserInvite::V2(TokenArgs { token: token.into() })
}

#[tokio::test]
async fn resend_writes_a_new_mail_with_a_new_token_and_keeps_the_invite() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let [invite] = send(&client, "t", "u", &[entry("ada@example.com")])
    .await
    .try_into()
    .unwrap();
  let old_token = token_of(&emulator, &invite).await;

  let resent = client
    .roq_platform()
    .resend_user_invite(&by_id(&invite.id))
    .await
    .unwrap();

  assert_eq!(
    (resent.id.as_str(), resent.user_token_id.as_str()),
    (invite.id.as_str(), invite.user_token_id.as_str())
  );
  assert_eq!(resent.status, UserInviteStatus::Pending);
  assert_eq!(
    resent.status_updated_at, invite.status_updated_at,
    "the status did not change"
  );
  let new_token = token_of(&emulator, &invite).await;
  assert_ne!(new_token, old_token);
  assert_eq!(emulator.outbox(&OutboxFilter::default()).unwrap().len(), 2);
  let old = client
    .roq_platform()
    .check_user_invite_token(&TokenArgs { token: old_token })
    .await
    .unwrap();
  assert!(!old.is_valid, "the old link stops working");
  let new = client
    .roq_platform()
    .check_user_invite_token(&TokenArgs { token: new_token })
    .await
    .unwrap();
  assert!(new.is_valid && new.email.as_deref() == Some("ada@example.com"));
}

#[tokio::test]
async fn cancel_only_a_pending_invite() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let [invite] = send(&client, "t", "u", &[entry("ada@example.com")])
    .await
    .try_into()
    .unwrap();

  let canceled = client
    .roq_platform()
    .cancel_user_invite(&by_id(&invite.id))
    .await
    .unwrap();
  assert_eq!(canceled.status, UserInviteStatus::Canceled);
  assert_ne!(canceled.status_updated_at, None);

  for err in [
    client
      .roq_platform()
      .cancel_user_invite(&by_id(&invite.id))
      .await
      .unwrap_err(),
    client
      .roq_platform()
      .resend_user_invite(&by_id(&invite.id))
      .await
      .unwrap_err(),
    client
      .roq_platform()
      .accept_user_invite(&accept(&token_of(&emulator, &invite).await))
      .await
      .unwrap_err(),
  ] {
    assert_eq!(
      (err.code(), err.status_code()),
      (ErrorCode::Conflict, Some(409)),
      "{err}"
    );
    assert!(err.message().contains("canceled"), "{err}");
  }
  // The email is free for a new invite.
  send(&client, "t", "u", &[entry("ada@example.com")]).await;
}

#[tokio::test]
async fn accept_once_by_the_token_from_the_mail_and_record_the_user() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let [invite] = send(&client, "t", "u", &[entry("ada@example.com")])
    .await
    .try_into()
    .unwrap();
  let token = token_of(&emulator, &invite).await;

  let accepted = client.roq_platform().accept_user_invite(&accept(&token)).await.unwrap();
  assert_eq!(accepted.status, UserInviteStatus::Accepted);
  let user = accepted.accepted_by_user_id.clone().expect("acceptedByUserId is set");
  assert_ne!(accepted.status_updated_at, invite.status_updated_at);

  let again = client
    .roq_platform()
    .accept_user_invite(&AcceptUserInvite::V1(TokenArgs { token: token.clone() }))
    .await
    .unwrap_err();
  assert_eq!(again.code(), ErrorCode::Conflict, "{again}");
  let check = client
    .roq_platform()
    .check_user_invite_token(&TokenArgs { token })
    .await
    .unwrap();
  assert_eq!((check.is_valid, check.is_expired), (false, Some(false)));

  // A second invite for the same email and tenant, accepted through the V1 field, finds the same user.
  let [second] = send(&client, "t", "u", &[entry("ADA@example.com")])
    .await
    .try_into()
    .unwrap();
  let token = token_of(&emulator, &second).await;
  let accepted = client
    .roq_platform()
    .accept_user_invite(&AcceptUserInvite::V1(TokenArgs { token }))
    .await
    .unwrap();
  assert_eq!(accepted.accepted_by_user_id.as_deref(), Some(user.as_str()));
}

#[tokio::test]
async fn an_invite_past_its_validity_reads_as_expired_and_cannot_be_accepted() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let [invite] = send(&client, "t", "u", &[entry("ada@example.com")])
    .await
    .try_into()
    .unwrap();
  let token = token_of(&emulator, &invite).await;
  emulator.advance_clock(7 * DAY_MS + 1);

  let read = client
    .roq_platform()
    .user_invite(&IdArgs { id: invite.id.clone() })
    .await
    .unwrap();
  assert_eq!(read.status, UserInviteStatus::Expired);
  assert_ne!(
    read.status_updated_at, invite.status_updated_at,
    "expiry is a status change"
  );
  let check = client
    .roq_platform()
    .check_user_invite_token(&TokenArgs { token: token.clone() })
    .await
    .unwrap();
  assert_eq!((check.is_valid, check.is_expired), (false, Some(true)));
  for err in [
    client
      .roq_platform()
      .accept_user_invite(&accept(&token))
      .await
      .unwrap_err(),
    client
      .roq_platform()
      .resend_user_invite(&by_id(&invite.id))
      .await
      .unwrap_err(),
  ] {
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.message().contains("expired"), "{err}");
  }
  // An expired invite does not block a new one.
  send(&client, "t", "u", &[entry("ada@example.com")]).await;
}

#[tokio::test]
async fn unknown_ids_and_tokens_are_not_found() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let missing = by_id("00000000-0000-4000-8000-000000000000");
  for err in [
    client
      .roq_platform()
      .user_invite(&IdArgs {
        id: missing.user_invite_id.clone(),
      })
      .await
      .unwrap_err(),
    client.roq_platform().resend_user_invite(&missing).await.unwrap_err(),
    client.roq_platform().cancel_user_invite(&missing).await.unwrap_err(),
    client
      .roq_platform()
      .accept_user_invite(&accept("no-such-token"))
      .await
      .unwrap_err(),
  ] {
    assert_eq!(
      (err.code(), err.status_code()),
      (ErrorCode::NotFound, Some(404)),
      "{err}"
    );
  }
  let check = client
    .roq_platform()
    .check_user_invite_token(&TokenArgs {
      token: "no-such-token".into(),
    })
    .await
    .unwrap();
  assert!(!check.is_valid && check.email.is_none());
}

#[tokio::test]
async fn update_changes_the_given_fields_and_keeps_the_others() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let [invite] = send(
    &client,
    "t",
    "u",
    &[Entry {
      first_name: "Ada",
      ..entry("ada@example.com")
    }],
  )
  .await
  .try_into()
  .unwrap();
  let update = UserInviteUpdate {
    last_name: Some("Lovelace".into()),
    locale: Some("en-GB".into()),
    data: Some(JsonObject::from_value(&json!({ "team": "Analytical" })).unwrap()),
    ..Default::default()
  };
  let updated = client
    .roq_platform()
    .update_user_invite(&UpdateUserInviteArgs {
      id: invite.id.clone(),
      user_invite: update,
    })
    .await
    .unwrap();
  assert_eq!(updated.first_name.as_deref(), Some("Ada"));
  assert_eq!(updated.last_name.as_deref(), Some("Lovelace"));
  assert_eq!(updated.locale.as_deref(), Some("en-GB"));
  assert_eq!(
    updated.data.map(|d| d.to_map()),
    json!({ "team": "Analytical" }).as_object().cloned()
  );
  assert_eq!(updated.status, UserInviteStatus::Pending);
}

/// Seven invites in two tenants, in different states, for the listing tests.
async fn listing_fixture(emulator: &Emulator, client: &Client) -> Vec<UserInvite> {
  let mut invites = send(
    client,
    "acme",
    "alice",
    &[
      Entry {
        first_name: "Ada",
        last_name: "Lovelace",
        locale: "en-GB",
        email: "ada@acme.io",
      },
      Entry {
        first_name: "Grace",
        last_name: "Hopper",
        locale: "en-US",
        email: "grace@acme.io",
      },
      Entry {
        first_name: "Alan",
        last_name: "Turing",
        locale: "en-GB",
        email: "Alan@ACME.io",
      },
      Entry {
        first_name: "Émilie",
        last_name: "du Châtelet",
        locale: "fr-FR",
        email: "emilie@acme.io",
      },
    ],
  )
  .await;
  invites.extend(
    send(
      client,
      "globex",
      "bob",
      &[entry("hank@globex.io"), entry("kate@globex.io")],
    )
    .await,
  );
  // Each step a moment later, so that updatedAt orders them.
  emulator.advance_clock(10);
  client
    .roq_platform()
    .cancel_user_invite(&by_id(&invites[1].id))
    .await
    .unwrap();
  emulator.advance_clock(10);
  client
    .roq_platform()
    .accept_user_invite(&accept(&token_of(emulator, &invites[2]).await))
    .await
    .unwrap();
  emulator.advance_clock(10);
  client
    .roq_platform()
    .update_user_invite(&UpdateUserInviteArgs {
      id: invites[0].id.clone(),
      user_invite: UserInviteUpdate {
        locale: Some("en-IE".into()),
        ..Default::default()
      },
    })
    .await
    .unwrap();
  invites
}

async fn emails(client: &Client, args: UserInvitesArgs) -> (Vec<String>, u64) {
  let page = client.roq_platform().user_invites(&args).await.unwrap();
  (page.data.into_iter().map(|i| i.email).collect(), page.total_count)
}

fn filtered(filter: UserInviteFilter) -> UserInvitesArgs {
  UserInvitesArgs {
    filter: Some(filter),
    ..Default::default()
  }
}

#[tokio::test]
async fn list_with_every_filter_operator() {
  let emulator = emulator().await;
  let client = client(&emulator);
  let invites = listing_fixture(&emulator, &client).await;
  let s = |v: &str| Some(v.to_owned());
  let list = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());

  let cases: Vec<(UserInviteFilter, &[&str])> = vec![
    (
      UserInviteFilter {
        tenant_id: Some(IdFilter {
          equal_to: s("globex"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["hank@globex.io", "kate@globex.io"],
    ),
    (
      UserInviteFilter {
        tenant_id: Some(IdFilter {
          not_equal_to: s("acme"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["hank@globex.io", "kate@globex.io"],
    ),
    (
      UserInviteFilter {
        id: Some(IdFilter {
          value_in: list(&[&invites[0].id, &invites[4].id]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "hank@globex.io"],
    ),
    (
      UserInviteFilter {
        created_by_user_id: Some(IdFilter {
          value_not_in: list(&["bob"]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "grace@acme.io", "Alan@ACME.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        accepted_by_user_id: Some(IdFilter {
          value_in: list(&[]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &[],
    ),
    (
      UserInviteFilter {
        user_token_id: Some(IdFilter {
          equal_to: s(&invites[5].user_token_id),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["kate@globex.io"],
    ),
    (
      UserInviteFilter {
        email: Some(StringFilter {
          like: s("%@acme.io"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "grace@acme.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        email: Some(StringFilter {
          i_like: s("%@acme.io"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "grace@acme.io", "Alan@ACME.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        email: Some(StringFilter {
          i_like: s("a_a%"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "Alan@ACME.io"],
    ),
    (
      UserInviteFilter {
        first_name: Some(StringFilter {
          equal_to: s("Émilie"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        last_name: Some(StringFilter {
          not_equal_to: s(""),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "grace@acme.io", "Alan@ACME.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        locale: Some(StringFilter {
          value_in: list(&["fr-FR", "en-IE"]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        locale: Some(StringFilter {
          value_not_in: list(&["en-US", "en-GB"]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["ada@acme.io", "emilie@acme.io"],
    ),
    (
      UserInviteFilter {
        status: Some(StringFilter {
          equal_to: Some(UserInviteStatus::Canceled),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["grace@acme.io"],
    ),
    (
      UserInviteFilter {
        status: Some(StringFilter {
          value_in: Some(vec![UserInviteStatus::Accepted, UserInviteStatus::Canceled]),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["grace@acme.io", "Alan@ACME.io"],
    ),
    (
      UserInviteFilter {
        status: Some(StringFilter {
          not_equal_to: Some(UserInviteStatus::Pending),
          ..Default::default()
        }),
        tenant_id: Some(IdFilter {
          equal_to: s("acme"),
          ..Default::default()
        }),
        ..Default::default()
      },
      &["grace@acme.io", "Alan@ACME.io"],
    ),
  ];
  for (filter, expected) in cases {
    let description = format!("{filter:?}");
    let (found, total) = emails(&client, filtered(filter)).await;
    assert_eq!(found, expected, "{description}");
    assert_eq!(total, expected.len() as u64, "{description}");
  }

  // Expired invites filter as expired, not pending.
  emulator.advance_clock(7 * DAY_MS);
  let expired = UserInviteFilter {
    status: Some(StringFilter {
      equal_to: Some(UserInviteStatus::Expired),
      ..Default::default()
    }),
    ..Default::default()
  };
  assert_eq!(emails(&client, filtered(expired)).await.1, 4);
}

#[tokio::test]
async fn list_in_every_order_with_search_and_a_total_that_ignores_paging() {
  let emulator = emulator().await;
  let client = client(&emulator);
  listing_fixture(&emulator, &client).await;
  let acme = || {
    Some(UserInviteFilter {
      tenant_id: Some(IdFilter {
        equal_to: Some("acme".into()),
        ..Default::default()
      }),
      ..Default::default()
    })
  };
  let ordered = |sort, order| UserInvitesArgs {
    filter: acme(),
    order: Some(UserInviteOrder { order, sort }),
    ..Default::default()
  };

  use UserInviteSortField::*;
  let cases: [(UserInviteSortField, &[&str]); 8] = [
    (
      CreatedAt,
      &["ada@acme.io", "grace@acme.io", "Alan@ACME.io", "emilie@acme.io"],
    ),
    (
      Data,
      &["ada@acme.io", "grace@acme.io", "Alan@ACME.io", "emilie@acme.io"],
    ),
    (
      Email,
      &["Alan@ACME.io", "ada@acme.io", "emilie@acme.io", "grace@acme.io"],
    ),
    (FirstName, &["Ada", "Alan", "Grace", "Émilie"]),
    (LastName, &["Hopper", "Lovelace", "Turing", "du Châtelet"]),
    (Locale, &["en-GB", "en-IE", "en-US", "fr-FR"]),
    (Status, &["accepted", "canceled", "pending", "pending"]),
    (
      UpdatedAt,
      &["emilie@acme.io", "grace@acme.io", "Alan@ACME.io", "ada@acme.io"],
    ),
  ];
  for (sort, expected) in cases {
    for order in [SortOrder::Asc, SortOrder::Desc] {
      let page = client.roq_platform().user_invites(&ordered(sort, order)).await.unwrap();
      let field = |i: &UserInvite| match sort {
        FirstName => i.first_name.clone().unwrap_or_default(),
        LastName => i.last_name.clone().unwrap_or_default(),
        Locale => i.locale.clone().unwrap_or_default(),
        Status => serde_json::to_value(i.status).unwrap().as_str().unwrap().to_owned(),
        _ => i.email.clone(),
      };
      let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
      if order == SortOrder::Desc {
        want.reverse();
      }
      let got: Vec<String> = page.data.iter().map(field).collect();
      assert_eq!(got, want, "{sort:?} {order:?}");
    }
  }

  let search = |key, value: &str| UserInvitesArgs {
    search: Some(UserInviteSearch {
      key,
      value: value.into(),
    }),
    ..Default::default()
  };
  assert_eq!(
    emails(&client, search(UserInviteSearchKey::FirstName, "AL")).await.0,
    ["Alan@ACME.io"]
  );
  assert_eq!(
    emails(&client, search(UserInviteSearchKey::LastName, "ove")).await.0,
    ["ada@acme.io"]
  );
  assert_eq!(
    emails(&client, search(UserInviteSearchKey::Locale, "fr")).await.0,
    ["emilie@acme.io"]
  );

  let page = |limit, offset| UserInvitesArgs {
    limit: Some(limit),
    offset: Some(offset),
    ..Default::default()
  };
  assert_eq!(
    emails(&client, page(2, 0)).await,
    (vec!["ada@acme.io".to_owned(), "grace@acme.io".to_owned()], 6)
  );
  assert_eq!(
    emails(&client, page(2, 4)).await,
    (vec!["hank@globex.io".to_owned(), "kate@globex.io".to_owned()], 6)
  );
  assert_eq!(emails(&client, page(5, 10)).await, (vec![], 6));
  let too_many = client.roq_platform().user_invites(&page(5000, 0)).await.unwrap_err();
  assert_eq!(too_many.code(), ErrorCode::InvalidArgument, "{too_many}");
}

#[tokio::test]
async fn a_user_sees_and_acts_on_its_own_tenant_only_and_the_service_account_sees_all() {
  let emulator = emulator().await;
  let admin = client(&emulator);
  let acme = send(&admin, "acme", "alice", &[entry("ada@acme.io")]).await;
  let globex = send(&admin, "globex", "bob", &[entry("hank@globex.io")]).await;
  let alice = admin.as_user("alice", None).unwrap();

  assert_eq!(
    emails(&alice, UserInvitesArgs::default()).await,
    (vec!["ada@acme.io".to_owned()], 1)
  );
  assert_eq!(emails(&admin, UserInvitesArgs::default()).await.1, 2);
  assert_eq!(
    alice
      .roq_platform()
      .user_invite(&IdArgs { id: acme[0].id.clone() })
      .await
      .unwrap()
      .email,
    "ada@acme.io"
  );
  for err in [
    alice
      .roq_platform()
      .user_invite(&IdArgs {
        id: globex[0].id.clone(),
      })
      .await
      .unwrap_err(),
    alice
      .roq_platform()
      .cancel_user_invite(&by_id(&globex[0].id))
      .await
      .unwrap_err(),
    alice
      .roq_platform()
      .resend_user_invite(&by_id(&globex[0].id))
      .await
      .unwrap_err(),
  ] {
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
  }

  // Alice invites into her own tenant; another tenant is forbidden.
  let sent = send(&alice, "acme", "alice", &[entry("grace@acme.io")]).await;
  assert_eq!(sent[0].tenant_id.as_deref(), Some("acme"));
  let request = SendUserInvites::V2(UserInvitesCreateV2 {
    tenant_id: "globex".into(),
    user_invites: vec![UserInviteCreateV2 {
      created_by_user_id: "alice".into(),
      email: "x@globex.io".into(),
      first_name: None,
      last_name: None,
      locale: None,
      roles: None,
      injectable_variables: None,
    }],
  });
  let err = alice.roq_platform().send_user_invites(&request).await.unwrap_err();
  assert_eq!(
    (err.code(), err.status_code()),
    (ErrorCode::Forbidden, Some(403)),
    "{err}"
  );
}

#[tokio::test]
async fn concurrent_first_calls_as_a_user_fetch_each_token_once() {
  let emulator = emulator().await;
  let admin = client(&emulator);
  send(&admin, "acme", "alice", &[entry("ada@acme.io")]).await;
  let alice = admin.as_user("alice", Some(600)).unwrap();
  let calls: Vec<_> = (0..10)
    .map(|_| {
      let alice = alice.clone();
      tokio::spawn(async move { alice.roq_platform().user_invites(&UserInvitesArgs::default()).await })
    })
    .collect();
  for call in calls {
    assert_eq!(call.await.unwrap().unwrap().total_count, 1);
  }
  let stats = emulator.stats();
  assert_eq!(
    (stats.service_account_tokens, stats.user_tokens),
    (1, 1),
    "the admin's token is shared with asUser"
  );
}

#[tokio::test]
async fn a_rejected_service_token_is_fetched_again_before_a_user_token() {
  let emulator = emulator().await;
  let admin = client(&emulator);
  send(&admin, "acme", "alice", &[entry("ada@acme.io")]).await;
  emulator.advance_clock(2 * 3600 * 1000);
  let alice = admin.as_user("alice", None).unwrap();
  assert_eq!(
    alice
      .roq_platform()
      .user_invites(&UserInvitesArgs::default())
      .await
      .unwrap()
      .total_count,
    1
  );
  assert_eq!(emulator.stats().service_account_tokens, 2);
}

#[tokio::test]
async fn with_baas_token_uses_the_sessions_access_token() {
  let emulator = emulator().await;
  let admin = client(&emulator);
  send(&admin, "acme", "alice", &[entry("ada@acme.io")]).await;
  send(&admin, "globex", "bob", &[entry("hank@globex.io")]).await;

  // A BaaS app's session cookie carries the user's platform access token as roqAccessToken.
  let http = reqwest::Client::new();
  let post = |path: &str, bearer: Option<&str>, body: serde_json::Value| {
    let mut request = http
      .post(format!("{}{path}", emulator.url()))
      .header("content-type", "application/json");
    if let Some(bearer) = bearer {
      request = request.header("roq-platform-authorization", format!("Bearer {bearer}"));
    }
    async move {
      let bytes = request
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
      serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    }
  };
  let credentials = json!({ "environmentId": emulator.environment_id(), "apiKey": emulator.api_key() });
  let mut login = credentials.clone();
  login["email"] = json!("project-service-account@roq.tech");
  let service = post("/v01/authorize/serviceAccount", None, login).await;
  let mut login = credentials;
  login["userId"] = json!("bob");
  let user = post("/v01/authorize", service["accessToken"].as_str(), login).await;
  let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
  let session = format!(
    "{}.{}.signature",
    part(json!({ "alg": "HS256" })),
    part(json!({ "roqAccessToken": user["accessToken"], "roqUserId": "bob" }))
  );

  let bob = admin.with_baas_token(&session).unwrap();
  assert_eq!(
    emails(&bob, UserInvitesArgs::default()).await,
    (vec!["hank@globex.io".to_owned()], 1)
  );
  let err = admin.with_baas_token("not.a-jwt").unwrap_err();
  assert_eq!(err.code(), ErrorCode::InvalidArgument);
}

/// A user id is taken exactly, as the emulator and the rulebook take it: `" alice"` is another
/// user than `"alice"`, not her with a typo forgiven.
#[tokio::test]
async fn a_user_id_is_taken_exactly_as_given() {
  let emulator = emulator().await;
  let admin = client(&emulator);
  send(&admin, "acme", "alice", &[entry("ada@acme.io")]).await;
  let padded = admin.as_user(" alice", None).unwrap();
  assert_eq!(emails(&padded, UserInvitesArgs::default()).await, (vec![], 0));
  let err = admin.as_user("  ", None).expect_err("a blank user id is refused");
  assert_eq!(err.code(), ErrorCode::InvalidArgument, "{err}");
}
