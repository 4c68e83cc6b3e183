//! Work shared out over scoped threads: each takes the next item from an
//! atomic index until none is left; results come back in item order.

mod placement;

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, on up to `threads` threads (this one included), the
/// items of the largest `weight` taken first (longest-processing-time-first
/// keeps a large item from running alone at the end); results come back in
/// item order.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable: equal weights keep file order.
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let next = AtomicUsize::new(0);
    let spread = placement::Spread::new(threads);
    let work = || {
        spread.take_cpu();
        let mut done = Vec::new();
        loop {
            let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return done;
            };
            done.push((i, f(&items[i])));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            // A helper only panics if `f` does; the panic goes on here.
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// `a` on a second thread and `b` on this one, each on a CPU of its own
/// where there are two; both results. A panic in `a` goes on here.
pub fn join<RA: Send, RB>(a: impl FnOnce() -> RA + Send, b: impl FnOnce() -> RB) -> (RA, RB) {
    let spread = placement::Spread::new(2);
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            spread.take_cpu();
            a()
        });
        spread.take_cpu();
        let b = b();
        match helper.join() {
            Ok(a) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// How many threads to use: the caller's choice, or one per core for work
/// of at least `worth_it` (in the items' weight).
pub fn threads_for(requested: Option<usize>, items: usize, worth_it: usize) -> usize {
    match requested {
        Some(n) => n.max(1),
        None if items < worth_it => 1,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_item_order_for_any_thread_count() {
        let items: Vec<u64> = (0..100).collect();
        for threads in 1..6 {
            assert_eq!(
                map(&items, threads, |_| 0, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
        assert!(map(&Vec::<u8>::new(), 4, |_| 0, |x| *x).is_empty());
    }

    #[test]
    fn join_returns_both_results() {
        let items: Vec<u64> = (0..1000).collect();
        let (sum, max) = join(|| items.iter().sum::<u64>(), || items.iter().max().copied());
        assert_eq!((sum, max), (499_500, Some(999)));
    }

    #[test]
    fn weights_change_the_order_of_work_not_of_results() {
        let items: Vec<usize> = (0..50).collect();
        for threads in 1..4 {
            let doubled = map(&items, threads, |x| x % 7, |x| x * 2);
            assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
