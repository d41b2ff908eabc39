//! The subscription table: what the application subscribed to, what it holds of each key, and
//! which wire `sub_id` currently stands for each subscription.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use affinity_avro::{Schema, Value};

use super::SubId;

/// One subscription as the session holds it; see [`Session::subscription`](super::Session::subscription).
#[derive(Clone, Debug)]
pub struct Subscription {
    keyspace: String,
    state: String,
    key: Vec<u8>,
    /// The wire `sub_id` of the current (re)subscription.
    pub(crate) wire: i64,
    /// Whether the Subscribe for `wire` has been handed to the driver on this connection.
    /// Frames for a wire id not yet sent cannot be the server's and are ignored.
    pub(crate) sent: bool,
    pub(crate) last_offset: Option<i64>,
    /// Whether the next Subscribe asks for a snapshot (`resume_from` null) rather than resuming
    /// from `last_offset`: after a delta that did not apply to the value it named as its base.
    pub(crate) want_snapshot: bool,
    pub(crate) current: Option<Current>,
}

/// A subscription's current value with the schema it is written in.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub(crate) value: Value,
    pub(crate) schema: Arc<Schema>,
    pub(crate) schema_id: i32,
}

impl Subscription {
    /// The keyspace subscribed to.
    pub fn keyspace(&self) -> &str {
        &self.keyspace
    }

    /// The state within the keyspace.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The key, as Avro bytes.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The offset of the last value or deletion received, if any: where a resume starts.
    pub fn last_offset(&self) -> Option<i64> {
        self.last_offset
    }

    /// The key's current value, if it has one.
    pub fn value(&self) -> Option<&Value> {
        self.current.as_ref().map(|c| &c.value)
    }

    /// The schema of [`Subscription::value`].
    pub fn schema(&self) -> Option<&Arc<Schema>> {
        self.current.as_ref().map(|c| &c.schema)
    }

    /// The registry id of [`Subscription::schema`].
    pub fn schema_id(&self) -> Option<i32> {
        self.current.as_ref().map(|c| c.schema_id)
    }
}

/// Every subscription by [`SubId`], with an index by wire id.
#[derive(Debug, Default)]
pub(crate) struct Table {
    subs: BTreeMap<SubId, Subscription>,
    by_wire: HashMap<i64, SubId>,
    next_sub: u64,
    next_wire: i64,
}

impl Table {
    pub(crate) fn len(&self) -> usize {
        self.subs.len()
    }

    fn fresh_wire(&mut self) -> i64 {
        self.next_wire += 1;
        self.next_wire
    }

    /// Adds a subscription with a fresh wire id, not yet sent.
    pub(crate) fn insert(&mut self, keyspace: String, state: String, key: Vec<u8>) -> SubId {
        self.next_sub += 1;
        let sub = SubId(self.next_sub);
        let wire = self.fresh_wire();
        self.subs.insert(
            sub,
            Subscription {
                keyspace,
                state,
                key,
                wire,
                sent: false,
                last_offset: None,
                want_snapshot: false,
                current: None,
            },
        );
        self.by_wire.insert(wire, sub);
        sub
    }

    pub(crate) fn remove(&mut self, sub: SubId) -> Option<Subscription> {
        let s = self.subs.remove(&sub)?;
        self.by_wire.remove(&s.wire);
        Some(s)
    }

    pub(crate) fn get(&self, sub: SubId) -> Option<&Subscription> {
        self.subs.get(&sub)
    }

    pub(crate) fn get_mut(&mut self, sub: SubId) -> Option<&mut Subscription> {
        self.subs.get_mut(&sub)
    }

    /// The subscription a frame with this wire id is for: `None` for an id that is not current,
    /// or whose Subscribe has not been sent.
    pub(crate) fn live(&self, wire: i64) -> Option<SubId> {
        let sub = *self.by_wire.get(&wire)?;
        self.subs.get(&sub).filter(|s| s.sent).map(|_| sub)
    }

    /// Gives `sub` a fresh wire id, not yet sent; returns the old id if it had been sent (the
    /// server knows it, so it needs an Unsubscribe).
    pub(crate) fn rewire(&mut self, sub: SubId) -> Option<i64> {
        let wire = self.fresh_wire();
        let s = self.subs.get_mut(&sub)?;
        let old = std::mem::replace(&mut s.wire, wire);
        let was_sent = std::mem::replace(&mut s.sent, false);
        self.by_wire.remove(&old);
        self.by_wire.insert(wire, sub);
        was_sent.then_some(old)
    }

    /// Every subscription id, in order.
    pub(crate) fn ids(&self) -> Vec<SubId> {
        self.subs.keys().copied().collect()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (SubId, &Subscription)> {
        self.subs.iter().map(|(id, s)| (*id, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewiring_retires_only_sent_ids() {
        let mut t = Table::default();
        let a = t.insert("ks".into(), "st".into(), vec![2]);
        let first = t.get(a).map(|s| s.wire);
        assert_eq!(t.live(1), None, "not sent yet");
        assert_eq!(t.rewire(a), None, "the server never saw it");
        if let Some(s) = t.get_mut(a) {
            s.sent = true;
        }
        let second = t.get(a).map(|s| s.wire);
        assert_ne!(first, second);
        assert_eq!(t.live(second.unwrap_or_default()), Some(a));
        assert_eq!(t.rewire(a), second);
        assert_eq!(t.live(second.unwrap_or_default()), None);
        assert!(t.remove(a).is_some());
        assert_eq!(t.len(), 0);
    }
}
