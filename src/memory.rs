//! Handing freed memory back to the system between the phases of a big job. The allocator
//! keeps pages freed by the threads of one phase (the reader's chunks) for reuse, so the
//! process's resident size would stay at its peak; after a phase's big buffers are dropped
//! this returns those pages, and the next phase's peak starts from what is really in use.
//!
//! The networks work the other way: Candle allocates every tensor of every step anew, and
//! glibc maps each buffer past its threshold fresh from the kernel, zeroing every page on
//! first touch. Those buffers are kept for reuse instead (`reuse_tensor_buffers`).

/// Returns freed heap pages to the system (glibc's `malloc_trim`; elsewhere nothing to do).
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Buffers below this size come from the heap and are reused once freed, however large a
/// batch's tensors grow (glibc's own threshold adapts only up to the largest buffer freed so
/// far, and a network's step frees many of several megabytes).
const HEAP_BUFFERS_UP_TO: usize = 64 << 20;
/// Freed memory kept at the heap's top before it is returned: a network's steps free and take
/// again about this much, every step.
const KEEP_FREED_UP_TO: usize = 256 << 20;

/// Keeps freed tensor buffers for the next step's tensors rather than returning them to the
/// kernel and mapping them again. On the behaviour model's training batches (256 passes) the
/// mapping and zeroing took more time than the arithmetic: `train` for one epoch on the
/// bundled sample took 34.8 s, 27 s of it system time, and takes 17.8 s (1.7 s) with the
/// buffers kept. Set once per process; `give_back_freed_memory` still returns what a phase
/// freed.
pub fn reuse_tensor_buffers() {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only sets two of the allocator's tunables; it takes no pointers.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, HEAP_BUFFERS_UP_TO as libc::c_int);
            libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREED_UP_TO as libc::c_int);
        }
    });
}
