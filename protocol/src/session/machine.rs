//! [`Session`]: its state, the application's inputs and the outputs a driver polls.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use affinity_avro::{Schema, to_vec};

use super::event::Events;
use super::held::Held;
use super::link::Link;
use super::outbox::Outbox;
use super::table::Table;
use super::{Config, Event, RequestId, SubId, Subscription};
use crate::SessionError;
use crate::frame::{ClientFrame, Ping, Publish, Subscribe, Unsubscribe, encode};

/// The client side of the live protocol, without I/O: a state machine that a driver (the tokio
/// client, the browser client) feeds with what happens — frames received, the connection
/// opening and closing, time passing — and polls for frames to send and events to report.
///
/// It keeps the subscription table (each key's last offset and current value), decodes values
/// and applies deltas, detects gaps and resubscribes from the last offset, resumes every
/// subscription after a reconnect, holds frames until their schema is provided, tracks
/// publishes until they are answered, and times heartbeats and reconnects. See the
/// [crate docs](crate) for a driver's loop. Every queue is bounded ([`Config`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) config: Config,
    pub(crate) table: Table,
    pub(crate) outbox: Outbox,
    pub(crate) events: Events,
    pub(crate) schemas: HashMap<i32, Arc<Schema>>,
    /// Schema ids a [`Event::NeedSchema`] was emitted for and that held frames still wait for.
    pub(crate) requested: HashSet<i32>,
    pub(crate) held: Held,
    pub(crate) link: Link,
    /// Connection attempts that failed since a frame was last received.
    pub(crate) failures: u32,
    pub(crate) rng: u64,
    next_request: i64,
    pub(crate) next_nonce: i64,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(Config::default())
    }
}

