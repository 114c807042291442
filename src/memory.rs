//! Memory that a large send used goes back to the system when it ends.
//!
//! glibc keeps freed memory in per-thread arenas for reuse. After a 100,000-invite send, the
//! tokio threads' arenas held tens of MB more after each repeat (`npm run bench`, memory
//! scenario: RSS grew 60 to 160 MB over three repeats), although nothing was leaked: the V8 heap
//! and our live allocations were flat. `malloc_trim` returns those free pages at once; it takes
//! well under a millisecond, so it runs only after sends of many entries.
//!
//! mimalloc as the global allocator measured better (a quarter less CPU on the native threads,
//! RSS flat), but once in CI a process whose worker threads had loaded the addon died of SIGSEGV
//! at exit (Node 24), which 90 runs here could not reproduce. The system allocator stays until
//! mimalloc in a `dlopen`ed addon (initial-exec TLS, its collection at exit) is shown safe there.
//!
//! On musl as well, although rolldown and oxc put mimalloc there because musl's malloc is slow:
//! the musl addon is built and tested only by the release workflow, never on our machines, so a
//! crash like the one above would reach users before us; and a call mostly waits on the platform,
//! not on the allocator. musl's allocator returns freed memory by itself: `malloc_trim`, like the
//! arenas it trims, is glibc's alone, and elsewhere this does nothing.

/// Returns free heap memory to the system, where the allocator keeps it otherwise.
pub(crate) fn give_back() {
  #[cfg(all(target_os = "linux", target_env = "gnu"))]
  // SAFETY: malloc_trim only releases memory that is free; it takes the allocator's own locks.
  unsafe {
    libc::malloc_trim(0);
  }
}
