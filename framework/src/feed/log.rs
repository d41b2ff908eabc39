//! [`FeedLog`]: the latest value of an observed key and its recent deltas.

use std::collections::VecDeque;

use bytes::Bytes;

use super::FeedItem;

/// How many recent deltas a key keeps for observers that fall behind or resume.
pub(crate) const HISTORY: usize = 32;

/// How far the replica that keeps a feed has applied its state's log, for
/// [`FeedLog::since`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Applied {
    /// The offset of the last record of the state's log applied (of the partition's local
    /// sequence in embedded mode).
    pub(crate) offset: u64,
    /// Whether observers may hold offsets this replica has not reached: in Kafka mode,
    /// where another replica may be ahead of this one (a standby tails the log).
    pub(crate) may_lag: bool,
}

/// The latest state of an observed key, and the deltas that led to it, newest last.
///
/// Written only by the partition actor, right after a write commits; read by observers, which
/// ask it for whatever brings them from the offset they hold to the latest one.
#[derive(Debug)]
pub(crate) struct FeedLog {
    latest: FeedItem,
    /// Deltas, each applying to the value the previous one produced; the last one produces
    /// `latest`. Emptied whenever a change comes without a delta.
    history: VecDeque<FeedItem>,
}

impl FeedLog {
    /// A log whose latest state is `latest` (a snapshot or a deletion).
    pub(crate) fn new(latest: FeedItem) -> Self {
        FeedLog {
            latest,
            history: VecDeque::new(),
        }
    }

    /// Records a new value with the delta from the previous value, if there is one.
    pub(crate) fn push_value(
        &mut self,
        offset: u64,
        schema_id: u32,
        value: Bytes,
        delta: Option<Bytes>,
    ) {
        let base = match &self.latest {
            FeedItem::Snapshot {
                offset,
                schema_id: base_schema,
                ..
            } if *base_schema == schema_id => Some(*offset),
            _ => None,
        };
        match (base, delta) {
            (Some(base_offset), Some(delta)) => {
                if self.history.len() == HISTORY {
                    self.history.pop_front();
                }
                self.history.push_back(FeedItem::Delta {
                    offset,
                    base_offset,
                    schema_id,
                    delta,
                });
            }
            _ => self.history.clear(),
        }
        self.latest = FeedItem::Snapshot {
            offset,
            schema_id,
            value,
        };
    }

    /// Records a deletion.
    pub(crate) fn push_deleted(&mut self, offset: u64) {
        self.history.clear();
        self.latest = FeedItem::Deleted { offset };
    }

