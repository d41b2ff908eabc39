//! Frames received: the correctness rules of a subscription.
//!
//! - A frame for a wire `sub_id` that is not current (unknown, unsubscribed, replaced by a
//!   resubscription, or not yet sent) is ignored.
//! - Offsets never go backwards: a snapshot, delta or deletion at or below the subscription's
//!   last offset is stale and dropped.
//! - A delta applies only to the value at its `base_offset`, in its schema. Any other base is a
//!   gap: nothing is applied and the subscription resubscribes with `resume_from` its last
//!   offset, under a fresh wire id so that frames still in flight for the old one are ignored.
//!   A delta that names the right base but does not apply, or names another schema, makes the
//!   subscription ask for a fresh snapshot instead (resuming could bring the same delta back).
//! - A snapshot written with a schema the session lacks waits, with every later frame of its
//!   subscription, until [`Session::provide_schema`]; see [`super::held`].
//! - A frame that does not decode, or a value that does not decode with its schema, is reported
//!   as [`Event::BadFrame`] and changes nothing.

use affinity_avro::decode_value;
use affinity_avro::delta::apply_value_delta;

use super::held::HeldFrame;
use super::table::Current;
use super::{Event, RequestId, Session, SubId, Target};
use crate::ProtocolError;
use crate::frame::{Deleted, Delta, ErrorFrame, ServerFrame, Snapshot, decode_limited};

impl Session {
    /// Processes the bytes of one binary WebSocket message from the server. Ignored when not
    /// connected (a late message of a closed connection). A frame kind from a newer server is
    /// skipped; a malformed frame is reported as [`Event::BadFrame`] and changes nothing.
    pub fn handle_frame(&mut self, bytes: &[u8]) {
        if !self.link.is_connected() {
            return;
        }
        self.link.heard();
        self.failures = 0;
        match decode_limited::<ServerFrame>(bytes, self.config.max_frame_size) {
            Ok(frame) => self.receive(frame, bytes.len()),
            Err(ProtocolError::UnknownFrame { .. }) => {}
            Err(error) => self.events.push(Event::BadFrame { sub: None, error }),
        }
    }

    fn receive(&mut self, frame: ServerFrame, size: usize) {
        let wire = match &frame {
            ServerFrame::Snapshot(f) => f.sub_id,
            ServerFrame::Delta(f) => f.sub_id,
            ServerFrame::Deleted(f) => f.sub_id,
            ServerFrame::Error(e) => {
                self.request_error(e);
                match e.sub_id {
                    Some(wire) => wire,
                    None => return,
                }
            }
            ServerFrame::Published(p) => {
                let request = RequestId(p.request_id);
                if self.outbox.in_flight.remove(&request) {
                    self.events.push(Event::Published { request });
                }
                return;
            }
            ServerFrame::Pong(_) => return,
        };
        let Some(sub) = self.table.live(wire) else {
            return;
        };
        if self.held.holds(wire) {
            self.hold(sub, wire, None, frame, size);
        } else {
            self.dispatch(sub, frame, size);
        }
    }

    /// The request and connection parts of an Error frame; its subscription part goes through
    /// [`Session::dispatch`], in order with the subscription's other frames.
    fn request_error(&mut self, e: &ErrorFrame) {
        let target = match (e.request_id, e.sub_id) {
            (Some(id), _) => {
                let request = RequestId(id);
                if !self.outbox.in_flight.remove(&request) {
                    return;
                }
                Target::Request(request)
            }
            (None, None) => Target::Connection,
            (None, Some(_)) => return,
        };
        self.events.push(Event::Error {
            target,
            code: e.code,
            message: e.message.clone(),
        });
    }

    /// Processes a frame for live subscription `sub` that nothing earlier holds back.
    pub(crate) fn dispatch(&mut self, sub: SubId, frame: ServerFrame, size: usize) {
        match frame {
            ServerFrame::Snapshot(s) => self.snapshot(sub, s, size),
            ServerFrame::Delta(d) => self.delta(sub, d),
            ServerFrame::Deleted(d) => self.deleted(sub, d),
            ServerFrame::Error(e) => self.ended(sub, e),
            ServerFrame::Published(_) | ServerFrame::Pong(_) => {}
        }
    }

    fn is_stale(&self, sub: SubId, offset: i64) -> bool {
        self.table
            .get(sub)
            .and_then(|s| s.last_offset)
            .is_some_and(|last| offset <= last)
    }

