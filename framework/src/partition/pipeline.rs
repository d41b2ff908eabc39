//! The write pipeline of a partition master with a changelog (DESIGN.md §4): writes go to the
//! log and to the [`Overlay`]; each is applied to the store once the log acknowledges it; a
//! reply waits until every write its job wrote or read is acknowledged.
//!
//! So handlers read their own and earlier jobs' writes at once (the partition never waits
//! for the log between jobs, and many writes are in flight), while nothing a client is told —
//! a reply, a feed update, a listener's change — depends on a write the log may still lose
//! (§4.3). A job that read only acknowledged data answers at once.

use std::cell::Cell;
use std::collections::VecDeque;
use std::task::{Context, Poll};

use bytes::Bytes;

use super::apply::{Change, Checkpoint};
use super::core::{PartitionCore, Write};
use super::overlay::{Overlay, Pending};
use crate::changelog::{ChangelogError, Fetched, LogRecord, LogWriter};
use crate::keyspace::AskError;
use crate::state::StateError;
use crate::state::record::Header;

/// The most writes in flight per partition: past it the actor takes no new jobs until the log
/// has acknowledged some (a bounded queue).
pub(crate) const MAX_IN_FLIGHT: usize = 65_536;

/// How a job's answer is sent once it may be: `Ok` when the writes it depends on are durable,
/// otherwise why not.
pub(crate) type Reply = Box<dyn FnOnce(Result<(), AskError>) + Send>;

/// A write sent to the log and not yet acknowledged.
struct Staged {
    seq: u64,
    state: usize,
    /// The store key, shared with the overlay.
    key: Bytes,
    avro_key: Vec<u8>,
    /// The body (shared with the overlay) and event time, or `None` for a deletion.
    value: Option<(Bytes, i64)>,
    schema_id: u32,
    delta: Option<Vec<u8>>,
}

/// A master's changelog writer and what is in flight through it.
pub(crate) struct Pipeline {
    writer: Box<dyn LogWriter>,
    pub(super) overlay: Overlay,
    staged: VecDeque<Staged>,
    /// The sequence number of the last write staged.
    staged_seq: u64,
    /// The sequence number up to which writes are acknowledged (or were dropped).
    acked_seq: u64,
    /// Replies waiting for a sequence number to be acknowledged, in job order.
    held: VecDeque<(u64, Reply)>,
    /// The newest pending write the running job wrote or read.
    pub(super) dependency: Cell<u64>,
}

impl Pipeline {
    /// A pipeline writing through `writer` for a partition with `states` states.
    pub(crate) fn new(writer: Box<dyn LogWriter>, states: usize) -> Self {
        Pipeline {
            writer,
            overlay: Overlay::new(states),
            staged: VecDeque::new(),
            staged_seq: 0,
            acked_seq: 0,
            held: VecDeque::new(),
            dependency: Cell::new(0),
        }
    }

    /// Notes that the running job saw pending write `seq`.
    pub(super) fn depends_on(&self, seq: u64) {
        if seq > self.dependency.get() {
            self.dependency.set(seq);
        }
    }
}

impl PartitionCore {
    /// Sends `write` to the changelog and records it as pending. On error nothing changed.
    pub(super) fn stage(&mut self, write: Write<'_>) -> Result<(), StateError> {
        let states = self.states.clone();
        let def = states
            .get(write.state)
            .ok_or_else(|| StateError::UnknownState(format!("#{}", write.state)))?;
        let (key_id, value_id) = (def.schemas.key_id, def.schemas.value_id);
        let avro_key = match write.avro_key {
            Some(k) => k,
            None => {
                let mut k = Vec::new();
                def.spec.key_codec.to_avro(write.key, &mut k)?;
                k
            }
        };
        let Some(pipeline) = self.log.as_mut() else {
            return Err(ChangelogError::Stopped.into());
        };
        let timestamp = match write.new {
            Some((_, event_time)) => event_time,
            None => crate::state::record::epoch_millis(std::time::SystemTime::now()),
        };
        pipeline.writer.append(LogRecord {
            state: write.state,
            key: (key_id, &avro_key),
            value: write.new.map(|(body, _)| (value_id, body)),
            timestamp,
        })?;
        pipeline.staged_seq += 1;
        let seq = pipeline.staged_seq;
        let value = write
            .new
            .map(|(body, event_time)| (Bytes::copy_from_slice(body), event_time));
        let key = Bytes::copy_from_slice(write.key);
        pipeline.overlay.set(
            write.state,
            key.clone(),
            Pending {
                seq,
                value: value.as_ref().map(|(body, event_time)| {
                    let header = Header {
                        schema_id: value_id,
                        offset: 0,
                        event_time: *event_time,
                    };
                    (header, body.clone())
                }),
            },
        );
        pipeline.staged.push_back(Staged {
            seq,
            state: write.state,
            key,
            avro_key,
            value,
            schema_id: value_id,
            delta: write.delta,
        });
        pipeline.depends_on(seq);
        Ok(())
    }

