//! [`Histogram`] and [`HistogramVec`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::family::{Series, Shared};
use super::text::{self, Number};

/// Prometheus's default buckets, in seconds: 5 ms to 10 s.
pub const DEFAULT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Buckets for request latencies, in seconds: 0.5 ms to 10 s.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A distribution of observed values in buckets (Prometheus `histogram`): each bucket counts
/// the observations at most its upper bound, and the series also has their sum and count.
/// Cloning gives another handle to the same series; an observation is two atomic updates.
#[derive(Debug, Clone)]
pub struct Histogram(Arc<Cells>);

#[derive(Debug)]
struct Cells {
    /// Finite, strictly increasing upper bounds; `+Inf` is implicit.
    bounds: Arc<[f64]>,
    /// Observations per bucket, not cumulative; the last counts those above every bound.
    counts: Box<[AtomicU64]>,
    /// The sum of observations, as `f64` bits.
    sum: AtomicU64,
}

impl Histogram {
    pub(crate) fn with_bounds(bounds: Arc<[f64]>) -> Self {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        Histogram(Arc::new(Cells {
            bounds,
            counts,
            sum: AtomicU64::new(0f64.to_bits()),
        }))
    }

    /// Records one observation. NaN is ignored (it belongs in no bucket).
    pub fn observe(&self, value: f64) {
        if value.is_nan() {
            return;
        }
        let cells = &*self.0;
        let index = cells.bounds.partition_point(|&bound| bound < value);
        if let Some(count) = cells.counts.get(index) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let _ = cells
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + value).to_bits())
            });
    }

    /// Records a duration in seconds.
    pub fn observe_duration(&self, duration: Duration) {
        self.observe(duration.as_secs_f64());
    }

    /// How many values were observed.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.0
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }

    /// The sum of the observed values.
    #[must_use]
    pub fn sum(&self) -> f64 {
        f64::from_bits(self.0.sum.load(Ordering::Relaxed))
    }
}

impl Series for Histogram {
    type Config = Arc<[f64]>;
    const KIND: &'static str = "histogram";

    fn create(bounds: &Arc<[f64]>) -> Self {
        Histogram::with_bounds(Arc::clone(bounds))
    }

    fn render(&self, name: &str, labels: &[(&str, &str)], out: &mut String) {
        let cells = &*self.0;
        // Cumulative counts from one read of each bucket, so the buckets never decrease and
        // `+Inf` equals `_count` even while observations arrive.
        let mut cumulative = 0u64;
        for (i, count) in cells.counts.iter().enumerate() {
            cumulative = cumulative.saturating_add(count.load(Ordering::Relaxed));
            let le = match cells.bounds.get(i) {
                Some(&bound) => text::float_text(bound),
                None => "+Inf".to_owned(),
            };
            text::write_sample(
                out,
                name,
                "_bucket",
                labels,
                Some(("le", &le)),
                Number::Int(cumulative),
            );
        }
        text::write_sample(out, name, "_sum", labels, None, Number::Float(self.sum()));
        text::write_sample(out, name, "_count", labels, None, Number::Int(cumulative));
    }
}

/// A family of [`Histogram`]s with `N` labels, from
/// [`Metrics::histogram_vec`](super::Metrics::histogram_vec).
#[derive(Clone)]
pub struct HistogramVec<const N: usize>(pub(crate) Shared<Histogram, N>);

impl<const N: usize> HistogramVec<N> {
    /// The histogram for these label values (in the order the labels were registered), created
    /// empty on first use.
    #[must_use]
    pub fn with_labels(&self, values: [&str; N]) -> Histogram {
        self.0.get(values)
    }
}

impl<const N: usize> std::fmt::Debug for HistogramVec<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistogramVec").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_upper_bounds_inclusive_and_cumulative() {
        let h = Histogram::with_bounds(Arc::from([1.0, 2.0]));
        for v in [0.5, 1.0, 1.5, 3.0, f64::NAN] {
            h.observe(v);
        }
        let mut out = String::new();
        h.render("h", &[("a", "b")], &mut out);
        assert_eq!(
            out,
            "h_bucket{a=\"b\",le=\"1\"} 2\nh_bucket{a=\"b\",le=\"2\"} 3\n\
             h_bucket{a=\"b\",le=\"+Inf\"} 4\nh_sum{a=\"b\"} 6\nh_count{a=\"b\"} 4\n"
        );
        assert_eq!(h.count(), 4);
    }
}
