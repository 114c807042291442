//! The emulator's own endpoints under `/__emulator/`, guarded by the environment's credentials:
//! the outbox, the invites with their histories, the fault switch, webhook deliveries (and their
//! redelivery), sessions, the request log.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::platform::invite_records::InviteQuery;
use crate::platform::mail::OutboxFilter;
use crate::platform::reset::ResetRequest;
use crate::platform::sessions::SessionRequest;
use crate::problem::Problem;
use crate::request_log::RequestLogQuery;

use super::answers::{json_response, parse_body, problem_response};
use super::state::AppState;

/// `GET /__emulator/outbox?to=&userInviteId=`: the mails written so far.
pub(super) async fn outbox(
  State(state): State<AppState>,
  headers: HeaderMap,
  Query(filter): Query<OutboxFilter>,
) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.outbox(&filter))
  {
    Ok(mails) => json_response(StatusCode::OK, &mails),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/invites?tenantId=&status=&limit=`: every invite, newest first, with its history.
pub(super) async fn invites(
  State(state): State<AppState>,
  headers: HeaderMap,
  Query(query): Query<InviteQuery>,
) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.invite_records(&query))
  {
    Ok(records) => json_response(StatusCode::OK, &records),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/faults`: the faults still waiting, in order.
pub(super) async fn queued_faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
  match state.platform.check_emulator_access(&headers) {
    Ok(()) => json_response(StatusCode::OK, &state.platform.faults.queued()),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/faults`: replaces the fault queue with the JSON list in the body (a single
/// fault is a list of one; `[]` clears it).
pub(super) async fn set_faults(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let faults = state.platform.check_emulator_access(&headers).and_then(|()| {
    let value: Value = parse_body(&body)?;
    let list = if value.is_array() {
      value
    } else {
      Value::Array(vec![value])
    };
    serde_json::from_value::<Vec<Fault>>(list)
      .map_err(|e| Problem::BadRequest(format!("The faults are not valid: {e}")))
  });
  match faults {
    Ok(faults) => {
      let count = faults.len();
      state.platform.faults.set(faults);
      json_response(StatusCode::OK, &json!({ "queued": count }))
    }
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/webhooks`: every webhook delivery, newest first, with its attempts.
pub(super) async fn webhook_deliveries(State(state): State<AppState>, headers: HeaderMap) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.webhook_deliveries(usize::MAX >> 1))
  {
    Ok(deliveries) => json_response(StatusCode::OK, &deliveries),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/requests?traceId=&requestId=&status=&limit=`: the request log, newest first
/// (see [`crate::request_log`]).
pub(super) async fn requests(
  State(state): State<AppState>,
  headers: HeaderMap,
  query: Result<Query<RequestLogQuery>, QueryRejection>,
) -> Response {
  let rows = state.platform.check_emulator_access(&headers).and_then(|()| {
    let Query(query) = query.map_err(|rejection| Problem::BadRequest(rejection.body_text()))?;
    state.platform.requests.read(&query)
  });
  match rows {
    Ok(rows) => json_response(StatusCode::OK, &rows),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/sessions`: signs a development user in (see [`crate::platform::sessions`]).
pub(super) async fn create_session(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let session = state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| parse_body::<SessionRequest>(&body))
    .and_then(|request| state.platform.session(&request));
  match session {
    Ok(session) => json_response(StatusCode::CREATED, &session),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/export`: the snapshot (see [`crate::snapshot`]), as the file
/// `--export-on-exit` writes; a browser saves it (the dashboard's Export link). Made off the
/// server's workers, from a copy of the store: a large export holds no other request up.
pub(super) async fn export(State(state): State<AppState>, headers: HeaderMap) -> Response {
  let text = match state.platform.check_emulator_access(&headers) {
    Ok(()) => crate::snapshot::text(Arc::clone(&state.platform)).await,
    Err(problem) => Err(problem),
  };
  let mut response = match text {
    Ok(text) => (
      StatusCode::OK,
      [
        (header::CONTENT_TYPE, "application/json; charset=utf-8"),
        (
          header::CONTENT_DISPOSITION,
          "attachment; filename=\"roq-emulator-snapshot.json\"",
        ),
      ],
      text,
    )
      .into_response(),
    Err(problem) => problem_response(&problem),
  };
  // Every invite and mail, accept links with their tokens: kept by no cache, and read as JSON
  // only, never sniffed into something a browser would run.
  let headers = response.headers_mut();
  headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
  headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
  response
}

/// `POST /__emulator/reset`: empties one tenant (`{"tenantId": "..."}`) or every tenant (`{}`),
/// and answers what it removed, by kind (see [`crate::platform::reset`]).
pub(super) async fn reset(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let removed = state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| {
      if body.is_empty() {
        return Ok(ResetRequest::default());
      }
      parse_body::<ResetRequest>(&body).map_err(|problem| {
        Problem::BadRequest(format!(
          "{}; send {{}} to reset every tenant, or {{\"tenantId\": \"acme\"}} for one",
          problem.message()
        ))
      })
    })
    .and_then(|request| state.platform.reset(&request));
  match removed {
    Ok(removed) => json_response(StatusCode::OK, &removed),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/webhooks/{id}/redeliver`: sends a past delivery's event again, as a new
/// delivery (201, the new delivery).
pub(super) async fn redeliver(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
  let delivery = state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.redeliver(&id));
  match delivery {
    Ok(delivery) => json_response(StatusCode::CREATED, &delivery),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/dashboard/webhooks/{id}/redeliver`: the Webhooks tab's Redeliver button (a
/// form of the dashboard's own page, as the guard checks); sends the browser back to the tab,
/// where the new delivery shows.
pub(super) async fn redeliver_from_dashboard(
  State(state): State<AppState>,
  Path(id): Path<String>,
  headers: HeaderMap,
) -> Response {
  let delivery = state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.redeliver(&id));
  match delivery {
    // See Other: reloading the tab it leads to sends nothing again.
    Ok(_) => Redirect::to("/__emulator/?view=webhooks").into_response(),
    Err(problem) => problem_response(&problem),
  }
}
