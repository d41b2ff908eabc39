//! Where each loaded value of a [`NodeConfig`](super::NodeConfig) came from, kept so that an
//! error found later (validation, an override naming an undeclared keyspace) can still point at
//! the file line or environment variable.

use std::collections::BTreeMap;

use super::Origin;

/// Origins by dotted key. Two configurations with the same values are equal wherever their
/// values came from, so this compares equal to any other `Origins`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins(BTreeMap<String, Origin>);

impl Origins {
    /// Records that `key`'s value came from `origin` (replacing an earlier source).
    pub(crate) fn record(&mut self, key: &str, origin: Origin) {
        self.0.insert(key.to_owned(), origin);
    }

    /// Records `origin` for `key` unless it has one: a keyspace's table (`keyspaces.<name>`)
    /// is recorded where it first appeared.
    pub(crate) fn record_first(&mut self, key: &str, origin: Origin) {
        self.0.entry(key.to_owned()).or_insert(origin);
    }

    /// Where `key`'s value came from.
    pub(crate) fn get(&self, key: &str) -> Option<&Origin> {
        self.0.get(key)
    }
}

impl PartialEq for Origins {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Origins {}
