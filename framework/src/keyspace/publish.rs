//! Messages that live clients publish: [`Published`] (what the handler receives),
//! [`PublishOutcome`] (what its answer means for the publisher) and the registry subjects of
//! their schemas.

use crate::partition::Message;

/// The name of the stream of published messages within a keyspace, in the subjects
/// [`subjects`] gives. No state of a keyspace that accepts published messages may have this
/// name, or its subjects would be the same.
pub(crate) const PUBLISHED: &str = "published";

/// The registry subjects of a keyspace's published key and message schemas:
/// `<keyspace>-published-key` and `<keyspace>-published-value`.
///
/// Confluent's TopicNameStrategy names a topic's subjects `<topic>-key` and `<topic>-value`,
/// and a state's subjects follow it for the name `<keyspace>-<state>` (in Kafka mode also for
/// its changelog topic, which carries the cluster's name: see
/// [`topic_name`](crate::changelog::topic_name)).
/// Published messages are the keyspace's inbound stream, as if it were a topic named
/// `<keyspace>-published` keyed like the states it writes: the same naming puts them beside the
/// state subjects in the registry (`GET /schemas/subjects`), lets a standard Confluent client
/// look them up by the same rule, and would name the topic should published messages ever go
/// through Kafka. The price is one reserved state name, [`PUBLISHED`], which the declaration
/// refuses.
pub(crate) fn subjects(keyspace: &str) -> (String, String) {
    let topic = format!("{keyspace}-{PUBLISHED}");
    (format!("{topic}-key"), format!("{topic}-value"))
}

/// A message published by a live client to `key`, as the keyspace's handler receives it (see
/// [`Keyspace::accept_published`](super::Keyspace::accept_published)): the key it was sent to,
/// decoded, and the message. The key is the one the message was routed by, so a handler that
/// writes state under `key` writes to a key its partition owns, whatever the message says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Published<K, M> {
    /// The key the client published to; the message came to this key's partition.
    pub key: K,
    /// The message.
    pub message: M,
}

impl<K, M> Published<K, M> {
    /// A published message (for handler tests: the keyspace builds them from what clients send).
    pub fn new(key: K, message: M) -> Self {
        Published { key, message }
    }
}

impl<K: Send + 'static, M: Message> Message for Published<K, M> {
    type Reply = M::Reply;
}

/// The answer of a handler to a message published by a live client: `()` and `Ok(_)` accept
/// it (the value is dropped: a publish has no reply but its acknowledgement); `Err(e)` rejects
/// it with `e`'s message, which the client receives.
pub trait PublishOutcome {
    /// `Ok` to accept; `Err(message)` to reject.
    fn outcome(self) -> Result<(), String>;
}

impl PublishOutcome for () {
    fn outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<T, E: std::fmt::Display> PublishOutcome for Result<T, E> {
    fn outcome(self) -> Result<(), String> {
        self.map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_follow_topic_name_strategy() {
        assert_eq!(
            subjects("graph"),
            (
                "graph-published-key".to_owned(),
                "graph-published-value".to_owned()
            )
        );
    }
}
