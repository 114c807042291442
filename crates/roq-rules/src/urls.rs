//! Which URLs a secret or a person may be sent to: the platform's `host` (which gets the API key),
//! a webhook receiver (which gets the webhook key), and the accept link in every mail (which
//! carries an accept token and is opened by people).

use std::net::IpAddr;

use url::{Host, Url};

/// Why a URL was refused. Each side words its own message from it, naming its own field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
  /// It does not parse as an absolute URL.
  NotAUrl,
  /// It parses, but names no host (`mailto:a@b.c`, `javascript:alert(1)`, `data:text/html,...`).
  NoHost,
  /// Its scheme is neither `https` nor `http`; the scheme is given, lower-cased.
  Scheme(String),
  /// `http://` to a host that is not this machine: whatever it carries would cross the network
  /// in clear text.
  ClearText,
  /// It has a user name or password (`https://user:password@host/`), which would be shown
  /// wherever the URL is, and sent along.
  Credentials,
}

/// A URL that a secret may be sent to: `https://`, or `http://` to a loopback host only
/// (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`), with a host and without a user name or
/// password. The client's `host` and the emulator's webhook receivers keep this rule.
pub fn secret_url(text: &str) -> Result<Url, UrlProblem> {
  let url = web_url(text)?;
  if url.scheme() == "http" && !is_loopback(&url) {
    return Err(UrlProblem::ClearText);
  }
  without_credentials(url)
}

/// A URL a person may be sent to: `https://` or `http://`, to any host, without a user name or
/// password; never `javascript:`, `data:` or another scheme a browser would run or render as it
/// is. The emulator's accept link keeps this rule.
pub fn link_url(text: &str) -> Result<Url, UrlProblem> {
  without_credentials(web_url(text)?)
}

/// Whether `url`'s host is this machine: `localhost` (RFC 6761 reserves it and its subdomains for
/// loopback), or a loopback IP address.
pub fn is_loopback(url: &Url) -> bool {
  match url.host() {
    Some(Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
    Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
    Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
    None => false,
  }
}

/// An absolute `http(s)://` URL with a host. The checks run in this order, so that each side's
/// first message is about the first thing wrong.
fn web_url(text: &str) -> Result<Url, UrlProblem> {
  let url = Url::parse(text.trim()).map_err(|_| UrlProblem::NotAUrl)?;
  if url.host().is_none() {
    return Err(UrlProblem::NoHost);
  }
  match url.scheme() {
    "https" | "http" => Ok(url),
    other => Err(UrlProblem::Scheme(other.to_owned())),
  }
}

fn without_credentials(url: Url) -> Result<Url, UrlProblem> {
  if !url.username().is_empty() || url.password().is_some() {
    return Err(UrlProblem::Credentials);
  }
  Ok(url)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_secret_goes_over_https_or_to_this_machine() {
    for fine in [
      "https://hooks.example.com/roq",
      "https://example.com:8443",
      "http://localhost:3000/api/roq/webhook",
      "http://app.localhost:3000/",
      "http://127.0.0.1:9/x",
      "http://127.8.9.10/",
      "http://[::1]:4000",
      " https://padded.example.com ",
    ] {
      assert!(secret_url(fine).is_ok(), "{fine}");
    }
    for (refused, problem) in [
      ("http://hooks.example.com/roq", UrlProblem::ClearText),
      ("http://localhost.evil.io/", UrlProblem::ClearText),
      ("http://0.0.0.0:3000/", UrlProblem::ClearText),
      ("http://192.168.1.10/", UrlProblem::ClearText),
      ("http://[::ffff:127.0.0.1]/", UrlProblem::ClearText),
      ("https://user:password@example.com/", UrlProblem::Credentials),
      ("http://user@localhost:3000/", UrlProblem::Credentials),
      ("https://:password@example.com/", UrlProblem::Credentials),
      ("ftp://example.com/", UrlProblem::Scheme("ftp".into())),
      ("javascript:alert(1)", UrlProblem::NoHost),
      ("not a url", UrlProblem::NotAUrl),
      ("", UrlProblem::NotAUrl),
      ("/relative/path", UrlProblem::NotAUrl),
    ] {
      assert_eq!(secret_url(refused), Err(problem), "{refused}");
    }
  }

  #[test]
  fn a_link_is_http_or_https_to_any_host_and_never_script_or_data() {
    for fine in [
      "http://devbox:3000/accept",
      "https://app.example.com/invites/accept?from=mail",
      "http://localhost:3000/accept#top",
    ] {
      assert!(link_url(fine).is_ok(), "{fine}");
    }
    for (refused, problem) in [
      ("javascript:alert(document.cookie)", UrlProblem::NoHost),
      ("JavaScript:alert(1)//http://x", UrlProblem::NoHost),
      ("data:text/html,<script>alert(1)</script>", UrlProblem::NoHost),
      ("vbscript:msgbox", UrlProblem::NoHost),
      ("file:///etc/passwd", UrlProblem::NoHost),
      ("ftp://files.example.com/", UrlProblem::Scheme("ftp".into())),
      ("ws://localhost:3000/", UrlProblem::Scheme("ws".into())),
      ("https://user:password@app.example.com/", UrlProblem::Credentials),
      ("/accept", UrlProblem::NotAUrl),
    ] {
      assert_eq!(link_url(refused), Err(problem), "{refused}");
    }
  }
}
