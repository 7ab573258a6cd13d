//! Independent fits side by side: the candidates of a model search and the folds of the
//! out-of-fold scores are small models whose histograms one core builds, so the machine's
//! other cores would sit idle.

/// `f` of every item, `worker_threads()` of them at a time, in the items' order. A panic in
/// one is raised again here.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = crate::log::worker_threads();
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(threads) {
        std::thread::scope(|s| {
            let handles: Vec<_> = chunk.iter().map(|item| s.spawn(|| f(item))).collect();
            for h in handles {
                out.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
        // Each thread's allocations sit in an arena of its own, whose freed pages the next
        // threads would not reuse: handed back, the peak stays what is in use.
        crate::memory::give_back_freed_memory();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order() {
        let items: Vec<u64> = (0..9).collect();
        let out = in_parallel(&items, |&i| {
            std::thread::sleep(std::time::Duration::from_millis(10 * (9 - i)));
            i * i
        });
        assert_eq!(out, items.iter().map(|i| i * i).collect::<Vec<_>>());
    }
}
