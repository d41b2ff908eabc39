//! [`Overlay`]: the values a partition master has written but its changelog has not yet
//! acknowledged — what its handlers read before the store has them (read-your-writes).

use std::collections::BTreeMap;
use std::ops::Bound;

use bytes::Bytes;

use crate::state::record::Header;
use crate::store::{Direction, KeyRange};

/// A key's newest unacknowledged write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    /// The write's sequence number in the partition (not an offset: that comes with the
    /// acknowledgement).
    pub(crate) seq: u64,
    /// The header (with offset 0) and body written, or `None` for a deletion. The body is
    /// shared with the staged write that applies it to the store.
    pub(crate) value: Option<(Header, Bytes)>,
}

/// Unacknowledged writes by state and store key, in key order (scans merge them).
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    states: Vec<BTreeMap<Bytes, Pending>>,
}

impl Overlay {
    /// An empty overlay for `states` states.
    pub(crate) fn new(states: usize) -> Self {
        Overlay {
            states: (0..states).map(|_| BTreeMap::new()).collect(),
        }
    }

    /// The newest unacknowledged write of `key`, if any.
    pub(crate) fn get(&self, state: usize, key: &[u8]) -> Option<&Pending> {
        self.states.get(state)?.get(key)
    }

    /// Records write `seq` of `key` (the store key, shared with the staged write).
    pub(crate) fn set(&mut self, state: usize, key: Bytes, pending: Pending) {
        if let Some(map) = self.states.get_mut(state) {
            map.insert(key, pending);
        }
    }

    /// Forgets `key`'s pending write if its newest is `seq`: the store has it now.
    pub(crate) fn settle(&mut self, state: usize, key: &[u8], seq: u64) {
        if let Some(map) = self.states.get_mut(state)
            && map.get(key).is_some_and(|p| p.seq == seq)
        {
            map.remove(key);
        }
    }

    /// Forgets everything (the writes failed).
    pub(crate) fn clear(&mut self) {
        self.states.iter_mut().for_each(BTreeMap::clear);
    }

    /// Whether nothing is pending.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.states.iter().all(BTreeMap::is_empty)
    }

    /// The pending writes of `state` with keys in `range`, in `direction` order.
    pub(crate) fn range<'a>(
        &'a self,
        state: usize,
        range: &KeyRange,
        direction: Direction,
    ) -> Box<dyn Iterator<Item = (&'a Bytes, &'a Pending)> + 'a> {
        let Some(map) = self.states.get(state) else {
            return Box::new(std::iter::empty());
        };
        if range.is_empty() {
            return Box::new(std::iter::empty());
        }
        let lower = Bound::Included(range.lower());
        let upper = match range.upper() {
            Some(u) => Bound::Excluded(u),
            None => Bound::Unbounded,
        };
        let entries = map.range::<[u8], _>((lower, upper));
        match direction {
            Direction::Forward => Box::new(entries),
            Direction::Reverse => Box::new(entries.rev()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(seq: u64) -> Pending {
        Pending {
            seq,
            value: Some((
                Header {
                    schema_id: 1,
                    offset: 0,
                    event_time: 0,
                },
                Bytes::from(vec![seq as u8]),
            )),
        }
    }

    #[test]
    fn settling_an_older_write_keeps_the_newer_one() {
        let mut o = Overlay::new(1);
        o.set(0, Bytes::from_static(b"k"), put(1));
        o.set(0, Bytes::from_static(b"k"), put(2));
        o.settle(0, b"k", 1);
        assert_eq!(o.get(0, b"k").map(|p| p.seq), Some(2));
        o.settle(0, b"k", 2);
        assert!(o.get(0, b"k").is_none() && o.is_empty());
    }

    #[test]
    fn ranges_follow_the_direction() {
        let mut o = Overlay::new(2);
        for (i, k) in [b"a", b"b", b"c", b"d"].iter().enumerate() {
            o.set(1, Bytes::from_static(*k), put(i as u64));
        }
        let keys = |d| {
            o.range(1, &KeyRange::between(*b"b", *b"d"), d)
                .map(|(k, _)| k.to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(Direction::Forward), vec![b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(keys(Direction::Reverse), vec![b"c".to_vec(), b"b".to_vec()]);
        assert_eq!(o.range(0, &KeyRange::all(), Direction::Forward).count(), 0);
    }
}
