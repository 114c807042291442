//! The emulator's own endpoints change state only for a caller that is not a page of another
//! origin, as Go's `http.CrossOriginProtection` (Go 1.25) decides, and only with a JSON body.
//!
//! A browser that holds the emulator's Basic credentials sends them with any request to it, also
//! one that a page of another site makes; a form post or a `no-cors` fetch needs no CORS
//! preflight. So every request that is not GET, HEAD or OPTIONS is refused with 403 when:
//! - `Sec-Fetch-Site` (sent by every browser since 2023) is anything but `same-origin` or `none`
//!   (the user's own navigation). `same-site` is refused too: every port of `localhost` or
//!   `127.0.0.1` is one site, so any local dev server's page would pass;
//! - without `Sec-Fetch-Site`, `Origin` is there and is not this server's own (its
//!   `host[:port]` against the `Host` header).
//!
//! A request with neither header is no browser's (curl, Node's fetch, `connectEmulator`) and
//! passes. Then the body must be `application/json` (415 otherwise): a form can send only
//! `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`, and a page's
//! fetch of JSON to another origin must pass a CORS preflight, which these endpoints never grant.
//! The one exception is a form that a page of the emulator itself posts (the dashboard's buttons,
//! which run no script): the browser says so (`Sec-Fetch-Site: same-origin`, or an `Origin` that
//! is this server's), and no other page can make it say that.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use super::answers::json_response;

/// Lets a request through to the endpoint, or answers 403 or 415 in the platform's error shape.
pub(super) async fn guard(request: Request, next: Next) -> Response {
  if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
    return next.run(request).await;
  }
  if let Err(why) = same_origin_or_no_browser(request.headers()) {
    return refusal(
      StatusCode::FORBIDDEN,
      "FORBIDDEN",
      format!(
        "Cross-origin request refused ({why}): a page of another origin may not change the emulator. Call {} from your server, a test or curl (connectEmulator, curl -u <environmentId>:<apiKey>), which send neither header",
        request.uri().path()
      ),
    );
  }
  // The dashboard runs no script: its forms post form bodies, to their own paths only, and only
  // from a page that shows it is the emulator's own (a form of another site, or none, is refused).
  if request.uri().path().starts_with(DASHBOARD_FORMS) {
    if !is_form(request.headers()) || own_page(request.headers()).is_err() {
      return refusal(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        format!(
          "{} takes the dashboard's own forms only; call the JSON endpoints under /__emulator/ instead",
          request.uri().path()
        ),
      );
    }
    return next.run(request).await;
  }
  if !is_json(request.headers()) {
    return refusal(
      StatusCode::UNSUPPORTED_MEDIA_TYPE,
      "UNSUPPORTED_MEDIA_TYPE",
      format!(
        "{} {} takes a JSON body only: send it with Content-Type: application/json (curl -H 'content-type: application/json' --data '...')",
        request.method(),
        request.uri().path()
      ),
    );
  }
  next.run(request).await
}

/// Where the dashboard's forms post.
const DASHBOARD_FORMS: &str = "/__emulator/dashboard/";

/// Whether a request shows it comes from a page of this origin: `Sec-Fetch-Site: same-origin`,
/// or (from a browser before 2023) an `Origin` equal to this server's address. A request with
/// neither shows nothing, and is refused.
fn own_page(headers: &HeaderMap) -> Result<(), &'static str> {
  let shows = headers.get("sec-fetch-site").map(|v| v.as_bytes()) == Some(b"same-origin")
    || (headers.get("sec-fetch-site").is_none() && headers.get(header::ORIGIN).is_some());
  if !shows {
    return Err("neither Sec-Fetch-Site: same-origin nor an Origin");
  }
  same_origin_or_no_browser(headers)
}

