//! The Kafka clients a node makes from its `[kafka]` configuration.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::admin::AdminClient;
use rdkafka::consumer::BaseConsumer;
use rdkafka::producer::{FutureProducer, Producer};

use super::ChangelogError;
use super::context::ReaderContext;
use super::topics::Admin;
use crate::config::{Acks, KafkaConfig};

/// How long a new master may take to initialise its transactions (and so fence the previous
/// master, whose open transaction the broker aborts first).
const INIT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest record a changelog takes, key and value: below the broker's default
/// `message.max.bytes` (1 MB) with room for the batch overhead.
pub(crate) const MAX_RECORD: usize = 1_000_000 - 1024;

/// Makes the node's Kafka clients.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    bootstrap: String,
    acks: Acks,
    client_id: String,
    /// The cluster's name, which the changelogs and transactional ids carry.
    cluster: String,
}

impl Clients {
    /// Clients for the brokers of `config`, for node `node_id` of cluster `cluster` (its
    /// clients name themselves after the node).
    pub(crate) fn new(config: &KafkaConfig, cluster: &str, node_id: &str) -> Self {
        Clients {
            bootstrap: config.bootstrap_servers.join(","),
            acks: config.acks,
            client_id: format!("affinity-{node_id}"),
            cluster: cluster.to_owned(),
        }
    }

    /// The changelog topic of `state` in `keyspace` ([`topic_name`](super::topic_name)).
    pub(crate) fn topic(&self, keyspace: &str, state: &str) -> String {
        super::topic_name(&self.cluster, keyspace, state)
    }

    /// The transactional id of a partition's changelog producer: the same on every node of
    /// the cluster, so a new master fences the one before; another cluster's differs.
    pub(crate) fn transactional_id(&self, keyspace: &str, partition: u32) -> String {
        format!("affinity-{}.{keyspace}-{partition}", self.cluster)
    }

    /// Whether changelog writes use transactions (and so are fenced): with `acks = "all"`.
    pub(crate) fn transactional(&self) -> bool {
        self.acks == Acks::All
    }

    fn base(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.bootstrap)
            .set("client.id", &self.client_id);
        config
    }

    /// An admin client.
    pub(crate) fn admin(&self) -> Result<Admin, ChangelogError> {
        let admin: AdminClient<_> = self
            .base()
            .create()
            .map_err(|e| ChangelogError::kafka("creating an admin client", e))?;
        Ok(Arc::new(admin))
    }

    /// The producer of one partition's changelog. With transactions (`transactional_id` is
    /// `Some`) its transactions are initialised, which fences the partition's previous master;
    /// that waits on the network, so it runs on a blocking thread.
    pub(crate) async fn producer(
        &self,
        transactional_id: Option<&str>,
    ) -> Result<Arc<FutureProducer>, ChangelogError> {
        let mut config = self.base();
        config
            .set("acks", self.acks.as_str())
            .set("linger.ms", "1")
            .set("message.max.bytes", "1000000")
            // A transaction begun right after a commit is refused (CONCURRENT_TRANSACTIONS) until
            // the broker has written the commit markers; the default 100 ms backoff before
            // asking again would be most of each commit's latency.
            .set("retry.backoff.ms", "5")
            .set("retry.backoff.max.ms", "50")
            .set(
                "enable.idempotence",
                if self.acks == Acks::All {
                    "true"
                } else {
                    "false"
                },
            );
        if let Some(id) = transactional_id {
            config.set("transactional.id", id);
        }
        let producer: FutureProducer = config
            .create()
            .map_err(|e| ChangelogError::kafka("creating a producer", e))?;
        let producer = Arc::new(producer);
        if let Some(id) = transactional_id {
            let p = producer.clone();
            tokio::task::spawn_blocking(move || p.init_transactions(INIT_TIMEOUT))
                .await
                .map_err(|_| ChangelogError::Stopped)?
                .map_err(|e| {
                    ChangelogError::kafka(format!("initialising transactions of `{id}`"), e)
                })?;
        }
        Ok(producer)
    }

    /// A consumer that reads changelogs from given offsets, committed records only, and says
    /// when it reaches the end of a partition. It joins no group and commits nothing: the
    /// store's checkpoint is the position.
    pub(crate) fn reader(&self) -> Result<BaseConsumer<ReaderContext>, ChangelogError> {
        self.base()
            .set("group.id", "affinity-changelog-reader")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "true")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest")
            .set("fetch.max.bytes", "52428800")
            // The end of the log is found by an empty fetch: don't let the broker hold it long.
            .set("fetch.wait.max.ms", "20")
            .set("queued.max.messages.kbytes", "16384")
            .create_with_context(ReaderContext)
            .map_err(|e| ChangelogError::kafka("creating a changelog reader", e))
    }
}
