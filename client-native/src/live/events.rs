//! What the driver does with each [`Event`] of the session.

use affinity_protocol::session::{Event, RequestId, SubId, Target};

use super::driver::Driver;
use super::slot::{End, Update};
use crate::ClientError;

impl Driver {
    /// Hands every pending event to its subscription, publish or to the driver itself.
    pub(super) fn drain_events(&mut self) {
        while let Some(event) = self.session.poll_event() {
            match event {
                Event::Value {
                    sub,
                    offset,
                    value,
                    schema,
                    schema_id,
                } => self.deliver(
                    sub,
                    Update::Value {
                        offset,
                        value,
                        schema,
                        schema_id,
                    },
                ),
                Event::Deleted { sub, offset } => self.deliver(sub, Update::Deleted { offset }),
                Event::Error {
                    target,
                    code,
                    message,
                } => {
                    let error = ClientError::Server { code, message };
                    match target {
                        Target::Subscription(sub) => {
                            // The session has already forgotten it.
                            if let Some(slot) = self.slots.remove(&sub) {
                                slot.end(End::Error(error));
                            }
                        }
                        Target::Request(request) => self.answer(request, Err(error)),
                        Target::Connection => {
                            tracing::warn!(error = %error, "the server reported a connection error");
                        }
                    }
                }
                Event::BadFrame { sub, error } => {
                    tracing::warn!(sub = ?sub, error = %error, "the server sent a frame the session refused");
                }
                Event::Published { request } => self.answer(request, Ok(())),
                Event::PublishInDoubt { request } => {
                    self.answer(request, Err(ClientError::PublishInDoubt));
                }
                Event::NeedSchema(id) => self.need_schema(id),
                Event::ConnectionDead => self.lose_socket("no answer to a ping"),
                Event::Reconnect => self.start_connecting(),
                other => tracing::debug!(event = ?other, "ignoring a session event"),
            }
        }
    }

    fn deliver(&mut self, sub: SubId, update: Update) {
        let Some(slot) = self.slots.get(&sub) else {
            return;
        };
        if std::sync::Arc::strong_count(slot) == 1 {
            // Its Subscription is gone and its Unsubscribe did not reach us: end it now.
            self.slots.remove(&sub);
            let _ = self.session.unsubscribe(sub);
        } else {
            slot.put(update);
        }
    }

    fn answer(&mut self, request: RequestId, result: Result<(), ClientError>) {
        if let Some(reply) = self.publishes.remove(&request) {
            // The caller may have stopped waiting; the outcome is then nobody's concern.
            let _ = reply.send(result);
        }
    }

    /// Provides schema `id` from the cache, or starts fetching it (once at a time).
    fn need_schema(&mut self, id: i32) {
        if let Some(schema) = self.ctx.schemas.cached(id) {
            self.session.provide_schema(id, schema);
        } else if self.fetching.insert(id) {
            self.spawn_fetch(id, 0);
        }
    }
}
