//! `chrono` dates and times as Avro logical types.
//!
//! | Rust | Avro |
//! |---|---|
//! | `DateTime<Utc>` | `timestamp-micros` (`long`) |
//! | `NaiveDateTime` | `local-timestamp-micros` (`long`) |
//! | `NaiveDate` | `date` (`int`, days since 1970-01-01) |
//!
//! Sub-microsecond precision is truncated toward the past. Every value chrono can hold encodes
//! (its range, ±262,143 years, fits the Avro types); a decoded number outside chrono's range is
//! [`DecodeError::InvalidValue`].

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::DecodeError;
use crate::binary::{Reader, write_int, write_long};
use crate::codec::{Avro, SchemaWriter};

/// `DateTime<Utc>` is `{"type":"long","logicalType":"timestamp-micros"}`.
///
/// ```
/// use chrono::{DateTime, Utc};
/// use affinity_avro::{from_slice, to_vec};
/// let t = DateTime::<Utc>::from_timestamp_micros(-1).unwrap();
/// assert_eq!(to_vec(&t), [0x01]);
/// assert_eq!(from_slice::<DateTime<Utc>>(&[0x01]), Ok(t));
/// ```
impl Avro for DateTime<Utc> {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"long","logicalType":"timestamp-micros"}"#);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        write_long(out, self.timestamp_micros());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let micros = r.read_long()?;
        DateTime::from_timestamp_micros(micros).ok_or_else(|| out_of_range("timestamp", micros))
    }
}

/// `NaiveDateTime` is `{"type":"long","logicalType":"local-timestamp-micros"}`: microseconds
/// since 1970-01-01T00:00:00 in an unspecified local time zone.
impl Avro for NaiveDateTime {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"long","logicalType":"local-timestamp-micros"}"#);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        write_long(out, self.and_utc().timestamp_micros());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let micros = r.read_long()?;
        DateTime::from_timestamp_micros(micros)
            .map(|t| t.naive_utc())
            .ok_or_else(|| out_of_range("local timestamp", micros))
    }
}

/// `NaiveDate` is `{"type":"int","logicalType":"date"}`: days since 1970-01-01.
///
/// ```
/// use chrono::NaiveDate;
/// use affinity_avro::{from_slice, to_vec};
/// let d = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
/// assert_eq!(to_vec(&d), [0x02]);
/// assert_eq!(from_slice::<NaiveDate>(&[0x02]), Ok(d));
/// ```
impl Avro for NaiveDate {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"int","logicalType":"date"}"#);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        write_int(out, self.to_epoch_days());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let days = r.read_int()?;
        NaiveDate::from_epoch_days(days).ok_or_else(|| out_of_range("date", i64::from(days)))
    }
}

fn out_of_range(what: &str, n: i64) -> DecodeError {
    DecodeError::InvalidValue(format!("{what} {n} is outside chrono's range"))
}

crate::codec::borrow::via_avro!(DateTime<Utc>, NaiveDateTime, NaiveDate);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Logical;
    use crate::{from_slice, to_vec};

    fn long(v: i64) -> Vec<u8> {
        let mut out = Vec::new();
        write_long(&mut out, v);
        out
    }

    #[test]
    fn schemas_carry_the_logical_types() {
        assert_eq!(
            <DateTime<Utc>>::schema().root_node().logical,
            Some(Logical::TimestampMicros)
        );
        assert_eq!(
            NaiveDateTime::schema().root_node().logical,
            Some(Logical::LocalTimestampMicros)
        );
        assert_eq!(NaiveDate::schema().root_node().logical, Some(Logical::Date));
    }

    #[test]
    fn the_extremes_of_chrono_round_trip() {
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            // MAX_UTC has nanoseconds; the encoding keeps whole microseconds.
            let micros = t.timestamp_micros();
            let bytes = to_vec(&t);
            assert_eq!(bytes, long(micros));
            let back = from_slice::<DateTime<Utc>>(&bytes).unwrap();
            assert_eq!(back.timestamp_micros(), micros);
            assert!(back <= t && t - back < chrono::TimeDelta::microseconds(1));
            let naive = t.naive_utc();
            assert_eq!(to_vec(&naive), long(micros));
            assert_eq!(
                from_slice::<NaiveDateTime>(&bytes).unwrap(),
                back.naive_utc()
            );
        }
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(from_slice::<NaiveDate>(&to_vec(&d)), Ok(d));
        }
    }

    #[test]
    fn sub_microseconds_truncate_toward_the_past() {
        let t = DateTime::<Utc>::from_timestamp(-1, 999_999_999).unwrap();
        assert_eq!(to_vec(&t), long(-1));
    }

    #[test]
    fn out_of_range_numbers_are_invalid_values() {
        for v in [i64::MAX, i64::MIN] {
            assert!(matches!(
                from_slice::<DateTime<Utc>>(&long(v)),
                Err(DecodeError::InvalidValue(_))
            ));
            assert!(matches!(
                from_slice::<NaiveDateTime>(&long(v)),
                Err(DecodeError::InvalidValue(_))
            ));
        }
        for v in [i32::MAX, i32::MIN] {
            assert!(matches!(
                from_slice::<NaiveDate>(&long(i64::from(v))),
                Err(DecodeError::InvalidValue(_))
            ));
        }
    }
}
