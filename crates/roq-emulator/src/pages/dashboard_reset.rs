//! The dashboard's Reset button: a page that says exactly what a reset of one tenant (or of every
//! tenant) removes and asks to confirm, the form it posts, and the notice of what was removed.
//!
//! The dashboard runs no script, so it confirms with a page rather than `confirm()`, and posts a
//! form rather than JSON: the cross-origin guard lets a form through to
//! `/__emulator/dashboard/...` only from the emulator's own pages (`server/cross_origin.rs`).
//!
//! What a link opens changes nothing: the page (`?view=reset`) counts by running the reset itself
//! and rolling it back ([`Platform::preview_reset`]), so it shows what its button removes, not a
//! separate estimate. A link names its scope exactly: `tenant=ID` (the id as the send took it;
//! a blank one is refused, never read as every tenant), or `scope=all` for every tenant, which is
//! never what a missing tenant means. The form carries the counts it showed; the post resets only
//! if the reset removes exactly those ([`Platform::reset_if`]), and otherwise removes nothing and
//! shows the page again with the counts of now. The notice after a reset reads one number from
//! the address, the reset's generation, and says what the emulator itself recorded of it.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::pages::dashboard_bar::{View, view_page};
use crate::pages::layout::{encode, quoted};
use crate::platform::Platform;
use crate::platform::ids::check_id;
use crate::platform::reset_generations::{Removed, ResetScope};
use crate::problem::Problem;

/// Where the confirmation's form posts.
pub const RESET_ACTION: &str = "/__emulator/dashboard/reset";

/// The value of `scope` that names every tenant.
const EVERY_TENANT: &str = "all";

/// The Reset button's link: the confirmation for the tenant shown, or, when the invites of all
/// tenants are shown (no tenant chosen), for every tenant, said so with `scope=all`.
pub fn confirm_href(tenant: Option<&str>) -> String {
  match tenant.filter(|t| !t.is_empty()) {
    Some(tenant) => format!("/__emulator/?view=reset&tenant={}", encode(tenant)),
    None => format!("/__emulator/?view=reset&scope={EVERY_TENANT}"),
  }
}

/// The scope a link or a form names: `tenant` or `scope=all`, exactly one of them; otherwise
/// why not, in words for the page that says nothing was reset.
pub fn scope_of(tenant: Option<&str>, scope: Option<&str>) -> Result<ResetScope, String> {
  const HOW: &str = "To reset every tenant, show all tenants on the Invites tab and press Reset… there.";
  match (tenant, scope) {
    (Some(tenant), None) => match check_id("a tenant id", tenant) {
      Ok(()) => Ok(ResetScope::Tenant(tenant.to_owned())),
      Err(why) => Err(format!(
        "{} is not a tenant: {why}. A blank tenant never means every tenant. {HOW}",
        quoted(tenant)
      )),
    },
    (None, Some(EVERY_TENANT)) => Ok(ResetScope::Every),
    (None, Some(other)) => Err(format!(
      "scope={} is not a scope: only scope=all, every tenant, is.",
      quoted(other)
    )),
    (Some(_), Some(_)) => Err("Both a tenant and every tenant (scope=all) are named: name one of them.".into()),
    (None, None) => Err(format!(
      "No tenant is named, and naming none never means every tenant: name one tenant (tenant=…), or every \
       tenant with scope=all. {HOW}"
    )),
  }
}

/// `?view=reset`: the confirmation of what a reset of the scope the link names removes now, and
/// its button; or, for a link that names no scope, why nothing can be reset.
pub fn view(platform: &Platform, tenant: Option<&str>, scope: Option<&str>) -> (StatusCode, Markup) {
  let shown = scope_of(tenant, scope).map_err(Problem::BadRequest).and_then(|scope| {
    let removed = platform.preview_reset(&scope)?;
    Ok((StatusCode::OK, confirmation(&scope, &removed, false)))
  });
  shown.unwrap_or_else(|problem| refused(&problem))
}

/// The page that says nothing was reset, and why.
fn refused(problem: &Problem) -> (StatusCode, Markup) {
  let status = StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
  let page = html! {
    div.card.confirm data-refused {
      h1 { "Nothing was reset" }
      p { (problem.message()) }
      a.button.secondary href="/__emulator/?view=invites" { "Back to the invites" }
    }
  };
  (status, page)
}

