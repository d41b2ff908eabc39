//! [`Command`]: what client handles ask of the driver task.

use std::sync::Arc;

use affinity_protocol::session::SubId;
use tokio::sync::oneshot;

use super::slot::Slot;
use crate::ClientError;

/// A request from a [`Client`](crate::Client) to its driver task; the answer comes back on the
/// oneshot. (Unsubscribes travel on their own channel: a dropped
/// [`Subscription`](crate::Subscription) cannot wait for room in this one.)
#[derive(Debug)]
pub(crate) enum Command {
    /// Open the live socket if it is not open, and answer when an attempt succeeds or fails.
    Connect {
        reply: oneshot::Sender<Result<(), ClientError>>,
    },
    /// Subscribe to a key; its updates go to `slot`.
    Subscribe {
        keyspace: String,
        state: String,
        key: Vec<u8>,
        slot: Arc<Slot>,
        reply: oneshot::Sender<Result<SubId, ClientError>>,
    },
    /// Send a message to a key's handler; answered when the server accepts or rejects it.
    Publish {
        keyspace: String,
        key: Vec<u8>,
        message: Vec<u8>,
        reply: oneshot::Sender<Result<(), ClientError>>,
    },
}
