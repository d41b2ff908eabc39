//! [`FanoutStats`]: what every subscriber of a fan-out run records, shared lock-free.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

use crate::histogram::Histogram;

/// No phase is being measured.
const NO_PHASE: usize = usize::MAX;

/// What a subscriber received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Received {
    /// The snapshot answering its Subscribe.
    Initial,
    /// A later snapshot (coalesced changes).
    Snapshot,
    /// A delta.
    Delta,
}

/// The counters of one measured phase (one update rate).
#[derive(Debug, Default)]
pub(crate) struct PhaseStats {
    /// Deltas received.
    pub(crate) deltas: AtomicU64,
    /// Coalescing snapshots received.
    pub(crate) snapshots: AtomicU64,
    /// Deltas that did not follow the value held.
    pub(crate) gaps: AtomicU64,
    /// Frames that were errors or did not decode or apply.
    pub(crate) errors: AtomicU64,
    /// Change-to-client latency of every delta and snapshot received, µs.
    pub(crate) latency: Histogram,
}

/// Shared by the driver and every subscriber of one fan-out run.
#[derive(Debug)]
pub(crate) struct FanoutStats {
    /// Initial snapshots received.
    pub(crate) subscribed: AtomicUsize,
    /// Which phase is measured now, or [`NO_PHASE`].
    current: AtomicUsize,
    /// One entry per phase.
    pub(crate) phases: Vec<PhaseStats>,
    /// Gaps and errors outside any phase.
    pub(crate) unphased: PhaseStats,
    /// The sequence number of the quote each subscriber holds.
    seqs: Vec<AtomicI64>,
}

impl FanoutStats {
    /// Stats for `subscribers` subscribers and `phases` phases.
    pub(crate) fn new(subscribers: usize, phases: usize) -> Self {
        FanoutStats {
            subscribed: AtomicUsize::new(0),
            current: AtomicUsize::new(NO_PHASE),
            phases: (0..phases).map(|_| PhaseStats::default()).collect(),
            unphased: PhaseStats::default(),
            seqs: (0..subscribers).map(|_| AtomicI64::new(-1)).collect(),
        }
    }

    /// Starts measuring phase `index`.
    pub(crate) fn begin(&self, index: usize) {
        self.current.store(index, Ordering::SeqCst);
    }

    /// Stops measuring.
    pub(crate) fn end(&self) {
        self.current.store(NO_PHASE, Ordering::SeqCst);
    }

    fn phase(&self) -> &PhaseStats {
        self.phases
            .get(self.current.load(Ordering::Relaxed))
            .unwrap_or(&self.unphased)
    }

    /// Subscriber `index` received a value with sequence number `seq`, `latency_us` after the
    /// change that produced it.
    pub(crate) fn received(&self, index: usize, kind: Received, seq: i64, latency_us: u64) {
        if let Some(slot) = self.seqs.get(index) {
            slot.store(seq, Ordering::Relaxed);
        }
        let phase = self.phase();
        match kind {
            Received::Initial => {
                self.subscribed.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Received::Snapshot => phase.snapshots.fetch_add(1, Ordering::Relaxed),
            Received::Delta => phase.deltas.fetch_add(1, Ordering::Relaxed),
        };
        phase.latency.record(latency_us);
    }

    /// A delta that did not apply to the value held.
    pub(crate) fn gap(&self) {
        self.phase().gaps.fetch_add(1, Ordering::Relaxed);
    }

    /// An error frame, or a frame that did not decode.
    pub(crate) fn error(&self) {
        self.phase().errors.fetch_add(1, Ordering::Relaxed);
    }

    /// How many subscribers hold sequence number `seq` or later.
    pub(crate) fn caught_up(&self, seq: i64) -> usize {
        self.seqs
            .iter()
            .filter(|s| s.load(Ordering::Relaxed) >= seq)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_count_in_the_phase_being_measured() {
        let stats = FanoutStats::new(2, 2);
        stats.received(0, Received::Initial, 0, 5);
        stats.received(1, Received::Initial, 0, 5);
        assert_eq!(stats.subscribed.load(Ordering::Relaxed), 2);
        stats.begin(1);
        stats.received(0, Received::Delta, 1, 100);
        stats.received(1, Received::Snapshot, 1, 300);
        stats.gap();
        stats.end();
        stats.received(0, Received::Delta, 2, 100);
        let p = &stats.phases[1];
        assert_eq!(p.deltas.load(Ordering::Relaxed), 1);
        assert_eq!(p.snapshots.load(Ordering::Relaxed), 1);
        assert_eq!(p.gaps.load(Ordering::Relaxed), 1);
        assert_eq!(p.latency.count(), 2);
        assert_eq!(stats.phases[0].latency.count(), 0);
        assert_eq!(stats.unphased.deltas.load(Ordering::Relaxed), 1);
        assert_eq!(stats.caught_up(1), 2);
        assert_eq!(stats.caught_up(2), 1);
    }
}
