//! The outbox: every invite (and resend) writes a mail here instead of sending it. Nothing
//! leaves the machine; tests, the demo, the dashboard and the CLI read the mails and their links.
//!
//! The mail follows ROQ's own invitation template as far as its docs show it: the subject "User
//! Invitation", a heading "Accept Invite", "Hi {firstName}, you are invited to join {app}." and an
//! Accept Invite button; as text and as HTML, in the invite's language where we have it.

use maud::{Markup, html};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::clock::iso;
use crate::platform::invite::Invite;
use crate::platform::{Platform, Rules};
use crate::problem::Problem;

/// A mail the emulator wrote instead of sending it: one of the outbox.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Mail {
  /// Position in the outbox, from 1.
  pub id: i64,
  pub to: String,
  pub locale: String,
  pub subject: String,
  pub text: String,
  /// The same mail as HTML, as a mail client shows it.
  pub html: String,
  /// The link the invitee clicks: the emulator's `acceptUrl` with `?token=<one-time token>`.
  pub accept_url: String,
  /// The one-time token the link carries, for `acceptUserInvite({ data: { token } })`.
  pub token: String,
  pub user_invite_id: String,
  pub tenant_id: String,
  pub created_at: String,
}

/// Without the token, nor the link and the texts that carry it.
impl std::fmt::Debug for Mail {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Mail")
      .field("id", &self.id)
      .field("to", &self.to)
      .field("subject", &self.subject)
      .field("user_invite_id", &self.user_invite_id)
      .field("tenant_id", &self.tenant_id)
      .field("created_at", &self.created_at)
      .finish_non_exhaustive()
  }
}

/// Which mails to read.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
pub struct OutboxFilter {
  /// Only mails to this address (ignoring case).
  #[serde(default)]
  pub to: Option<String>,
  /// Only mails about this invite.
  #[serde(default)]
  pub user_invite_id: Option<String>,
}

/// The words of the invitation in one language; `{app}` is what the invitee is invited to join.
struct Wording {
  subject: &'static str,
  heading: &'static str,
  hi: &'static str,
  invited: &'static str,
  button: &'static str,
  valid_until: &'static str,
  paste: &'static str,
}

const ENGLISH: Wording = Wording {
  subject: "User Invitation",
  heading: "Accept Invite",
  hi: "Hi",
  invited: "you are invited to join {app}.",
  button: "Accept Invite",
  valid_until: "This invitation is valid until",
  paste: "If the button does not work, open this link:",
};

/// The wording for `locale`; English where we have no translation.
fn wording(locale: &str) -> &'static Wording {
  const GERMAN: Wording = Wording {
    subject: "Benutzereinladung",
    heading: "Einladung annehmen",
    hi: "Hallo",
    invited: "Sie wurden eingeladen, {app} beizutreten.",
    button: "Einladung annehmen",
    valid_until: "Diese Einladung ist gültig bis",
    paste: "Falls die Schaltfläche nicht funktioniert, öffnen Sie diesen Link:",
  };
  const FRENCH: Wording = Wording {
    subject: "Invitation d'utilisateur",
    heading: "Accepter l'invitation",
    hi: "Bonjour",
    invited: "vous êtes invité(e) à rejoindre {app}.",
    button: "Accepter l'invitation",
    valid_until: "Cette invitation est valable jusqu'au",
    paste: "Si le bouton ne fonctionne pas, ouvrez ce lien :",
  };
  const SPANISH: Wording = Wording {
    subject: "Invitación de usuario",
    heading: "Aceptar invitación",
    hi: "Hola",
    invited: "te han invitado a unirte a {app}.",
    button: "Aceptar invitación",
    valid_until: "Esta invitación es válida hasta el",
    paste: "Si el botón no funciona, abre este enlace:",
  };
  const ITALIAN: Wording = Wording {
    subject: "Invito utente",
    heading: "Accetta l'invito",
    hi: "Ciao",
    invited: "sei stato invitato a unirti a {app}.",
    button: "Accetta l'invito",
    valid_until: "Questo invito è valido fino al",
    paste: "Se il pulsante non funziona, apri questo link:",
  };
  const PORTUGUESE: Wording = Wording {
    subject: "Convite de usuário",
    heading: "Aceitar convite",
    hi: "Olá",
    invited: "você foi convidado para participar de {app}.",
    button: "Aceitar convite",
    valid_until: "Este convite é válido até",
    paste: "Se o botão não funcionar, abra este link:",
  };
  const DUTCH: Wording = Wording {
    subject: "Gebruikersuitnodiging",
    heading: "Uitnodiging accepteren",
    hi: "Hallo",
    invited: "je bent uitgenodigd om lid te worden van {app}.",
    button: "Uitnodiging accepteren",
    valid_until: "Deze uitnodiging is geldig tot",
    paste: "Werkt de knop niet? Open dan deze link:",
  };
  let language = locale.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
  match language.as_str() {
    "de" => &GERMAN,
    "fr" => &FRENCH,
    "es" => &SPANISH,
    "it" => &ITALIAN,
    "pt" => &PORTUGUESE,
    "nl" => &DUTCH,
    _ => &ENGLISH,
  }
}

