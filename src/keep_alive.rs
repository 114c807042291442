//! What keeps Node running while a referenced emulator runs, as `net.Server#ref()` keeps it
//! running with its socket: a thread-safe function, which is a libuv handle that the event loop
//! counts while it is referenced. It is never called; releasing it lets Node exit again.

use std::sync::{Mutex, PoisonError};

use napi::Env;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunction;

type Handle = ThreadsafeFunction<(), (), (), Status, false>;

#[derive(Default)]
struct State {
  handle: Option<Handle>,
  /// After `close`, nothing is held again: a stopped emulator keeps nothing alive.
  closed: bool,
}

/// A handle held while referenced.
#[derive(Default)]
pub struct KeepAlive(Mutex<State>);

impl KeepAlive {
  /// Keeps the event loop alive (does nothing if already held, or once closed).
  pub fn hold(&self, env: &Env) -> Result<()> {
    let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
    if state.handle.is_none() && !state.closed {
      let never_called = env.create_function_from_closure::<(), (), _>("keepAlive", |_| Ok(()))?;
      state.handle = Some(never_called.build_threadsafe_function().build()?);
    }
    Ok(())
  }

  /// Lets the event loop exit: the handle is released (and closed by Node on its thread).
  pub fn release(&self) {
    let handle = self.0.lock().unwrap_or_else(PoisonError::into_inner).handle.take();
    drop(handle);
  }

  /// Releases the handle for good.
  pub fn close(&self) {
    let handle = {
      let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
      state.closed = true;
      state.handle.take()
    };
    drop(handle);
  }
}
