//! What an email address is, and when two are the same.

use email_address::{EmailAddress, Options};

/// An address an invitation can be delivered to: RFC 5322 (without display names or IP
/// literals), at most 254 characters, and a domain with a dot.
pub fn is_email(email: &str) -> bool {
  if email.len() > 254 {
    return false;
  }
  if is_plain_email(email) {
    return true;
  }
  let options = Options::default().without_display_text().without_domain_literal();
  EmailAddress::parse_with_options(email.trim(), options).is_ok_and(|e| e.domain().contains('.'))
}

/// The form in which two emails are compared: one pending invite per email and tenant, and a
/// result matched to its entry, both ignore case and surrounding spaces.
pub fn email_key(email: &str) -> String {
  email.trim().to_lowercase()
}

/// Whether `email` is an address of the usual kind, which RFC 5322 allows: `first.last+tag@
/// mail.example.com` in ASCII letters, digits and `._+-`. Most lists hold only these, and this
/// check costs a tenth of the full parser's; whatever it does not recognise goes to the parser.
fn is_plain_email(email: &str) -> bool {
  let Some((local, domain)) = email.split_once('@') else {
    return false;
  };
  let dot_atom = |text: &str, allowed: fn(u8) -> bool| {
    !text.is_empty()
      && text
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(allowed))
  };
  let local_ok = local.len() <= 64 && dot_atom(local, |b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
  let labels_ok = domain
    .split('.')
    .all(|label| label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-'));
  let tld_ok = domain
    .rsplit_once('.')
    .is_some_and(|(_, tld)| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
  local_ok && tld_ok && labels_ok && dot_atom(domain, |b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_quick_check_of_usual_addresses_never_takes_one_the_parser_refuses() {
    let options = Options::default().without_display_text().without_domain_literal();
    let parser = |e: &str| EmailAddress::parse_with_options(e, options).is_ok_and(|a| a.domain().contains('.'));
    let locals = [
      "a",
      "first.last",
      "x+tag",
      "a_b-c",
      ".a",
      "a.",
      "a..b",
      "",
      &"l".repeat(64),
      &"l".repeat(65),
      "A9",
    ];
    let domains = [
      "example.com",
      "sub.example.co.uk",
      "x.io",
      "localhost",
      "-a.com",
      "a-.com",
      "a..com",
      ".com",
      "a.c",
      "a.123",
      &format!("{}.com", "d".repeat(63)),
      &format!("{}.com", "d".repeat(64)),
      "xn--bcher-kva.de",
    ];
    let mut quick = 0;
    for local in locals {
      for domain in domains {
        let email = format!("{local}@{domain}");
        if is_plain_email(&email) {
          quick += 1;
          assert!(
            parser(&email),
            "{email}: taken by the quick check, refused by the parser"
          );
        }
      }
    }
    assert!(quick >= 30, "the quick check took only {quick}");
  }

  #[test]
  fn takes_unusual_valid_emails_and_refuses_junk() {
    for ok in [
      "a@b.co",
      "user+tag@example.com",
      "o'brien@example.ie",
      "\"john..doe\"@example.com",
      "用户@例子.广告",
      " padded@example.com ",
    ] {
      assert!(is_email(ok), "{ok}");
    }
    for bad in [
      "bob@",
      "@x.io",
      "a b@x.io",
      "a@localhost",
      "a..b@x.io",
      "Ada <a@x.io>",
      "x@[127.0.0.1]",
      "",
      &format!("{}@example.com", "a".repeat(250)),
    ] {
      assert!(!is_email(bad), "{bad}");
    }
  }

  #[test]
  fn emails_compare_without_case_or_surrounding_spaces() {
    assert_eq!(email_key(" Ada@Example.COM "), email_key("ada@example.com"));
    assert_ne!(email_key("ada@example.com"), email_key("ada2@example.com"));
  }
}
