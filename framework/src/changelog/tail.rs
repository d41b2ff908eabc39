//! A standby's tail of its partition's changelogs: records are read as they are committed,
//! from the store's checkpoints on, and handed to the partition's actor in batches, so the
//! standby's store stays a hot copy (DESIGN.md §3, §4.4).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::ChangelogError;
use super::client::Clients;
use super::restore::{Fetched, Next, Reader};

/// Records handed over per batch at most.
const BATCH: usize = 4096;

/// How long one poll of one state's topic waits when nothing is there.
const POLL: Duration = Duration::from_millis(20);

/// How often the lag is measured (one request to the broker per state).
const LAG_EVERY: Duration = Duration::from_secs(1);

/// How long a lag measurement may wait for the broker.
const LAG_WAIT: Duration = Duration::from_millis(500);

/// What a running tail needs.
pub(crate) struct Tail {
    /// The node's Kafka clients.
    pub(crate) clients: Clients,
    /// The states' topics, by state position.
    pub(crate) topics: Arc<[String]>,
    /// The partition.
    pub(crate) partition: u32,
    /// Per state, the offset of the last record the store has (`None`: none yet).
    pub(crate) from: Vec<Option<u64>>,
    /// Where batches go: the partition's actor. Bounded, so a slow store slows the reading.
    pub(crate) out: mpsc::Sender<Vec<Fetched>>,
    /// The records the standby has yet to read, as last measured (`None`: not measured yet).
    pub(crate) lag: watch::Sender<Option<u64>>,
    /// Ends the tail.
    pub(crate) stop: CancellationToken,
}

impl Tail {
    /// Starts tailing on a blocking thread. It ends when `stop` is cancelled or the actor is
    /// gone (`Ok`), or on a Kafka error (`Err`, after which the caller may start another from
    /// the store's checkpoints).
    pub(crate) fn spawn(self) -> JoinHandle<Result<(), ChangelogError>> {
        tokio::task::spawn_blocking(move || self.run())
    }

    fn run(self) -> Result<(), ChangelogError> {
        let reader = Reader::assign(&self.clients, &self.topics, self.partition, &self.from)?;
        let states = self.topics.len();
        // Whether each topic reached its end since its last record: then its lag is 0 (the
        // broker's high watermark counts the last transaction marker, which is no record).
        let mut at_end = vec![false; states];
        let mut batch = Vec::with_capacity(BATCH);
        let mut measured = Instant::now() - LAG_EVERY;
        while !self.stop.is_cancelled() {
            let mut idle = true;
            for (state, end) in at_end.iter_mut().enumerate() {
                // Read what is there without waiting; wait only when every topic is quiet.
                let mut wait = if idle && state + 1 == states {
                    POLL
                } else {
                    Duration::ZERO
                };
                loop {
                    match reader.next(state, wait)? {
                        Next::Idle => break,
                        Next::End => {
                            *end = true;
                            break;
                        }
                        Next::Record(record) => {
                            idle = false;
                            wait = Duration::ZERO;
                            *end = false;
                            batch.push(record);
                            if batch.len() >= BATCH {
                                break;
                            }
                        }
                    }
                }
            }
            if !batch.is_empty() {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if self.out.blocking_send(full).is_err() {
                    return Ok(());
                }
            }
            if measured.elapsed() >= LAG_EVERY {
                measured = Instant::now();
                let lag = (0..states)
                    .map(|state| match at_end[state] {
                        true => Some(0),
                        false => reader.lag(state, LAG_WAIT),
                    })
                    .sum::<Option<u64>>();
                self.lag.send_replace(lag);
            }
        }
        Ok(())
    }
}
