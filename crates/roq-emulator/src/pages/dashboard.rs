//! The dashboard, `GET /__emulator/` in a browser, as Firebase's Emulator UI and Mailpit give one:
//! every invite with its history (filtered by tenant and status), the outbox with each mail
//! rendered and its accept link, webhook deliveries, the request log (`dashboard_requests.rs`)
//! and the faults waiting. It is guarded by the environment's
//! credentials (the browser asks for them: the environment id as user name, the API key as
//! password). It only reads, but for its buttons, forms that post to `/__emulator/dashboard/...`
//! (the guard lets the dashboard's own forms, and nothing else's, through there): Reset
//! (`dashboard_reset.rs`) and Redeliver, which send the browser back here.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::faults::{Fault, FaultAnswer, FaultTarget};
use crate::pages::dashboard_bar::{View, view_page};
use crate::pages::layout::{html_response, page, shown, state};
use crate::pages::{dashboard_requests, dashboard_reset};
use crate::platform::Platform;
use crate::platform::invite_records::{InviteQuery, InviteRecord};
use crate::platform::mail::{Mail, OutboxFilter};
use crate::problem::Problem;
use crate::webhooks::deliveries::NOT_SENT;

/// How many mails the outbox view shows, newest first.
const MAILS_SHOWN: usize = 100;

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardQuery {
  #[serde(default)]
  view: Option<String>,
  #[serde(default)]
  tenant: Option<String>,
  #[serde(default)]
  status: Option<String>,
  #[serde(default)]
  to: Option<String>,
  /// The Invites tab: only the invite of this id (a request's link).
  #[serde(default)]
  invite: Option<String>,
  /// The Requests tab's filters (`status` is shared with the Invites tab).
  #[serde(default)]
  trace_id: Option<String>,
  #[serde(default)]
  request_id: Option<String>,
  /// The Reset page's scope: `all` for every tenant (see [`dashboard_reset::scope_of`]).
  #[serde(default)]
  scope: Option<String>,
  /// After a reset from the dashboard: its generation, whose notice the page shows (see
  /// [`dashboard_reset::notice`]).
  #[serde(default)]
  reset: Option<String>,
}

/// `GET /__emulator/`
pub async fn show(
  State(platform): State<Arc<Platform>>,
  headers: HeaderMap,
  Query(query): Query<DashboardQuery>,
) -> Response {
  if platform.check_emulator_access(&headers).is_err() {
    return sign_in_prompt();
  }
  let view = match query.view.as_deref() {
    Some("outbox") => View::Outbox,
    Some("faults") => View::Faults,
    Some("webhooks") => View::Webhooks,
    Some("requests") => View::Requests,
    Some("reset") => View::Reset,
    _ => View::Invites,
  };
  let ok = |body: Result<Markup, Problem>| body.map(|body| (StatusCode::OK, body));
  let body = match view {
    View::Invites => ok(invites(&platform, &query)),
    View::Outbox => ok(outbox(&platform, &query)),
    View::Webhooks => ok(webhooks(&platform)),
    View::Requests => Ok(dashboard_requests::view(
      &platform,
      query.trace_id.as_deref(),
      query.request_id.as_deref(),
      query.status.as_deref(),
    )),
    View::Faults => Ok((StatusCode::OK, faults(&platform.faults.queued()))),
    View::Reset => Ok(dashboard_reset::view(
      &platform,
      query.tenant.as_deref(),
      query.scope.as_deref(),
    )),
  };
  let (status, body) = match body {
    Ok((status, body)) => (status, body),
    Err(problem) => (
      StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
      html! { p.empty { (problem.message()) } },
    ),
  };
  view_page(&platform, view, status, body)
}