    fn snapshot(&mut self, sub: SubId, snap: Snapshot, size: usize) {
        if self.is_stale(sub, snap.offset) {
            return;
        }
        let Some(schema) = self.schemas.get(&snap.schema_id).cloned() else {
            let (wire, id) = (snap.sub_id, snap.schema_id);
            self.hold(sub, wire, Some(id), ServerFrame::Snapshot(snap), size);
            return;
        };
        let value = match decode_value(&schema, &snap.value) {
            Ok(v) => v,
            Err(error) => {
                let error = ProtocolError::BadValue {
                    offset: snap.offset,
                    schema_id: snap.schema_id,
                    error,
                };
                self.events.push(Event::BadFrame {
                    sub: Some(sub),
                    error,
                });
                return;
            }
        };
        if let Some(s) = self.table.get_mut(sub) {
            s.last_offset = Some(snap.offset);
            s.current = Some(Current {
                value: value.clone(),
                schema: schema.clone(),
                schema_id: snap.schema_id,
            });
            self.events.push(Event::Value {
                sub,
                offset: snap.offset,
                value,
                schema,
                schema_id: snap.schema_id,
            });
        }
    }

    fn delta(&mut self, sub: SubId, d: Delta) {
        if self.is_stale(sub, d.offset) {
            return;
        }
        if d.offset <= d.base_offset {
            let error = ProtocolError::OffsetNotIncreasing {
                offset: d.offset,
                base_offset: d.base_offset,
            };
            self.events.push(Event::BadFrame {
                sub: Some(sub),
                error,
            });
            return;
        }
        let Some(s) = self.table.get(sub) else {
            return;
        };
        let current = match &s.current {
            Some(c) if s.last_offset == Some(d.base_offset) => c,
            // A gap: a change between our value and the delta's base was missed.
            _ => return self.resync(sub, false),
        };
        if current.schema_id != d.schema_id {
            // The server must send a snapshot when the schema changes; start over from one.
            return self.resync(sub, true);
        }
        match apply_value_delta(&current.schema, &current.value, &d.delta) {
            Ok(value) => {
                let schema = current.schema.clone();
                if let Some(s) = self.table.get_mut(sub)
                    && let Some(c) = &mut s.current
                {
                    s.last_offset = Some(d.offset);
                    c.value = value.clone();
                }
                self.events.push(Event::Value {
                    sub,
                    offset: d.offset,
                    value,
                    schema,
                    schema_id: d.schema_id,
                });
            }
            Err(error) => {
                let error = ProtocolError::BadDelta {
                    offset: d.offset,
                    base_offset: d.base_offset,
                    error,
                };
                self.events.push(Event::BadFrame {
                    sub: Some(sub),
                    error,
                });
                self.resync(sub, true);
            }
        }
    }

    fn deleted(&mut self, sub: SubId, d: Deleted) {
        if self.is_stale(sub, d.offset) {
            return;
        }
        if let Some(s) = self.table.get_mut(sub) {
            s.last_offset = Some(d.offset);
            s.current = None;
            self.events.push(Event::Deleted {
                sub,
                offset: d.offset,
            });
        }
    }

    /// An Error naming a subscription: the server ended it.
    fn ended(&mut self, sub: SubId, e: ErrorFrame) {
        if let Some(s) = self.table.remove(sub) {
            self.held.purge(s.wire);
            self.forget_unneeded_schemas();
            self.events.push(Event::Error {
                target: Target::Subscription(sub),
                code: e.code,
                message: e.message,
            });
        }
    }

    /// Holds a frame of `sub` until the schema it `needs` arrives (or behind an earlier held
    /// frame); when the held frames are at their bound, resubscribes instead.
    fn hold(&mut self, sub: SubId, wire: i64, needs: Option<i32>, frame: ServerFrame, size: usize) {
        if self.held.len() >= self.config.max_held_frames
            || self.held.bytes().saturating_add(size) > self.config.max_held_bytes
        {
            return self.resync(sub, false);
        }
        self.held.push(HeldFrame {
            wire,
            needs,
            size,
            frame,
        });
        if let Some(id) = needs
            && self.requested.insert(id)
        {
            self.events.push(Event::NeedSchema(id));
        }
    }

    /// Resubscribes `sub` under a fresh wire id: from its last offset, or for a snapshot.
    /// Frames held for the old id are dropped, as are those still in flight for it.
    pub(crate) fn resync(&mut self, sub: SubId, want_snapshot: bool) {
        let Some(old) = self.table.get(sub).map(|s| s.wire) else {
            return;
        };
        if let Some(sent) = self.table.rewire(sub) {
            self.outbox.retired.push_back(sent);
        }
        if let Some(s) = self.table.get_mut(sub) {
            s.want_snapshot = want_snapshot;
        }
        self.outbox.to_subscribe.push_back(sub);
        self.held.purge(old);
        self.forget_unneeded_schemas();
    }
}
