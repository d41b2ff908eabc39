//! [`Gauge`] and [`GaugeVec`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::family::{Series, Shared};
use super::text::{self, Number};

/// A value that goes up and down (Prometheus `gauge`), an `f64` kept in an atomic. Cloning
/// gives another handle to the same series.
#[derive(Debug, Clone)]
pub struct Gauge(Arc<AtomicU64>);

impl Default for Gauge {
    fn default() -> Self {
        Gauge(Arc::new(AtomicU64::new(0f64.to_bits())))
    }
}

impl Gauge {
    /// Sets the value.
    pub fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    /// Adds `delta` (negative to subtract).
    pub fn add(&self, delta: f64) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + delta).to_bits())
            });
    }

    /// Adds one.
    pub fn inc(&self) {
        self.add(1.0);
    }

    /// Subtracts one.
    pub fn dec(&self) {
        self.add(-1.0);
    }

    /// The current value.
    #[must_use]
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

impl Series for Gauge {
    type Config = ();
    const KIND: &'static str = "gauge";

    fn create((): &()) -> Self {
        Gauge::default()
    }

    fn render(&self, name: &str, labels: &[(&str, &str)], out: &mut String) {
        text::write_sample(out, name, "", labels, None, Number::Float(self.get()));
    }
}

/// A family of [`Gauge`]s with `N` labels, from
/// [`Metrics::gauge_vec`](super::Metrics::gauge_vec).
#[derive(Clone)]
pub struct GaugeVec<const N: usize>(pub(crate) Shared<Gauge, N>);

impl<const N: usize> GaugeVec<N> {
    /// The gauge for these label values (in the order the labels were registered), created at
    /// zero on first use.
    #[must_use]
    pub fn with_labels(&self, values: [&str; N]) -> Gauge {
        self.0.get(values)
    }
}

impl<const N: usize> std::fmt::Debug for GaugeVec<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GaugeVec").finish_non_exhaustive()
    }
}
