//! [`Event`]: what a session tells its driver, and the bounded queue it waits in.

use std::collections::VecDeque;
use std::sync::Arc;

use affinity_avro::{Schema, Value};

use super::{RequestId, SubId};
use crate::ProtocolError;
use crate::frame::ErrorCode;

/// Something the application or the driver should know, from
/// [`Session::poll_event`](super::Session::poll_event).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A subscription's key has a new value.
    Value {
        /// The subscription.
        sub: SubId,
        /// The value's offset.
        offset: i64,
        /// The value, shaped by `schema`.
        value: Value,
        /// The schema the value is written with (the writer schema).
        schema: Arc<Schema>,
        /// Its registry id.
        schema_id: i32,
    },
    /// A subscription's key has no value: deleted, or (offset -1) never written.
    Deleted {
        /// The subscription.
        sub: SubId,
        /// The deletion's offset.
        offset: i64,
    },
    /// The server reported an error.
    Error {
        /// What it concerns. An error for a subscription ends it: the session has already
        /// forgotten it.
        target: Target,
        /// What went wrong.
        code: ErrorCode,
        /// The server's message.
        message: String,
    },
    /// The server sent something this session cannot accept. The frame changed nothing; if it
    /// concerned a subscription whose value is now in doubt, the session resubscribes by itself.
    BadFrame {
        /// The subscription it was for, if known.
        sub: Option<SubId>,
        /// What is wrong.
        error: ProtocolError,
    },
    /// A publish was accepted by its handler.
    Published {
        /// The publish.
        request: RequestId,
    },
    /// The connection was lost after a publish was sent and before it was answered: it may or
    /// may not have been applied. (Publishes not yet sent stay queued for the next connection.)
    PublishInDoubt {
        /// The publish.
        request: RequestId,
    },
    /// Frames arrived written with a schema the session does not have: fetch it (for example
    /// from `/schemas/ids/{id}`) and hand it to [`Session::provide_schema`](super::Session::provide_schema).
    /// The frames wait until then. May repeat for an id after a reconnect.
    NeedSchema(i32),
    /// Nothing arrived for [`Config::pong_timeout`](super::Config::pong_timeout) after a
    /// Ping: close the socket, call [`Session::disconnected`](super::Session::disconnected)
    /// and reconnect when told.
    ConnectionDead,
    /// Time to open a new connection (the backoff after a loss has passed); call
    /// [`Session::connected`](super::Session::connected) once it is open, or
    /// [`Session::disconnected`](super::Session::disconnected) again if it fails.
    Reconnect,
}

/// What a server error concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The whole connection.
    Connection,
    /// One subscription, which the error ended.
    Subscription(SubId),
    /// One publish, which failed.
    Request(RequestId),
}

impl Event {
    /// The subscription whose value this event carries, if it carries one.
    fn value_of(&self) -> Option<SubId> {
        match self {
            Event::Value { sub, .. } | Event::Deleted { sub, .. } => Some(*sub),
            _ => None,
        }
    }

    /// The subscription this event concerns, if any.
    pub fn sub(&self) -> Option<SubId> {
        match self {
            Event::Value { sub, .. } | Event::Deleted { sub, .. } => Some(*sub),
            Event::Error {
                target: Target::Subscription(sub),
                ..
            } => Some(*sub),
            Event::BadFrame { sub, .. } => *sub,
            _ => None,
        }
    }
}

/// The undelivered events, in order; values coalesce per subscription past the bound.
#[derive(Debug)]
pub(crate) struct Events {
    queue: VecDeque<Event>,
    max: usize,
}

impl Events {
    pub(crate) fn new(max: usize) -> Self {
        Events {
            queue: VecDeque::new(),
            max,
        }
    }

    /// Queues `event`. Past the bound, a value replaces the same subscription's older
    /// undelivered value (the application still sees the latest, and values in order), and a
    /// [`Event::BadFrame`] — a diagnostic, whose frame changed nothing — is dropped; other
    /// events are few by construction (bounded by the subscriptions, publishes and schemas in
    /// play) and always queued.
    pub(crate) fn push(&mut self, event: Event) {
        if self.queue.len() >= self.max {
            if matches!(event, Event::BadFrame { .. }) {
                return;
            }
            if let Some(sub) = event.value_of()
                && let Some(i) = self.queue.iter().position(|e| e.value_of() == Some(sub))
            {
                self.queue.remove(i);
            }
        }
        self.queue.push_back(event);
    }

    pub(crate) fn pop(&mut self) -> Option<Event> {
        self.queue.pop_front()
    }

    /// Drops every undelivered event about `sub`.
    pub(crate) fn forget(&mut self, sub: SubId) {
        self.queue.retain(|e| e.sub() != Some(sub));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted(sub: u64, offset: i64) -> Event {
        Event::Deleted {
            sub: SubId(sub),
            offset,
        }
    }

    #[test]
    fn values_coalesce_per_subscription_past_the_bound() {
        let mut q = Events::new(2);
        q.push(deleted(1, 1));
        q.push(deleted(2, 1));
        q.push(deleted(1, 2)); // full: replaces sub 1's older value
        q.push(Event::NeedSchema(7)); // not coalescable: queued anyway
        q.push(deleted(3, 1)); // nothing of sub 3 to replace
        assert_eq!(q.len(), 4);
        let order: Vec<Event> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            [
                deleted(2, 1),
                deleted(1, 2),
                Event::NeedSchema(7),
                deleted(3, 1)
            ]
        );
    }

    #[test]
    fn diagnostics_are_dropped_past_the_bound() {
        let mut q = Events::new(1);
        let bad = || Event::BadFrame {
            sub: None,
            error: ProtocolError::UnknownFrame { index: 9 },
        };
        q.push(bad());
        q.push(bad());
        q.push(Event::Reconnect);
        assert_eq!(q.pop(), Some(bad()));
        assert_eq!(q.pop(), Some(Event::Reconnect));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn below_the_bound_every_value_is_kept() {
        let mut q = Events::new(10);
        q.push(deleted(1, 1));
        q.push(deleted(1, 2));
        assert_eq!(q.len(), 2);
        q.forget(SubId(1));
        assert_eq!(q.pop(), None);
    }
}
