//! Applying changes to a partition's store: one write batch with the checkpoint, then the
//! feeds and listeners. The one path for a local write (embedded mode), a write the changelog
//! acknowledged, and records read back from the changelog.

use std::collections::HashMap;

use bytes::Bytes;

use super::core::PartitionCore;
use crate::state::record::Header;
use crate::state::{StateChange, StateError};

/// The store table holding, per state, the offset of the last changelog record applied (the
/// state's checkpoint). State names never start with `_`, so it cannot collide with one.
pub(crate) const CHECKPOINTS: &str = "_changelog";

/// One change of one key, with the offset it has in the log (or the local sequence).
pub(crate) struct Change<'a> {
    /// The state, by position.
    pub(crate) state: usize,
    /// The key in the store's encoding.
    pub(crate) key: &'a [u8],
    /// The key's Avro encoding, if the caller has it (listeners need it).
    pub(crate) avro_key: Option<&'a [u8]>,
    /// The new Avro body and its event time (ms), or `None` for a deletion.
    pub(crate) value: Option<(&'a [u8], i64)>,
    /// The body's schema id.
    pub(crate) schema_id: u32,
    /// The change's offset.
    pub(crate) offset: u64,
    /// The delta from the key's previous value, for its feed, if computed.
    pub(crate) delta: Option<Vec<u8>>,
}

/// What the batch records as the checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checkpoint {
    /// The partition's own sequence (embedded mode): the store's checkpoint.
    Local,
    /// Changelog offsets: per state, in the [`CHECKPOINTS`] table.
    Changelog,
}

impl PartitionCore {
    /// Applies `changes` in order, atomically with the checkpoint, then tells the keys' feeds
    /// and the states' listeners. On error the store is unchanged and nobody is told.
    pub(crate) fn apply(
        &mut self,
        changes: Vec<Change<'_>>,
        checkpoint: Checkpoint,
    ) -> Result<(), StateError> {
        let Some(last) = changes.last().map(|c| c.offset) else {
            return Ok(());
        };
        self.batch.clear();
        // The event time each key's expiry entry is under, as this batch leaves it.
        let mut expiring: HashMap<(usize, &[u8]), Option<i64>> = HashMap::new();
        let mut newest: Vec<Option<u64>> = vec![None; self.states.len()];
        let states = self.states.clone();
        for change in &changes {
            let def = states
                .get(change.state)
                .ok_or_else(|| StateError::UnknownState(format!("#{}", change.state)))?;
            let table = def.spec.table();
            match change.value {
                Some((body, event_time)) => {
                    self.buf.clear();
                    Header {
                        schema_id: change.schema_id,
                        offset: change.offset,
                        event_time,
                    }
                    .write(&mut self.buf);
                    self.buf.extend_from_slice(body);
                    self.batch.put(table, change.key, self.buf.as_slice());
                }
                None => {
                    self.batch.delete(table, change.key);
                }
            }
            if let Some(expiry) = def.spec.expiry_table() {
                let old = match expiring.get(&(change.state, change.key)) {
                    Some(old) => *old,
                    None => match self.store.get(table, change.key)? {
                        Some(stored) => Some(Header::split(&stored)?.0.event_time),
                        None => None,
                    },
                };
                if let Some(old) = old {
                    self.batch.delete(&expiry, expiry_key(old, change.key));
                }
                let new = change.value.map(|(_, t)| t);
                if let Some(new) = new {
                    self.batch
                        .put(&expiry, expiry_key(new, change.key), Vec::new());
                }
                expiring.insert((change.state, change.key), new);
            }
            if let Some(slot) = newest.get_mut(change.state) {
                *slot = Some(change.offset);
            }
        }
        match checkpoint {
            Checkpoint::Local => {
                self.batch.set_checkpoint(last);
            }
            Checkpoint::Changelog => {
                for (state, offset) in newest.iter().enumerate() {
                    if let Some(offset) = offset {
                        let name = &self.states[state].spec.name;
                        self.batch
                            .put(CHECKPOINTS, name.as_bytes(), offset.to_be_bytes());
                    }
                }
            }
        }
        self.store.write(&self.batch)?;
        match checkpoint {
            Checkpoint::Local => {
                self.offset = last;
                for feeds in &self.feeds {
                    feeds.set_applied(last);
                }
            }
            Checkpoint::Changelog => {
                for ((slot, offset), feeds) in self.offsets.iter_mut().zip(newest).zip(&self.feeds)
                {
                    if let Some(offset) = offset {
                        *slot = Some(offset);
                        feeds.set_applied(offset);
                    }
                }
            }
        }
        for change in changes {
            self.tell(change);
        }
        Ok(())
    }

    /// Tells `change`'s feed and its state's listeners.
    fn tell(&mut self, change: Change<'_>) {
        let feeds = &mut self.feeds[change.state];
        match change.value {
            Some((body, _)) => feeds.value(
                change.key,
                change.offset,
                change.schema_id,
                body,
                change.delta,
            ),
            None => feeds.deleted(change.key, change.offset),
        }
        let listeners = &self.listeners[change.state];
        if listeners.receiver_count() == 0 {
            return;
        }
        let key = match change.avro_key {
            Some(k) => Some(k.to_vec()),
            None => {
                let mut k = Vec::new();
                self.states[change.state]
                    .spec
                    .key_codec
                    .to_avro(change.key, &mut k)
                    .ok()
                    .map(|()| k)
            }
        };
        if let Some(key) = key {
            // No receiver left between the check and the send is fine: nothing to tell.
            let _ = listeners.send(StateChange {
                partition: self.partition,
                offset: change.offset,
                key: Bytes::from(key),
                value: change.value.map(|(b, _)| Bytes::copy_from_slice(b)),
                schema_id: change.schema_id,
            });
        }
    }
}

/// An event time in an order-preserving encoding: big-endian with the sign bit flipped.
pub(crate) fn time_prefix(ms: i64) -> [u8; 8] {
    ((ms as u64) ^ (1 << 63)).to_be_bytes()
}

/// The expiry index key of `key` with event time `ms`: by time, then key.
fn expiry_key(ms: i64, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + key.len());
    k.extend_from_slice(&time_prefix(ms));
    k.extend_from_slice(key);
    k
}

/// The per-state checkpoints stored in `store`'s [`CHECKPOINTS`] table, if it has one.
pub(crate) fn load_checkpoints(
    store: &dyn crate::store::Store,
    states: &[crate::state::StateDef],
) -> Result<Vec<Option<u64>>, StateError> {
    if !store.tables().iter().any(|t| t == CHECKPOINTS) {
        return Ok(vec![None; states.len()]);
    }
    states
        .iter()
        .map(|def| {
            let Some(bytes) = store.get(CHECKPOINTS, def.spec.name.as_bytes())? else {
                return Ok(None);
            };
            let bytes: [u8; 8] = bytes.as_slice().try_into().map_err(|_| {
                StateError::Corrupt(format!(
                    "the changelog checkpoint of `{}` is {} bytes long, not 8",
                    def.spec.name,
                    bytes.len()
                ))
            })?;
            Ok(Some(u64::from_be_bytes(bytes)))
        })
        .collect()
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
