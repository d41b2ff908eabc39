//! The message types a keyspace declares remote ([`Keyspace::remote`](super::Keyspace::remote)):
//! how each is encoded to travel to the node of its partition's master, run there, and its
//! reply brought back.
//!
//! `ask` and `tell` keep their signatures (`M: Message`, nothing more), so a keyspace works on
//! one node with any message type; the codecs of the types that may cross nodes are bound here,
//! once, by type, and found at run time by [`TypeId`] on the sending side and by `kind` (a
//! fingerprint of the message's and the reply's schemas) on the receiving side.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::sync::Arc;

use affinity_avro::{Avro, DecodeError, Wire, from_slice, to_vec};
use tokio::sync::oneshot;

use super::AskError;
use crate::coordinator::Member;
use crate::partition::{Handles, Job, Message};

/// Where the reply of a forwarded ask goes: its encoding once durable, or why there is none.
pub(crate) type ReplySender = oneshot::Sender<Result<Vec<u8>, AskError>>;

/// Decodes a reply into `M::Reply`, boxed.
type DecodeReply = fn(&[u8]) -> Result<Box<dyn Any + Send>, DecodeError>;

/// One message type declared remote, with its codecs bound.
pub(crate) struct RemoteMessage<H> {
    /// The type's name, for errors and logs.
    pub(crate) name: &'static str,
    /// What identifies the type between nodes.
    pub(crate) kind: i64,
    /// Encodes a message of the type, given as `Any`; `None` if it is of another type.
    encode: fn(&dyn Any) -> Option<Vec<u8>>,
    /// Decodes a reply into `M::Reply`, boxed.
    decode_reply: DecodeReply,
    /// Decodes a message into a job that handles it and sends the reply's encoding.
    ask_job: fn(&[u8], ReplySender) -> Result<Job<H>, DecodeError>,
    /// Decodes a message into a job that handles it and drops the reply.
    tell_job: fn(&[u8]) -> Result<Job<H>, DecodeError>,
}

impl<H> RemoteMessage<H> {
    /// The encoding of `message` (of this type).
    pub(crate) fn encode<M: 'static>(&self, message: &M) -> Result<Vec<u8>, AskError> {
        (self.encode)(message).ok_or(AskError::Refused {
            reason: format!("`{}` is not `{}`", type_name::<M>(), self.name),
        })
    }

    /// The reply of type `R` in `bytes`.
    pub(crate) fn decode_reply<R: 'static>(&self, bytes: &[u8]) -> Result<R, AskError> {
        let reply = (self.decode_reply)(bytes).map_err(|e| AskError::Refused {
            reason: format!("the reply to `{}` does not decode: {e}", self.name),
        })?;
        reply
            .downcast::<R>()
            .map(|r| *r)
            .map_err(|_| AskError::Refused {
                reason: format!("the reply to `{}` has another type", self.name),
            })
    }

    /// A job that handles the message in `bytes` and sends its reply to `reply`.
    pub(crate) fn ask_job(&self, bytes: &[u8], reply: ReplySender) -> Result<Job<H>, DecodeError> {
        (self.ask_job)(bytes, reply)
    }

    /// A job that handles the message in `bytes`.
    pub(crate) fn tell_job(&self, bytes: &[u8]) -> Result<Job<H>, DecodeError> {
        (self.tell_job)(bytes)
    }
}

/// A keyspace's remote message types.
pub(crate) struct RemoteMessages<H> {
    by_type: HashMap<TypeId, Arc<RemoteMessage<H>>>,
    by_kind: HashMap<i64, Arc<RemoteMessage<H>>>,
}

impl<H> Default for RemoteMessages<H> {
    fn default() -> Self {
        RemoteMessages {
            by_type: HashMap::new(),
            by_kind: HashMap::new(),
        }
    }
}

impl<H> RemoteMessages<H> {
    /// Binds `M`'s codecs (again: nothing); fails if another type has the same kind.
    pub(crate) fn register<M>(&mut self) -> Result<(), String>
    where
        H: Handles<M>,
        M: Message + Avro,
        M::Reply: Wire,
    {
        let kind = kind::<M>();
        if self.by_type.contains_key(&TypeId::of::<M>()) {
            return Ok(());
        }
        if let Some(other) = self.by_kind.get(&kind) {
            return Err(format!(
                "remote message types `{}` and `{}` have the same schemas: give them different Avro names",
                other.name,
                type_name::<M>()
            ));
        }
        let entry = Arc::new(RemoteMessage {
            name: type_name::<M>(),
            kind,
            encode: |message| message.downcast_ref::<M>().map(to_vec),
            decode_reply: |bytes| {
                <M::Reply as Wire>::from_wire(bytes).map(|r| Box::new(r) as Box<dyn Any + Send>)
            },
            ask_job: |bytes, reply| {
                let message = from_slice::<M>(bytes)?;
                Ok(Box::new(move |handler: &mut H, ctx| {
                    let value = handler.handle(message, ctx);
                    // Encoded and sent once the writes it depends on are durable, as a local
                    // ask's answer is.
                    ctx.core.reply(Box::new(move |durable| {
                        let _ = reply.send(durable.map(|()| {
                            let mut out = Vec::new();
                            value.encode_wire(&mut out);
                            out
                        }));
                    }));
                }))
            },
            tell_job: |bytes| {
                let message = from_slice::<M>(bytes)?;
                Ok(Box::new(move |handler: &mut H, ctx| {
                    handler.handle(message, ctx);
                }))
            },
        });
        self.by_type.insert(TypeId::of::<M>(), entry.clone());
        self.by_kind.insert(kind, entry);
        Ok(())
    }

    /// The entry of message type `M`, if declared.
    pub(crate) fn of<M: 'static>(&self) -> Option<&Arc<RemoteMessage<H>>> {
        self.by_type.get(&TypeId::of::<M>())
    }

    /// `message` as it travels to `master`, the master of `partition`; an error if its type is
    /// not declared remote.
    pub(crate) fn travelling<M: 'static>(
        &self,
        message: &M,
        partition: u32,
        master: &Member,
    ) -> Result<crate::peer::Message, AskError> {
        let remote = self.of::<M>().ok_or_else(|| AskError::NotForwardable {
            what: type_name::<M>(),
            partition,
            master: master.id.to_string(),
        })?;
        Ok(crate::peer::Message {
            kind: remote.kind,
            body: remote.encode(message)?,
        })
    }

    /// The entry of the message type identified by `kind`.
    pub(crate) fn by_kind(&self, kind: i64) -> Option<&Arc<RemoteMessage<H>>> {
        self.by_kind.get(&kind)
    }
}

/// What identifies message type `M` between nodes: the fingerprint of its schema and its
/// reply's, so nodes whose builds differ in either refuse each other's messages.
fn kind<M>() -> i64
where
    M: Message + Avro,
    M::Reply: Wire,
{
    let mut text = b"affinity.remote:".to_vec();
    text.extend_from_slice(&M::fingerprint().to_le_bytes());
    text.extend_from_slice(&<M::Reply as Wire>::wire_fingerprint().to_le_bytes());
    i64::from_le_bytes(affinity_avro::schema::rabin_fingerprint(&text).to_le_bytes())
}
