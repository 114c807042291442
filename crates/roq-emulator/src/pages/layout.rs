//! What the emulator's HTML pages (the accept page and the dashboard) share: one frame, one
//! stylesheet, and headers that keep their links private and out of caches.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Plain, readable, and legible at a glance; no script on any page.
const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --accent: #2f54eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
header.bar { background: #1f2933; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
header.bar strong { font-size: 16px; }
header.bar a { color: #cbd2d9; text-decoration: none; }
header.bar a.here { color: #fff; border-bottom: 2px solid #fff; }
header.bar .meta { margin-left: auto; color: #9aa5b1; font-size: 13px; }
header.bar a.export { color: #fff; border: 1px solid #52606d; border-radius: 6px; padding: 2px 12px; font-size: 13px; }
main { max-width: 1100px; margin: 24px auto; padding: 0 24px; }
main.narrow { max-width: 560px; margin-top: 64px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 28px; }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 28px 0 12px; }
p { margin: 0 0 12px; }
.muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 20px; margin: 16px 0 24px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
button, .button { font: inherit; font-weight: 600; background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 10px 22px; cursor: pointer; text-decoration: none; display: inline-block; }
.state { display: inline-block; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: 2px 8px; border-radius: 999px; background: #e4e7eb; color: #323f4b; }
.state.pending { background: #fff3c4; color: #8d6708; }
.state.accepted { background: #d1f7e2; color: #0b6b3a; }
.state.canceled { background: #e4e7eb; color: #52606d; }
.state.expired { background: #ffe3e3; color: #a61b1b; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 14px; }
th { background: #f5f7fa; color: var(--muted); font-weight: 600; font-size: 13px; }
tr:last-child td { border-bottom: 0; }
ol.history { margin: 0; padding-left: 18px; color: var(--muted); font-size: 13px; }
ol.history li { white-space: nowrap; }
ol.history li.why { white-space: normal; max-width: 32em; color: #a61b1b; }
td code { font-size: 12px; overflow-wrap: anywhere; }
td.url code { white-space: nowrap; overflow-wrap: normal; }
form.filters { display: flex; gap: 12px; align-items: end; margin: 0 0 16px; flex-wrap: wrap; }
form.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 4px; }
select, input { font: inherit; padding: 6px 8px; border: 1px solid #cbd2d9; border-radius: 6px; background: #fff; }
.mail { background: #fff; border: 1px solid var(--line); border-radius: 10px; margin: 0 0 16px; overflow: hidden; }
.mail .head { padding: 12px 16px; border-bottom: 1px solid var(--line); display: flex; gap: 16px; flex-wrap: wrap; align-items: baseline; }
.mail .head .link { flex-basis: 100%; font-size: 13px; overflow-wrap: anywhere; }
.mail iframe { width: 100%; height: 380px; border: 0; display: block; background: #f4f5f7; }
.empty { background: #fff; border: 1px dashed #cbd2d9; border-radius: 10px; padding: 24px; color: var(--muted); }
form.redeliver button { padding: 4px 12px; font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.button.secondary { background: #fff; color: var(--ink); border: 1px solid #cbd2d9; padding: 6px 14px; font-weight: 500; }
form.filters .reset { margin-left: auto; }
button.danger { background: #c92a2a; }
.notice { background: #d1f7e2; color: #0b6b3a; border-radius: 10px; padding: 12px 16px; }
.card.confirm { max-width: 640px; }
.card.confirm table.counts { width: auto; min-width: 320px; margin: 4px 0 16px; }
.card.confirm table.counts td { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.card.confirm table.counts th { background: #fff; color: var(--ink); font-weight: 400; font-size: 14px; }
.warning { background: #fff3c4; color: #8d6708; border-radius: 10px; padding: 12px 16px; }
.card.confirm form { margin: 20px 0 0; }
.nowrap { white-space: nowrap; }
th.number, td.number { text-align: right; font-variant-numeric: tabular-nums; }
td code.id, td code.nowrap { white-space: nowrap; overflow-wrap: normal; }
td code.operation { color: var(--ink); font-weight: 600; }
div.scroll { overflow-x: auto; }
main.wide { max-width: 1320px; }
form.filters input.trace { width: 24em; }
form.filters :is(input, select, button, .button) { box-sizing: border-box; height: 36px; }
form.filters :is(button, .button) { display: inline-flex; align-items: center; padding: 0 18px; }
a.invite, a.trace { white-space: nowrap; }
"#;

/// A whole page: the frame, `title`, and `body`.
pub fn page(title: &str, body: Markup) -> Markup {
  html! {
    (DOCTYPE)
    html lang="en" {
      head {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        meta name="robots" content="noindex";
        title { (title) " · ROQ emulator" }
        style { (PreEscaped(STYLE)) }
      }
      body { (body) }
    }
  }
}

/// An HTML answer. Accept links carry one-time tokens: the page is never cached, never sends
/// its address on as a referrer, and runs no script.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
  let mut response = (status, markup.into_string()).into_response();
  let headers = response.headers_mut();
  for (name, value) in [
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
    (header::CACHE_CONTROL, "no-store"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
      header::CONTENT_SECURITY_POLICY,
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'self'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
  ] {
    headers.insert(name, HeaderValue::from_static(value));
  }
  response
}

/// An id (a tenant's) where it must be read exactly: in quotes, with whatever cannot be seen
/// escaped, as Rust's `{:?}` writes it: `"acme"`, `" acme"`, `""`, `"a\u{202e}b"`.
pub fn quoted(id: &str) -> String {
  format!("{id:?}")
}

/// An id (a tenant's) in a list or a table: as it is when that is all there is to see, else
/// [`quoted`] (blank, padded, or with a quote, a control or an invisible character).
pub fn shown(id: &str) -> String {
  let quoted = quoted(id);
  let plain = !id.is_empty() && id.trim() == id && quoted.len() == id.len() + 2;
  if plain { id.to_owned() } else { quoted }
}

/// `text` as a value in a link's query (`?tenant=...`): percent-encoded.
pub fn encode(text: &str) -> String {
  url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A status badge: `pending`, `accepted`, `canceled` or `expired`.
pub fn state(status: &str) -> Markup {
  html! { span class={ "state " (status) } { (status) } }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn an_odd_id_is_shown_quoted_and_a_plain_one_as_it_is() {
    for (id, expected) in [
      ("acme", "acme"),
      ("Müller & Co", "Müller & Co"),
      (" acme", "\" acme\""),
      ("acme ", "\"acme \""),
      ("", "\"\""),
      ("a\"b", "\"a\\\"b\""),
      ("a\u{202e}b", "\"a\\u{202e}b\""),
      ("a\u{200b}b", "\"a\\u{200b}b\""),
      ("a\tb", "\"a\\tb\""),
    ] {
      assert_eq!(shown(id), expected, "{id:?}");
    }
    assert_eq!(quoted("acme"), "\"acme\"");
  }
}