/// The page that asks: `removed` is what the reset removes (counted by running it and rolling
/// it back), and what the form carries; `changed` says the data changed since the page was last
/// shown, so a post removed nothing.
fn confirmation(scope: &ResetScope, removed: &Removed, changed: bool) -> Markup {
  let cancel = match scope {
    ResetScope::Tenant(tenant) => format!("/__emulator/?view=invites&tenant={}", encode(tenant)),
    ResetScope::Every => "/__emulator/?view=invites".to_owned(),
  };
  let kinds = kinds(removed);
  let rows = match scope {
    // A tenant's reset leaves the fault queue: it is no tenant's.
    ResetScope::Tenant(_) => &kinds[..6],
    ResetScope::Every => &kinds[..],
  };
  let tokens = match scope {
    ResetScope::Tenant(_) => {
      "Its users' tokens and sessions stop working, even once their ids are used again; \
       other tenants' users stay signed in. Other tenants, the queued faults and the request log \
       (no tenant's) stay."
    }
    ResetScope::Every => {
      "Every user's tokens and sessions stop working; the service account's keep working. The \
       request log is emptied too."
    }
  };
  html! {
    div.card.confirm data-scope=(scope_words(scope)) {
      h1 { "Reset " (scope_words(scope)) "?" }
      @if changed {
        p.warning data-changed {
          "The data changed since the page was shown, so nothing was removed. "
          "These are the counts of now; reset again if they are what you mean."
        }
      }
      p { "This removes, in one step:" }
      table.counts {
        tbody { @for (n, _, many) in rows { tr data-kind=(many) { th { (capitalized(many)) } td { (n) } } } }
      }
      p.muted { (tokens) }
      p.muted { "The environment's id, API key and webhook key, the settings and the clock stay." }
      form method="post" action=(RESET_ACTION) {
        @match scope {
          ResetScope::Tenant(tenant) => { input type="hidden" name="tenant" value=(tenant); }
          ResetScope::Every => { input type="hidden" name="scope" value=(EVERY_TENANT); }
        }
        // What the page showed: the reset happens only if it removes exactly this.
        input type="hidden" name="expect" value=(counts(removed));
        button.danger type="submit" { "Reset " (scope_words(scope)) }
        " "
        a.button.secondary href=(cancel) { "Cancel" }
      }
    }
  }
}

#[derive(Deserialize)]
pub struct ResetForm {
  #[serde(default)]
  tenant: Option<String>,
  #[serde(default)]
  scope: Option<String>,
  /// The counts the page showed, as [`counts`] writes them.
  #[serde(default)]
  expect: Option<String>,
}

/// `POST /__emulator/dashboard/reset`: resets if that removes what the page showed, then shows
/// the invites with what was removed; otherwise shows the page again, with the counts of now.
pub async fn reset(State(platform): State<Arc<Platform>>, headers: HeaderMap, Form(form): Form<ResetForm>) -> Response {
  if platform.check_emulator_access(&headers).is_err() {
    return StatusCode::UNAUTHORIZED.into_response();
  }
  let outcome = scope_of(form.tenant.as_deref(), form.scope.as_deref())
    .map_err(Problem::BadRequest)
    .and_then(|scope| {
      let expected = form.expect.as_deref().and_then(read_counts).ok_or_else(|| {
        Problem::BadRequest("The form does not say what its page showed; press Reset… on the Invites tab again.".into())
      })?;
      Ok((platform.reset_if(&scope, &expected)?, scope))
    });
  match outcome {
    // See Other: reloading the page it leads to does not reset again.
    Ok((Ok(done), _)) => Redirect::to(&format!("/__emulator/?view=invites&reset={}", done.generation)).into_response(),
    Ok((Err(now), scope)) => view_page(
      &platform,
      View::Reset,
      StatusCode::CONFLICT,
      confirmation(&scope, &now, true),
    ),
    Err(problem) => {
      let (status, page) = refused(&problem);
      view_page(&platform, View::Reset, status, page)
    }
  }
}

