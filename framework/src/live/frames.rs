//! Turning feed items and errors into server frames.

use affinity_avro::binary::{write_bytes, write_int, write_long};
#[cfg(test)]
use affinity_protocol::frame::{Deleted, Delta, Snapshot};
use affinity_protocol::frame::{ErrorCode, ErrorFrame, ServerFrame};
use bytes::Bytes;

use crate::feed::FeedItem;
use crate::keyspace::{AskError, ObserveError, PublishError};
use crate::state::StateError;

/// An offset as the protocol carries it. A partition with no write yet (offset 0) reports an
/// absent key as `-1`, "never written".
pub(crate) fn wire_offset(offset: u64) -> i64 {
    if offset == 0 {
        -1
    } else {
        i64::try_from(offset).unwrap_or(i64::MAX)
    }
}

/// Branch indexes of [`ServerFrame`] (its Avro union), for [`item_bytes`].
const SNAPSHOT: i64 = 0;
const DELTA: i64 = 1;
const DELETED: i64 = 2;

/// The encoded frame that carries `item` for subscription `sub_id`: the bytes
/// `encode(&ServerFrame::…)` gives, written in one allocation without building the frame (a
/// change is encoded once per subscriber, so this is the fan-out's inner loop).
pub(crate) fn item_bytes(sub_id: i64, item: &FeedItem) -> Bytes {
    // Exactly the frame's length: `Bytes::from` a full `Vec` takes it over without allocating
    // a header.
    let mut out = Vec::with_capacity(item_len(sub_id, item));
    match item {
        FeedItem::Snapshot {
            offset,
            schema_id,
            value,
        } => {
            write_long(&mut out, SNAPSHOT);
            write_long(&mut out, sub_id);
            write_long(&mut out, wire_offset(*offset));
            write_int(&mut out, *schema_id as i32);
            write_bytes(&mut out, value);
        }
        FeedItem::Delta {
            offset,
            base_offset,
            schema_id,
            delta,
        } => {
            write_long(&mut out, DELTA);
            write_long(&mut out, sub_id);
            write_long(&mut out, wire_offset(*offset));
            write_long(&mut out, wire_offset(*base_offset));
            write_int(&mut out, *schema_id as i32);
            write_bytes(&mut out, delta);
        }
        FeedItem::Deleted { offset } => {
            write_long(&mut out, DELETED);
            write_long(&mut out, sub_id);
            write_long(&mut out, wire_offset(*offset));
        }
    }
    Bytes::from(out)
}

/// The length of [`item_bytes`]'s frame.
fn item_len(sub_id: i64, item: &FeedItem) -> usize {
    1 + long_len(sub_id)
        + match item {
            FeedItem::Snapshot {
                offset,
                schema_id,
                value,
            } => {
                long_len(wire_offset(*offset))
                    + long_len(i64::from(*schema_id as i32))
                    + long_len(value.len() as i64)
                    + value.len()
            }
            FeedItem::Delta {
                offset,
                base_offset,
                schema_id,
                delta,
            } => {
                long_len(wire_offset(*offset))
                    + long_len(wire_offset(*base_offset))
                    + long_len(i64::from(*schema_id as i32))
                    + long_len(delta.len() as i64)
                    + delta.len()
            }
            FeedItem::Deleted { offset } => long_len(wire_offset(*offset)),
        }
}

/// The length of a `long` in Avro binary (zig-zag, 7 bits a byte).
fn long_len(v: i64) -> usize {
    let zigzag = ((v << 1) ^ (v >> 63)) as u64;
    (64 - (zigzag | 1).leading_zeros() as usize).div_ceil(7)
}

/// The frame that carries `item` for subscription `sub_id` ([`item_bytes`] decoded).
#[cfg(test)]
pub(crate) fn item_frame(sub_id: i64, item: FeedItem) -> ServerFrame {
    match item {
        FeedItem::Snapshot {
            offset,
            schema_id,
            value,
        } => ServerFrame::Snapshot(Snapshot {
            sub_id,
            offset: wire_offset(offset),
            schema_id: schema_id as i32,
            value: value.to_vec(),
        }),
        FeedItem::Delta {
            offset,
            base_offset,
            schema_id,
            delta,
        } => ServerFrame::Delta(Delta {
            sub_id,
            offset: wire_offset(offset),
            base_offset: wire_offset(base_offset),
            schema_id: schema_id as i32,
            delta: delta.to_vec(),
        }),
        FeedItem::Deleted { offset } => ServerFrame::Deleted(Deleted {
            sub_id,
            offset: wire_offset(offset),
        }),
    }
}