    /// Appends to `out` what an observer holding the state at `held` needs to reach the latest
    /// state, in order: nothing if it is current; the deltas after `held` when the history
    /// still has all of them; otherwise the latest state alone (coalescing whatever it missed).
    /// Observers keep `out` between reads, so following a key allocates nothing per change.
    ///
    /// An observer may hold an offset past the latest change of the key (it got it from
    /// another replica, or from the key's feed before it was last idle). Up to `applied`, the
    /// key did not change after its latest value, so the observer is current. Beyond it, the
    /// observer is ahead of this replica: where that can be ([`Applied::may_lag`]) it is sent
    /// nothing until the key changes here, rather than a value older than the one it has;
    /// where it cannot (embedded mode: the offset is from a store that was since wiped) it
    /// gets the latest state, to start over.
    pub(crate) fn since(&self, held: Option<u64>, applied: Applied, out: &mut VecDeque<FeedItem>) {
        let Some(held) = held else {
            out.push_back(self.latest.clone());
            return;
        };
        let latest = self.latest.offset();
        if held == latest || (held > latest && (held <= applied.offset || applied.may_lag)) {
            return;
        }
        let start = self
            .history
            .iter()
            .position(|d| matches!(d, FeedItem::Delta { base_offset, .. } if *base_offset == held));
        match start {
            Some(i) => out.extend(self.history.range(i..).cloned()),
            None => out.push_back(self.latest.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A replica that has applied everything the tests write.
    const AT: Applied = Applied {
        offset: 100,
        may_lag: false,
    };

    impl FeedLog {
        /// What [`FeedLog::since`] appends to an empty buffer.
        fn items_since(&self, held: Option<u64>, applied: Applied) -> Vec<FeedItem> {
            let mut out = VecDeque::new();
            self.since(held, applied, &mut out);
            out.into()
        }
    }

    fn snap(offset: u64) -> FeedItem {
        FeedItem::Snapshot {
            offset,
            schema_id: 1,
            value: Bytes::from(vec![offset as u8]),
        }
    }

    #[test]
    fn deltas_chain_from_what_the_observer_holds() {
        let mut log = FeedLog::new(snap(1));
        log.push_value(
            2,
            1,
            Bytes::from_static(&[2]),
            Some(Bytes::from_static(b"d2")),
        );
        log.push_value(
            5,
            1,
            Bytes::from_static(&[5]),
            Some(Bytes::from_static(b"d5")),
        );
        assert_eq!(log.items_since(Some(5), AT), vec![]);
        let offsets: Vec<u64> = log
            .items_since(Some(1), AT)
            .iter()
            .map(FeedItem::offset)
            .collect();
        assert_eq!(offsets, [2, 5]);
        assert!(matches!(
            log.items_since(Some(2), AT)[..],
            [FeedItem::Delta {
                offset: 5,
                base_offset: 2,
                ..
            }]
        ));
        // An offset the history does not know gets the latest snapshot.
        assert_eq!(log.items_since(Some(3), AT), vec![snap(5)]);
        assert_eq!(log.items_since(None, AT), vec![snap(5)]);
    }

    #[test]
    fn a_change_without_delta_breaks_the_chain() {
        let mut log = FeedLog::new(snap(1));
        log.push_value(
            2,
            1,
            Bytes::from_static(&[2]),
            Some(Bytes::from_static(b"d")),
        );
        log.push_deleted(3);
        assert_eq!(
            log.items_since(Some(1), AT),
            vec![FeedItem::Deleted { offset: 3 }]
        );
        log.push_value(
            4,
            1,
            Bytes::from_static(&[4]),
            Some(Bytes::from_static(b"d")),
        );
        assert_eq!(log.items_since(Some(3), AT), vec![snap(4)]);
        // A new schema id cannot be reached by a delta either.
        log.push_value(
            6,
            2,
            Bytes::from_static(&[6]),
            Some(Bytes::from_static(b"d")),
        );
        assert!(matches!(
            log.items_since(Some(4), AT)[..],
            [FeedItem::Snapshot {
                offset: 6,
                schema_id: 2,
                ..
            }]
        ));
    }

    #[test]
    fn an_observer_ahead_of_the_key_is_current_or_waits() {
        let mut log = FeedLog::new(snap(5));
        let at = |offset, may_lag| Applied { offset, may_lag };
        // The key did not change between 5 and what the replica applied: current.
        assert_eq!(log.items_since(Some(8), at(10, false)), vec![]);
        assert_eq!(log.items_since(Some(8), at(10, true)), vec![]);
        // Ahead of a replica that may lag (Kafka mode): nothing older than what it holds.
        assert_eq!(log.items_since(Some(12), at(10, true)), vec![]);
        // Ahead of a replica that cannot lag (embedded mode, a wiped store): start over.
        assert_eq!(log.items_since(Some(12), at(10, false)), vec![snap(5)]);
        // Once the key changes here, the observer gets the new value.
        log.push_value(13, 1, Bytes::from_static(&[13]), None);
        assert_eq!(log.items_since(Some(12), at(13, true)), vec![snap(13)]);
    }

    #[test]
    fn history_is_bounded() {
        let mut log = FeedLog::new(snap(0));
        for o in 1..=(HISTORY as u64 + 10) {
            log.push_value(
                o,
                1,
                Bytes::from_static(&[0]),
                Some(Bytes::from_static(b"d")),
            );
        }
        assert_eq!(log.history.len(), HISTORY);
        assert!(matches!(
            log.items_since(Some(0), AT)[..],
            [FeedItem::Snapshot { .. }]
        ));
        assert_eq!(log.items_since(Some(10), AT).len(), HISTORY);
    }
}
