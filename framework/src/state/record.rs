//! How a state's value is laid out in its store: a fixed header, then the Avro body.
//!
//! ```text
//! [schema id: u32 BE][offset: u64 BE][event time: i64 BE, ms since the epoch][Avro body]
//! ```
//!
//! The schema id is the registry id of the schema the body is written with, so a value stays
//! readable after the value type evolves (DESIGN.md §3). The offset is the partition offset of
//! the write that produced the value: the live protocol sends it with a snapshot, and a delta's
//! base offset is the offset of the value it applies to. The event time is what TTLs count from.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::StateError;

/// The header's length in bytes.
pub(crate) const HEADER_LEN: usize = 4 + 8 + 8;

/// A stored value's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// The registry id of the body's schema.
    pub(crate) schema_id: u32,
    /// The partition offset of the write.
    pub(crate) offset: u64,
    /// The event time, in milliseconds since the Unix epoch.
    pub(crate) event_time: i64,
}

impl Header {
    /// Appends the header to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.schema_id.to_be_bytes());
        out.extend_from_slice(&self.offset.to_be_bytes());
        out.extend_from_slice(&self.event_time.to_be_bytes());
    }

    /// Splits a stored value into its header and body.
    pub(crate) fn split(stored: &[u8]) -> Result<(Header, &[u8]), StateError> {
        let (head, body) = stored.split_at_checked(HEADER_LEN).ok_or_else(|| {
            StateError::Corrupt(format!("a stored value of {} bytes", stored.len()))
        })?;
        let mut id = [0; 4];
        let mut offset = [0; 8];
        let mut time = [0; 8];
        id.copy_from_slice(&head[..4]);
        offset.copy_from_slice(&head[4..12]);
        time.copy_from_slice(&head[12..]);
        Ok((
            Header {
                schema_id: u32::from_be_bytes(id),
                offset: u64::from_be_bytes(offset),
                event_time: i64::from_be_bytes(time),
            },
            body,
        ))
    }

    /// Whether a value with this header has outlived `ttl` at `now_ms`.
    pub(crate) fn expired(&self, ttl: Option<Duration>, now_ms: i64) -> bool {
        ttl.is_some_and(|ttl| self.event_time.saturating_add(millis(ttl)) <= now_ms)
    }
}

/// A stored value's header and body, or `None` when a state with `ttl` has let it expire by
/// now (an expired value reads as absent before the sweep deletes it).
pub(crate) fn live(
    stored: &[u8],
    ttl: Option<Duration>,
) -> Result<Option<(Header, &[u8])>, StateError> {
    let (header, body) = Header::split(stored)?;
    if header.expired(ttl, epoch_millis(SystemTime::now())) {
        return Ok(None);
    }
    Ok(Some((header, body)))
}

/// `time` in milliseconds since the Unix epoch (negative before it), saturating.
pub(crate) fn epoch_millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => millis(d),
        Err(e) => millis(e.duration()).saturating_neg(),
    }
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_short_values_are_corrupt() {
        let h = Header {
            schema_id: 7,
            offset: 1 << 40,
            event_time: -3,
        };
        let mut out = Vec::new();
        h.write(&mut out);
        out.extend_from_slice(b"body");
        let (back, body) = Header::split(&out).unwrap();
        assert_eq!((back, body), (h, &b"body"[..]));
        assert!(matches!(
            Header::split(&out[..HEADER_LEN - 1]),
            Err(StateError::Corrupt(_))
        ));
    }

    #[test]
    fn expiry_counts_from_event_time() {
        let h = Header {
            schema_id: 1,
            offset: 1,
            event_time: 1_000,
        };
        assert!(!h.expired(None, i64::MAX));
        assert!(!h.expired(Some(Duration::from_secs(1)), 1_999));
        assert!(h.expired(Some(Duration::from_secs(1)), 2_000));
    }
}
