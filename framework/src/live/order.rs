//! [`PublishOrder`]: publishes from one connection to one key are handled one after another,
//! in the order they arrived.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use tokio::sync::oneshot;

/// Chains one connection's publishes per key: each publish waits for the previous one to the
/// same key (same keyspace, same key bytes) to finish — handled and answered — before it goes
/// to the handler, like a Kafka producer's sends to one partition. Publishes to other keys do
/// not wait for each other.
///
/// Keys are told apart by a hash: two keys with the same hash are chained together, which only
/// makes their order stricter. The table is bounded: it keeps one entry per key with a publish
/// in flight (at most the connection's publish limit) and forgets finished ones whenever it
/// reaches twice that.
#[derive(Debug)]
pub(crate) struct PublishOrder {
    hasher: RandomState,
    /// For each key, the last publish started: its receiver completes when it finishes.
    last: HashMap<u64, oneshot::Receiver<()>>,
    /// When the table reaches this size, finished entries are dropped.
    prune_at: usize,
}

/// The previous publish to the same key, if one may still be running.
#[derive(Debug)]
pub(crate) struct Turn(Option<oneshot::Receiver<()>>);

impl Turn {
    /// Waits until the previous publish to the key has finished (or was dropped).
    pub(crate) async fn wait(self) {
        if let Some(previous) = self.0 {
            // Nothing is ever sent: the sender is dropped when the publish finishes, however
            // it ends (answered, failed, panicked or cancelled).
            let _ = previous.await;
        }
    }
}

/// Held by a publish while it runs; dropping it lets the next publish to the key go.
#[derive(Debug)]
pub(crate) struct Done {
    _finished: oneshot::Sender<()>,
}

impl PublishOrder {
    /// A table for a connection with at most `max_in_flight` publishes at once.
    pub(crate) fn new(max_in_flight: usize) -> Self {
        PublishOrder {
            hasher: RandomState::new(),
            last: HashMap::new(),
            prune_at: max_in_flight.max(8).saturating_mul(2),
        }
    }

    /// Starts the next publish to `key` of `keyspace`: what it waits for, and what it holds
    /// until it has finished.
    pub(crate) fn next(&mut self, keyspace: &str, key: &[u8]) -> (Turn, Done) {
        if self.last.len() >= self.prune_at {
            self.last.retain(|_, previous| {
                matches!(
                    previous.try_recv(),
                    Err(oneshot::error::TryRecvError::Empty)
                )
            });
        }
        let (done, finished) = oneshot::channel();
        let previous = self
            .last
            .insert(self.hasher.hash_one((keyspace, key)), finished);
        (Turn(previous), Done { _finished: done })
    }

    /// How many keys the table remembers.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.last.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    async fn ready(turn: Turn) -> bool {
        tokio::time::timeout(Duration::from_millis(50), turn.wait())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_publish_waits_for_the_previous_one_to_its_key_only() {
        let mut order = PublishOrder::new(4);
        let (first, a1) = order.next("ks", b"a");
        assert!(ready(first).await, "nothing before the first");
        let (second, a2) = order.next("ks", b"a");
        let (other_key, _b) = order.next("ks", b"b");
        let (other_keyspace, _c) = order.next("other", b"a");
        assert!(ready(other_key).await, "another key does not wait");
        assert!(
            ready(other_keyspace).await,
            "another keyspace does not wait"
        );
        let (third, _a3) = order.next("ks", b"a");
        let second = tokio::spawn(second.wait());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!second.is_finished(), "the second waits for the first");
        drop(a1);
        tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .unwrap()
            .unwrap();
        assert!(!ready(third).await, "the third waits for the second");
        drop(a2);
    }

    #[tokio::test]
    async fn finished_keys_are_forgotten() {
        let mut order = PublishOrder::new(4);
        let (_turn, held) = order.next("ks", b"held");
        for i in 0..100u32 {
            let (turn, done) = order.next("ks", &i.to_be_bytes());
            drop(done);
            turn.wait().await;
            assert!(order.len() <= 16, "bounded: {}", order.len());
        }
        // The publish still running is remembered across the pruning.
        let (after, _) = order.next("ks", b"held");
        assert!(!ready(after).await);
        drop(held);
    }
}
