//! What a session has to send, kept so that it is bounded and cannot overflow.
//!
//! Only publishes are queued as encoded frames, at most
//! [`Config::max_publishes`](super::Config::max_publishes) (together with those awaiting their
//! acknowledgement). Subscription control is derived from the subscription table instead: a
//! subscription waiting for its Subscribe appears once in `to_subscribe`, and a wire id the
//! server knows but the session dropped appears once in `retired` — so there are never more of
//! those than subscriptions (each retirement needs its Subscribe to have been sent, and sending
//! it drains the retirements queued before it). A Ping is a single slot. Transmission order:
//! the Ping, then Unsubscribes, then Subscribes, then publishes; a subscription and its later
//! resubscription thus reach the server as Unsubscribe(old) before Subscribe(new).

use std::collections::{BTreeSet, VecDeque};

use super::{RequestId, SubId};

#[derive(Debug, Default)]
pub(crate) struct Outbox {
    /// The nonce of a Ping to send.
    pub(crate) ping: Option<i64>,
    /// Wire ids to send an Unsubscribe for.
    pub(crate) retired: VecDeque<i64>,
    /// Subscriptions to send a Subscribe for (stale entries are skipped when sending).
    pub(crate) to_subscribe: VecDeque<SubId>,
    /// Encoded Publish frames not yet sent.
    pub(crate) publishes: VecDeque<(RequestId, Vec<u8>)>,
    /// Publishes sent and not yet answered.
    pub(crate) in_flight: BTreeSet<RequestId>,
}

impl Outbox {
    /// Publishes queued or awaiting their answer.
    pub(crate) fn publishes_pending(&self) -> usize {
        self.publishes.len() + self.in_flight.len()
    }

    /// Forgets everything tied to the connection: control frames not yet sent (a new
    /// connection recomputes them) and the Ping. Queued publishes stay for the next connection.
    pub(crate) fn reset_connection(&mut self) {
        self.ping = None;
        self.retired.clear();
        self.to_subscribe.clear();
    }
}
