//! The dashboard's Requests tab: the request log (`request_log.rs`), newest first, filtered by
//! trace id, request id and status, each row linking to the invites its request created or
//! changed. The trace id is shown whole, to be searched for in the app's APM, and is itself a
//! link to the requests of its trace.

use axum::http::StatusCode;
use maud::{Markup, html};

use crate::faults::FaultAnswer;
use crate::pages::layout::{encode, shown};
use crate::platform::Platform;
use crate::request_log::{CallerKind, LoggedRequest, ROWS, RequestLogQuery, StatusFilter};

/// How many rows the tab shows: all the log keeps.
const SHOWN: usize = ROWS;

/// The Requests tab, filtered by the query's `traceId`, `requestId` and `status` (each empty for
/// none). A filter that can match nothing says why (400), under the form that holds it.
pub fn view(
  platform: &Platform,
  trace_id: Option<&str>,
  request_id: Option<&str>,
  status: Option<&str>,
) -> (StatusCode, Markup) {
  let given = |value: Option<&str>| value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
  let rows = StatusFilter::parse(status.unwrap_or_default().trim()).and_then(|status| {
    platform.requests.read(&RequestLogQuery {
      trace_id: given(trace_id),
      request_id: given(request_id),
      status,
      limit: Some(SHOWN),
    })
  });
  let filtered = [trace_id, request_id, status]
    .iter()
    .any(|value| value.is_some_and(|v| !v.trim().is_empty()));
  let statuses = platform.requests.statuses();
  let chosen = |value: &str| status == Some(value);
  let code = match &rows {
    Ok(_) => StatusCode::OK,
    Err(problem) => StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::BAD_REQUEST),
  };
  let page = html! {
    form.filters method="get" {
      input type="hidden" name="view" value="requests";
      label { "Trace id"
        input.trace type="search" name="traceId" value=[trace_id] placeholder="32 hexadecimal characters"
          spellcheck="false" autocomplete="off";
      }
      label { "Request id"
        input type="search" name="requestId" value=[request_id] placeholder="the x-request-id" spellcheck="false"
          autocomplete="off";
      }
      label { "Status"
        select name="status" {
          option value="" { "any status" }
          option value="failed" selected[chosen("failed")] { "failed" }
          @for code in &statuses { option value=(code) selected[chosen(&code.to_string())] { (code) } }
        }
      }
      button type="submit" { "Show" }
      @if filtered { a.button.secondary href="/__emulator/?view=requests" { "Clear" } }
      @if let Ok(rows) = &rows {
        span.muted { (rows.len()) " " (if rows.len() == 1 { "request" } else { "requests" }) ", newest first; the log keeps the newest " (thousands(ROWS)) }
      }
    }
    @match &rows {
      Err(problem) => p.empty data-refused { (problem.message()) },
      Ok(rows) if rows.is_empty() && filtered => p.empty { "No request matches." },
      Ok(rows) if rows.is_empty() => p.empty {
        "No request yet. Every request to the token endpoints and both GraphQL endpoints shows here, with its "
        code { "x-request-id" } " and the trace id of its " code { "traceparent" } "."
      },
      Ok(rows) => div.scroll { table.requests {
        thead { tr {
          th { "#" } th { "Time" } th { "Endpoint and operation" } th { "Caller" } th { "Status" }
          th.number { "ms" } th { "Request id and trace id" } th { "Invites" }
        } }
        tbody { @for row in rows { (request_row(row)) } }
      } },
    }
  };
  (code, page)
}

fn request_row(row: &LoggedRequest) -> Markup {
  html! {
    tr data-request=(row.id) data-status=(row.status) data-failed[row.failed] {
      td.muted { (row.id) }
      // The time of day, to the millisecond: `18:44:05.120`.
      td.nowrap { (row.at.get(11..23).unwrap_or(&row.at)) }
      td {
        code.nowrap { (row.endpoint.path()) }
        @if let Some(operation) = &row.operation { br; code.nowrap.operation { (operation) } }
      }
      td.nowrap {
        @match (row.caller, &row.user_id) {
          (Some(CallerKind::ServiceAccount), _) => { "service account" },
          (Some(CallerKind::User), Some(user)) => { "user " code { (shown(user)) } },
          _ => span.muted title="The credentials showed no one" { "—" },
        }
      }
      td.nowrap { (outcome(row)) }
      td.number { (format!("{:.1}", row.duration_ms)) }
      td {
        code.id data-request-id { (row.request_id) }
        @if let Some(trace) = &row.trace_id {
          br;
          // The requests of this trace; the id whole, to search for in the app's APM.
          a.trace href={ "/__emulator/?view=requests&traceId=" (trace) } title="The requests of this trace" {
            span.muted { "trace " } code.id data-trace-id { (trace) }
          }
        }
      }
      td { (invites(row)) }
    }
  }
}

/// What the caller got: the status as a badge (red for a failure), the answer's error code, and
/// the fault that answered.
fn outcome(row: &LoggedRequest) -> Markup {
  let badge = if row.failed { "state expired" } else { "state accepted" };
  let fault = row.fault.map(|fault| match fault {
    FaultAnswer::Normal => "delayed by a fault",
    FaultAnswer::Status => "answered by a fault",
    FaultAnswer::Drop => "dropped by a fault",
    FaultAnswer::NonJson => "an HTML page, by a fault",
    FaultAnswer::Truncated => "cut short by a fault",
    FaultAnswer::DataNull => "{\"data\":null}, by a fault",
  });
  html! {
    @if row.fault == Some(FaultAnswer::Drop) {
      span class=(badge) title={ "HTTP " (row.status) " began, then the connection was broken" } { "dropped" }
    } @else {
      span class=(badge) { (row.status) }
    }
    @if let Some(code) = &row.error_code { br; code.muted { (code) } }
    @if let Some(fault) = fault { br; span.muted.fault { (fault) } }
  }
}

/// Links to the invites the request created or changed (the first few, each by the end of its
/// id, which is its random part), and how many more.
fn invites(row: &LoggedRequest) -> Markup {
  let more = row.invite_count.saturating_sub(row.invite_ids.len() as u64);
  html! {
    @if row.invite_count == 0 { span.muted { "—" } }
    @for id in &row.invite_ids {
      a.invite href={ "/__emulator/?view=invites&invite=" (encode(id)) } title=(id) data-invite-link=(id) {
        code { (short_id(id)) }
      }
      " "
    }
    @if more > 0 { span.muted.nowrap { "+" (more) " more" } }
  }
}

/// A count as people write it: `1,000`.
fn thousands(n: usize) -> String {
  let digits = n.to_string();
  let mut text = String::new();
  for (i, digit) in digits.chars().enumerate() {
    if i > 0 && (digits.len() - i).is_multiple_of(3) {
      text.push(',');
    }
    text.push(digit);
  }
  text
}

/// The end of a long id, `…3f0e6f1d`; a short one whole.
fn short_id(id: &str) -> String {
  let chars: Vec<char> = id.chars().collect();
  if chars.len() <= 12 {
    id.to_owned()
  } else {
    format!("…{}", chars[chars.len() - 8..].iter().collect::<String>())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_long_id_is_shown_by_its_end() {
    assert_eq!(short_id("0190b7a2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"), "…2e3f4a5b");
    assert_eq!(short_id("inv-1"), "inv-1");
    assert_eq!(short_id("ééééééééééééé"), "…éééééééé");
    assert_eq!(
      [1, 999, 1000, 1_234_567].map(thousands),
      ["1", "999", "1,000", "1,234,567"]
    );
  }
}
