//! [`FeedLog`]: the latest value of an observed key and its recent deltas.

use std::collections::VecDeque;

use bytes::Bytes;

use super::FeedItem;

/// How many recent deltas a key keeps for observers that fall behind or resume.
pub(crate) const HISTORY: usize = 32;

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

    /// What an observer holding the state at `held` needs to reach the latest state, in order:
    /// nothing if it is current; the deltas after `held` when the history still has all of
    /// them; otherwise the latest state alone (coalescing whatever it missed).
    pub(crate) fn since(&self, held: Option<u64>) -> Vec<FeedItem> {
        let Some(held) = held else {
            return vec![self.latest.clone()];
        };
        if held == self.latest.offset() {
            return Vec::new();
        }
        let start = self
            .history
            .iter()
            .position(|d| matches!(d, FeedItem::Delta { base_offset, .. } if *base_offset == held));
        match start {
            Some(i) => self.history.iter().skip(i).cloned().collect(),
            None => vec![self.latest.clone()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(log.since(Some(5)), vec![]);
        let offsets: Vec<u64> = log.since(Some(1)).iter().map(FeedItem::offset).collect();
        assert_eq!(offsets, [2, 5]);
        assert!(matches!(
            log.since(Some(2))[..],
            [FeedItem::Delta {
                offset: 5,
                base_offset: 2,
                ..
            }]
        ));
        // An offset the history does not know gets the latest snapshot.
        assert_eq!(log.since(Some(3)), vec![snap(5)]);
        assert_eq!(log.since(None), vec![snap(5)]);
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
        assert_eq!(log.since(Some(1)), vec![FeedItem::Deleted { offset: 3 }]);
        log.push_value(
            4,
            1,
            Bytes::from_static(&[4]),
            Some(Bytes::from_static(b"d")),
        );
        assert_eq!(log.since(Some(3)), vec![snap(4)]);
        // A new schema id cannot be reached by a delta either.
        log.push_value(
            6,
            2,
            Bytes::from_static(&[6]),
            Some(Bytes::from_static(b"d")),
        );
        assert!(matches!(
            log.since(Some(4))[..],
            [FeedItem::Snapshot {
                offset: 6,
                schema_id: 2,
                ..
            }]
        ));
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
            log.since(Some(0))[..],
            [FeedItem::Snapshot { .. }]
        ));
        assert_eq!(log.since(Some(10)).len(), HISTORY);
    }
}