/// An Error frame.
pub(crate) fn error_frame(
    sub_id: Option<i64>,
    request_id: Option<i64>,
    code: ErrorCode,
    message: impl Into<String>,
) -> ServerFrame {
    ServerFrame::Error(ErrorFrame {
        sub_id,
        request_id,
        code,
        message: message.into(),
    })
}

/// The code and message for a failed subscription; internals are logged, not sent.
pub(crate) fn observe_error(error: &ObserveError) -> (ErrorCode, String) {
    match error {
        ObserveError::BadKey(_) => (ErrorCode::BadKey, error.to_string()),
        ObserveError::State(StateError::UnknownState(_)) => {
            (ErrorCode::UnknownState, error.to_string())
        }
        ObserveError::State(StateError::Key(_)) => (ErrorCode::BadKey, error.to_string()),
        ObserveError::Ask(ask) => ask_error(ask),
        ObserveError::Overloaded(_) => (ErrorCode::Overloaded, error.to_string()),
        ObserveError::State(_) => {
            tracing::error!(%error, "a subscription failed");
            (ErrorCode::Internal, "internal error".to_owned())
        }
    }
}

/// The code and message for a failed publish.
pub(crate) fn publish_error(error: &PublishError) -> (ErrorCode, String) {
    match error {
        PublishError::Ask(ask) => ask_error(ask),
        PublishError::BadKey(_) => (ErrorCode::BadKey, error.to_string()),
        PublishError::NotAccepted(_) | PublishError::BadMessage(_) | PublishError::Rejected(_) => {
            (ErrorCode::BadMessage, error.to_string())
        }
    }
}

fn ask_error(error: &AskError) -> (ErrorCode, String) {
    match error {
        AskError::Timeout
        | AskError::Stopped
        | AskError::NoMaster { .. }
        | AskError::NotWritten { .. } => (ErrorCode::Unavailable, error.to_string()),
        _ => {
            tracing::error!(%error, "a partition failed a live request");
            (ErrorCode::Internal, "internal error".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use affinity_avro::binary::write_long;
    use affinity_protocol::frame::encode;

    use super::*;

    #[test]
    fn long_len_is_the_written_length() {
        for v in [
            0,
            1,
            -1,
            63,
            -64,
            64,
            -65,
            8191,
            8192,
            i64::MAX,
            i64::MIN,
            1 << 40,
        ] {
            let mut out = Vec::new();
            write_long(&mut out, v);
            assert_eq!(long_len(v), out.len(), "{v}");
        }
    }

    #[test]
    fn item_bytes_are_the_encoded_frames() {
        let items = [
            FeedItem::Snapshot {
                offset: 0,
                schema_id: 7,
                value: Bytes::from_static(b"a value"),
            },
            FeedItem::Snapshot {
                offset: 1 << 40,
                schema_id: u32::MAX,
                value: Bytes::from(vec![9u8; 300]),
            },
            FeedItem::Delta {
                offset: 12,
                base_offset: 11,
                schema_id: 3,
                delta: Bytes::from_static(&[1, 2, 3]),
            },
            FeedItem::Delta {
                offset: u64::MAX,
                base_offset: 0,
                schema_id: 0,
                delta: Bytes::new(),
            },
            FeedItem::Deleted { offset: 0 },
            FeedItem::Deleted { offset: 99 },
        ];
        for sub_id in [0, 1, -1, 63, 64, i64::MAX, i64::MIN] {
            for item in &items {
                let bytes = item_bytes(sub_id, item);
                assert_eq!(
                    bytes.as_ref(),
                    encode(&item_frame(sub_id, item.clone())).as_slice(),
                    "{sub_id} {item:?}"
                );
                // Sized exactly: the Vec becomes the Bytes without a shared header.
                assert_eq!(item_len(sub_id, item), bytes.len(), "{sub_id} {item:?}");
            }
        }
    }
}
