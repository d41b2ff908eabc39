//! [`Histogram`]: a lock-free latency histogram in microseconds.

use std::sync::atomic::{AtomicU64, Ordering};

/// Values below this are counted exactly, one bucket per microsecond.
const LINEAR: u64 = 1024;
/// Sub-buckets per power of two above [`LINEAR`]: a relative error below 0.2 %.
const SUB: u64 = 512;
/// Powers of two above [`LINEAR`] (up to about 2^40 µs, 12 days).
const OCTAVES: u64 = 30;

/// Latencies in microseconds, recorded from any number of tasks at once, with a bounded
/// relative error (0.2 %) and a fixed size (about 130 KiB).
#[derive(Debug)]
pub(crate) struct Histogram {
    counts: Vec<AtomicU64>,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

impl Histogram {
    /// An empty histogram.
    pub(crate) fn new() -> Self {
        let buckets = LINEAR + OCTAVES * SUB;
        Histogram {
            counts: (0..buckets).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Counts one value.
    pub(crate) fn record(&self, micros: u64) {
        let index = bucket(micros).min(self.counts.len() - 1);
        self.counts[index].fetch_add(1, Ordering::Relaxed);
    }

    /// How many values were recorded.
    pub(crate) fn count(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// The value at quantile `q` (0..=1) in microseconds, or 0 when empty: the upper bound of
    /// the bucket holding the `ceil(q * count)`-th smallest value.
    pub(crate) fn quantile(&self, q: f64) -> u64 {
        let total = self.count();
        if total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, c) in self.counts.iter().enumerate() {
            seen += c.load(Ordering::Relaxed);
            if seen >= rank {
                return upper_bound(index as u64);
            }
        }
        upper_bound(self.counts.len() as u64 - 1)
    }
}

/// The bucket of `v`.
fn bucket(v: u64) -> usize {
    if v < LINEAR {
        return v as usize;
    }
    // v in [2^k, 2^(k+1)) with k >= 10: octave k - 10, sub-bucket from the 9 bits below the top.
    let k = 63 - u64::from(v.leading_zeros());
    let octave = k - LINEAR.trailing_zeros() as u64;
    let sub = (v >> (k - 9)) - SUB;
    (LINEAR + octave * SUB + sub) as usize
}

/// The largest value in bucket `index`.
fn upper_bound(index: u64) -> u64 {
    if index < LINEAR {
        return index;
    }
    let octave = (index - LINEAR) / SUB;
    let sub = (index - LINEAR) % SUB;
    let k = octave + LINEAR.trailing_zeros() as u64;
    let low = (SUB + sub) << (k - 9);
    low + (1 << (k - 9)) - 1
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn buckets_hold_their_values_within_the_error_bound() {
        for v in [
            0, 1, 1023, 1024, 1025, 2047, 2048, 5000, 123_456, 10_000_000,
        ] {
            let b = bucket(v) as u64;
            let hi = upper_bound(b);
            assert!(hi >= v, "{v} above its bucket's bound {hi}");
            assert!((hi - v) as f64 <= v as f64 * 0.002, "{v} -> {hi}");
            if b > 0 {
                assert!(upper_bound(b - 1) < v);
            }
        }
    }

    #[test]
    fn quantiles_of_a_known_distribution() {
        let h = Histogram::new();
        for v in 1..=1000 {
            h.record(v);
        }
        assert_eq!(h.count(), 1000);
        assert_eq!(h.quantile(0.5), 500);
        assert_eq!(h.quantile(0.99), 990);
        assert_eq!(h.quantile(1.0), 1000);
        h.record(100_000);
        assert_eq!(h.count(), 1001);
        assert!(h.quantile(1.0) >= 100_000);
        assert_eq!(Histogram::new().quantile(0.5), 0);
    }
}
