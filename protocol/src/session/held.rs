//! Frames held back until the schema they are written with arrives, in arrival order.
//!
//! A frame for a subscription is held when it needs a schema the session lacks, or when an
//! earlier frame of the same subscription is held (so a subscription's frames are always
//! processed in order). The queue is bounded in frames and bytes
//! ([`Config::max_held_frames`](super::Config::max_held_frames),
//! [`Config::max_held_bytes`](super::Config::max_held_bytes)); a frame that does not fit makes
//! its subscription resubscribe from its last offset instead, which drops the frames held for it.

use std::collections::{HashSet, VecDeque};

use crate::frame::ServerFrame;

#[derive(Debug)]
pub(crate) struct HeldFrame {
    /// The wire id the frame is for.
    pub(crate) wire: i64,
    /// The schema id it waits for, if it waits for one (rather than for an earlier frame).
    pub(crate) needs: Option<i32>,
    pub(crate) size: usize,
    pub(crate) frame: ServerFrame,
}

#[derive(Debug, Default)]
pub(crate) struct Held {
    frames: VecDeque<HeldFrame>,
    bytes: usize,
}

impl Held {
    pub(crate) fn len(&self) -> usize {
        self.frames.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether a frame for `wire` is held (so later ones must wait behind it).
    pub(crate) fn holds(&self, wire: i64) -> bool {
        self.frames.iter().any(|f| f.wire == wire)
    }

    /// Whether a held frame waits for schema `id`.
    pub(crate) fn needs(&self, id: i32) -> bool {
        self.frames.iter().any(|f| f.needs == Some(id))
    }

    pub(crate) fn push(&mut self, frame: HeldFrame) {
        self.bytes += frame.size;
        self.frames.push_back(frame);
    }

    /// Drops the frames held for `wire`.
    pub(crate) fn purge(&mut self, wire: i64) {
        self.frames.retain(|f| f.wire != wire);
        self.bytes = self.frames.iter().map(|f| f.size).sum();
    }

    pub(crate) fn clear(&mut self) {
        self.frames.clear();
        self.bytes = 0;
    }

    /// Takes out, in order, the frames that can be processed now that the schemas `has`
    /// accepts are available: each frame whose schema is there and that no still-held frame of
    /// its subscription precedes. The others stay, in order.
    pub(crate) fn release(&mut self, has: impl Fn(i32) -> bool) -> Vec<HeldFrame> {
        let mut blocked = HashSet::new();
        let mut ready = Vec::new();
        let mut kept = VecDeque::new();
        for f in self.frames.drain(..) {
            if blocked.contains(&f.wire) || f.needs.is_some_and(|id| !has(id)) {
                blocked.insert(f.wire);
                kept.push_back(f);
            } else {
                ready.push(f);
            }
        }
        self.frames = kept;
        self.bytes = self.frames.iter().map(|f| f.size).sum();
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Deleted, ServerFrame};

    fn held(wire: i64, needs: Option<i32>, offset: i64) -> HeldFrame {
        HeldFrame {
            wire,
            needs,
            size: 10,
            frame: ServerFrame::Deleted(Deleted {
                sub_id: wire,
                offset,
            }),
        }
    }

    fn offsets(frames: &[HeldFrame]) -> Vec<i64> {
        frames
            .iter()
            .map(|f| match &f.frame {
                ServerFrame::Deleted(d) => d.offset,
                _ => -1,
            })
            .collect()
    }

    #[test]
    fn release_keeps_each_subscriptions_order() {
        let mut h = Held::default();
        h.push(held(1, Some(7), 1));
        h.push(held(2, Some(8), 2));
        h.push(held(1, None, 3)); // behind wire 1's first frame
        h.push(held(3, Some(7), 4));
        assert_eq!((h.len(), h.bytes()), (4, 40));
        let ready = h.release(|id| id == 7);
        assert_eq!(offsets(&ready), [1, 3, 4]);
        assert_eq!((h.len(), h.bytes()), (1, 10));
        assert!(h.holds(2) && h.needs(8) && !h.needs(7));
        h.purge(2);
        assert_eq!((h.len(), h.bytes()), (0, 0));
    }

    #[test]
    fn a_frame_behind_a_blocked_one_stays_even_if_its_schema_is_there() {
        let mut h = Held::default();
        h.push(held(1, Some(8), 1));
        h.push(held(1, Some(7), 2));
        assert!(h.release(|id| id == 7).is_empty());
        assert_eq!(h.len(), 2);
    }
}
