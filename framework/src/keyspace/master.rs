//! Becoming a partition's master in Kafka mode: the keyspace's changelog topics, the
//! partition's fenced producer, and the read-back of the log before the partition serves.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::producer::FutureProducer;
use tokio_util::task::AbortOnDropHandle;

use super::KeyspaceError;
use crate::changelog::{
    ChangelogError, Clients, KafkaWriter, MAX_RECORD, Reader, TopicSpec, catch_up, ensure_topics,
};
use crate::partition::core::PartitionCore;
use crate::partition::{CatchUp, Pipeline};
use crate::state::StateDef;

/// How long the read-back of a changelog may go without a record or the end of the log.
const RESTORE_STALL: Duration = Duration::from_secs(60);

/// How long the catch-up's reader waits to learn where its topics' partitions are, while the
/// previous master is fenced.
const LOCATE_WAIT: Duration = Duration::from_secs(2);

/// The changelog topics of a keyspace's states, by state position, created or checked.
pub(crate) async fn topics(
    clients: &Clients,
    keyspace: &str,
    partitions: u32,
    states: &[StateDef],
) -> Result<Arc<[String]>, KeyspaceError> {
    let fail = |source| KeyspaceError::Changelog {
        keyspace: keyspace.to_owned(),
        partition: 0,
        source: Box::new(source),
    };
    let specs: Vec<TopicSpec> = states
        .iter()
        .map(|def| TopicSpec {
            name: clients.topic(keyspace, &def.spec.name),
            partitions,
            ttl: def.spec.ttl,
        })
        .collect();
    let admin = clients.admin().map_err(fail)?;
    ensure_topics(&admin, &specs).await.map_err(fail)?;
    Ok(specs.into_iter().map(|s| s.name).collect())
}

/// The fencing of a partition's previous master: its producer, made with the partition's
/// transactional id, whose initialisation fences every producer that had it before. Started
/// ([`fence`]) the moment the mastership is won, so it runs while the standby winds down;
/// the reader of the catch-up that follows connects to the brokers meanwhile.
pub(crate) struct Fencing {
    id: Option<String>,
    producer: AbortOnDropHandle<Result<Arc<FutureProducer>, ChangelogError>>,
    reader: AbortOnDropHandle<Result<Reader, ChangelogError>>,
}

/// Starts fencing the previous master of `partition` of `keyspace`, whose states' changelogs
/// are `topics` (see [`Fencing`]).
pub(crate) fn fence(
    clients: &Clients,
    keyspace: &str,
    partition: u32,
    topics: &[String],
) -> Fencing {
    let id = clients
        .transactional()
        .then(|| clients.transactional_id(keyspace, partition));
    let (producing, with) = (clients.clone(), id.clone());
    let producer = tokio::spawn(async move { producing.producer(with.as_deref()).await });
    Fencing {
        id,
        producer: AbortOnDropHandle::new(producer),
        reader: AbortOnDropHandle::new(tokio::task::spawn_blocking({
            let (clients, topics) = (clients.clone(), topics.to_vec());
            move || {
                let reader = Reader::new(&clients, &topics, partition)?;
                reader.locate(LOCATE_WAIT);
                Ok(reader)
            }
        })),
    }
}

/// Makes `core` the master of its partition's changelog: waits for `fencing` (see
/// [`fence`]), reads the log from the store's checkpoints to its end, and attaches the
/// writer. Returns what it read back, and the core — also when it fails (unless the read-back
/// itself died, which takes the core with it), so a standby that could not take over stays a
/// standby.
pub(crate) async fn promote(
    keyspace: &str,
    topics: Arc<[String]>,
    mut core: PartitionCore,
    fencing: Fencing,
) -> (Option<PartitionCore>, Result<CatchUp, KeyspaceError>) {
    let partition = core.partition;
    let fail = |source| KeyspaceError::Changelog {
        keyspace: keyspace.to_owned(),
        partition,
        source: Box::new(source),
    };
    let Fencing {
        id,
        producer,
        reader,
    } = fencing;
    // First fence, then read: once the previous master is fenced nothing more reaches the log
    // behind this node's back, so the end it reads to is the end.
    let producer = match producer.await {
        Ok(Ok(producer)) => producer,
        Ok(Err(error)) => return (Some(core), Err(fail(error))),
        Err(_) => return (Some(core), Err(fail(ChangelogError::Stopped))),
    };
    let reader = match reader.await {
        Ok(Ok(reader)) => reader,
        Ok(Err(error)) => return (Some(core), Err(fail(error))),
        Err(_) => return (Some(core), Err(fail(ChangelogError::Stopped))),
    };
    let from = core.checkpoints().to_vec();
    let started = std::time::Instant::now();
    let read = tokio::task::spawn_blocking(move || {
        let mut apply = |batch: &[_]| core.apply_fetched(batch);
        let replayed = catch_up(&reader, &from, RESTORE_STALL, &mut apply);
        // Closing the reader's consumers takes librdkafka a tenth of a second or more: the
        // partition does not wait for it to serve.
        tokio::task::spawn_blocking(move || drop(reader));
        (core, replayed)
    })
    .await;
    let took = started.elapsed();
    let (mut core, replayed) = match read {
        Ok((core, Ok(replayed))) => (core, replayed),
        Ok((core, Err(error))) => return (Some(core), Err(fail(error))),
        Err(_) => return (None, Err(fail(ChangelogError::Stopped))),
    };
    tracing::info!(
        keyspace,
        partition,
        replayed,
        seconds = took.as_secs_f64(),
        "changelog read back"
    );
    let states = topics.len();
    let writer = KafkaWriter::new(producer, topics, partition, id, MAX_RECORD);
    core.attach(Pipeline::new(Box::new(writer), states));
    let caught_up = CatchUp {
        records: replayed,
        took,
    };
    (Some(core), Ok(caught_up))
}