    /// Marks the start of a job: it depends on nothing yet.
    pub(crate) fn begin_job(&mut self) {
        if let Some(p) = &self.log {
            p.dependency.set(0);
        }
    }

    /// Sends the running job's answer through `reply` now if it depends on no pending write,
    /// or once the writes it depends on are acknowledged.
    pub(crate) fn reply(&mut self, reply: Reply) {
        match &mut self.log {
            Some(p) if p.dependency.get() > p.acked_seq => {
                p.held.push_back((p.dependency.get(), reply));
            }
            _ => reply(Ok(())),
        }
    }

    /// Starts making the writes staged so far durable (after each run of jobs).
    pub(crate) fn flush(&mut self) {
        if let Some(p) = &mut self.log {
            p.writer.flush();
        }
    }

    /// Whether the partition may take another job: not too many writes in flight.
    pub(crate) fn accepts_jobs(&self) -> bool {
        self.log
            .as_ref()
            .is_none_or(|p| p.staged.len() < MAX_IN_FLIGHT)
    }

    /// Whether writes are in flight.
    pub(crate) fn in_flight(&self) -> bool {
        self.log.as_ref().is_some_and(|p| !p.staged.is_empty())
    }

    /// The log's next acknowledgement (never ready without a log).
    pub(crate) fn poll_acked(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Vec<u64>, ChangelogError>> {
        match &mut self.log {
            Some(p) => p.writer.poll_acked(cx),
            None => Poll::Pending,
        }
    }

    /// Applies the acknowledged writes (the oldest staged ones, at `offsets`) to the store,
    /// tells their observers and sends the replies that waited for them.
    pub(crate) fn acked(&mut self, offsets: Vec<u64>) -> Result<(), StateError> {
        let Some(p) = &mut self.log else {
            return Ok(());
        };
        let n = offsets.len().min(p.staged.len());
        let mut done: Vec<Staged> = p.staged.drain(..n).collect();
        let changes = done
            .iter_mut()
            .zip(&offsets)
            .map(|(s, &offset)| {
                let Staged {
                    state,
                    key,
                    avro_key,
                    value,
                    schema_id,
                    delta,
                    ..
                } = s;
                Change {
                    state: *state,
                    key,
                    avro_key: Some(avro_key),
                    value: value.as_ref().map(|(b, t)| (&b[..], *t)),
                    schema_id: *schema_id,
                    offset,
                    // Moved: the delta is not needed once the feed has it.
                    delta: delta.take(),
                }
            })
            .collect();
        let result = self.apply(changes, Checkpoint::Changelog);
        let Some(p) = &mut self.log else {
            return result;
        };
        for s in &done {
            p.overlay.settle(s.state, &s.key, s.seq);
        }
        if let Some(last) = done.last() {
            p.acked_seq = last.seq;
        }
        while p.held.front().is_some_and(|(seq, _)| *seq <= p.acked_seq) {
            if let Some((_, reply)) = p.held.pop_front() {
                reply(match &result {
                    Ok(()) => Ok(()),
                    Err(e) => Err(AskError::NotWritten {
                        reason: e.to_string(),
                    }),
                });
            }
        }
        result
    }

    /// Drops every pending write after the log failed them, and fails the replies that
    /// waited for them.
    pub(crate) fn failed(&mut self, error: &ChangelogError) {
        let Some(p) = &mut self.log else {
            return;
        };
        tracing::error!(%error, dropped = p.staged.len(), "changelog writes failed; their jobs get errors");
        p.staged.clear();
        p.overlay.clear();
        p.acked_seq = p.staged_seq;
        for (_, reply) in p.held.drain(..) {
            reply(Err(AskError::NotWritten {
                reason: error.to_string(),
            }));
        }
    }

    /// Applies records read back from the changelog (a restore), in one write batch.
    pub(crate) fn apply_fetched(&mut self, records: &[Fetched]) -> Result<(), ChangelogError> {
        let mut keys = Vec::with_capacity(records.len());
        for r in records {
            let def = self
                .def(r.state)
                .map_err(|e| ChangelogError::Apply(e.to_string()))?;
            let (_, avro_key) = affinity_avro::decode_frame(&r.key)
                .map_err(|e| ChangelogError::Apply(format!("a record key: {e}")))?;
            let key = def
                .spec
                .key_codec
                .from_avro_to_vec(avro_key)
                .map_err(|e| ChangelogError::Apply(format!("a record key: {e}")))?;
            keys.push(key);
        }
        let mut changes = Vec::with_capacity(records.len());
        for (r, key) in records.iter().zip(&keys) {
            let (schema_id, value) = match &r.value {
                Some(v) => {
                    let (id, body) = affinity_avro::decode_frame(v)
                        .map_err(|e| ChangelogError::Apply(format!("a record value: {e}")))?;
                    (id, Some((body, r.timestamp)))
                }
                None => (0, None),
            };
            changes.push(Change {
                state: r.state,
                key,
                avro_key: None,
                value,
                schema_id,
                offset: r.offset,
                delta: None,
            });
        }
        self.apply(changes, Checkpoint::Changelog)
            .map_err(|e| ChangelogError::Apply(e.to_string()))
    }
}
