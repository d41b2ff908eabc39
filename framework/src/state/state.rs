//! [`State`]: a typed view of one state of the partition a handler runs in.

use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};
use std::time::SystemTime;

use affinity_avro::{Avro, Value, from_slice, to_vec};

use super::StateError;
use super::record::{Header, epoch_millis};
use crate::partition::core::{PartitionCore, Write};
use crate::store::{Direction, KeyRange};

/// One state of the current partition, with keys `K` and values `V`: what a
/// [`Handler`](crate::partition::Handler) reads and writes, through
/// [`Context::state`](crate::partition::Context::state).
///
/// Without a changelog (embedded mode) every write is committed atomically with the
/// partition's new offset (RocksDB write batch, DESIGN.md §4.4) before the call returns. With a
/// Kafka changelog a write is sent to the log and visible at once to this partition's
/// handlers; it reaches the store (with its log offset as the checkpoint) when the log
/// acknowledges it, and the answer to the message waits for that (§4.1–4.3). Either way the
/// key's observers and the state's listeners are told once the write is applied. Values are stored with their schema id and read back through schema resolution
/// when they were written with an older version of `V`. Values of a state with a TTL expire
/// `ttl` after their event time: they read as absent at once and are deleted by the partition's
/// periodic sweep, which observers see as deletions.
pub struct State<'a, K, V> {
    core: &'a mut PartitionCore,
    index: usize,
    _types: PhantomData<fn(K) -> V>,
}

impl<K, V> std::fmt::Debug for State<'_, K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("name", &self.core.states()[self.index].spec.name)
            .field("partition", &self.core.partition)
            .finish()
    }
}

