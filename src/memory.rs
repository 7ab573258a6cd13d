//! Handing freed memory back to the system between the phases of a big job. The allocator
//! keeps pages freed by the threads of one phase (the reader's chunks) for reuse, so the
//! process's resident size would stay at its peak; after a phase's big buffers are dropped
//! this returns those pages, and the next phase's peak starts from what is really in use.

/// Returns freed heap pages to the system (glibc's `malloc_trim`; elsewhere nothing to do).
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
