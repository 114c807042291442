//! Expiry on time: with webhooks configured, a pending invite whose validity runs out (as the
//! emulator's clock passes it) is marked expired then and there, so that the app hears of it.
//! Without webhooks nobody is waiting to hear, and an invite reads as expired whenever it is read
//! after its time.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::OptionalExtension;
use tokio_util::sync::CancellationToken;

use crate::platform::Platform;
use crate::platform::invite::{INVITE_COLUMNS, read_invite};
use crate::problem::Problem;

/// How long to wait at most before looking again, whatever happened meanwhile.
const RECHECK: Duration = Duration::from_secs(60);

impl Platform {
  /// The moment the next pending invite runs out, if any.
  fn next_expiry(&self) -> Result<Option<i64>, Problem> {
    let next: Option<i64> = self
      .store
      .lock()
      .query_row(
        "SELECT min(valid_till) FROM user_invites WHERE status = 'pending'",
        [],
        |row| row.get(0),
      )
      .optional()?
      .flatten();
    Ok(next)
  }

  /// Expires every pending invite whose validity has run out by now, in one transaction.
  fn expire_due(&self) -> Result<(), Problem> {
    let now = self.clock.now_ms();
    let mut connection = self.store.lock();
    let tx = connection.transaction()?;
    let due = tx
      .prepare_cached(&format!(
        "SELECT {INVITE_COLUMNS} FROM user_invites WHERE status = 'pending' AND valid_till <= ?1 ORDER BY valid_till"
      ))?
      .query_map([now], read_invite)?
      .collect::<rusqlite::Result<Vec<_>>>()?;
    for invite in &due {
      self.expire(&tx, invite)?;
    }
    tx.commit()?;
    drop(connection);
    self.webhooks.wake();
    Ok(())
  }
}

/// Expires invites as their time comes, until `stop` is cancelled. It looks the next end up only
/// when it knows of none, or the clock was moved: every invite is valid as long, so one sent later
/// ends later, and a commit wakes it without a look at the store.
pub(crate) async fn run(platform: Arc<Platform>, stop: CancellationToken) {
  let wake = Arc::clone(&platform.webhooks.expiry);
  let mut next = None;
  let mut offset = platform.clock.offset_ms();
  loop {
    let moved = std::mem::replace(&mut offset, platform.clock.offset_ms()) != offset;
    if next.is_none() || moved {
      next = platform.next_expiry().unwrap_or(None);
    }
    if next.is_some_and(|at| at <= platform.clock.now_ms()) {
      let _ = platform.expire_due();
      next = platform.next_expiry().unwrap_or(None);
    }
    let wait = next.map_or(RECHECK, |at| {
      Duration::from_millis(u64::try_from(at - platform.clock.now_ms() + 1).unwrap_or(0)).min(RECHECK)
    });
    tokio::select! {
      () = wake.notified() => {}
      () = tokio::time::sleep(wait) => {}
      () = stop.cancelled() => return,
    }
  }
}
