//! Turning feed items and errors into server frames.

use affinity_protocol::frame::{Deleted, Delta, ErrorCode, ErrorFrame, ServerFrame, Snapshot};

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

/// The frame that carries `item` for subscription `sub_id`.
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
