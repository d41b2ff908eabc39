//! [`PartitionCore`]: one partition's store, states, offset, feeds and listeners — what the
//! actor owns and a handler reaches through its [`Context`](super::Context).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use tokio::sync::broadcast;

use crate::feed::{FeedItem, FeedReader, Feeds};
use crate::state::record::{Header, epoch_millis, millis};
use crate::state::{StateChange, StateDef, StateError};
use crate::store::{Direction, KeyRange, Store, WriteBatch};

/// The most expired keys one sweep deletes per state, so a sweep never holds the actor long.
const SWEEP_LIMIT: usize = 1024;

/// An entry a scan found: store key, header and Avro body.
pub(crate) type Entry = (Vec<u8>, Header, Vec<u8>);

/// A write about to be committed by [`PartitionCore::commit`].
pub(crate) struct Write<'a> {
    /// The state, by position.
    pub(crate) state: usize,
    /// The key in the store's order-preserving encoding.
    pub(crate) key: &'a [u8],
    /// The key's Avro binary encoding, if the caller has it (listeners need it).
    pub(crate) avro_key: Option<Vec<u8>>,
    /// The header of the value being replaced, if any.
    pub(crate) old: Option<Header>,
    /// The new Avro body and its event time (ms), or `None` to delete.
    pub(crate) new: Option<(&'a [u8], i64)>,
    /// The delta from the old value to the new one, when both are in the current schema and the
    /// key has a feed.
    pub(crate) delta: Option<Vec<u8>>,
}

/// One partition's data and bookkeeping. Only the partition's actor touches it.
pub(crate) struct PartitionCore {
    pub(crate) partition: u32,
    store: Box<dyn Store>,
    states: Arc<[StateDef]>,
    offset: u64,
    feeds: Vec<Feeds>,
    listeners: Arc<[broadcast::Sender<StateChange>]>,
    batch: WriteBatch,
    buf: Vec<u8>,
}

impl PartitionCore {
    /// A core over `store` (which has a table per state and per expiry index), continuing from
    /// the store's checkpoint.
    pub(crate) fn new(
        partition: u32,
        store: Box<dyn Store>,
        states: Arc<[StateDef]>,
        listeners: Arc<[broadcast::Sender<StateChange>]>,
    ) -> Result<Self, StateError> {
        let offset = store.checkpoint()?.unwrap_or(0);
        let feeds = states.iter().map(|_| Feeds::default()).collect();
        Ok(PartitionCore {
            partition,
            store,
            states,
            offset,
            feeds,
            listeners,
            batch: WriteBatch::new(),
            buf: Vec::new(),
        })
    }

    /// The states, by position.
    pub(crate) fn states(&self) -> &[StateDef] {
        &self.states
    }

    /// The offset of the last write.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether `key` of `state` has observers that want deltas.
    pub(crate) fn wants_delta(&self, state: usize, key: &[u8]) -> bool {
        self.feeds.get(state).is_some_and(|f| f.contains(key))
    }

    /// The live value of `key` in `state` (expired values are absent), as header and Avro body.
    pub(crate) fn read(
        &self,
        state: usize,
        key: &[u8],
    ) -> Result<Option<(Header, Vec<u8>)>, StateError> {
        let def = self.def(state)?;
        let Some(mut stored) = self.store.get(def.spec.table(), key)? else {
            return Ok(None);
        };
        let (header, _) = Header::split(&stored)?;
        if header.expired(def.spec.ttl, epoch_millis(SystemTime::now())) {
            return Ok(None);
        }
        stored.drain(..crate::state::record::HEADER_LEN);
        Ok(Some((header, stored)))
    }

