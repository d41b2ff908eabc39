//! Becoming a partition's master in Kafka mode: the keyspace's changelog topics, the
//! partition's fenced producer, and the read-back of the log before the partition serves.

use std::sync::Arc;
use std::time::Duration;

use super::KeyspaceError;
use crate::changelog::{
    ChangelogError, Clients, KafkaWriter, MAX_RECORD, TopicSpec, catch_up, ensure_topics,
};
use crate::partition::Pipeline;
use crate::partition::core::PartitionCore;
use crate::state::StateDef;

/// How long the read-back of a changelog may go without a record or the end of the log.
const RESTORE_STALL: Duration = Duration::from_secs(60);

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

/// Makes `core` the master of its partition's changelog: fences the previous master (by
/// initialising the partition's transactional id), reads the log from the store's
/// checkpoints to its end, and attaches the writer. Returns how many records were read back,
/// and the core — also when it fails (unless the read-back itself died, which takes the core
/// with it), so a standby that could not take over stays a standby.
pub(crate) async fn promote(
    clients: &Clients,
    keyspace: &str,
    topics: Arc<[String]>,
    mut core: PartitionCore,
) -> (Option<PartitionCore>, Result<u64, KeyspaceError>) {
    let partition = core.partition;
    let fail = |source| KeyspaceError::Changelog {
        keyspace: keyspace.to_owned(),
        partition,
        source: Box::new(source),
    };
    let id = clients
        .transactional()
        .then(|| clients.transactional_id(keyspace, partition));
    // First fence, then read: once the previous master is fenced nothing more reaches the log
    // behind this node's back, so the end it reads to is the end.
    let producer = match clients.producer(id.as_deref()).await {
        Ok(producer) => producer,
        Err(error) => return (Some(core), Err(fail(error))),
    };
    let from = core.checkpoints().to_vec();
    let started = std::time::Instant::now();
    let (reader, names) = (clients.clone(), topics.clone());
    let read = tokio::task::spawn_blocking(move || {
        let mut apply = |batch: &[_]| core.apply_fetched(batch);
        let replayed = catch_up(&reader, &names, partition, &from, RESTORE_STALL, &mut apply);
        (core, replayed)
    })
    .await;
    let (mut core, replayed) = match read {
        Ok((core, Ok(replayed))) => (core, replayed),
        Ok((core, Err(error))) => return (Some(core), Err(fail(error))),
        Err(_) => return (None, Err(fail(ChangelogError::Stopped))),
    };
    tracing::info!(
        keyspace,
        partition,
        replayed,
        seconds = started.elapsed().as_secs_f64(),
        "changelog read back"
    );
    let states = topics.len();
    let writer = KafkaWriter::new(producer, topics, partition, id, MAX_RECORD);
    core.attach(Pipeline::new(Box::new(writer), states));
    (Some(core), Ok(replayed))
}
