//! Redirects: the client follows none. The platform's API never redirects, so a 3xx means a
//! wrong `host` or someone in the middle; following it would carry the API key (in the token
//! requests' bodies and the Basic header) and the bearer token (our own headers, which reqwest
//! keeps across hosts) to wherever the `Location` points.
//!
//! The error names the status and where the redirect points, by origin only: a `Location`'s
//! path and query may carry a token.

use reqwest::header::HeaderValue;
use url::Url;

use crate::error::Error;

/// Where a redirect points, as much of it as may be shown.
enum Target {
  /// Another origin: `scheme://host[:port]`.
  Elsewhere(String),
  /// The same origin as the request; `relative` when the `Location` was written as relative.
  SameServer { relative: bool },
  /// A `Location` that is not an http(s) URL, even relative to the request.
  NotAUrl,
  /// No `Location` at all (a 304, or a broken redirect).
  Missing,
}

impl Target {
  fn of(request: &Url, location: Option<&HeaderValue>) -> Self {
    let Some(location) = location else {
      return Self::Missing;
    };
    let Some(text) = location.to_str().ok().map(str::trim) else {
      return Self::NotAUrl;
    };
    // Resolved as a browser would, so that a scheme-relative `//other.host/` names its host.
    let Ok(next) = request.join(text) else {
      return Self::NotAUrl;
    };
    if !matches!(next.scheme(), "http" | "https") {
      return Self::NotAUrl;
    }
    if next.origin() != request.origin() {
      return Self::Elsewhere(next.origin().ascii_serialization());
    }
    Self::SameServer {
      relative: Url::parse(text).is_err(),
    }
  }
}

/// What to do about a redirect that names no other server.
const CHECK_HOST: &str = "the platform's API never redirects. Check that host is the platform's base URL";

/// The error for a 3xx answer to a request to `request`: `PROTOCOL_ERROR` with the status, never
/// retried (another attempt would get the same redirect).
pub(crate) fn refused(request: &Url, status: u16, location: Option<&HeaderValue>) -> Error {
  let platform = request.origin().ascii_serialization();
  let target = Target::of(request, location);
  let shown = match &target {
    Target::Elsewhere(origin) => format!("a redirect to {origin}"),
    Target::SameServer { relative: true } => "a redirect to a relative Location, on the same server".to_owned(),
    Target::SameServer { relative: false } => "a redirect to another path on the same server".to_owned(),
    Target::NotAUrl => "a redirect to a Location that is not an http(s) URL".to_owned(),
    Target::Missing => "a redirect without a Location".to_owned(),
  };
  let advice = match &target {
    Target::Elsewhere(origin) => {
      format!("it would carry the API key there. If {origin} is the platform, set host to it")
    }
    _ => CHECK_HOST.to_owned(),
  };
  Error::protocol(format!(
    "the platform at {platform} answered HTTP {status} ({shown}), which roq-invites does not follow: {advice}"
  ))
  .with_status(status)
  .lasting()
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;

  fn refusal(location: Option<&str>) -> Error {
    let request = Url::parse("https://acme.example.com/prefix/v01/server/graphql").unwrap();
    let location = location.map(|l| HeaderValue::from_str(l).unwrap());
    refused(&request, 307, location.as_ref())
  }

  #[test]
  fn names_another_origin_and_never_its_path_query_or_credentials() {
    for location in [
      "https://other.example.com/v01/server/graphql?access_token=SECRET",
      "https://user:SECRET@other.example.com/SECRET#SECRET",
      "//other.example.com/SECRET",
      "HTTPS://OTHER.example.com:443/SECRET",
    ] {
      let error = refusal(Some(location));
      assert_eq!(
        error.message(),
        "the platform at https://acme.example.com answered HTTP 307 (a redirect to https://other.example.com), \
         which roq-invites does not follow: it would carry the API key there. If https://other.example.com is \
         the platform, set host to it",
        "{location}"
      );
      assert_eq!(
        (error.code(), error.status_code(), error.is_lasting()),
        (ErrorCode::ProtocolError, Some(307), true)
      );
    }
    // Another scheme or port is another origin.
    for (location, origin) in [
      ("http://acme.example.com/x", "http://acme.example.com"),
      ("https://acme.example.com:8443/x", "https://acme.example.com:8443"),
      ("https://[::1]:9/x", "https://[::1]:9"),
    ] {
      assert!(
        refusal(Some(location))
          .message()
          .contains(&format!("(a redirect to {origin}),")),
        "{location}"
      );
    }
  }

  #[test]
  fn names_a_location_on_the_same_server_unusable_or_missing_as_such() {
    for (location, target) in [
      (
        Some("/v01/server/graphql?token=SECRET"),
        "a redirect to a relative Location, on the same server",
      ),
      (
        Some("graphql2"),
        "a redirect to a relative Location, on the same server",
      ),
      (
        Some("https://acme.example.com/SECRET"),
        "a redirect to another path on the same server",
      ),
      (
        Some("http://[::1"),
        "a redirect to a Location that is not an http(s) URL",
      ),
      (
        Some("javascript:alert(1)"),
        "a redirect to a Location that is not an http(s) URL",
      ),
      (
        Some("ftp://other.example.com/"),
        "a redirect to a Location that is not an http(s) URL",
      ),
      (None, "a redirect without a Location"),
    ] {
      assert_eq!(
        refusal(location).message(),
        format!(
          "the platform at https://acme.example.com answered HTTP 307 ({target}), which roq-invites does not \
           follow: the platform's API never redirects. Check that host is the platform's base URL"
        ),
        "{location:?}"
      );
    }
    // A header value that is not text is not a URL either.
    let request = Url::parse("https://acme.example.com/").unwrap();
    let binary = HeaderValue::from_bytes(b"https://\xffother.example.com/").unwrap();
    assert!(
      refused(&request, 302, Some(&binary))
        .message()
        .contains("not an http(s) URL")
    );
  }
}
