//! [`Subscription`]: one key's values as a typed [`Stream`].

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use affinity_avro::{Avro, Schema, TypedResolver, Value};
use affinity_protocol::session::SubId;
use futures_util::Stream;

use super::slot::{Slot, Taken, Update};
use crate::ClientError;
use crate::client::Shared;
use crate::typed::value_as;

/// A live subscription to one key, from [`Client::subscribe`](crate::Client::subscribe): a
/// [`Stream`] of the key's values, first the current one, then each change.
///
/// Each item is `Ok(Some(value))`, `Ok(None)` when the key has no value (deleted, or never
/// written), or `Err` for a value that cannot be read as `V` (the stream goes on). When the
/// server ends the subscription (an unknown keyspace, say) the stream yields that
/// [`ClientError::Server`] and ends; when the client shuts down it just ends.
///
/// Reconnects are invisible here: the subscription resumes from its last offset and the
/// stream goes on. While the server cannot be reached the stream just waits, and the client
/// keeps reconnecting with backoff (failures are logged with `tracing`; use
/// [`Client::ensure_connected`](crate::Client::ensure_connected) to see them). A consumer more than
/// [`ClientBuilder::subscription_buffer`](crate::ClientBuilder::subscription_buffer) values
/// behind skips the oldest of them and still gets the latest (see the crate docs). Dropping
/// the subscription unsubscribes.
pub struct Subscription<V> {
    sub: SubId,
    slot: Arc<Slot>,
    /// Keeps the client's driver alive while the subscription is.
    shared: Arc<Shared>,
    /// The resolver of the last writer schema seen, by registry id.
    resolver: Option<(i32, Arc<TypedResolver<V>>)>,
    offset: Option<i64>,
}

impl<V> fmt::Debug for Subscription<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("sub", &self.sub)
            .field("type", &std::any::type_name::<V>())
            .field("offset", &self.offset)
            .finish()
    }
}

impl<V: Avro> Subscription<V> {
    pub(crate) fn new(sub: SubId, slot: Arc<Slot>, shared: Arc<Shared>) -> Self {
        Subscription {
            sub,
            slot,
            shared,
            resolver: None,
            offset: None,
        }
    }

    /// The offset of the last item this stream yielded (a changelog offset, or -1 for a key
    /// never written); `None` before the first.
    pub fn offset(&self) -> Option<i64> {
        self.offset
    }

    /// `value`, written with `schema` (registry id `schema_id`), as a `V`.
    fn typed(&mut self, value: &Value, schema: &Schema, schema_id: i32) -> Result<V, ClientError> {
        let resolver = match &self.resolver {
            Some((id, r)) if *id == schema_id => r.clone(),
            _ => {
                let r = self.shared.ctx.resolvers.get::<V>(schema_id, schema)?;
                self.resolver = Some((schema_id, r.clone()));
                r
            }
        };
        Ok(value_as(value, schema, &resolver)?)
    }
}

impl<V: Avro> Stream for Subscription<V> {
    type Item = Result<Option<V>, ClientError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        Poll::Ready(match ready!(this.slot.poll_take(cx)) {
            Taken::Update(Update::Deleted { offset }) => {
                this.offset = Some(offset);
                Some(Ok(None))
            }
            Taken::Update(Update::Value {
                offset,
                value,
                schema,
                schema_id,
            }) => {
                this.offset = Some(offset);
                Some(this.typed(&value, &schema, schema_id).map(Some))
            }
            Taken::Error(e) => Some(Err(e)),
            Taken::Ended => None,
        })
    }
}

impl<V> Drop for Subscription<V> {
    fn drop(&mut self) {
        // The channel has room for every subscription the session can hold; should it be full
        // anyway, the driver notices the abandoned slot at the key's next update.
        let _ = self.shared.dropped.try_send(self.sub);
    }
}
