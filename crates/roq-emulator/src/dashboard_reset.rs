//! The dashboard's Reset button: a page that says what a reset of the tenant shown (or of every
//! tenant) removes and asks to confirm, the form it posts, and the notice of what was removed.
//!
//! The dashboard runs no script, so it confirms with a page rather than `confirm()`, and posts a
//! form rather than JSON: the cross-origin guard lets a form through to
//! `/__emulator/dashboard/...` only from the emulator's own pages (`server/cross_origin.rs`).

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::inspect::InviteQuery;
use crate::page::{html_response, page};
use crate::platform::{Platform, Problem};
use crate::reset::{Removed, ResetRequest};

/// Where the confirmation's form posts.
pub const RESET_ACTION: &str = "/__emulator/dashboard/reset";

/// The Reset button's link: the confirmation for the tenant shown, or for every tenant.
pub fn confirm_href(tenant: Option<&str>) -> String {
  match tenant.filter(|t| !t.is_empty()) {
    Some(tenant) => format!("?view=reset&tenant={}", encode(tenant)),
    None => "?view=reset".to_owned(),
  }
}

/// The confirmation: what a reset of `tenant` (every tenant if `None`) removes.
pub fn confirm(platform: &Platform, tenant: Option<&str>) -> Result<Markup, Problem> {
  let invites = platform
    .invite_records(&InviteQuery {
      tenant_id: tenant.map(str::to_owned),
      status: None,
      limit: Some(1),
    })?
    .total_count;
  let faults = platform.faults.queued().len();
  let scope = scope(tenant);
  Ok(html! {
    div.card.confirm {
      h1 { "Reset " (scope) "?" }
      p {
        @match tenant {
          Some(tenant) => { "This removes tenant " (tenant) "'s " (plural(invites as u64, "invite", "invites")) }
          None => { "This removes all " (plural(invites as u64, "invite", "invites")) }
        }
        " (with their mails, histories and webhook deliveries)"
        @match (tenant, faults) {
          (Some(_), _) => { " and its users." }
          (None, 0) => { " and every user." }
          (None, _) => { ", every user and " (plural(faults as u64, "queued fault", "queued faults")) "." }
        }
      }
      p.muted { "The environment's id, API key and webhook key, the settings and the clock stay. "
        "Tokens and sessions issued before the reset find nothing after it." }
      form method="post" action=(RESET_ACTION) {
        @if let Some(tenant) = tenant { input type="hidden" name="tenant" value=(tenant); }
        button.danger type="submit" { "Reset " (scope) }
        " "
        a.button.secondary href={ "?view=invites" @if let Some(tenant) = tenant { "&tenant=" (encode(tenant)) } } { "Cancel" }
      }
    }
  })
}

#[derive(Deserialize)]
pub struct ResetForm {
  #[serde(default)]
  tenant: Option<String>,
}

/// `POST /__emulator/dashboard/reset`: resets, then shows the invites with what was removed.
pub async fn reset(State(platform): State<Arc<Platform>>, headers: HeaderMap, Form(form): Form<ResetForm>) -> Response {
  if platform.check_emulator_access(&headers).is_err() {
    return StatusCode::UNAUTHORIZED.into_response();
  }
  let tenant = form.tenant.filter(|t| !t.trim().is_empty());
  match platform.reset(&ResetRequest {
    tenant_id: tenant.clone(),
  }) {
    // See Other: reloading the page it leads to does not reset again.
    Ok(removed) => Redirect::to(&format!(
      "/__emulator/?view=invites&reset={}&removed={}",
      encode(tenant.as_deref().unwrap_or("")),
      counts(&removed)
    ))
    .into_response(),
    Err(problem) => html_response(
      StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
      page("Reset", html! { main { p.empty { (problem.message()) } } }),
    ),
  }
}

/// What `removed` says, as the notice shows it: "12 invites, 14 mails, ...". Only numbers are
/// read from the address, so a link cannot make the dashboard say anything else.
pub fn notice(reset: &str, removed: &str) -> Markup {
  let numbers: Vec<u64> = removed.split('.').filter_map(|n| n.parse().ok()).collect();
  let words = KINDS
    .iter()
    .zip(&numbers)
    .filter(|(_, n)| **n > 0)
    .map(|((one, many), n)| plural(*n, one, many))
    .collect::<Vec<_>>()
    .join(", ");
  let words = if words.is_empty() { "nothing".to_owned() } else { words };
  let tenant = Some(reset).filter(|t| !t.is_empty());
  html! { p.notice { "Reset " (scope(tenant)) ": removed " (words) "." } }
}

/// The kinds of [`Removed`], in the order of [`counts`].
const KINDS: [(&str, &str); 7] = [
  ("invite", "invites"),
  ("mail", "mails"),
  ("user", "users"),
  ("history event", "history events"),
  ("replaced accept link", "replaced accept links"),
  ("webhook delivery", "webhook deliveries"),
  ("queued fault", "queued faults"),
];

fn counts(removed: &Removed) -> String {
  let Removed {
    invites,
    mails,
    users,
    events,
    replaced_tokens,
    webhook_deliveries,
    faults,
  } = removed;
  [
    invites,
    mails,
    users,
    events,
    replaced_tokens,
    webhook_deliveries,
    faults,
  ]
  .map(u64::to_string)
  .join(".")
}

fn scope(tenant: Option<&str>) -> String {
  tenant.map_or_else(|| "every tenant".to_owned(), |t| format!("tenant {t}"))
}

fn plural(n: u64, one: &str, many: &str) -> String {
  format!("{n} {}", if n == 1 { one } else { many })
}

fn encode(text: &str) -> String {
  url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
