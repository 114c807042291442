//! The middleware that applies the queued faults (`faults.rs`) to the platform's endpoints: a
//! request takes the first fault that targets it, waits its delay, and gets the answer it says,
//! carried out first with `commit`. The answer says which fault it took, and keeps what the
//! endpoint noted of a request it carried out, for the request log (`request_log_layer.rs`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::counters::Counters;
use crate::faults::{Fault, FaultAnswer, FaultTarget};
use crate::platform::Platform;
use crate::request_log::{FaultApplied, Noted};

/// The middleware that applies faults to the platform's endpoints.
pub(super) async fn inject(State(platform): State<Arc<Platform>>, request: Request, next: Next) -> Response {
  // A browser's CORS preflight is not a call of the platform: it takes no fault.
  if request.method() == axum::http::Method::OPTIONS {
    return next.run(request).await;
  }
  let target = match request.uri().path() {
    "/v01/server/graphql" | "/v01/graphql" => FaultTarget::Graphql,
    "/v01/authorize" | "/v01/authorize/serviceAccount" => FaultTarget::Token,
    _ => return next.run(request).await,
  };
  let Some(fault) = platform.faults.take(target) else {
    return next.run(request).await;
  };
  Counters::bump(&platform.counters.faults);
  if fault.delay_ms > 0 {
    tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
  }
  let mut carried_out = if fault.answer == FaultAnswer::Normal || fault.commit {
    Some(next.run(request).await)
  } else {
    None
  };
  // What the endpoint noted stays (who called, the operation, the invites it changed), but for
  // the error of an answer the caller never saw.
  let noted = carried_out
    .as_mut()
    .and_then(|response| response.extensions_mut().remove::<Noted>())
    .map(|noted| match fault.answer {
      FaultAnswer::Normal => noted,
      _ => Noted {
        error_code: None,
        ..noted
      },
    });
  let mut response = spoiled(&fault, carried_out).await;
  let extensions = response.extensions_mut();
  extensions.insert(FaultApplied(fault.answer));
  if let Some(noted) = noted {
    extensions.insert(noted);
  }
  response
}

/// The answer `fault` gives, from the endpoint's own when it was carried out.
async fn spoiled(fault: &Fault, carried_out: Option<Response>) -> Response {
  match (fault.answer, carried_out) {
    (FaultAnswer::Normal, carried_out) => carried_out.unwrap_or_default(),
    (FaultAnswer::Status, _) => {
      let status = StatusCode::from_u16(fault.status.unwrap_or(503)).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
      let mut response = (status, format!("{} (a fault injected by the emulator)", status)).into_response();
      if let Some(value) = fault.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
      }
      response
    }
    (FaultAnswer::Drop, _) => {
      let broken =
        futures_util::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by a fault")) });
      Response::new(Body::from_stream(broken))
    }
    (FaultAnswer::NonJson, _) => (
      [(header::CONTENT_TYPE, "text/html")],
      "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
      .into_response(),
    (FaultAnswer::Truncated, carried_out) => {
      let body = match carried_out {
        Some(response) => axum::body::to_bytes(response.into_body(), usize::MAX)
          .await
          .unwrap_or_default(),
        None => Bytes::from_static(br#"{"data":{"sendUserInvitesV2":{"success":[{"id":"0"}]}}}"#),
      };
      let cut = body.slice(..body.len() / 2);
      ([(header::CONTENT_TYPE, "application/json")], cut).into_response()
    }
    (FaultAnswer::DataNull, _) => ([(header::CONTENT_TYPE, "application/json")], r#"{"data":null}"#).into_response(),
  }
}
