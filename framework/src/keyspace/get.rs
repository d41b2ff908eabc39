//! [`KeyspaceRef::get`]: a key's value read straight from its partition's store, the way Kafka
//! Streams' interactive queries read a state store: no message to the partition's actor, so a
//! read neither queues behind the partition's jobs nor costs it a wake-up.
//!
//! **A departure from DESIGN.md §3, on purpose.** The actor stays the serialisation point of
//! everything that *changes* a partition; single-key reads from outside it now skip the
//! mailbox. What a partition's actor adds to a read is ordering with the jobs queued before it
//! and a view of the writes still in flight; neither is what a point read from a client asks
//! for, and the hop was the largest cost of a point read over HTTP after the HTTP stack itself
//! (see `framework/BENCHMARKS.md`). Both stores serve concurrent readers
//! ([`StoreReader`](crate::store::StoreReader)).
//!
//! **Consistency (§4).** A store holds acknowledged writes only: with a changelog a write
//! reaches the store once the log has acknowledged it, so a read never sees one the log may
//! lose (§4.3); and every reply that depended on a write is sent after the write reached the
//! store, so a write acknowledged to any client is seen by every later read (§4.1). Unlike a
//! handler's [`State::get`](crate::state::State::get), which sees its partition's writes still in
//! flight (and whose answer waits for them), a read here returns the last acknowledged value
//! at once.
//!
//! **Where.** The store is read on this node only when its replica serves the reference's
//! reads: the master, or any replica for a [`stale`](KeyspaceRef::stale) reference (§4.6).
//! Otherwise the read goes to the master's node over the peer link, which reads its store the
//! same way; a store without a reader, and a replica whose store is being reopened, are read
//! through the partition's actor.

use affinity_avro::{Avro, from_slice, to_vec};
use tokio::time::Instant;

use super::forward::Routed;
use super::{AskError, GetError, KeyspaceRef};
use crate::partition::{Context, Handler};
use crate::peer::{Get, RequestBody};
use crate::state::StateError;
use crate::state::record::{HEADER_LEN, live};

impl<H: Handler> KeyspaceRef<H> {
    /// The value of `key` in state `state`, read from the store of the key's partition without
    /// a message to its actor, the way Kafka Streams' interactive queries read a state store:
    /// the read neither waits for the partition's queued jobs nor adds to them.
    ///
    /// It returns the last value a write committed (in Kafka mode: that the changelog
    /// acknowledged): every write acknowledged to a client before the call is seen, and no
    /// write the log may still lose. Unlike a handler's [`State::get`](crate::state::State::get),
    /// which sees its partition's writes in flight (and whose answer waits for them), it
    /// does not wait for writes in flight. A value whose TTL has run out reads as absent, and
    /// a value written with an earlier version of `V` reads through schema resolution, as in
    /// a handler.
    ///
    /// The store is read on this node when its replica serves this reference's reads: the
    /// master, or any replica for a [`stale`](Self::stale) reference. Otherwise the read goes
    /// to the master's node, which reads its store the same way.
    ///
    /// Fails with [`GetError::State`] for an unknown state, other types than the state's, or a
    /// store failure, and with [`GetError::Ask`] when the partition's master cannot be reached
    /// in time (as [`ask`](Self::ask) would).
    ///
    /// ```no_run
    /// # use affinity::prelude::*;
    /// # async fn doc<H: Handler>(market: KeyspaceRef<H>) -> Result<(), GetError> {
    /// let price: Option<f64> = market.get("prices", &"ACME".to_owned()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get<K, V>(&self, state: &str, key: &K) -> Result<Option<V>, GetError>
    where
        K: Avro + 'static,
        V: Avro + 'static,
    {
        let index = self.state_index::<K, V>(state)?;
        let def = &self.inner.states[index];
        let avro = to_vec(key);
        let store_key = def
            .spec
            .key_codec
            .from_avro_to_vec(&avro)
            .map_err(StateError::from)?;
        let partition = self.inner.partitioner.partition(&avro);
        let handle = self.handle(partition)?;
        let here = handle
            .serves_here(self.replica)
            .then(|| handle.status().read_store(def.spec.table(), &store_key))
            .flatten();
        let stored = match here {
            Some(read) => read.map_err(StateError::from)?,
            // Boxed, so the common case's future does not carry the routing's state.
            None => Box::pin(self.get_routed(partition, index, avro, store_key)).await?,
        };
        let Some(stored) = stored else {
            return Ok(None);
        };
        match live(&stored, def.spec.ttl)? {
            Some((header, body)) => Ok(Some(def.decode(header.schema_id, body)?)),
            None => Ok(None),
        }
    }

    /// [`get`](Self::get) when this node's store cannot answer: the stored record from the
    /// master's node, or from this node's actor.
    async fn get_routed(
        &self,
        partition: u32,
        index: usize,
        avro_key: Vec<u8>,
        store_key: Vec<u8>,
    ) -> Result<Option<Vec<u8>>, GetError> {
        let deadline = self.deadline();
        let state = &self.inner.states[index].spec.name;
        // A read changes nothing, so it may be sent again after a link broke.
        let routed = self
            .route_request(partition, deadline, true, |_| {
                Ok(RequestBody::Get(Get {
                    state: state.clone(),
                    key: avro_key.clone(),
                }))
            })
            .await?;
        match routed {
            Routed::Here => self.read_here(partition, index, store_key, deadline).await,
            Routed::Done(reply) => from_slice::<Option<Vec<u8>>>(&reply).map_err(|e| {
                GetError::Ask(AskError::Refused {
                    reason: format!("the master's answer to a read does not decode: {e}"),
                })
            }),
            Routed::Refused(refused) => Err(StateError::OnMaster(refused.reason).into()),
        }
    }

    /// The stored record (header and body) of the key with store encoding `store_key` in
    /// state `index`, on this node's replica of `partition` (the caller checked that it may
    /// serve): from the store's reader, or through the partition's actor when there is none.
    pub(crate) async fn read_here(
        &self,
        partition: u32,
        index: usize,
        store_key: Vec<u8>,
        deadline: Instant,
    ) -> Result<Option<Vec<u8>>, GetError> {
        let handle = self.handle(partition)?;
        let table = self.inner.states[index].spec.table();
        if let Some(read) = handle.status().read_store(table, &store_key) {
            return Ok(read.map_err(StateError::from)?);
        }
        let read = handle
            .call_here(deadline, move |_: &mut H, ctx: &mut Context<'_>| {
                ctx.core.read(index, &store_key).map(|found| {
                    found.map(|(header, body)| {
                        let mut record = Vec::with_capacity(HEADER_LEN + body.len());
                        header.write(&mut record);
                        record.extend_from_slice(&body);
                        record
                    })
                })
            })
            .await?;
        Ok(read?)
    }
}
