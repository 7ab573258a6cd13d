//! Independent fits side by side: the candidates of a model search and the folds of the
//! out-of-fold scores are small models whose histograms one core builds, so the machine's
//! other cores would sit idle.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, on `worker_threads()` threads that each take the next item as they
/// finish one (fits of unequal cost keep every core busy), in the items' order. A panic in
/// one is raised again here.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = crate::log::worker_threads().clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // Each thread's allocations sit in an arena of its own, whose freed pages later threads
    // would not reuse: handed back, the peak stays what is in use.
    crate::memory::give_back_freed_memory();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
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
