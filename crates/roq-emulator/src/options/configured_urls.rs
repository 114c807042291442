//! The URLs the emulator is started with, checked by the rulebook's rules: a webhook receiver
//! gets the webhook key, so it is a URL a secret may go to; the accept link goes into every mail,
//! so it is a link a person may follow. Each message says what is wrong and the fix; the caller
//! puts the option's or the flag's name in front (`webhooks[0].url: ...`, `--webhook ...`).

use roq_rules::{UrlProblem, link_url, secret_url};
use url::Url;

const WEBHOOK_EXAMPLE: &str = "e.g. \"http://localhost:3000/api/roq/webhook\"";
const ACCEPT_EXAMPLE: &str = "e.g. \"http://localhost:3000/accept-invite\"";

/// A webhook receiver's URL: `https://`, or `http://` to this machine; no user name or password.
pub(crate) fn webhook_url(text: &str) -> Result<Url, String> {
  secret_url(text).map_err(|problem| match problem {
    UrlProblem::NotAUrl => format!("{}is not a URL; pass the receiver's address, {WEBHOOK_EXAMPLE}", shown(text)),
    UrlProblem::NoHost | UrlProblem::Scheme(_) => format!(
      "{}is not an http:// or https:// URL; pass the receiver's address, {WEBHOOK_EXAMPLE}",
      shown(text)
    ),
    UrlProblem::ClearText => format!(
      "{:?} is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])",
      origin(text)
    ),
    // The URL is not repeated: its password is the one thing to keep out of the message.
    UrlProblem::Credentials => "has a user name or password in it, which the dashboard would show; remove them, and have the receiver check the roq-platform-webhook-key header instead".to_owned(),
  })
}

/// The accept page's URL: `http://` or `https://`, without a user name or password.
pub(crate) fn accept_url(text: &str) -> Result<Url, String> {
  link_url(text).map_err(|problem| match problem {
    UrlProblem::NotAUrl => format!("{}is not a URL; pass your app's accept page, {ACCEPT_EXAMPLE}", shown(text)),
    UrlProblem::NoHost | UrlProblem::Scheme(_) | UrlProblem::ClearText => format!(
      "{}is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, {ACCEPT_EXAMPLE}",
      shown(text)
    ),
    UrlProblem::Credentials => {
      "has a user name or password in it, which every mail's accept link would show; remove them".to_owned()
    }
  })
}

/// The value quoted, with a space after it, for the front of a message; without its user name
/// and password if it has any (`ftp://user:password@host`), and left out if it does not parse
/// and has an `@` (it might hold one).
fn shown(text: &str) -> String {
  if !text.contains('@') {
    return format!("{text:?} ");
  }
  match Url::parse(text.trim()) {
    Ok(mut url) => {
      // Either fails only for a URL that cannot have them, which then has none to remove.
      let _ = url.set_username("");
      let _ = url.set_password(None);
      format!("{:?} ", url.as_str())
    }
    Err(_) => String::new(),
  }
}

/// `scheme://host[:port]` of a URL that parsed, for a message that needs no more of it.
fn origin(text: &str) -> String {
  Url::parse(text.trim()).map_or_else(|_| text.to_owned(), |url| url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_webhook_url_is_refused_with_the_fix_and_never_its_password() {
    assert!(webhook_url("http://localhost:3000/hook").is_ok());
    assert!(webhook_url("https://hooks.example.com/roq?tenant=a").is_ok());
    for (given, message) in [
      (
        "http://hooks.example.com/roq?x=1",
        "\"http://hooks.example.com\" is http:// to another machine, which would send the webhook key in clear text; use https:// (http:// is only for localhost, 127.0.0.1 or [::1])",
      ),
      (
        "ftp://hooks.example.com/",
        "\"ftp://hooks.example.com/\" is not an http:// or https:// URL; pass the receiver's address, e.g. \"http://localhost:3000/api/roq/webhook\"",
      ),
      (
        "hooks.example.com/roq",
        "\"hooks.example.com/roq\" is not a URL; pass the receiver's address, e.g. \"http://localhost:3000/api/roq/webhook\"",
      ),
    ] {
      assert_eq!(webhook_url(given).unwrap_err(), message, "{given}");
    }
    for (given, message) in [
      (
        "ftp://admin:hunter2@hooks.example.com/x",
        "\"ftp://hooks.example.com/x\" is not an http:// or https:// URL; pass the receiver's address, e.g. \"http://localhost:3000/api/roq/webhook\"",
      ),
      (
        "https://admin:hunter2@hooks example.com/",
        "is not a URL; pass the receiver's address, e.g. \"http://localhost:3000/api/roq/webhook\"",
      ),
    ] {
      assert_eq!(webhook_url(given).unwrap_err(), message, "{given}");
    }
    let credentials = webhook_url("https://admin:hunter2@hooks.example.com/").unwrap_err();
    assert!(
      credentials.starts_with("has a user name or password in it"),
      "{credentials}"
    );
    assert!(
      !credentials.contains("hunter2") && !credentials.contains("admin"),
      "{credentials}"
    );
  }

  #[test]
  fn an_accept_url_is_a_web_link() {
    assert!(accept_url("http://devbox:3000/accept").is_ok());
    for given in ["javascript:alert(1)", "data:text/html,<b>hi</b>", "ftp://x.io/a"] {
      assert_eq!(
        accept_url(given).unwrap_err(),
        format!(
          "{given:?} is not an http:// or https:// URL, and every mail's accept link would be it; pass your app's accept page, e.g. \"http://localhost:3000/accept-invite\""
        )
      );
    }
    let credentials = accept_url("https://u:secret@app.example.com/accept").unwrap_err();
    assert!(!credentials.contains("secret"), "{credentials}");
  }
}
