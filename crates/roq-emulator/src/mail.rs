//! The outbox: every invite (and resend) writes a mail here instead of sending it. Nothing
//! leaves the machine; tests, the demo and the CLI read the mails and their accept links.

use rusqlite::{Connection, params};
use serde::Serialize;
use url::Url;

use crate::invites::Invite;
use crate::platform::{Platform, Problem, iso};

/// A mail in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
  /// Position in the outbox, from 1.
  pub id: i64,
  pub to: String,
  pub locale: String,
  pub subject: String,
  pub text: String,
  /// The link the invitee clicks: the emulator's `acceptUrl` with `?token=<one-time token>`.
  pub accept_url: String,
  /// The one-time token the link carries, for `acceptUserInvite({ data: { token } })`.
  pub token: String,
  pub user_invite_id: String,
  pub tenant_id: String,
  pub created_at: String,
}

/// Which mails to read.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboxFilter {
  /// Only mails to this address (ignoring case).
  #[serde(default)]
  pub to: Option<String>,
  /// Only mails about this invite.
  #[serde(default)]
  pub user_invite_id: Option<String>,
}

/// The invitation text in the invite's language; English where we have no translation.
fn invitation_text(locale: &str) -> (&'static str, &'static str) {
  match locale
    .split(['-', '_'])
    .next()
    .unwrap_or_default()
    .to_ascii_lowercase()
    .as_str()
  {
    "de" => (
      "Sie wurden eingeladen",
      "Sie wurden eingeladen. Nehmen Sie die Einladung hier an:",
    ),
    "fr" => (
      "Vous avez été invité(e)",
      "Vous avez été invité(e). Acceptez l'invitation ici :",
    ),
    "es" => (
      "Has recibido una invitación",
      "Has recibido una invitación. Acéptala aquí:",
    ),
    "it" => ("Hai ricevuto un invito", "Hai ricevuto un invito. Accettalo qui:"),
    "pt" => ("Você foi convidado", "Você foi convidado. Aceite o convite aqui:"),
    "nl" => (
      "Je bent uitgenodigd",
      "Je bent uitgenodigd. Accepteer de uitnodiging hier:",
    ),
    _ => (
      "You have been invited",
      "You have been invited. Accept the invitation here:",
    ),
  }
}

/// Writes the invitation mail for `invite`, whose accept token is `token`.
pub(crate) fn write_invitation(
  connection: &Connection,
  accept_base: &Url,
  invite: &Invite,
  token: &str,
  now: i64,
) -> rusqlite::Result<()> {
  let locale = invite
    .locale
    .clone()
    .filter(|l| !l.trim().is_empty())
    .unwrap_or_else(|| "en-US".to_owned());
  let (subject, intro) = invitation_text(&locale);
  let mut accept_url = accept_base.clone();
  accept_url.query_pairs_mut().append_pair("token", token);
  let greeting = match invite.first_name.as_deref().filter(|n| !n.is_empty()) {
    Some(name) => format!("Hello {name},"),
    None => "Hello,".to_owned(),
  };
  let text = format!(
    "{greeting}\n\n{intro}\n{accept_url}\n\nValid until {}.\n",
    iso(invite.valid_till)
  );
  connection
    .prepare_cached(
      "INSERT INTO mails (user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
      invite.id,
      invite.tenant_id,
      invite.email,
      locale,
      subject,
      text,
      accept_url.as_str(),
      token,
      now
    ])?;
  Ok(())
}

impl Platform {
  /// The mails written so far, oldest first.
  pub fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<Mail>, Problem> {
    let connection = self.store.lock();
    let mut statement = connection.prepare_cached(
      "SELECT seq, recipient, locale, subject, body, accept_url, token, user_invite_id, tenant_id, created_at FROM mails
       WHERE (?1 IS NULL OR lower(recipient) = lower(?1)) AND (?2 IS NULL OR user_invite_id = ?2)
       ORDER BY seq",
    )?;
    let mails = statement
      .query_map(
        params![filter.to.as_deref().map(str::trim), filter.user_invite_id],
        |row| {
          Ok(Mail {
            id: row.get(0)?,
            to: row.get(1)?,
            locale: row.get(2)?,
            subject: row.get(3)?,
            text: row.get(4)?,
            accept_url: row.get(5)?,
            token: row.get(6)?,
            user_invite_id: row.get(7)?,
            tenant_id: row.get(8)?,
            created_at: iso(row.get(9)?),
          })
        },
      )?
      .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(mails)
  }
}
