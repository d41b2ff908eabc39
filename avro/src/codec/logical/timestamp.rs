//! [`TimestampMillis`] and [`TimestampMicros`]: a `SystemTime` with an explicit Avro unit.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::DecodeError;
use crate::binary::{Reader, write_long};
use crate::codec::{Avro, SchemaWriter};

/// A point in time encoded as the Avro `timestamp-millis` logical type: a `long` counting
/// milliseconds since the Unix epoch (negative before it).
///
/// Encoding truncates toward the past (`-0.5 ms` is `-1 ms`) and saturates at the range of
/// `i64`; decoding a count that `SystemTime` cannot represent on this platform is
/// [`DecodeError::InvalidValue`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use affinity_avro::{TimestampMillis, from_slice, to_vec};
///
/// let t = TimestampMillis(UNIX_EPOCH + Duration::from_millis(1500));
/// assert_eq!(to_vec(&t), [0xb8, 0x17]); // 1500 as a zig-zag varint
/// assert_eq!(from_slice::<TimestampMillis>(&[0xb8, 0x17]), Ok(t));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampMillis(pub SystemTime);

/// A point in time encoded as the Avro `timestamp-micros` logical type: a `long` counting
/// microseconds since the Unix epoch (negative before it).
///
/// `SystemTime` itself has this encoding; the newtype names the unit in a field's type.
/// Encoding truncates toward the past and saturates at the range of `i64`; decoding a count
/// that `SystemTime` cannot represent is [`DecodeError::InvalidValue`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use affinity_avro::{TimestampMicros, from_slice, to_vec};
///
/// let t = TimestampMicros(UNIX_EPOCH - Duration::from_micros(1));
/// assert_eq!(to_vec(&t), [0x01]);
/// assert_eq!(from_slice::<TimestampMicros>(&[0x01]), Ok(t));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampMicros(pub SystemTime);

impl From<SystemTime> for TimestampMillis {
    fn from(t: SystemTime) -> Self {
        TimestampMillis(t)
    }
}

impl From<TimestampMillis> for SystemTime {
    fn from(t: TimestampMillis) -> Self {
        t.0
    }
}

impl From<SystemTime> for TimestampMicros {
    fn from(t: SystemTime) -> Self {
        TimestampMicros(t)
    }
}

impl From<TimestampMicros> for SystemTime {
    fn from(t: TimestampMicros) -> Self {
        t.0
    }
}

const NANOS_PER_MILLI: u32 = 1_000_000;

/// Whole milliseconds since the Unix epoch, truncated toward the past, saturating at `i64`.
fn to_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let millis = d.as_millis() + u128::from(d.subsec_nanos() % NANOS_PER_MILLI != 0);
            i64::try_from(millis).map(|m| -m).unwrap_or(i64::MIN)
        }
    }
}

fn from_millis(millis: i64) -> Option<SystemTime> {
    let d = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    }
}

impl Avro for TimestampMillis {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"long","logicalType":"timestamp-millis"}"#);
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_long(out, to_millis(self.0));
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let millis = r.read_long()?;
        from_millis(millis).map(TimestampMillis).ok_or_else(|| {
            DecodeError::InvalidValue(format!("timestamp {millis} ms is out of range"))
        })
    }
}

impl Avro for TimestampMicros {
    const MIN_SIZE: usize = <SystemTime as Avro>::MIN_SIZE;
    fn write_schema(w: &mut SchemaWriter) {
        SystemTime::write_schema(w);
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        SystemTime::decode(r).map(TimestampMicros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Logical;
    use crate::{from_slice, to_vec};

    #[test]
    fn schemas_carry_the_logical_type() {
        assert_eq!(
            TimestampMillis::schema().root_node().logical,
            Some(Logical::TimestampMillis)
        );
        assert_eq!(
            TimestampMicros::schema().root_node().logical,
            Some(Logical::TimestampMicros)
        );
    }

    #[test]
    fn millis_truncate_toward_the_past() {
        let cases = [
            (UNIX_EPOCH + Duration::from_micros(1999), 1),
            (UNIX_EPOCH - Duration::from_micros(1), -1),
            (UNIX_EPOCH - Duration::from_micros(1000), -1),
            (UNIX_EPOCH - Duration::from_micros(1001), -2),
        ];
        for (t, millis) in cases {
            assert_eq!(to_millis(t), millis, "{t:?}");
            let expected = from_millis(millis).map(TimestampMillis).unwrap();
            assert_eq!(
                from_slice::<TimestampMillis>(&to_vec(&TimestampMillis(t))),
                Ok(expected)
            );
        }
    }

    #[test]
    fn whole_millis_round_trip() {
        for millis in [0i64, 1, -1, 1_700_000_000_123, -62_135_596_800_000] {
            let t = TimestampMillis(from_millis(millis).unwrap());
            let bytes = to_vec(&t);
            let mut expected = Vec::new();
            write_long(&mut expected, millis);
            assert_eq!(bytes, expected);
            assert_eq!(from_slice::<TimestampMillis>(&bytes), Ok(t));
        }
    }

    #[test]
    fn micros_match_system_time() {
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        assert_eq!(to_vec(&TimestampMicros(t)), to_vec(&t));
        assert_eq!(
            from_slice::<TimestampMicros>(&to_vec(&t)),
            Ok(TimestampMicros(t))
        );
        assert_eq!(SystemTime::from(TimestampMicros::from(t)), t);
        assert_eq!(SystemTime::from(TimestampMillis::from(t)), t);
    }
}
