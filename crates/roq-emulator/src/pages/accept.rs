//! The page of the default accept link, `GET /accept-invite?token=…`: it shows the invite and one
//! Accept button, or says why the invite cannot be accepted (expired, already accepted, canceled,
//! replaced by a newer mail, or an unknown link).
//!
//! A GET never changes anything: mail scanners open links before people do, and a one-time link
//! they used up would greet the invitee with "this link has expired". Accepting is the button's
//! POST.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use roq_rules::UserInviteStatus;

use crate::pages::layout::{html_response, page, shown, state};
use crate::platform::Platform;
use crate::platform::invite::Invite;
use crate::platform::lifecycle::Link;
use crate::platform::mail::human_time;

#[derive(Deserialize)]
pub struct TokenParam {
  #[serde(default)]
  token: Option<String>,
}

/// `GET /accept-invite?token=…`
pub async fn show(State(platform): State<Arc<Platform>>, Query(param): Query<TokenParam>) -> Response {
  let token = param.token.unwrap_or_default();
  render(&platform, &token, None)
}

/// `POST /accept-invite` with the form's `token`.
pub async fn accept(State(platform): State<Arc<Platform>>, Form(param): Form<TokenParam>) -> Response {
  let token = param.token.unwrap_or_default();
  match platform.accept_invite(&token) {
    Ok(invite) => render(&platform, &token, Some(invite)),
    // Accepted meanwhile (a second click), canceled, expired, replaced: the page says which.
    Err(_) => render(&platform, &token, None),
  }
}

fn render(platform: &Platform, token: &str, accepted_now: Option<Invite>) -> Response {
  let now = platform.clock.now_ms();
  let link = if token.trim().is_empty() {
    Ok(Link::Unknown)
  } else {
    platform.link(token)
  };
  let (status, key, title, body) = match (accepted_now, link) {
    (Some(invite), _) => (
      StatusCode::OK,
      "accepted",
      "Invite accepted",
      accepted(platform, &invite),
    ),
    (None, Ok(Link::Current(invite))) => match invite.status(now) {
      UserInviteStatus::Pending => (
        StatusCode::OK,
        "pending",
        "You're invited",
        pending(platform, &invite, token),
      ),
      UserInviteStatus::Accepted => (
        StatusCode::OK,
        "already-accepted",
        "Already accepted",
        already_accepted(platform, &invite),
      ),
      UserInviteStatus::Canceled => (
        StatusCode::GONE,
        "canceled",
        "Invite canceled",
        canceled(platform, &invite),
      ),
      UserInviteStatus::Expired => (
        StatusCode::GONE,
        "expired",
        "Invite expired",
        expired(platform, &invite),
      ),
    },
    (None, Ok(Link::Replaced(invite))) => (StatusCode::GONE, "replaced", "Link replaced", replaced(&invite)),
    (None, Ok(Link::Unknown)) => (StatusCode::NOT_FOUND, "unknown", "Unknown link", unknown()),
    (None, Err(problem)) => (
      StatusCode::INTERNAL_SERVER_ERROR,
      "error",
      "Something went wrong",
      html! { h1 { "Something went wrong" } p { (problem.message()) } },
    ),
  };
  // `data-state` lets tests (and scripts) read which page this is.
  html_response(
    status,
    page(
      title,
      html! { main class="narrow" { div class="card" data-state=(key) { (body) } } },
    ),
  )
}

fn facts(platform: &Platform, invite: &Invite) -> Markup {
  let roles = invite.role_keys.as_deref().filter(|r| !r.is_empty());
  let (when, at) = if invite.status == UserInviteStatus::Accepted {
    ("Accepted", invite.status_updated_at)
  } else {
    ("Valid until", invite.valid_till)
  };
  html! {
    dl.facts {
      dt { "Email" } dd { (invite.email) }
      dt { "Tenant" } dd { (shown(&invite.tenant_id)) }
      dt { "Invited by" } dd { (platform.user_name(&invite.created_by_user_id)) }
      dt { "Roles" } dd {
        @match roles { Some(roles) => (roles.join(", ")), None => span.muted { "the tenant's default" } }
      }
      dt { (when) } dd { (human_time(at)) }
    }
  }
}

fn pending(platform: &Platform, invite: &Invite, token: &str) -> Markup {
  html! {
    h1 { "You're invited" }
    p { (platform.user_name(&invite.created_by_user_id)) " invited " strong { (invite.email) } " to join " strong { (shown(&invite.tenant_id)) } "." }
    (facts(platform, invite))
    form method="post" action="accept-invite" {
      input type="hidden" name="token" value=(token);
      button type="submit" { "Accept invite" }
    }
    p.muted style="margin-top:16px;font-size:13px" {
      "Opening this page changes nothing: the invite is accepted only when you press the button."
    }
  }
}

fn accepted(platform: &Platform, invite: &Invite) -> Markup {
  html! {
    h1 { "Invite accepted" } (state("accepted"))
    p style="margin-top:12px" { strong { (invite.email) } " is now a member of " strong { (shown(&invite.tenant_id)) } "." }
    (facts(platform, invite))
  }
}

fn already_accepted(platform: &Platform, invite: &Invite) -> Markup {
  html! {
    h1 { "Already accepted" } (state("accepted"))
    p style="margin-top:12px" {
      "This invite was accepted on " (human_time(invite.status_updated_at)) ". Its link cannot be used again."
    }
    (facts(platform, invite))
  }
}

fn canceled(platform: &Platform, invite: &Invite) -> Markup {
  html! {
    h1 { "Invite canceled" } (state("canceled"))
    p style="margin-top:12px" {
      "The invite to " strong { (invite.email) } " was canceled on " (human_time(invite.status_updated_at))
      ". Ask " (platform.user_name(&invite.created_by_user_id)) " for a new one."
    }
  }
}

fn expired(platform: &Platform, invite: &Invite) -> Markup {
  html! {
    h1 { "Invite expired" } (state("expired"))
    p style="margin-top:12px" {
      "The invite to " strong { (invite.email) } " expired on " (human_time(invite.valid_till))
      ". Ask " (platform.user_name(&invite.created_by_user_id)) " to send a new one."
    }
  }
}

fn replaced(invite: &Invite) -> Markup {
  html! {
    h1 { "This link was replaced" }
    p {
      "A newer invitation mail was sent to " strong { (invite.email) }
      ", and only its link works. Open the link in the newest mail."
    }
  }
}

fn unknown() -> Markup {
  html! {
    h1 { "Unknown link" }
    p { "This link does not belong to any invite. Check that you opened the whole link from the mail." }
  }
}
