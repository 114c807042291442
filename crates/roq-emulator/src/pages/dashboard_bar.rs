//! The frame of every dashboard page: the bar at its top (the tabs, the environment, the
//! emulator's clock and how far it was moved, the rate limit, the Export link) above the view.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use crate::pages::layout::{html_response, page};
use crate::platform::Platform;
use crate::platform::mail::human_time;

/// A view of the dashboard: a tab of its bar, or the Reset page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
  Invites,
  Outbox,
  Webhooks,
  Requests,
  Faults,
  Reset,
}

impl View {
  fn title(self) -> &'static str {
    match self {
      Self::Invites => "Invites",
      Self::Outbox => "Outbox",
      Self::Webhooks => "Webhooks",
      Self::Requests => "Requests",
      Self::Faults => "Faults",
      Self::Reset => "Reset",
    }
  }
}

/// A page of the dashboard: the bar, with `view`'s tab marked, above `body`.
pub(crate) fn view_page(platform: &Platform, view: View, status: StatusCode, body: Markup) -> Response {
  html_response(
    status,
    // The request log's rows are wide: its view takes more of a wide screen.
    page(
      view.title(),
      html! { (bar(platform, view)) main class=[(view == View::Requests).then_some("wide")] { (body) } },
    ),
  )
}

/// The tabs. Their links are absolute: the bar is also on the answer to a form's post, at
/// `/__emulator/dashboard/...`.
fn bar(platform: &Platform, view: View) -> Markup {
  let offset = platform.clock.offset_ms();
  let tab = |here: View, href: &str, label: &str| {
    html! { a href=(href) class=[(view == here).then_some("here")] { (label) } }
  };
  html! {
    header.bar {
      strong { "ROQ emulator" }
      (tab(View::Invites, "/__emulator/?view=invites", "Invites"))
      (tab(View::Outbox, "/__emulator/?view=outbox", "Outbox"))
      (tab(View::Webhooks, "/__emulator/?view=webhooks", "Webhooks"))
      (tab(View::Requests, "/__emulator/?view=requests", "Requests"))
      (tab(View::Faults, "/__emulator/?view=faults", "Faults"))
      span.meta {
        "environment " code { (platform.credentials.environment_id) }
        " · clock " (human_time(platform.clock.now_ms()))
        @if offset != 0 { " (moved " (moved(offset)) ")" }
        @if let Some(rate) = platform.rate_limiter.state(|| platform.clock.now_ms()) {
          " · " span.rate data-rate-limit { "rate limit " (rate.limit.requests) " per " (window(rate.limit.window_ms)) " (" (rate.in_window) " in the window)" }
        }
      }
      // A download of GET /__emulator/export: the snapshot --import starts from.
      a.export href="/__emulator/export" download="roq-emulator-snapshot.json"
        title="Download a snapshot of the data as JSON, which --import / importFrom starts from" { "Export" }
    }
  }
}

/// A rate limit's window as people say it: `1 s`, `10 s`, `1 min`, `250 ms`.
fn window(ms: u64) -> String {
  match ms {
    _ if ms.is_multiple_of(60_000) => format!("{} min", ms / 60_000),
    _ if ms.is_multiple_of(1000) => format!("{} s", ms / 1000),
    _ => format!("{ms} ms"),
  }
}

/// A clock offset as people say it: `+3 d 2 h`, `-45 min`.
fn moved(offset_ms: i64) -> String {
  let sign = if offset_ms < 0 { '-' } else { '+' };
  let minutes = offset_ms.unsigned_abs() / 60_000;
  let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
  let parts: Vec<String> = [(days, "d"), (hours, "h"), (minutes, "min")]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, unit)| format!("{n} {unit}"))
    .collect();
  if parts.is_empty() {
    format!("{sign}{} s", offset_ms.unsigned_abs() / 1000)
  } else {
    format!("{sign}{}", parts.join(" "))
  }
}