    /// Live entries of `state` in `range`, up to `limit`, as (store key, header, body).
    pub(crate) fn scan(
        &self,
        state: usize,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<Entry>, StateError> {
        let def = self.def(state)?;
        let now = epoch_millis(SystemTime::now());
        let mut out = Vec::new();
        let mut range = range.clone();
        // Expired entries not yet swept are skipped, so a page may need several store pages.
        while out.len() < limit {
            let page = self
                .store
                .scan(def.spec.table(), &range, direction, limit - out.len())?;
            for (key, mut stored) in page.entries {
                let (header, _) = Header::split(&stored)?;
                if !header.expired(def.spec.ttl, now) {
                    stored.drain(..crate::state::record::HEADER_LEN);
                    out.push((key, header, stored));
                }
            }
            match page.rest {
                Some(rest) => range = rest,
                None => break,
            }
        }
        Ok(out)
    }

    /// Commits one write atomically with the next offset as the checkpoint, then tells the
    /// key's feed and the state's listeners. Returns the write's offset. On error nothing
    /// changed.
    pub(crate) fn commit(&mut self, write: Write<'_>) -> Result<u64, StateError> {
        let offset = self.offset + 1;
        let def = self.def(write.state)?;
        let value_id = def.schemas.value_id;
        let table = def.spec.table().to_owned();
        let expiry = def.spec.expiry_table();
        self.batch.clear();
        self.buf.clear();
        match write.new {
            Some((body, event_time)) => {
                Header {
                    schema_id: value_id,
                    offset,
                    event_time,
                }
                .write(&mut self.buf);
                self.buf.extend_from_slice(body);
                self.batch.put(&table, write.key, self.buf.as_slice());
            }
            None => {
                self.batch.delete(&table, write.key);
            }
        }
        if let Some(expiry) = &expiry {
            if let Some(old) = write.old {
                self.batch
                    .delete(expiry, expiry_key(old.event_time, write.key));
            }
            if let Some((_, event_time)) = write.new {
                self.batch
                    .put(expiry, expiry_key(event_time, write.key), Vec::new());
            }
        }
        self.batch.set_checkpoint(offset);
        self.store.write(&self.batch)?;
        self.offset = offset;

        let feeds = &mut self.feeds[write.state];
        match write.new {
            Some((body, _)) => feeds.value(write.key, offset, value_id, body, write.delta),
            None => feeds.deleted(write.key, offset),
        }
        let listeners = &self.listeners[write.state];
        if listeners.receiver_count() > 0 {
            let key = match write.avro_key {
                Some(k) => Some(k),
                None => {
                    let mut k = Vec::new();
                    self.states[write.state]
                        .spec
                        .key_codec
                        .to_avro(write.key, &mut k)
                        .ok()
                        .map(|()| k)
                }
            };
            if let Some(key) = key {
                // No receiver left between the check and the send is fine: nothing to tell.
                let _ = listeners.send(StateChange {
                    partition: self.partition,
                    offset,
                    key: Bytes::from(key),
                    value: write.new.map(|(b, _)| Bytes::copy_from_slice(b)),
                    schema_id: value_id,
                });
            }
        }
        Ok(offset)
    }

    /// A reader of `key`'s feed in `state`, starting one from the key's current value if the
    /// key has none.
    pub(crate) fn feed(&mut self, state: usize, key: &[u8]) -> Result<FeedReader, StateError> {
        let current = match self.read(state, key)? {
            Some((header, body)) => FeedItem::Snapshot {
                offset: header.offset,
                schema_id: header.schema_id,
                value: Bytes::from(body),
            },
            None => FeedItem::Deleted {
                offset: self.offset,
            },
        };
        Ok(self.feeds[state].reader(key, || current))
    }

    /// Deletes expired values (at most [`SWEEP_LIMIT`] per state) and drops idle feeds.
    pub(crate) fn sweep(&mut self) -> Result<usize, StateError> {
        let now = epoch_millis(SystemTime::now());
        let mut deleted = 0;
        let states = self.states.clone();
        for (state, def) in states.iter().enumerate() {
            self.feeds[state].sweep(Instant::now());
            let spec = &def.spec;
            let (Some(ttl), Some(expiry)) = (spec.ttl, spec.expiry_table()) else {
                continue;
            };
            // Expired means event_time + ttl <= now, that is event_time < now - ttl + 1.
            let bound = now.saturating_sub(millis(ttl)).saturating_add(1);
            let range = KeyRange::new(
                std::ops::Bound::Unbounded,
                std::ops::Bound::Excluded(time_prefix(bound).to_vec()),
            );
            let page = self
                .store
                .scan(&expiry, &range, Direction::Forward, SWEEP_LIMIT)?;
            for (index_key, _) in page.entries {
                let Some(key) = index_key.get(8..) else {
                    continue;
                };
                let table = spec.table();
                let Some(stored) = self.store.get(table, key)? else {
                    continue;
                };
                let (header, _) = Header::split(&stored)?;
                self.commit(Write {
                    state,
                    key,
                    avro_key: None,
                    old: Some(header),
                    new: None,
                    delta: None,
                })?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// Makes every write durable and closes the store.
    pub(crate) fn close(&mut self) -> Result<(), StateError> {
        Ok(self.store.close()?)
    }

    fn def(&self, state: usize) -> Result<&StateDef, StateError> {
        self.states
            .get(state)
            .ok_or_else(|| StateError::UnknownState(format!("#{state}")))
    }
}

/// An event time in an order-preserving encoding: big-endian with the sign bit flipped.
fn time_prefix(ms: i64) -> [u8; 8] {
    ((ms as u64) ^ (1 << 63)).to_be_bytes()
}

/// The expiry index key of `key` with event time `ms`: by time, then key.
fn expiry_key(ms: i64, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + key.len());
    k.extend_from_slice(&time_prefix(ms));
    k.extend_from_slice(key);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_prefixes_sort_like_times() {
        let times = [i64::MIN, -5, -1, 0, 1, 1_700_000_000_000, i64::MAX];
        for w in times.windows(2) {
            assert!(time_prefix(w[0]) < time_prefix(w[1]), "{w:?}");
        }
    }
}