/// A moment as people read it in a mail: `2026-12-08 18:44 UTC`.
pub(crate) fn human_time(ms: i64) -> String {
  chrono::DateTime::from_timestamp_millis(ms)
    .unwrap_or_default()
    .format("%Y-%m-%d %H:%M UTC")
    .to_string()
}

/// What an invitation mail says: enough to compose its text and HTML in its language.
struct Letter<'a> {
  locale: &'a str,
  first_name: Option<&'a str>,
  /// What the invitee is invited to join.
  app: &'a str,
  accept_url: &'a str,
  valid_till: i64,
}

impl Letter<'_> {
  /// The mail's text and HTML.
  fn compose(&self) -> (String, String) {
    let words = wording(self.locale);
    // "Hi Ada, you are…", and "Hi, you are…" without a name (never "Hi , you are…").
    let greeting = match self.first_name.map(str::trim).filter(|n| !n.is_empty()) {
      Some(name) => format!("{} {name}", words.hi),
      None => words.hi.to_owned(),
    };
    let line = format!("{greeting}, {}", words.invited.replace("{app}", self.app));
    let valid = format!("{} {}.", words.valid_until, human_time(self.valid_till));
    let text = format!(
      "{}\n\n{line}\n\n{}: {}\n\n{valid}\n",
      words.heading, words.button, self.accept_url
    );
    (text, html_mail(words, &line, self.accept_url, &valid).into_string())
  }
}

/// The HTML mail: inline styles only, as mail clients need them.
fn html_mail(words: &Wording, line: &str, accept_url: &str, valid: &str) -> Markup {
  html! {
    (maud::DOCTYPE)
    html {
      head { meta charset="utf-8"; title { (words.subject) } }
      body style="margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1f2933" {
        div style="max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:32px" {
          h1 style="margin:0 0 16px;font-size:22px" { (words.heading) }
          p style="margin:0 0 24px;font-size:16px;line-height:1.5" { (line) }
          p style="margin:0 0 24px" {
            a href=(accept_url) style="display:inline-block;background:#2f54eb;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:bold" {
              (words.button)
            }
          }
          p style="margin:0 0 8px;font-size:13px;color:#52606d" { (words.paste) }
          p style="margin:0 0 24px;font-size:13px;word-break:break-all" { a href=(accept_url) { (accept_url) } }
          p style="margin:0;font-size:13px;color:#52606d" { (valid) }
        }
      }
    }
  }
}

/// The link a mail carries: the accept page with `?token=`.
pub(crate) fn accept_link(rules: &Rules, token: &str) -> url::Url {
  let mut accept_url = rules.accept_url.clone();
  accept_url.query_pairs_mut().append_pair("token", token);
  accept_url
}

/// Writes the invitation mail for `invite`, whose accept token is `token`.
pub(crate) fn write_invitation(
  connection: &Connection,
  rules: &Rules,
  invite: &Invite,
  token: &str,
  now: i64,
) -> rusqlite::Result<()> {
  let locale = invite
    .locale
    .clone()
    .filter(|l| !l.trim().is_empty())
    .unwrap_or_else(|| "en-US".to_owned());
  let accept_url = accept_link(rules, token);
  // What it says is kept, and composed when the outbox is read.
  connection
    .prepare_cached(
      "INSERT INTO mails (user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token, created_at,
                          first_name, app, valid_till)
       VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
      invite.id,
      invite.tenant_id,
      invite.email,
      locale,
      wording(&locale).subject,
      accept_url.as_str(),
      token,
      now,
      invite.first_name,
      rules.app_name.as_deref().unwrap_or(&invite.tenant_id),
      invite.valid_till,
    ])?;
  Ok(())
}

