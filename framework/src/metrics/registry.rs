//! [`Metrics`]: the registry that owns every family and renders them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::family::{Collect, Family, Series};
use super::{Counter, CounterVec, Gauge, GaugeVec, Histogram, HistogramVec, MetricsError};

/// A registry of metrics, rendered together in the Prometheus text format by
/// [`render`](Self::render) (what `/metrics` serves).
///
/// Cloning gives another handle to the same registry. Registering takes a lock and checks the
/// names; the handles it returns update atomics without locks.
///
/// ```
/// use affinity::metrics::Metrics;
///
/// let metrics = Metrics::new();
/// let jobs = metrics.counter_vec("jobs_total", "Jobs run, by outcome.", ["outcome"])?;
/// jobs.with_labels(["ok"]).inc();
/// let depth = metrics.gauge("queue_depth", "Items waiting.")?;
/// depth.set(3.0);
///
/// let text = metrics.render();
/// assert!(text.contains("# TYPE jobs_total counter\njobs_total{outcome=\"ok\"} 1\n"));
/// assert!(text.contains("queue_depth 3\n"));
/// # Ok::<(), affinity::metrics::MetricsError>(())
/// ```
#[derive(Clone, Default)]
pub struct Metrics(Arc<Mutex<Registered>>);

#[derive(Default)]
struct Registered {
    names: HashSet<String>,
    families: Vec<Arc<dyn Collect>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Metrics::default()
    }

    /// Registers a counter without labels.
    pub fn counter(&self, name: &str, help: &str) -> Result<Counter, MetricsError> {
        Ok(self.counter_vec(name, help, [])?.with_labels([]))
    }

    /// Registers a family of counters with these label names.
    pub fn counter_vec<const N: usize>(
        &self,
        name: &str,
        help: &str,
        labels: [&str; N],
    ) -> Result<CounterVec<N>, MetricsError> {
        Ok(CounterVec(self.register(name, help, labels, (), false)?))
    }

    /// Registers a gauge without labels.
    pub fn gauge(&self, name: &str, help: &str) -> Result<Gauge, MetricsError> {
        Ok(self.gauge_vec(name, help, [])?.with_labels([]))
    }

    /// Registers a family of gauges with these label names.
    pub fn gauge_vec<const N: usize>(
        &self,
        name: &str,
        help: &str,
        labels: [&str; N],
    ) -> Result<GaugeVec<N>, MetricsError> {
        Ok(GaugeVec(self.register(name, help, labels, (), false)?))
    }

    /// Registers a histogram without labels, with these bucket upper bounds (finite, strictly
    /// increasing; the `+Inf` bucket is implicit). See [`DEFAULT_BUCKETS`](super::DEFAULT_BUCKETS).
    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        buckets: &[f64],
    ) -> Result<Histogram, MetricsError> {
        Ok(self.histogram_vec(name, help, [], buckets)?.with_labels([]))
    }

    /// Registers a family of histograms with these label names and bucket upper bounds.
    pub fn histogram_vec<const N: usize>(
        &self,
        name: &str,
        help: &str,
        labels: [&str; N],
        buckets: &[f64],
    ) -> Result<HistogramVec<N>, MetricsError> {
        check_buckets(name, buckets)?;
        let bounds: Arc<[f64]> = Arc::from(buckets);
        Ok(HistogramVec(
            self.register(name, help, labels, bounds, true)?,
        ))
    }

    /// Every registered family in the text exposition format 0.0.4, in registration order,
    /// each family's series sorted by label values.
    #[must_use]
    pub fn render(&self) -> String {
        let families = {
            let registered = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            registered.families.clone()
        };
        let mut out = String::new();
        for family in families {
            family.collect(&mut out);
        }
        out
    }

    fn register<M: Series, const N: usize>(
        &self,
        name: &str,
        help: &str,
        labels: [&str; N],
        config: M::Config,
        histogram: bool,
    ) -> Result<Arc<Family<M, N>>, MetricsError> {
        check_name(name)?;
        for (i, label) in labels.iter().enumerate() {
            check_label(name, label, histogram)?;
            if labels[..i].contains(label) {
                return Err(MetricsError::DuplicateLabel {
                    metric: name.to_owned(),
                    label: (*label).to_owned(),
                });
            }
        }
        let family = Arc::new(Family::<M, N>::new(
            name,
            help,
            labels.map(str::to_owned),
            config,
        ));
        let mut registered = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !registered.names.insert(name.to_owned()) {
            return Err(MetricsError::AlreadyRegistered(name.to_owned()));
        }
        registered.families.push(family.clone());
        Ok(family)
    }
}

fn check_name(name: &str) -> Result<(), MetricsError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if valid {
        Ok(())
    } else {
        Err(MetricsError::InvalidName(name.to_owned()))
    }
}

