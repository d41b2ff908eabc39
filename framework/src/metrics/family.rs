//! A family of series: one metric name and help text, one series per set of label values.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, PoisonError, RwLock};

use super::text;

/// What a series of a family is: [`Counter`](super::Counter), [`Gauge`](super::Gauge) or
/// [`Histogram`](super::Histogram).
pub(crate) trait Series: Clone + Send + Sync + 'static {
    /// What a new series is made from (a histogram's bucket bounds).
    type Config: Send + Sync + 'static;
    /// The `# TYPE` of the family.
    const KIND: &'static str;
    /// A new series at zero.
    fn create(config: &Self::Config) -> Self;
    /// Writes the series' sample lines.
    fn render(&self, name: &str, labels: &[(&str, &str)], out: &mut String);
}

/// Something the registry renders: a family of any series type.
pub(crate) trait Collect: Send + Sync {
    /// Appends the family in the text format.
    fn collect(&self, out: &mut String);
}

type Bucket<M, const N: usize> = Vec<([Box<str>; N], M)>;

/// A family of series of type `M` with `N` labels.
///
/// Looking up a series hashes the label values without allocating and takes a read lock; a new
/// series takes the write lock once. Callers on a hot path keep the returned handle, whose
/// updates are single atomic operations.
pub(crate) struct Family<M: Series, const N: usize> {
    name: String,
    help: String,
    labels: [String; N],
    config: M::Config,
    hasher: RandomState,
    series: RwLock<HashMap<u64, Bucket<M, N>>>,
}

impl<M: Series, const N: usize> Family<M, N> {
    /// A family without series. Names are checked by the registry.
    pub(crate) fn new(name: &str, help: &str, labels: [String; N], config: M::Config) -> Self {
        Family {
            name: name.to_owned(),
            help: help.to_owned(),
            labels,
            config,
            hasher: RandomState::new(),
            series: RwLock::new(HashMap::new()),
        }
    }

    /// The series with these label values, created at zero on first use.
    pub(crate) fn get(&self, values: [&str; N]) -> M {
        let hash = self.hasher.hash_one(values);
        {
            // A panic elsewhere cannot leave the map half-updated (entries are pushed whole),
            // so a poisoned lock is still consistent.
            let map = self.series.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(found) = find(map.get(&hash), &values) {
                return found;
            }
        }
        let mut map = self.series.write().unwrap_or_else(PoisonError::into_inner);
        let bucket = map.entry(hash).or_default();
        if let Some(found) = find(Some(bucket), &values) {
            return found;
        }
        let series = M::create(&self.config);
        bucket.push((values.map(Box::from), series.clone()));
        series
    }
}

fn find<M: Clone, const N: usize>(bucket: Option<&Bucket<M, N>>, values: &[&str; N]) -> Option<M> {
    bucket?
        .iter()
        .find(|(stored, _)| stored.iter().zip(values).all(|(a, b)| **a == **b))
        .map(|(_, series)| series.clone())
}

impl<M: Series, const N: usize> Collect for Family<M, N> {
    fn collect(&self, out: &mut String) {
        let mut all: Vec<([Box<str>; N], M)> = {
            let map = self.series.read().unwrap_or_else(PoisonError::into_inner);
            map.values().flatten().cloned().collect()
        };
        all.sort_by(|a, b| a.0.cmp(&b.0));
        text::write_header(out, &self.name, &self.help, M::KIND);
        for (values, series) in &all {
            let labels: Vec<(&str, &str)> = self
                .labels
                .iter()
                .map(String::as_str)
                .zip(values.iter().map(|v| &**v))
                .collect();
            series.render(&self.name, &labels, out);
        }
    }
}

/// A shared family, as the typed `*Vec` handles hold it.
pub(crate) type Shared<M, const N: usize> = Arc<Family<M, N>>;
