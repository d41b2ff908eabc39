//! Logical types against apache-avro 0.22: it reads our bytes as the logical value it models,
//! and we read the bytes it writes.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, UNIX_EPOCH};

use affinity_avro::{Avro, TimestampMicros, TimestampMillis, from_slice, to_vec};
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value as Apache;
use apache_avro::writer::datum::GenericDatumWriter;

/// apache-avro's schema for `T`, parsed from the JSON we write.
fn apache_schema<T: Avro>() -> apache_avro::Schema {
    apache_avro::Schema::parse_str(&T::schema().to_json()).unwrap()
}

/// What apache-avro reads from `bytes` written with `T`'s schema (all of them).
fn apache_read<T: Avro>(bytes: &[u8]) -> Apache {
    let schema = apache_schema::<T>();
    let mut input = bytes;
    let v = GenericDatumReader::builder(&schema)
        .build()
        .unwrap()
        .read_value(&mut input)
        .unwrap();
    assert!(input.is_empty(), "apache-avro left {} bytes", input.len());
    v
}

/// What apache-avro writes for `value` with `T`'s schema.
fn apache_write<T: Avro>(value: Apache) -> Vec<u8> {
    let schema = apache_schema::<T>();
    GenericDatumWriter::builder(&schema)
        .build()
        .unwrap()
        .write_value_to_vec(value)
        .unwrap()
}

/// Both directions: apache-avro reads `ours` as `theirs`, and we read what it writes for
/// `theirs` back as `ours`, byte for byte.
fn both_ways<T: Avro + PartialEq + std::fmt::Debug>(ours: T, theirs: Apache) {
    let bytes = to_vec(&ours);
    assert_eq!(
        apache_read::<T>(&bytes),
        theirs,
        "apache-avro reading {ours:?}"
    );
    let written = apache_write::<T>(theirs);
    assert_eq!(written, bytes, "apache-avro's bytes for {ours:?}");
    assert_eq!(from_slice::<T>(&written), Ok(ours));
}

#[test]
fn timestamp_millis() {
    for millis in [0i64, 1, -1, 1_700_000_000_123, -86_400_000 * 365 * 3000] {
        let t = if millis >= 0 {
            UNIX_EPOCH + Duration::from_millis(millis as u64)
        } else {
            UNIX_EPOCH - Duration::from_millis(millis.unsigned_abs())
        };
        both_ways(TimestampMillis(t), Apache::TimestampMillis(millis));
    }
}

#[test]
fn timestamp_micros_and_system_time() {
    for micros in [0i64, 1, -1, 1_700_000_000_123_456, -62_135_596_800_000_000] {
        let t = if micros >= 0 {
            UNIX_EPOCH + Duration::from_micros(micros as u64)
        } else {
            UNIX_EPOCH - Duration::from_micros(micros.unsigned_abs())
        };
        both_ways(TimestampMicros(t), Apache::TimestampMicros(micros));
        both_ways(t, Apache::TimestampMicros(micros));
    }
}

#[cfg(feature = "uuid")]
#[test]
fn uuid() {
    for id in [
        uuid::Uuid::nil(),
        uuid::Uuid::max(),
        uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8),
        uuid::Uuid::new_v4(),
    ] {
        both_ways(id, Apache::Uuid(id));
    }
}

#[cfg(feature = "uuid")]
#[test]
fn apache_avro_rejects_what_we_reject() {
    // Not a UUID on either side: our decoder says InvalidValue, apache-avro fails too.
    let bytes = to_vec(&"not-a-uuid".to_owned());
    assert!(matches!(
        from_slice::<uuid::Uuid>(&bytes),
        Err(affinity_avro::DecodeError::InvalidValue(_))
    ));
    let schema = apache_schema::<uuid::Uuid>();
    let read = GenericDatumReader::builder(&schema)
        .build()
        .unwrap()
        .read_value(&mut &bytes[..]);
    assert!(read.is_err(), "{read:?}");
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_types() {
    use chrono::{DateTime, NaiveDate, Utc};

    for micros in [0i64, -1, 1_700_000_000_123_456, -62_135_596_800_000_000] {
        let t = DateTime::<Utc>::from_timestamp_micros(micros).unwrap();
        both_ways(t, Apache::TimestampMicros(micros));
        both_ways(t.naive_utc(), Apache::LocalTimestampMicros(micros));
    }
    for (y, m, d, days) in [
        (1970, 1, 1, 0),
        (1969, 12, 31, -1),
        (2024, 2, 29, 19_782),
        (1, 1, 1, -719_162),
    ] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        both_ways(date, Apache::Date(days));
    }
}

#[cfg(feature = "decimal")]
#[test]
fn decimal() {
    use affinity_avro::Decimal;
    use rust_decimal::Decimal as D;

    // (value at scale 3, minimal two's-complement unscaled bytes)
    let cases: [(i64, &[u8]); 6] = [
        (0, &[0x00]),
        (1_230, &[0x04, 0xce]),
        (-1_230, &[0xfb, 0x32]),
        (127, &[0x7f]),
        (-128, &[0x80]),
        (999_999_999_999, &[0x00, 0xe8, 0xd4, 0xa5, 0x0f, 0xff]),
    ];
    for (unscaled, bytes) in cases {
        let d = Decimal::<12, 3>::new(D::new(unscaled, 3)).unwrap();
        both_ways(d, Apache::Decimal(apache_avro::Decimal::from(bytes)));
    }
    let schema = apache_schema::<Decimal<12, 3>>();
    assert_eq!(
        schema,
        apache_avro::Schema::parse_str(
            r#"{"type":"bytes","logicalType":"decimal","precision":12,"scale":3}"#
        )
        .unwrap()
    );
}

#[cfg(feature = "decimal")]
#[test]
fn decimal_sign_extended_by_apache_avro() {
    use affinity_avro::Decimal;
    use rust_decimal::Decimal as D;

    // apache-avro keeps the length it was given: ff ff 85 is -123, not minimal.
    let written = apache_write::<Decimal<5, 2>>(Apache::Decimal(apache_avro::Decimal::from([
        0xff, 0xff, 0x85,
    ])));
    assert_eq!(written, [6, 0xff, 0xff, 0x85]);
    assert_eq!(
        from_slice::<Decimal<5, 2>>(&written).map(Decimal::get),
        Ok(D::new(-123, 2))
    );
    // Too many digits for the precision: a value apache-avro writes without complaint.
    let written = apache_write::<Decimal<5, 2>>(Apache::Decimal(apache_avro::Decimal::from([
        0x01, 0x86, 0xa0,
    ])));
    assert!(matches!(
        from_slice::<Decimal<5, 2>>(&written),
        Err(affinity_avro::DecodeError::InvalidValue(_))
    ));
}