/// Whether the body is a form's (`application/x-www-form-urlencoded`).
fn is_form(headers: &HeaderMap) -> bool {
  media_type(headers).is_some_and(|media_type| media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// Go's `CrossOriginProtection.Check`, for a request that is not GET, HEAD or OPTIONS.
fn same_origin_or_no_browser(headers: &HeaderMap) -> Result<(), &'static str> {
  match headers.get("sec-fetch-site").map(|v| v.as_bytes()) {
    Some(b"same-origin" | b"none") => return Ok(()),
    Some(b"same-site") => return Err("Sec-Fetch-Site: same-site; another port is another origin"),
    Some(b"cross-site") => return Err("Sec-Fetch-Site: cross-site"),
    Some(_) => return Err("Sec-Fetch-Site is not same-origin"),
    None => {}
  }
  let Some(origin) = headers.get(header::ORIGIN) else {
    return Ok(());
  };
  // An origin is `scheme://host[:port]`; the scheme is not compared (the Host header has none),
  // as Go does not: a browser that sends Origin but not Sec-Fetch-Site is from before 2023.
  let authority = origin
    .to_str()
    .ok()
    .and_then(|origin| origin.split_once("://"))
    .map(|(_, authority)| authority);
  let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
  match (authority, host) {
    (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host) => Ok(()),
    _ => Err("its Origin is not this emulator's address"),
  }
}

/// Whether the body is declared `application/json` (parameters such as `charset` aside).
fn is_json(headers: &HeaderMap) -> bool {
  media_type(headers).is_some_and(|media_type| media_type.eq_ignore_ascii_case("application/json"))
}

/// The body's media type, parameters such as `charset` aside.
fn media_type(headers: &HeaderMap) -> Option<&str> {
  headers
    .get(header::CONTENT_TYPE)
    .and_then(|v| v.to_str().ok())
    .and_then(|v| v.split(';').next())
    .map(str::trim)
}

fn refusal(status: StatusCode, code: &str, message: String) -> Response {
  let body = json!({ "statusCode": status.as_u16(), "errorCode": code, "message": message });
  json_response(status, &body)
}

#[cfg(test)]
mod tests {
  use axum::http::HeaderValue;

  use super::*;

  fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
      map.append(*name, HeaderValue::from_static(value));
    }
    map
  }

  #[test]
  fn decides_as_gos_cross_origin_protection() {
    let host = ("host", "127.0.0.1:4077");
    for (pairs, passes) in [
      (vec![host], true),
      (vec![host, ("sec-fetch-site", "same-origin")], true),
      (vec![host, ("sec-fetch-site", "none")], true),
      (
        vec![host, ("sec-fetch-site", "same-origin"), ("origin", "http://evil.test")],
        true,
      ),
      (vec![host, ("sec-fetch-site", "cross-site")], false),
      (vec![host, ("sec-fetch-site", "same-site")], false),
      (vec![host, ("sec-fetch-site", "Same-Origin")], false),
      (
        vec![
          host,
          ("sec-fetch-site", "cross-site"),
          ("origin", "http://127.0.0.1:4077"),
        ],
        false,
      ),
      (vec![host, ("origin", "http://127.0.0.1:4077")], true),
      (
        vec![("host", "LOCALHOST:4077"), ("origin", "http://localhost:4077")],
        true,
      ),
      (vec![host, ("origin", "http://127.0.0.1:3000")], false),
      (vec![host, ("origin", "http://localhost:4077")], false),
      (vec![host, ("origin", "http://127.0.0.1:4077.evil.test")], false),
      (vec![host, ("origin", "null")], false),
      (vec![("origin", "http://127.0.0.1:4077")], false),
    ] {
      assert_eq!(same_origin_or_no_browser(&headers(&pairs)).is_ok(), passes, "{pairs:?}");
    }
  }

  #[test]
  fn a_dashboard_form_must_show_it_comes_from_the_dashboard() {
    let host = ("host", "127.0.0.1:4077");
    for (pairs, passes) in [
      (vec![host, ("sec-fetch-site", "same-origin")], true),
      (vec![host, ("origin", "http://127.0.0.1:4077")], true),
      (vec![host], false),
      (vec![host, ("sec-fetch-site", "none")], false),
      (vec![host, ("sec-fetch-site", "cross-site")], false),
      (vec![host, ("origin", "http://127.0.0.1:3000")], false),
    ] {
      assert_eq!(own_page(&headers(&pairs)).is_ok(), passes, "{pairs:?}");
    }
    assert!(is_form(&headers(&[(
      "content-type",
      "application/x-www-form-urlencoded"
    )])));
    assert!(!is_form(&headers(&[("content-type", "text/plain")])));
  }

  #[test]
  fn only_json_is_a_body() {
    for (value, json) in [
      ("application/json", true),
      ("application/json; charset=utf-8", true),
      ("Application/JSON", true),
      ("text/plain", false),
      ("text/plain; charset=application/json", false),
      ("application/x-www-form-urlencoded", false),
      ("multipart/form-data; boundary=x", false),
      ("application/jsonp", false),
    ] {
      assert_eq!(is_json(&headers(&[("content-type", value)])), json, "{value}");
    }
    assert!(!is_json(&HeaderMap::new()));
  }
}