fn check_label(metric: &str, label: &str, histogram: bool) -> Result<(), MetricsError> {
    let mut chars = label.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    let reason = if !valid {
        "expected [a-zA-Z_][a-zA-Z0-9_]*"
    } else if label.starts_with("__") {
        "names starting with `__` are reserved"
    } else if histogram && label == "le" {
        "`le` is the bucket bound of a histogram"
    } else {
        return Ok(());
    };
    Err(MetricsError::InvalidLabel {
        metric: metric.to_owned(),
        label: label.to_owned(),
        reason,
    })
}

fn check_buckets(metric: &str, buckets: &[f64]) -> Result<(), MetricsError> {
    let reason = if buckets.iter().any(|b| !b.is_finite()) {
        "bounds must be finite (the +Inf bucket is implicit)"
    } else if buckets.windows(2).any(|w| w[0] >= w[1]) {
        "bounds must be strictly increasing"
    } else {
        return Ok(());
    };
    Err(MetricsError::InvalidBuckets {
        metric: metric.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_labels_and_buckets_are_checked() {
        let m = Metrics::new();
        assert_eq!(
            m.counter("1abc", "").err(),
            Some(MetricsError::InvalidName("1abc".into()))
        );
        assert!(m.counter("a-b", "").is_err());
        assert!(m.counter("", "").is_err());
        assert!(matches!(
            m.counter_vec("c", "", ["__x"]),
            Err(MetricsError::InvalidLabel { .. })
        ));
        assert!(matches!(
            m.counter_vec("c", "", ["a:b"]),
            Err(MetricsError::InvalidLabel { .. })
        ));
        assert!(matches!(
            m.histogram_vec("h", "", ["le"], &[1.0]),
            Err(MetricsError::InvalidLabel { .. })
        ));
        assert!(m.counter_vec("c_le", "", ["le"]).is_ok());
        assert!(matches!(
            m.counter_vec("d", "", ["a", "a"]),
            Err(MetricsError::DuplicateLabel { .. })
        ));
        assert!(matches!(
            m.histogram("h", "", &[1.0, 1.0]),
            Err(MetricsError::InvalidBuckets { .. })
        ));
        assert!(matches!(
            m.histogram("h", "", &[1.0, f64::INFINITY]),
            Err(MetricsError::InvalidBuckets { .. })
        ));
        assert!(m.counter("ns:ok_total", "").is_ok());
        assert_eq!(
            m.gauge("ns:ok_total", "").err(),
            Some(MetricsError::AlreadyRegistered("ns:ok_total".into()))
        );
        // Failed registrations register nothing.
        assert_eq!(m.render().matches("# TYPE").count(), 2);
    }

    #[test]
    fn renders_families_in_order_and_series_sorted() {
        let m = Metrics::new();
        let requests = m
            .counter_vec("req_total", "Requests.", ["method", "code"])
            .unwrap();
        let latency = m
            .histogram_vec("lat_seconds", "Latency.", ["method"], &[0.1, 1.0])
            .unwrap();
        let up = m.gauge("up", "Up.").unwrap();
        requests.with_labels(["POST", "200"]).inc();
        requests.with_labels(["GET", "500"]).inc_by(2);
        requests.with_labels(["GET", "500"]).inc();
        latency.with_labels(["GET"]).observe(0.05);
        latency.with_labels(["GET"]).observe(5.0);
        up.set(1.0);
        assert_eq!(
            m.render(),
            "# HELP req_total Requests.\n# TYPE req_total counter\n\
             req_total{method=\"GET\",code=\"500\"} 3\n\
             req_total{method=\"POST\",code=\"200\"} 1\n\
             # HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n\
             lat_seconds_bucket{method=\"GET\",le=\"0.1\"} 1\n\
             lat_seconds_bucket{method=\"GET\",le=\"1\"} 1\n\
             lat_seconds_bucket{method=\"GET\",le=\"+Inf\"} 2\n\
             lat_seconds_sum{method=\"GET\"} 5.05\n\
             lat_seconds_count{method=\"GET\"} 2\n\
             # HELP up Up.\n# TYPE up gauge\nup 1\n"
        );
    }

    #[test]
    fn handles_share_their_series() {
        let m = Metrics::new();
        let family = m.counter_vec("x_total", "", ["k"]).unwrap();
        let a = family.with_labels(["v"]);
        let b = family.with_labels(["v"]);
        a.inc();
        b.inc();
        assert_eq!(family.with_labels(["v"]).get(), 2);
        assert_eq!(family.with_labels(["w"]).get(), 0);
        let g = m.gauge("g", "").unwrap();
        g.inc();
        g.inc();
        g.dec();
        g.add(0.5);
        assert_eq!(g.get(), 1.5);
    }
}
