//! One live subscription: follows a key's feed and sends its changes to the connection.

use affinity_protocol::frame::{ErrorCode, ServerFrame};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::frames::{error_frame, item_frame};
use crate::feed::FeedReader;

/// Sends `sub_id`'s snapshot (or, resuming from `held`, what changed since), then every change,
/// until the connection goes, the subscription is cancelled or the partition stops.
///
/// Sending waits when the connection's queue is full; while it waits, the key's changes keep
/// collecting in the partition's feed, and the next round asks the feed for what the client
/// misses — deltas while the feed still has them, else the latest value alone. So a slow
/// client costs a bounded amount of memory and still ends with the latest value.
pub(crate) async fn follow(
    sub_id: i64,
    mut reader: FeedReader,
    mut held: Option<u64>,
    out: mpsc::Sender<ServerFrame>,
    cancel: CancellationToken,
) {
    loop {
        for item in reader.since(held) {
            held = Some(item.offset());
            tokio::select! {
                sent = out.send(item_frame(sub_id, item)) => if sent.is_err() { return },
                () = cancel.cancelled() => return,
            }
        }
        tokio::select! {
            alive = reader.changed() => if !alive {
                // The partition stopped (the node is shutting down): the client resubscribes
                // elsewhere or later, resuming from what it holds.
                let _ = out.try_send(error_frame(
                    Some(sub_id),
                    None,
                    ErrorCode::Unavailable,
                    "the partition stopped",
                ));
                return;
            },
            () = cancel.cancelled() => return,
        }
    }
}
