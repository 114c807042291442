//! A client for the ROQ Platform's user-invite API, in plain Rust.
//!
//! It speaks the platform's wire protocol exactly as the official `@roq/nodejs` SDK does
//! (reference/roq-protocol.md), with a token cache that fetches once however many calls start
//! together, and one error type with stable codes.
//!
//! ```no_run
//! # async fn demo() -> roq_invites::Result<()> {
//! use roq_invites::{Client, Config, SendUserInvites, UserInviteCreateV2, UserInvitesCreateV2};
//! let client = Client::new(Config::new("http://127.0.0.1:4000", "env-id", "api-key")?)?;
//! let invite = UserInviteCreateV2 {
//!   created_by_user_id: "inviter-id".into(),
//!   email: "ada@example.com".into(),
//!   first_name: None,
//!   last_name: None,
//!   locale: Some("en-US".into()),
//!   roles: None,
//!   injectable_variables: None,
//! };
//! let request = SendUserInvites::V2(UserInvitesCreateV2 { tenant_id: "tenant-id".into(), user_invites: vec![invite] });
//! let result = client.roq_platform().send_user_invites(&request).await?;
//! println!("{} sent, {} refused", result.success.len(), result.errors.len());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod attempt;
mod auth;
mod client;
mod config;
mod documents;
mod error;
mod graphql;
mod graphql_request;
pub mod input;
mod lifecycle;
mod listing;
mod observe;
mod proxy;
mod redirect;
mod request_id;
mod roq_platform;
mod send;

mod json_object;
mod jwt;
mod pacing;
mod retry;
mod retry_after;
mod retry_budget;
mod retry_policy;
mod session;
mod trace_context;
mod transport;
mod trust;
mod validate;
mod webhook;

pub mod types;

pub use client::{CallOptions, Client};
pub use config::{ClientOptions, Config, DEFAULT_TIMEOUT, ENV_API_KEY, ENV_ENVIRONMENT_ID, ENV_HOST, MAX_RETRIES};
pub use error::{Error, ErrorCode, Result};
pub use graphql_request::GraphqlRequest;
pub use observe::{
  AttemptRecord, Observed, ObservedSink, Observer, RequestKind, TokenRefreshRecord, WaitKind, WaitRecord,
};
pub use proxy::Proxy;
pub use retry_policy::RetryPolicy;
pub use roq_platform::RoqPlatform;
pub use roq_rules as rules;
pub use roq_rules::{MAX_INVITES_PER_CALL, MAX_INVITES_PER_REQUEST, is_email};
pub use send::{
  EntryResult, MAX_CONCURRENCY, OnExisting, Progress, ResultsSink, SENT_INVITE_FIELDS, SendOptions, SentJson, SentSink,
};
pub use session::{Session, SessionUser, read_session};
pub use trace_context::TraceContext;
pub use trust::TrustedRoots;
pub use types::*;
pub use webhook::{
  EventData, INVITE_INSERT, INVITE_REMOVE, INVITE_UPDATE, WEBHOOK_KEY_HEADER, WebhookEvent, parse_webhook_event,
  verify_webhook,
};