impl Session {
    /// A session with no subscriptions, not connected.
    pub fn new(config: Config) -> Self {
        Session {
            events: Events::new(config.max_events),
            rng: config.jitter_seed | 1,
            config,
            table: Table::default(),
            outbox: Outbox::default(),
            schemas: HashMap::new(),
            requested: HashSet::new(),
            held: Held::default(),
            link: Link::default(),
            failures: 0,
            next_request: 0,
            next_nonce: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Subscribes to `key` (Avro bytes of the state's key type) of `state` in `keyspace`. The
    /// Subscribe is sent now if connected, otherwise when [`Session::connected`] is called; the
    /// key's value then arrives as [`Event::Value`] or [`Event::Deleted`].
    pub fn subscribe(
        &mut self,
        keyspace: impl Into<String>,
        state: impl Into<String>,
        key: Vec<u8>,
    ) -> Result<SubId, SessionError> {
        let max = self.config.max_subscriptions;
        if self.table.len() >= max {
            return Err(SessionError::TooManySubscriptions { max });
        }
        let s = Subscribe {
            sub_id: i64::MAX,
            keyspace: keyspace.into(),
            state: state.into(),
            key,
            resume_from: Some(i64::MAX),
        };
        // The largest this subscription's Subscribe can encode to: the branch index (one
        // byte) and the record.
        self.check_size(1 + to_vec(&s).len())?;
        let sub = self.table.insert(s.keyspace, s.state, s.key);
        if self.link.is_connected() {
            self.outbox.to_subscribe.push_back(sub);
        }
        Ok(sub)
    }

    /// Ends a subscription: no event about it is delivered after this returns (undelivered ones
    /// are dropped), and the server is told if it knows it.
    pub fn unsubscribe(&mut self, sub: SubId) -> Result<(), SessionError> {
        let s = self
            .table
            .remove(sub)
            .ok_or(SessionError::UnknownSubscription(sub))?;
        if s.sent && self.link.is_connected() {
            self.outbox.retired.push_back(s.wire);
        }
        self.held.purge(s.wire);
        self.forget_unneeded_schemas();
        self.events.forget(sub);
        Ok(())
    }

    /// Sends `message` (Avro bytes) to the handler of `key` (Avro bytes) in `keyspace`. The
    /// answer is [`Event::Published`] or an [`Event::Error`] for the request; if the connection
    /// drops after sending, [`Event::PublishInDoubt`]. A publish made while disconnected waits
    /// for the next connection.
    pub fn publish(
        &mut self,
        keyspace: impl Into<String>,
        key: Vec<u8>,
        message: Vec<u8>,
    ) -> Result<RequestId, SessionError> {
        let max = self.config.max_publishes;
        if self.outbox.publishes_pending() >= max {
            return Err(SessionError::TooManyPublishes { max });
        }
        let request = RequestId(self.next_request + 1);
        let bytes = encode(&ClientFrame::Publish(Publish {
            request_id: request.0,
            keyspace: keyspace.into(),
            key,
            message,
        }));
        self.check_size(bytes.len())?;
        self.next_request = request.0;
        self.outbox.publishes.push_back((request, bytes));
        Ok(request)
    }

    /// Hands the session the schema registered under `id`, as asked by [`Event::NeedSchema`]
    /// (or ahead of time). Frames that waited for it are processed now, in order.
    pub fn provide_schema(&mut self, id: i32, schema: impl Into<Arc<Schema>>) {
        self.schemas.insert(id, schema.into());
        self.requested.remove(&id);
        let schemas = &self.schemas;
        let ready = self.held.release(|i| schemas.contains_key(&i));
        for f in ready {
            if let Some(sub) = self.table.live(f.wire) {
                self.dispatch(sub, f.frame, f.size);
            }
        }
    }

    /// The next frame to send, as the bytes of one binary WebSocket message; `None` when there
    /// is nothing to send or no connection.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if !self.link.is_connected() {
            return None;
        }
        if let Some(nonce) = self.outbox.ping.take() {
            return Some(encode(&ClientFrame::Ping(Ping { nonce })));
        }
        if let Some(sub_id) = self.outbox.retired.pop_front() {
            return Some(encode(&ClientFrame::Unsubscribe(Unsubscribe { sub_id })));
        }
        while let Some(sub) = self.outbox.to_subscribe.pop_front() {
            if let Some(s) = self.table.get_mut(sub)
                && !s.sent
            {
                s.sent = true;
                let resume_from = if std::mem::take(&mut s.want_snapshot) {
                    None
                } else {
                    s.last_offset
                };
                return Some(encode(&ClientFrame::Subscribe(Subscribe {
                    sub_id: s.wire,
                    keyspace: s.keyspace().to_owned(),
                    state: s.state().to_owned(),
                    key: s.key().to_vec(),
                    resume_from,
                })));
            }
        }
        let (request, bytes) = self.outbox.publishes.pop_front()?;
        self.outbox.in_flight.insert(request);
        Some(bytes)
    }

    /// The next event, in the order things happened.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// A subscription's state: its key, last offset and current value.
    pub fn subscription(&self, sub: SubId) -> Option<&Subscription> {
        self.table.get(sub)
    }

    /// Every subscription, by id.
    pub fn subscriptions(&self) -> impl Iterator<Item = (SubId, &Subscription)> {
        self.table.iter()
    }

    /// A schema the session has, by registry id.
    pub fn schema(&self, id: i32) -> Option<&Arc<Schema>> {
        self.schemas.get(&id)
    }

    /// Whether the driver reported a connection ([`Session::connected`]) that has not been
    /// reported lost since.
    pub fn is_connected(&self) -> bool {
        self.link.is_connected()
    }

    fn check_size(&self, len: usize) -> Result<(), SessionError> {
        let max = self.config.max_frame_size;
        if len > max {
            return Err(SessionError::FrameTooLarge { len, max });
        }
        Ok(())
    }

    /// Keeps in `requested` only the ids held frames still wait for.
    pub(crate) fn forget_unneeded_schemas(&mut self) {
        let held = &self.held;
        self.requested.retain(|id| held.needs(*id));
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::frame::decode;

    fn kinds(s: &mut Session) -> Vec<&'static str> {
        std::iter::from_fn(|| s.poll_transmit())
            .map(|b| match decode::<ClientFrame>(&b) {
                Ok(ClientFrame::Ping(_)) => "ping",
                Ok(ClientFrame::Unsubscribe(_)) => "unsubscribe",
                Ok(ClientFrame::Subscribe(_)) => "subscribe",
                Ok(ClientFrame::Publish(_)) => "publish",
                Err(e) => panic!("{e}"),
            })
            .collect()
    }

    #[test]
    fn transmit_order_is_ping_unsubscribes_subscribes_publishes() {
        let mut s = Session::default();
        let a = s.subscribe("ks", "st", vec![1]).unwrap();
        s.connected(Duration::ZERO);
        assert_eq!(kinds(&mut s), ["subscribe"]);
        s.publish("ks", vec![], vec![]).unwrap();
        s.subscribe("ks", "st", vec![2]).unwrap();
        s.unsubscribe(a).unwrap();
        s.handle_timeout(Duration::from_secs(15));
        assert_eq!(
            kinds(&mut s),
            ["ping", "unsubscribe", "subscribe", "publish"]
        );
    }

    #[test]
    fn the_subscribe_is_only_sent_once_and_only_connected() {
        let mut s = Session::default();
        let a = s.subscribe("ks", "st", vec![1]).unwrap();
        assert_eq!(s.poll_transmit(), None);
        s.connected(Duration::ZERO);
        // Queued twice (a resync before the first was sent): still one frame.
        s.resync(a, false);
        assert_eq!(kinds(&mut s), ["subscribe"]);
        assert!(s.outbox.retired.is_empty(), "the first id was never sent");
    }
}