/// The browser's sign-in prompt: HTTP Basic, with the environment's credentials.
fn sign_in_prompt() -> Response {
  let mut response = html_response(
    StatusCode::UNAUTHORIZED,
    page(
      "Sign in",
      html! {
        main class="narrow" { div.card {
          h1 { "Sign in to the emulator" }
          p { "Use the environment id as the user name and the API key as the password: the "
              code { "ROQ_ENVIRONMENT_ID" } " and " code { "ROQ_API_KEY" } " that " code { "roq-invites emulator" } " printed." }
        } }
      },
    ),
  );
  response.headers_mut().insert(
    header::WWW_AUTHENTICATE,
    HeaderValue::from_static(r#"Basic realm="ROQ emulator", charset="UTF-8""#),
  );
  response
}

fn invites(platform: &Platform, query: &DashboardQuery) -> Result<Markup, Problem> {
  let tenants = platform.tenants()?;
  let records = platform.invite_records(&InviteQuery {
    id: query.invite.clone(),
    tenant_id: query.tenant.clone(),
    status: query.status.clone(),
    limit: None,
  })?;
  let chosen = |value: &str, current: &Option<String>| current.as_deref() == Some(value);
  Ok(html! {
    form.filters method="get" {
      input type="hidden" name="view" value="invites";
      label { "Tenant"
        select name="tenant" {
          option value="" { "all tenants" }
          @for tenant in &tenants { option value=(tenant) selected[chosen(tenant, &query.tenant)] { (shown(tenant)) } }
        }
      }
      label { "Status"
        select name="status" {
          option value="" { "any status" }
          @for status in ["pending", "accepted", "canceled", "expired"] {
            option value=(status) selected[chosen(status, &query.status)] { (status) }
          }
        }
      }
      button type="submit" { "Show" }
      @if let Some(invite) = query.invite.as_deref().filter(|id| !id.is_empty()) {
        // A request's link: this invite only; the form's Show shows them all again.
        span.muted data-one-invite { "invite " code { (invite) } " only · " a href="/__emulator/?view=invites" { "all invites" } }
      } @else {
        span.muted { "showing " (records.data.len()) " of " (records.total_count) " invites, newest first" }
      }
      // The tenant shown, or (all tenants shown) every tenant: a page that says what goes asks to confirm.
      a.button.secondary.reset href=(dashboard_reset::confirm_href(query.tenant.as_deref())) { "Reset…" }
    }
    @if let Some(notice) = query.reset.as_deref().and_then(|reset| dashboard_reset::notice(platform, reset)) { (notice) }
    @if records.data.is_empty() {
      p.empty { "No invites match. Send some with " code { "roq-invites send" } " or your app." }
    } @else {
      table {
        thead { tr { th { "Email" } th { "Tenant" } th { "Status" } th { "Invited by" } th { "Roles" } th { "Valid until" } th { "History" } } }
        tbody { @for record in &records.data { (invite_row(record, &platform.user_name(&record.created_by_user_id))) } }
      }
    }
  })
}

fn invite_row(record: &InviteRecord, inviter: &str) -> Markup {
  let name = [record.first_name.as_deref(), record.last_name.as_deref()]
    .into_iter()
    .flatten()
    .filter(|n| !n.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
  html! {
    tr data-invite=(record.id) data-status=(record.status) {
      td { (record.email) @if !name.is_empty() { br; span.muted { (name) } } }
      td { (shown(&record.tenant_id)) }
      td { (state(record.status)) }
      td { (inviter) @if inviter != record.created_by_user_id { br; code.muted { (record.created_by_user_id) } } }
      td { (record.role_keys.as_deref().map(|r| r.join(", ")).unwrap_or_default()) }
      // Validity matters while an invite can still be accepted (or has just run out).
      td { @if matches!(record.status, "pending" | "expired") { (short_time(&record.valid_till)) } @else { span.muted { "—" } } }
      td { ol.history { @for step in &record.history { li { (step.event.as_str()) " " span { (short_time(&step.at)) } } } } }
    }
  }
}

/// The time of day of an ISO date, to the second: `18:44:05`.
fn clock_time(iso: &str) -> &str {
  iso.get(11..19).unwrap_or(iso)
}

/// An ISO date without its seconds: `2026-12-01 18:44`.
fn short_time(iso: &str) -> String {
  iso.get(..16).unwrap_or(iso).replace('T', " ")
}

fn outbox(platform: &Platform, query: &DashboardQuery) -> Result<Markup, Problem> {
  let filter = OutboxFilter {
    to: query.to.clone().filter(|t| !t.trim().is_empty()),
    user_invite_id: None,
  };
  let mails = platform.outbox(&filter)?;
  let total = mails.len();
  Ok(html! {
    form.filters method="get" {
      input type="hidden" name="view" value="outbox";
      label { "To" input type="search" name="to" value=[query.to.as_deref()] placeholder="ada@example.com"; }
      button type="submit" { "Show" }
      span.muted { (total) " mails, newest first" @if total > MAILS_SHOWN { " (the newest " (MAILS_SHOWN) " shown)" } }
    }
    @if mails.is_empty() {
      p.empty { "The outbox is empty: every invite and resend writes its mail here instead of sending it." }
    }
    @for mail in mails.iter().rev().take(MAILS_SHOWN) { (mail_card(mail)) }
  })
}

fn mail_card(mail: &Mail) -> Markup {
  html! {
    section.mail data-mail=(mail.id) data-to=(mail.to) {
      div.head {
        strong { (mail.subject) }
        span { "to " (mail.to) }
        span.muted { (short_time(&mail.created_at)) " · " (mail.locale) " · tenant " (shown(&mail.tenant_id)) }
        span.link { "Accept link: " a href=(mail.accept_url) data-accept-link { (mail.accept_url) } }
      }
      // The mail as a mail client shows it, isolated from the dashboard.
      iframe sandbox="" srcdoc=(mail.html) title={ "The mail to " (mail.to) } {}
    }
  }
}

/// How many deliveries the webhooks view shows, newest first.
const DELIVERIES_SHOWN: usize = 200;

fn webhooks(platform: &Platform) -> Result<Markup, Problem> {
  let targets = &platform.webhooks.targets;
  let deliveries = platform.webhook_deliveries(DELIVERIES_SHOWN)?;
  Ok(html! {
    @if targets.is_empty() {
      p.empty { "No webhooks are configured. Start the emulator with " code { "--webhook URL" } " or "
        code { "startEmulator({ webhooks: [{ url }] })" } " and every change of an invite is POSTed there." }
    } @else {
      p.muted { "Each change of an invite goes to " @for (i, target) in targets.iter().enumerate() {
        @if i > 0 { ", " } code { (target.url) } } ", with " code { "roq-platform-webhook-key" } "." }
    }
    // The deliveries show with or without webhooks now: those of an import, or of an earlier
    // run's --db, to a URL that is not configured say why they were not sent.
    @if deliveries.is_empty() {
      @if !targets.is_empty() { p.empty { "No event yet: send an invite, and its delivery shows here." } }
    } @else {
      table {
        thead { tr { th { "Event" } th { "Invite" } th { "To" } th { "State" } th { "Attempts" } th {} } }
        tbody {
          @for delivery in &deliveries {
            tr data-delivery=(delivery.id) data-state=(delivery.state) {
              td { (delivery.change) " " span.muted { "#" (delivery.id) } br; span.muted { (delivery.name) } }
              td { (delivery.email) }
              td.url { code { (delivery.url) } }
              td {
                span class={ "state " (match delivery.state.as_str() { "delivered" => "accepted", "failed" => "expired", _ => "pending" }) } { (delivery.state) }
                @if let Some(next) = &delivery.next_attempt_at { br; span.muted { "next at " (clock_time(next)) } }
              }
              td { ol.history { @for attempt in &delivery.attempts {
                @if attempt.error.as_deref() == Some(NOT_SENT) {
                  // No request was made: the reason, wrapped, and no duration.
                  li.why { (clock_time(&attempt.at)) " · " (NOT_SENT) }
                } @else {
                  li { (clock_time(&attempt.at)) " · "
                    @match (attempt.status, &attempt.error) {
                      (Some(status), _) => { "HTTP " (status) },
                      (None, Some(error)) => { (error) },
                      (None, None) => { "?" },
                    }
                    " · " (attempt.duration_ms) " ms" }
                }
              } } }
              td {
                form.redeliver method="post" action={ "/__emulator/dashboard/webhooks/" (delivery.id) "/redeliver" } {
                  button type="submit" title="Send this event again (the same event id) as a new delivery" { "Redeliver" }
                }
              }
            }
          }
        }
      }
    }
  })
}

fn faults(queued: &[Fault]) -> Markup {
  let answer = |fault: &Fault| match fault.answer {
    FaultAnswer::Normal => "normal".to_owned(),
    FaultAnswer::Status => format!("HTTP {}", fault.status.unwrap_or(503)),
    FaultAnswer::Drop => "drop the connection".to_owned(),
    FaultAnswer::NonJson => "an HTML page".to_owned(),
    FaultAnswer::Truncated => "JSON cut in half".to_owned(),
    FaultAnswer::DataNull => "{\"data\":null}".to_owned(),
  };
  let target = |fault: &Fault| match fault.on {
    FaultTarget::Graphql => "GraphQL",
    FaultTarget::Token => "token endpoints",
    FaultTarget::Any => "any",
  };
  html! {
    @if queued.is_empty() {
      p.empty { "No faults are waiting: every request is answered normally. Queue some with "
        code { "emulator.faults([...])" } " or " code { "POST /__emulator/faults" } "." }
    } @else {
      p.muted { "The next requests take these faults, first to last." }
      table {
        thead { tr { th { "On" } th { "Answer" } th { "Requests left" } th { "Delay" } th { "Retry-After" } th { "Carried out first" } } }
        tbody {
          @for fault in queued {
            tr {
              td { (target(fault)) } td { (answer(fault)) } td { (fault.times) }
              td { @if fault.delay_ms > 0 { (fault.delay_ms) " ms" } }
              td { (fault.retry_after.as_deref().unwrap_or("")) }
              td { @if fault.commit { "yes" } @else { "no" } }
            }
          }
        }
      }
    }
  }
}
