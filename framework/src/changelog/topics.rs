//! Changelog topics: their names, and creating or verifying them when a keyspace starts.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;

use super::ChangelogError;

/// An admin client, shared with the blocking threads that read metadata.
pub(crate) type Admin = Arc<AdminClient<DefaultClientContext>>;

/// How long topic administration may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The changelog topic of `state` in `keyspace` of cluster `cluster`:
/// `<cluster>.<keyspace>-<state>`.
///
/// The cluster's name comes first, as Kafka Streams puts its `application.id` first: two
/// clusters on one Kafka that run a keyspace of the same name must not share its logs (they
/// would write into each other's and fence each other's masters). The dot cannot appear in a
/// cluster or keyspace name, so no two triples make one topic.
///
/// The state's schemas are registered under the topic's subjects, `<topic>-key`/`-value`, as
/// Confluent's TopicNameStrategy names them (DESIGN.md §5), and, with the same ids, under
/// `<keyspace>-<state>-key`/`-value`: those are the subjects clients (the browser client among
/// them) name in both modes, without knowing the cluster; the registry is the cluster's own.
pub fn topic_name(cluster: &str, keyspace: &str, state: &str) -> String {
    format!("{cluster}.{keyspace}-{state}")
}

/// What a changelog topic must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TopicSpec {
    /// The topic.
    pub(crate) name: String,
    /// The keyspace's partition count.
    pub(crate) partitions: u32,
    /// The state's TTL: the topic also deletes records older than it.
    pub(crate) ttl: Option<Duration>,
}

impl TopicSpec {
    /// `cleanup.policy`: compacted, and with a TTL also deleted by age.
    fn cleanup_policy(&self) -> &'static str {
        if self.ttl.is_some() {
            "compact,delete"
        } else {
            "compact"
        }
    }
}

/// Creates the topics that do not exist (with the broker's default replication factor) and
/// checks the ones that do: same partition count, compacted.
pub(crate) async fn ensure_topics(
    admin: &Admin,
    specs: &[TopicSpec],
) -> Result<(), ChangelogError> {
    let options = AdminOptions::new()
        .request_timeout(Some(ADMIN_TIMEOUT))
        .operation_timeout(Some(ADMIN_TIMEOUT));
    let retention: Vec<Option<String>> = specs
        .iter()
        .map(|s| s.ttl.map(|ttl| ttl.as_millis().to_string()))
        .collect();
    let new: Vec<NewTopic<'_>> = specs
        .iter()
        .zip(&retention)
        .map(|(spec, retention)| {
            let partitions = i32::try_from(spec.partitions).unwrap_or(i32::MAX);
            let topic = NewTopic::new(&spec.name, partitions, TopicReplication::Fixed(-1))
                .set("cleanup.policy", spec.cleanup_policy());
            match retention {
                Some(ms) => topic.set("retention.ms", ms),
                None => topic,
            }
        })
        .collect();
    let results = admin
        .create_topics(&new, &options)
        .await
        .map_err(|e| ChangelogError::kafka("creating changelog topics", e))?;
    for result in results {
        match result {
            Ok(topic) => tracing::info!(topic, "changelog topic created"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(ChangelogError::kafka(
                    format!("creating changelog topic `{topic}`"),
                    rdkafka::error::KafkaError::AdminOp(code),
                ));
            }
        }
    }
    for spec in specs {
        verify(admin, spec, &options).await?;
    }
    Ok(())
}

/// Checks an existing topic's partition count and cleanup policy.
async fn verify(
    admin: &Admin,
    spec: &TopicSpec,
    options: &AdminOptions,
) -> Result<(), ChangelogError> {
    let found = partition_count(admin, &spec.name).await?;
    if found != spec.partitions {
        return Err(ChangelogError::PartitionMismatch {
            topic: spec.name.clone(),
            expected: spec.partitions,
            found,
        });
    }
    let configs = admin
        .describe_configs([&ResourceSpecifier::Topic(&spec.name)], options)
        .await
        .map_err(|e| ChangelogError::kafka(format!("describing topic `{}`", spec.name), e))?;
    for config in configs {
        let config = config.map_err(|code| {
            ChangelogError::kafka(
                format!("describing topic `{}`", spec.name),
                rdkafka::error::KafkaError::AdminOp(code),
            )
        })?;
        let policy = config
            .get("cleanup.policy")
            .and_then(|e| e.value.clone())
            .unwrap_or_default();
        if !policy.split(',').any(|p| p.trim() == "compact") {
            return Err(ChangelogError::NotCompacted {
                topic: spec.name.clone(),
                policy,
            });
        }
    }
    Ok(())
}

/// How many partitions `topic` has, from the cluster's metadata (a blocking call, made on a
/// blocking thread). A topic just created may take a moment to appear.
async fn partition_count(admin: &Admin, topic: &str) -> Result<u32, ChangelogError> {
    let deadline = std::time::Instant::now() + ADMIN_TIMEOUT;
    loop {
        let (client, name) = (admin.clone(), topic.to_owned());
        let metadata = tokio::task::spawn_blocking(move || {
            client
                .inner()
                .fetch_metadata(Some(&name), Duration::from_secs(10))
        })
        .await
        .map_err(|_| ChangelogError::Stopped)?
        .map_err(|e| ChangelogError::kafka(format!("reading the metadata of `{topic}`"), e))?;
        let count = metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())
            .map(|t| u32::try_from(t.partitions().len()).unwrap_or(u32::MAX))
            .unwrap_or(0);
        if count > 0 || std::time::Instant::now() >= deadline {
            return Ok(count);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_named_after_cluster_keyspace_and_state() {
        assert_eq!(
            topic_name("prod", "graph", "vertices"),
            "prod.graph-vertices"
        );
        // Dashes are allowed in each name; the dot keeps the cluster apart.
        assert_ne!(topic_name("a-b", "c", "d"), topic_name("a", "b-c", "d"));
        let with_ttl = TopicSpec {
            name: "s-sessions".into(),
            partitions: 4,
            ttl: Some(Duration::from_secs(60)),
        };
        assert_eq!(with_ttl.cleanup_policy(), "compact,delete");
        let without = TopicSpec {
            ttl: None,
            ..with_ttl
        };
        assert_eq!(without.cleanup_policy(), "compact");
    }
}
