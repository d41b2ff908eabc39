//! [`ReaderContext`]: the rdkafka context of the changelog readers.
//!
//! The readers ask librdkafka to say when they reach the end of a partition
//! (`enable.partition.eof`): that is how a standby knows it has caught up and a promotion
//! knows it has read everything. librdkafka reports that event through the client's error
//! callback too, which rdkafka's default context logs at ERROR ("Global error: PartitionEOF")
//! every time a standby catches up. It is no error: this context logs it at TRACE and
//! everything else at WARN (the readers themselves report the errors they act on).

use rdkafka::client::ClientContext;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

/// The context of the changelog readers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReaderContext;

impl ClientContext for ReaderContext {
    fn error(&self, error: KafkaError, reason: &str) {
        match error.rdkafka_error_code() {
            Some(RDKafkaErrorCode::PartitionEOF) => {
                tracing::trace!(reason, "a changelog reader reached the end of a partition");
            }
            _ => tracing::warn!(%error, reason, "changelog reader"),
        }
    }
}

impl ConsumerContext for ReaderContext {}
