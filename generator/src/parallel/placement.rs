//! Puts each worker thread on a CPU of its own when the work starts.
//!
//! A new thread starts on its parent's CPU. Where the scheduler packs
//! threads onto as few CPUs as it can (as on the 2-vCPU VMs we measure
//! on), it then waits there until the next balancing tick, 3-4 ms later:
//! longer than the whole run of a small spec, so a second thread made such
//! runs slower instead of quicker. Each worker therefore moves itself to a
//! CPU of its own first, then gives its CPU mask back: the kernel leaves a
//! running thread where it is, and stays free to move it later.

/// The CPUs the workers go to, the caller's own last.
pub struct Spread {
    #[cfg(target_os = "linux")]
    inner: Option<linux::Spread>,
}

impl Spread {
    /// A placement for `threads` workers (this thread among them); none
    /// when there is one, or the CPUs cannot be read.
    pub fn new(threads: usize) -> Self {
        #[cfg(target_os = "linux")]
        {
            Self {
                inner: (threads > 1).then(linux::Spread::new).flatten(),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = threads;
            Self {}
        }
    }

    /// Moves the calling worker to the next CPU of the spread. The first
    /// worker to run goes elsewhere, since the one it took the CPU from
    /// waits on it; the last keeps the caller's CPU.
    pub fn take_cpu(&self) {
        #[cfg(target_os = "linux")]
        if let Some(inner) = &self.inner {
            inner.take_cpu();
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Spread {
        /// The caller's mask, given back to each worker once it has moved.
        allowed: libc::cpu_set_t,
        /// Allowed CPUs, the caller's current one last.
        cpus: Vec<usize>,
        next: AtomicUsize,
    }

    impl Spread {
        pub fn new() -> Option<Self> {
            let allowed = current_mask()?;
            // SAFETY: sched_getcpu takes no arguments; -1 is its error.
            let here = usize::try_from(unsafe { libc::sched_getcpu() }).ok()?;
            let set_size = 8 * std::mem::size_of::<libc::cpu_set_t>();
            // SAFETY: every index is below the set's size in bits.
            let mut cpus: Vec<usize> = (0..set_size)
                .filter(|&cpu| cpu != here && unsafe { libc::CPU_ISSET(cpu, &allowed) })
                .collect();
            if cpus.is_empty() {
                return None;
            }
            cpus.push(here);
            Some(Self {
                allowed,
                cpus,
                next: AtomicUsize::new(0),
            })
        }

        /// Returns the CPU the thread was on once moved, if it moved.
        pub fn take_cpu(&self) -> Option<usize> {
            let turn = self.next.fetch_add(1, Ordering::Relaxed);
            let cpu = self.cpus[turn % self.cpus.len()];
            // SAFETY: a zeroed cpu_set_t is an empty set, and `cpu` is below
            // its size in bits.
            let mut only = unsafe { std::mem::zeroed::<libc::cpu_set_t>() };
            unsafe { libc::CPU_SET(cpu, &mut only) };
            // Moving is an optimisation: when a call fails, the thread runs
            // where the scheduler puts it, as it would have anyway.
            if !set_mask(&only) {
                return None;
            }
            // SAFETY: as in `new`.
            let moved_to = usize::try_from(unsafe { libc::sched_getcpu() }).ok();
            set_mask(&self.allowed);
            moved_to
        }
    }

    pub(super) fn current_mask() -> Option<libc::cpu_set_t> {
        // SAFETY: the set is written by the call, whose size it is given.
        let mut set = unsafe { std::mem::zeroed::<libc::cpu_set_t>() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        (unsafe { libc::sched_getaffinity(0, size, &mut set) } == 0).then_some(set)
    }

    /// Sets the calling thread's CPU mask; whether that worked.
    fn set_mask(set: &libc::cpu_set_t) -> bool {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `set` is a valid cpu_set_t of that size; 0 is this thread.
        unsafe { libc::sched_setaffinity(0, size, set) == 0 }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::linux;

    #[test]
    fn workers_run_on_cpus_of_their_own_and_keep_their_mask() {
        let before = linux::current_mask().expect("the thread's CPU mask");
        let Some(spread) = linux::Spread::new() else {
            // One CPU allowed: nothing to spread over.
            return;
        };
        let (helper, caller) = std::thread::scope(|scope| {
            let helper = scope.spawn(|| spread.take_cpu());
            let caller = spread.take_cpu();
            (helper.join().unwrap(), caller)
        });
        let (helper, caller) = (helper.expect("helper moved"), caller.expect("caller moved"));
        assert_ne!(helper, caller, "both workers on CPU {caller}");
        let after = linux::current_mask().expect("the thread's CPU mask");
        // SAFETY: both are initialised sets.
        assert!(
            unsafe { libc::CPU_EQUAL(&before, &after) },
            "the mask is given back"
        );
    }
}