impl<'a, K, V> State<'a, K, V>
where
    K: Avro + 'static,
    V: Avro + Send + Sync + 'static,
{
    pub(crate) fn new(core: &'a mut PartitionCore, index: usize) -> Self {
        State {
            core,
            index,
            _types: PhantomData,
        }
    }

    /// The value of `key`, if it has one.
    pub fn get(&self, key: &K) -> Result<Option<V>, StateError> {
        let key = self.store_key(key)?;
        self.core
            .read(self.index, &key)?
            .map(|(header, body)| self.decode(header.schema_id, &body))
            .transpose()
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &K) -> Result<bool, StateError> {
        Ok(self.core.read(self.index, &self.store_key(key)?)?.is_some())
    }

    /// Sets `key` to `value`, with the current time as its event time.
    pub fn put(&mut self, key: &K, value: &V) -> Result<(), StateError> {
        self.put_at(key, value, SystemTime::now())
    }

    /// Sets `key` to `value` with the event time `event_time` (what a TTL counts from).
    pub fn put_at(&mut self, key: &K, value: &V, event_time: SystemTime) -> Result<(), StateError> {
        let key = self.key_bytes(key)?;
        // The old value matters only for the delta a feed of the key sends; without a feed
        // a put writes blind (no store read).
        let old = if self.core.wants_delta(self.index, &key.store) {
            self.core.read(self.index, &key.store)?
        } else {
            None
        };
        self.write(key, old, value, epoch_millis(event_time))
    }

    /// Sets `key` to `value` only if it has no value; fails with
    /// [`StateError::AlreadyExists`] otherwise.
    pub fn insert(&mut self, key: &K, value: &V) -> Result<(), StateError> {
        let key = self.key_bytes(key)?;
        if self.core.read(self.index, &key.store)?.is_some() {
            return Err(StateError::AlreadyExists);
        }
        self.write(key, None, value, epoch_millis(SystemTime::now()))
    }

    /// Deletes `key`, returning the value it had. Nothing is written if it had none.
    pub fn delete(&mut self, key: &K) -> Result<Option<V>, StateError> {
        let key = self.key_bytes(key)?;
        let Some((header, body)) = self.core.read(self.index, &key.store)? else {
            return Ok(None);
        };
        let old = self.decode(header.schema_id, &body)?;
        self.remove(key)?;
        Ok(Some(old))
    }

    /// Read-modify-write: gives `f` the current value and stores what it returns (`None`
    /// deletes). Nothing is written when the result encodes the same as the current value, so
    /// observers see no change. Returns the new value.
    pub fn update<F>(&mut self, key: &K, f: F) -> Result<Option<V>, StateError>
    where
        F: FnOnce(Option<V>) -> Option<V>,
    {
        let key = self.key_bytes(key)?;
        let old = self.core.read(self.index, &key.store)?;
        let current = match &old {
            Some((header, body)) => Some(self.decode(header.schema_id, body)?),
            None => None,
        };
        match (f(current), old) {
            (None, None) => Ok(None),
            (None, Some(_)) => {
                self.remove(key)?;
                Ok(None)
            }
            (Some(new), old) => {
                let unchanged = old.as_ref().is_some_and(|(header, body)| {
                    header.schema_id == self.value_id() && *body == to_vec(&new)
                });
                if !unchanged {
                    self.write(key, old, &new, epoch_millis(SystemTime::now()))?;
                }
                Ok(Some(new))
            }
        }
    }

    /// Up to `limit` entries whose keys are in `range`, in key order (the Avro sort order of
    /// `K`, see [`store::key`](crate::store::key)).
    pub fn range<R: RangeBounds<K>>(
        &self,
        range: R,
        limit: usize,
    ) -> Result<Vec<(K, V)>, StateError> {
        let bound = |b: Bound<&K>| -> Result<Bound<Vec<u8>>, StateError> {
            Ok(match b {
                Bound::Included(k) => Bound::Included(self.store_key(k)?),
                Bound::Excluded(k) => Bound::Excluded(self.store_key(k)?),
                Bound::Unbounded => Bound::Unbounded,
            })
        };
        let range = KeyRange::new(bound(range.start_bound())?, bound(range.end_bound())?);
        self.scan(&range, Direction::Forward, limit)
    }

    /// Up to `limit` entries, in key order, whose keys (a record) start with the given
    /// leading field values.
    pub fn prefix(&self, fields: &[Value], limit: usize) -> Result<Vec<(K, V)>, StateError> {
        let prefix = self.spec_codec().prefix_to_vec(fields)?;
        self.scan(&KeyRange::prefix(prefix), Direction::Forward, limit)
    }

    /// Up to `limit` entries of a range of store keys, in `direction`.
    fn scan(
        &self,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<(K, V)>, StateError> {
        let codec = self.spec_codec();
        self.core
            .scan(self.index, range, direction, limit)?
            .into_iter()
            .map(|(key, header, body)| {
                let mut avro = Vec::with_capacity(key.len());
                codec.to_avro(&key, &mut avro)?;
                let k = from_slice::<K>(&avro)
                    .map_err(|e| StateError::Corrupt(format!("a stored key: {e}")))?;
                Ok((k, self.decode(header.schema_id, &body)?))
            })
            .collect()
    }

    /// Deletes the stored value of `key`.
    fn remove(&mut self, key: KeyBytes) -> Result<(), StateError> {
        self.core.commit(Write {
            state: self.index,
            key: &key.store,
            avro_key: Some(key.avro),
            new: None,
            delta: None,
        })
    }

    fn write(
        &mut self,
        key: KeyBytes,
        old: Option<(Header, Vec<u8>)>,
        value: &V,
        event_time: i64,
    ) -> Result<(), StateError> {
        let body = to_vec(value);
        let mut delta = None;
        if let Some((header, old_body)) = &old
            && header.schema_id == self.value_id()
            && self.core.wants_delta(self.index, &key.store)
        {
            let old_value = self.decode(header.schema_id, old_body)?;
            let mut d = Vec::new();
            V::write_delta(&old_value, value, &mut d);
            delta = Some(d);
        }
        self.core.commit(Write {
            state: self.index,
            key: &key.store,
            avro_key: Some(key.avro),
            new: Some((&body, event_time)),
            delta,
        })
    }

    fn value_id(&self) -> u32 {
        self.core.states()[self.index].schemas.value_id
    }

    fn spec_codec(&self) -> crate::store::KeyCodec<'static> {
        self.core.states()[self.index].spec.key_codec
    }

    fn store_key(&self, key: &K) -> Result<Vec<u8>, StateError> {
        Ok(self.key_bytes(key)?.store)
    }

    /// `key` in both encodings, each computed once per write.
    fn key_bytes(&self, key: &K) -> Result<KeyBytes, StateError> {
        let avro = to_vec(key);
        let store = self.spec_codec().from_avro_to_vec(&avro)?;
        Ok(KeyBytes { avro, store })
    }

    fn decode(&self, schema_id: u32, body: &[u8]) -> Result<V, StateError> {
        self.core.states()[self.index].decode(schema_id, body)
    }
}

/// A key as the changelog and listeners carry it (Avro binary) and as the store orders it.
struct KeyBytes {
    avro: Vec<u8>,
    store: Vec<u8>,
}
