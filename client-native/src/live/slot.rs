//! [`Slot`]: a subscription's undelivered updates, between the driver task and the
//! [`Subscription`](crate::Subscription) stream.
//!
//! This is where slow consumers are handled: a slot holds at most `capacity` updates
//! ([`ClientBuilder::subscription_buffer`](crate::ClientBuilder::subscription_buffer)). The
//! driver never waits for a consumer: when the slot is full, the oldest undelivered update
//! is dropped to make room for the new one. A consumer that falls far behind thus skips
//! intermediate values but always ends at the latest, in order, as DESIGN §4.5 allows
//! (coalesced, never reordered, the last never lost), and it cannot hold up other
//! subscriptions or the socket. With a capacity of 1 the slot is a pure latest-value cell. An
//! end (the server's error, or the client shutting down) is kept apart and delivered after the
//! last update.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use affinity_avro::{Schema, Value};

use crate::ClientError;

/// A new state of the subscribed key.
#[derive(Debug)]
pub(crate) enum Update {
    /// The key has this value, written with `schema` (registry id `schema_id`).
    Value {
        offset: i64,
        value: Value,
        schema: Arc<Schema>,
        schema_id: i32,
    },
    /// The key has no value (deleted, or never written: offset -1).
    Deleted { offset: i64 },
}

/// Why a subscription ends.
#[derive(Debug)]
pub(crate) enum End {
    /// The server ended it; the stream yields this error, then ends.
    Error(ClientError),
    /// The client shut down; the stream just ends.
    Closed,
}

/// What [`Slot::poll_take`] gives the consumer.
#[derive(Debug)]
pub(crate) enum Taken {
    Update(Update),
    Error(ClientError),
    Ended,
}

#[derive(Debug, Default)]
struct Inner {
    updates: VecDeque<Update>,
    end: Option<End>,
    /// The end was delivered: the stream is over.
    over: bool,
    waker: Option<Waker>,
}

/// One subscription's bounded buffer of updates.
#[derive(Debug)]
pub(crate) struct Slot {
    inner: Mutex<Inner>,
    capacity: usize,
}

impl Slot {
    /// A slot of at most `capacity` (at least 1) updates.
    pub(crate) fn new(capacity: usize) -> Self {
        Slot {
            inner: Mutex::default(),
            capacity: capacity.max(1),
        }
    }

    /// Queues `update`, dropping the oldest update not yet taken when the slot is full.
    /// Ignored once the slot has ended.
    pub(crate) fn put(&self, update: Update) {
        let waker = {
            let mut inner = self.lock();
            if inner.end.is_some() || inner.over {
                return;
            }
            if inner.updates.len() >= self.capacity {
                inner.updates.pop_front();
            }
            inner.updates.push_back(update);
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Ends the subscription after any update not yet taken. Only the first end counts.
    pub(crate) fn end(&self, end: End) {
        let waker = {
            let mut inner = self.lock();
            if inner.end.is_some() || inner.over {
                return;
            }
            inner.end = Some(end);
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// The next thing for the consumer: the oldest pending update, else the end, else
    /// `Pending` (after registering the waker).
    pub(crate) fn poll_take(&self, cx: &mut Context<'_>) -> Poll<Taken> {
        let mut inner = self.lock();
        if let Some(update) = inner.updates.pop_front() {
            return Poll::Ready(Taken::Update(update));
        }
        if inner.over {
            return Poll::Ready(Taken::Ended);
        }
        match inner.end.take() {
            Some(end) => {
                inner.over = true;
                Poll::Ready(match end {
                    End::Error(e) => Taken::Error(e),
                    End::Closed => Taken::Ended,
                })
            }
            None => {
                inner.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    fn take(slot: &Slot) -> Poll<Taken> {
        slot.poll_take(&mut Context::from_waker(Waker::noop()))
    }

    fn deleted(offset: i64) -> Update {
        Update::Deleted { offset }
    }

    fn offset(taken: Poll<Taken>) -> i64 {
        match taken {
            Poll::Ready(Taken::Update(Update::Deleted { offset })) => offset,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_full_slot_drops_its_oldest_update() {
        let slot = Slot::new(3);
        for o in 1..=10 {
            slot.put(deleted(o));
        }
        assert_eq!([8, 9, 10].map(|_| offset(take(&slot))), [8, 9, 10]);
        assert!(take(&slot).is_pending());
        slot.put(deleted(11));
        assert_eq!(offset(take(&slot)), 11);
    }

    #[test]
    fn the_latest_update_wins_and_the_end_comes_last() {
        let slot = Slot::new(1);
        assert!(take(&slot).is_pending());
        slot.put(deleted(1));
        slot.put(deleted(2));
        slot.end(End::Error(ClientError::Closed));
        slot.put(deleted(3)); // after the end: ignored
        assert!(matches!(
            take(&slot),
            Poll::Ready(Taken::Update(Update::Deleted { offset: 2 }))
        ));
        assert!(matches!(
            take(&slot),
            Poll::Ready(Taken::Error(ClientError::Closed))
        ));
        assert!(matches!(take(&slot), Poll::Ready(Taken::Ended)));
        assert!(matches!(take(&slot), Poll::Ready(Taken::Ended)));
    }

    #[test]
    fn a_closed_slot_ends_quietly() {
        let slot = Slot::new(0);
        slot.end(End::Closed);
        slot.end(End::Error(ClientError::Closed)); // only the first end counts
        assert!(matches!(take(&slot), Poll::Ready(Taken::Ended)));
    }
}
