//! [`PartitionCore`]: one partition's store, states, offset, feeds and listeners — what the
//! actor owns and a handler reaches through its [`Context`](super::Context).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use tokio::sync::broadcast;

use super::apply::{Change, Checkpoint, load_checkpoints, time_prefix};
use super::overlay::Pending;
use super::pipeline::Pipeline;
use crate::feed::{FeedItem, FeedReader, Feeds};
use crate::state::record::{Header, epoch_millis, live, millis};
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
    /// The new Avro body and its event time (ms), or `None` to delete.
    pub(crate) new: Option<(&'a [u8], i64)>,
    /// The delta from the old value to the new one, when both are in the current schema and the
    /// key has a feed.
    pub(crate) delta: Option<Vec<u8>>,
}

/// One partition's data and bookkeeping. Only the partition's actor touches it.
///
/// Without a changelog (embedded mode) a write is applied to the store at once, with the
/// partition's next sequence number as its offset. With one, writes go through the
/// [`Pipeline`] and reach the store when the log acknowledges them, with their log offsets.
pub(crate) struct PartitionCore {
    pub(crate) partition: u32,
    pub(super) store: Box<dyn Store>,
    pub(super) states: Arc<[StateDef]>,
    /// The last local sequence number (embedded mode).
    pub(super) offset: u64,
    /// Per state, the offset of the last changelog record applied.
    pub(super) offsets: Vec<Option<u64>>,
    pub(super) feeds: Vec<Feeds>,
    pub(super) listeners: Arc<[broadcast::Sender<StateChange>]>,
    pub(super) batch: WriteBatch,
    pub(super) buf: Vec<u8>,
    /// The changelog pipeline, once the partition masters a changelog.
    pub(super) log: Option<Pipeline>,
    /// Whether this replica is a standby: it applies its changelog and takes no writes.
    pub(super) standby: bool,
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
        let offsets = load_checkpoints(store.as_ref(), &states)?;
        let feeds = states.iter().map(|_| Feeds::default()).collect();
        Ok(PartitionCore {
            partition,
            store,
            states,
            offset,
            offsets,
            feeds,
            listeners,
            batch: WriteBatch::new(),
            buf: Vec::new(),
            log: None,
            standby: false,
        })
    }

    /// From now on, writes go through `pipeline` (the partition masters its changelog).
    pub(crate) fn attach(&mut self, pipeline: Pipeline) {
        self.log = Some(pipeline);
        self.standby = false;
    }

    /// From now on the partition is a standby: it applies what its changelog's tail hands it
    /// and refuses writes ([`StateError::Standby`]). A master's writes still in flight are
    /// dropped with `why`: their callers get [`AskError::NotWritten`]
    /// (crate::keyspace::AskError::NotWritten).
    pub(crate) fn detach(&mut self, why: &crate::changelog::ChangelogError) {
        self.failed(why);
        self.log = None;
        self.standby = true;
    }

    /// Per state, the offset of the last changelog record applied (`None`: none yet).
    pub(crate) fn checkpoints(&self) -> &[Option<u64>] {
        &self.offsets
    }

    /// The states, by position.
    pub(crate) fn states(&self) -> &[StateDef] {
        &self.states
    }

    /// The last local sequence number (embedded mode).
    pub(crate) fn local_offset(&self) -> u64 {
        self.offset
    }

    /// The offset of the last write of `state`: a changelog offset when the partition has a
    /// changelog, otherwise the partition's sequence.
    fn state_offset(&self, state: usize) -> u64 {
        if self.log.is_some() || self.standby {
            self.offsets.get(state).copied().flatten().unwrap_or(0)
        } else {
            self.offset
        }
    }

    /// Whether `key` of `state` has observers that want deltas.
    pub(crate) fn wants_delta(&self, state: usize, key: &[u8]) -> bool {
        self.feeds.get(state).is_some_and(|f| f.contains(key))
    }

    /// The live value of `key` in `state` (expired values are absent), as header and Avro body,
    /// including writes the changelog has not acknowledged yet (the running job then depends
    /// on them, see [`Pipeline`]); their header's offset is 0.
    pub(crate) fn read(
        &self,
        state: usize,
        key: &[u8],
    ) -> Result<Option<(Header, Vec<u8>)>, StateError> {
        if let Some(p) = &self.log
            && let Some(pending) = p.overlay.get(state, key)
        {
            p.depends_on(pending.seq);
            let ttl = self.def(state)?.spec.ttl;
            let now = epoch_millis(SystemTime::now());
            return Ok(pending
                .value
                .as_ref()
                .filter(|(header, _)| !header.expired(ttl, now))
                .map(|(header, body)| (*header, body.to_vec())));
        }
        self.read_stored(state, key)
    }

    /// The live value of `key` in `state` as the store has it: acknowledged writes only.
    fn read_stored(
        &self,
        state: usize,
        key: &[u8],
    ) -> Result<Option<(Header, Vec<u8>)>, StateError> {
        let def = self.def(state)?;
        let Some(mut stored) = self.store.get(def.spec.table(), key)? else {
            return Ok(None);
        };
        let Some((header, _)) = live(&stored, def.spec.ttl)? else {
            return Ok(None);
        };
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
        let table = self.def(state)?.spec.table();
        let ttl = self.def(state)?.spec.ttl;
        let now = epoch_millis(SystemTime::now());
        let mut out = Vec::new();
        let mut range = range.clone();
        // Expired entries not yet swept are skipped, so a page may need several store pages.
        while out.len() < limit {
            let page = self
                .store
                .scan(table, &range, direction, limit - out.len())?;
            // Pending writes merge into the part of the range this page covers.
            let covered = match (&page.rest, page.entries.last()) {
                (Some(_), Some((last, _))) => range.through(last, direction),
                _ => range.clone(),
            };
            let mut pending = match &self.log {
                Some(p) => p.overlay.range(state, &covered, direction),
                None => Box::new(std::iter::empty()),
            }
            .peekable();
            let mut stored = page.entries.into_iter().peekable();
            while out.len() < limit {
                let order = match (stored.peek(), pending.peek()) {
                    (None, None) => break,
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (Some((s, _)), Some((p, _))) => match direction {
                        Direction::Forward => s.as_slice().cmp(&p[..]),
                        Direction::Reverse => p[..].cmp(s.as_slice()),
                    },
                };
                if order == std::cmp::Ordering::Less {
                    let Some((key, mut value)) = stored.next() else {
                        break;
                    };
                    let (header, _) = Header::split(&value)?;
                    if !header.expired(ttl, now) {
                        value.drain(..crate::state::record::HEADER_LEN);
                        out.push((key, header, value));
                    }
                    continue;
                }
                if order == std::cmp::Ordering::Equal {
                    stored.next();
                }
                let Some((key, Pending { seq, value })) = pending.next() else {
                    break;
                };
                if let Some(p) = &self.log {
                    p.depends_on(*seq);
                }
                if let Some((header, body)) = value
                    && !header.expired(ttl, now)
                {
                    out.push((key.to_vec(), *header, body.to_vec()));
                }
            }
            match page.rest {
                Some(rest) => range = rest,
                None => break,
            }
        }
        Ok(out)
    }

    /// Commits one write: applied to the store at once with the partition's next sequence
    /// number (embedded mode), or sent to the changelog and applied when acknowledged. Tells
    /// the key's feed and the state's listeners once applied. On error nothing changed.
    pub(crate) fn commit(&mut self, write: Write<'_>) -> Result<(), StateError> {
        if self.log.is_some() {
            return self.stage(write);
        }
        if self.standby {
            return Err(StateError::Standby);
        }
        let schema_id = self.def(write.state)?.schemas.value_id;
        let change = Change {
            state: write.state,
            key: write.key,
            avro_key: write.avro_key.as_deref(),
            value: write.new,
            schema_id,
            offset: self.offset + 1,
            delta: write.delta,
        };
        self.apply(vec![change], Checkpoint::Local)
    }

    /// A reader of `key`'s feed in `state`, starting one from the key's current value if the
    /// key has none.
    pub(crate) fn feed(&mut self, state: usize, key: &[u8]) -> Result<FeedReader, StateError> {
        // Observers see acknowledged values only: the feed starts from the store.
        let current = match self.read_stored(state, key)? {
            Some((header, body)) => FeedItem::Snapshot {
                offset: header.offset,
                schema_id: header.schema_id,
                value: Bytes::from(body),
            },
            None => FeedItem::Deleted {
                offset: self.state_offset(state),
            },
        };
        let kafka = self.log.is_some() || self.standby;
        let applied = self.state_offset(state);
        let feeds = &mut self.feeds[state];
        feeds.set_applied(applied);
        Ok(feeds.reader(key, || current, kafka))
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
                // A pending write may have deleted the key or given it a new event time.
                let pending = self.log.as_ref().and_then(|p| p.overlay.get(state, key));
                let header = match pending {
                    Some(p) => p.value.as_ref().map(|(h, _)| *h),
                    None => match self.store.get(spec.table(), key)? {
                        Some(stored) => Some(Header::split(&stored)?.0),
                        None => None,
                    },
                };
                if !header.is_some_and(|h| h.expired(spec.ttl, now)) {
                    continue;
                }
                self.commit(Write {
                    state,
                    key,
                    avro_key: None,
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

    pub(super) fn def(&self, state: usize) -> Result<&StateDef, StateError> {
        self.states
            .get(state)
            .ok_or_else(|| StateError::UnknownState(format!("#{state}")))
    }
}
