//! What every test file against the emulator needs: an emulator in this process, and a client
//! of it acting as the service account.

use roq_emulator::{Emulator, EmulatorOptions};
use roq_invites::{Client, Config};

/// An emulator on a free loopback port, with SQLite in memory.
pub async fn emulator() -> Emulator {
  Emulator::start(EmulatorOptions::default())
    .await
    .expect("the emulator starts")
}

/// The configuration that points at `emulator`, with its credentials.
pub fn config(emulator: &Emulator) -> Config {
  Config::new(emulator.url(), emulator.environment_id(), emulator.api_key()).unwrap()
}

/// A client of `emulator` with the default settings.
#[allow(dead_code, reason = "each test file is its own crate; not all of them use it")]
pub fn client(emulator: &Emulator) -> Client {
  Client::new(config(emulator)).unwrap()
}