impl Platform {
  /// The mails written so far, oldest first.
  pub fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<Mail>, Problem> {
    let connection = self.store.lock();
    let mut statement = connection.prepare_cached(
      "SELECT seq, recipient, locale, subject, body, accept_url, token, user_invite_id, tenant_id, created_at,
              first_name, app, valid_till
       FROM mails
       WHERE (?1 IS NULL OR lower(recipient) = lower(?1)) AND (?2 IS NULL OR user_invite_id = ?2)
       ORDER BY seq",
    )?;
    let mails = statement
      .query_map(
        params![filter.to.as_deref().map(str::trim), filter.user_invite_id],
        |row| {
          let (locale, accept_url): (String, String) = (row.get(2)?, row.get(5)?);
          let (first_name, app, valid_till): (Option<String>, Option<String>, Option<i64>) =
            (row.get(10)?, row.get(11)?, row.get(12)?);
          let (text, html) = match (app, valid_till) {
            (Some(app), Some(valid_till)) => Letter {
              locale: &locale,
              first_name: first_name.as_deref(),
              app: &app,
              accept_url: &accept_url,
              valid_till,
            }
            .compose(),
            // A mail an older emulator stored whole: its text, as it was.
            _ => {
              let text: String = row.get(4)?;
              let html = html! { pre { (text) } }.into_string();
              (text, html)
            }
          };
          Ok(Mail {
            id: row.get(0)?,
            to: row.get(1)?,
            subject: row.get(3)?,
            text,
            html,
            token: row.get(6)?,
            user_invite_id: row.get(7)?,
            tenant_id: row.get(8)?,
            created_at: iso(row.get(9)?),
            locale,
            accept_url,
          })
        },
      )?
      .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(mails)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn letter<'a>(first_name: Option<&'a str>, app: &'a str, locale: &'a str) -> Letter<'a> {
    Letter {
      locale,
      first_name,
      app,
      accept_url: "http://x/accept?token=t",
      valid_till: 1_800_000_000_000,
    }
  }

  #[test]
  fn follows_roqs_template_and_never_greets_an_empty_name() {
    assert_eq!(wording("en-US").subject, "User Invitation");
    let (text, html) = letter(Some("Ada"), "Launchpad", "en-US").compose();
    assert!(text.contains("Hi Ada, you are invited to join Launchpad."), "{text}");
    assert!(
      html.contains("Accept Invite") && html.contains("href=\"http://x/accept?token=t\""),
      "{html}"
    );
    for name in [None, Some(""), Some("  ")] {
      let (text, html) = letter(name, "acme", "en-US").compose();
      assert!(text.contains("Hi, you are invited to join acme."), "{text}");
      assert!(!text.contains("Hi ,") && !html.contains("Hi ,"), "{text}");
    }
  }

  #[test]
  fn speaks_the_invites_language_and_escapes_html() {
    assert_eq!(wording("de-DE").subject, "Benutzereinladung");
    let (text, _) = letter(Some("Ada"), "acme", "de-DE").compose();
    assert!(
      text.contains("Hallo Ada, Sie wurden eingeladen, acme beizutreten."),
      "{text}"
    );
    let (_, html) = letter(Some("<b>Ada</b>"), "acme", "en").compose();
    assert!(
      html.contains("&lt;b&gt;Ada&lt;/b&gt;") && !html.contains("<b>Ada"),
      "{html}"
    );
  }

  #[test]
  fn debug_output_holds_no_accept_token() {
    let mail = Mail {
      id: 1,
      to: "ada@example.com".into(),
      locale: "en-US".into(),
      subject: "User Invitation".into(),
      text: "http://x/accept?token=tok_secret".into(),
      html: "href=\"http://x/accept?token=tok_secret\"".into(),
      accept_url: "http://x/accept?token=tok_secret".into(),
      token: "tok_secret".into(),
      user_invite_id: "i1".into(),
      tenant_id: "t1".into(),
      created_at: "2026-12-03T00:00:00.000Z".into(),
    };
    let shown = format!("{mail:?}");
    assert!(
      !shown.contains("tok_secret") && shown.contains("ada@example.com"),
      "{shown}"
    );
  }
}