/// The notice after a reset: `reset` is the one thing read from the address, a number, and what
/// the notice says of that reset (its scope and counts) is what the emulator recorded of it. A
/// number it does not know (made up, or from before a restart) shows nothing.
pub fn notice(platform: &Platform, reset: &str) -> Option<Markup> {
  let done = platform.resets.recent(reset.parse().ok()?)?;
  let words = kinds(&done.removed)
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect::<Vec<_>>()
    .join(", ");
  let words = if words.is_empty() { "nothing".to_owned() } else { words };
  Some(html! { p.notice data-reset=(done.generation) { "Reset " (scope_words(&done.scope)) ": removed " (words) "." } })
}

/// Each kind of [`Removed`], with its count and its words, in the order of [`counts`].
fn kinds(removed: &Removed) -> [(u64, &'static str, &'static str); 7] {
  let Removed {
    invites,
    mails,
    users,
    events,
    replaced_tokens,
    webhook_deliveries,
    faults,
  } = *removed;
  [
    (invites, "invite", "invites"),
    (mails, "mail", "mails"),
    (users, "user", "users"),
    (events, "history event", "history events"),
    (replaced_tokens, "replaced accept link", "replaced accept links"),
    (webhook_deliveries, "webhook delivery", "webhook deliveries"),
    (faults, "queued fault", "queued faults"),
  ]
}

/// The counts as the form carries them: `3.4.1.4.1.4.0`.
fn counts(removed: &Removed) -> String {
  kinds(removed).map(|(n, _, _)| n.to_string()).join(".")
}

/// What [`counts`] wrote, or `None`.
fn read_counts(text: &str) -> Option<Removed> {
  let numbers: Vec<u64> = text.split('.').map(|n| n.parse().ok()).collect::<Option<_>>()?;
  let [
    invites,
    mails,
    users,
    events,
    replaced_tokens,
    webhook_deliveries,
    faults,
  ] = numbers[..]
  else {
    return None;
  };
  Some(Removed {
    invites,
    mails,
    users,
    events,
    replaced_tokens,
    webhook_deliveries,
    faults,
  })
}

/// `tenant "acme"` (quoted, so that a padded or odd id shows), or `every tenant`.
fn scope_words(scope: &ResetScope) -> String {
  match scope {
    ResetScope::Tenant(tenant) => format!("tenant {}", quoted(tenant)),
    ResetScope::Every => "every tenant".to_owned(),
  }
}

fn capitalized(words: &str) -> String {
  let mut chars = words.chars();
  chars
    .next()
    .map(|first| first.to_uppercase().chain(chars).collect())
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_link_names_one_tenant_exactly_or_every_tenant_explicitly() {
    assert_eq!(scope_of(Some(" acme"), None), Ok(ResetScope::Tenant(" acme".into())));
    assert_eq!(scope_of(None, Some("all")), Ok(ResetScope::Every));
    for (tenant, scope) in [
      (Some(""), None),
      (Some("  "), None),
      (None, None),
      (None, Some("")),
      (None, Some("every")),
      (Some("acme"), Some("all")),
      (Some(""), Some("all")),
    ] {
      assert!(scope_of(tenant, scope).is_err(), "{tenant:?} {scope:?}");
    }
    assert_eq!(confirm_href(Some("a b&c")), "/__emulator/?view=reset&tenant=a+b%26c");
    assert_eq!(confirm_href(Some("")), "/__emulator/?view=reset&scope=all");
    assert_eq!(confirm_href(None), "/__emulator/?view=reset&scope=all");
  }

  #[test]
  fn the_form_carries_every_count_and_reads_back_only_what_it_wrote() {
    let removed = Removed {
      invites: 3,
      mails: 4,
      users: 1,
      events: 5,
      replaced_tokens: 9,
      webhook_deliveries: 2,
      faults: 7,
    };
    assert_eq!(counts(&removed), "3.4.1.5.9.2.7");
    assert_eq!(read_counts(&counts(&removed)), Some(removed));
    for bad in [
      "",
      "1.2.3",
      "1.2.3.4.5.6.7.8",
      "1.2.3.4.5.6.x",
      "1.2.3.4.5.6.-7",
      "1..3.4.5.6.7",
    ] {
      assert_eq!(read_counts(bad), None, "{bad}");
    }
  }
}
