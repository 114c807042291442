//! The addon's allocator, and memory that a large send used going back to the system.
//!
//! mimalloc, as rolldown and oxc use: against glibc's malloc it cut the native threads' CPU per
//! invite by about a quarter (12.7 to 9.3 µs in a pinned 10,000-invite send, profiling build) and
//! keeps the RSS flat over repeated 100,000-invite sends (native memory grew 0.5-3 MB over three,
//! against 8-10 MB with glibc and `malloc_trim`). It holds about 20 MB more between sends. See
//! README, "Benchmarks".

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns the free memory this thread's heap holds to the system, where mimalloc would keep it
/// until the thread next allocates (an idle runtime never does).
pub(crate) fn give_back() {
  // SAFETY: mi_collect only releases memory that is free; it is safe on any thread.
  unsafe {
    libmimalloc_sys::mi_collect(true);
  }
}
