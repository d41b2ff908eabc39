//! Key routing agrees with Kafka's default partitioner, byte for byte.
//!
//! Sources of the expected values:
//! - Apache Kafka, `clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java`,
//!   `testMurmur2` (the six signed ints below; read at commit f55581dc7395).
//! - librdkafka, `src/rdmurmur2.c`, `unittest_murmur2` (hex values "java_murmur2_results", read
//!   at commit 6cbbd2f7aee9), which cover every tail length (0–3 trailing bytes) and the empty
//!   key.
//! - The partitions are `(hash & 0x7fffffff) % n` computed from those published hashes (not from
//!   our implementation); "foobar" → 16 of 50 is also pinned by other Kafka-compatible clients.

use std::num::NonZeroU32;

use affinity::partitioner::{Partitioner, murmur2, partition_for};
use proptest::prelude::*;

fn n(partitions: u32) -> NonZeroU32 {
    NonZeroU32::new(partitions).unwrap_or(NonZeroU32::MIN)
}

/// Kafka's `UtilsTest.testMurmur2`.
const KAFKA_UTILS_TEST: [(&[u8], i32); 6] = [
    (b"21", -973_932_308),
    (b"foobar", -790_332_482),
    (b"a-little-bit-long-string", -985_981_536),
    (b"a-little-bit-longer-string", -1_486_304_829),
    (
        b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
        -58_897_971,
    ),
    (b"abc", 479_470_107),
];

/// librdkafka's `unittest_murmur2` (its expected values are the Java client's results).
const LIBRDKAFKA: [(&[u8], u32); 11] = [
    (b"kafka", 0xd067_cf64),
    (b"giberish123456789", 0x8f55_2b0c),
    (b"1234", 0x9fc9_7b14),
    (b"234", 0xe7c0_09ca),
    (b"34", 0x8739_30da),
    (b"4", 0x5a4b_5ca1),
    (b"PreAmbleWillBeRemoved,ThePrePartThatIs", 0x7842_4f1c),
    (b"reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62_b377),
    (b"eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4_e09e),
    (b"AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8_b43f),
    (b"", 0x106e_08d9),
];

#[test]
fn murmur2_matches_kafkas_utils_test() {
    for (key, expected) in KAFKA_UTILS_TEST {
        assert_eq!(
            murmur2(key),
            expected,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

#[test]
fn murmur2_matches_librdkafka_for_every_tail_length() {
    for (key, expected) in LIBRDKAFKA {
        assert_eq!(
            murmur2(key) as u32,
            expected,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

#[test]
fn known_keys_land_on_known_partitions() {
    // (key, partitions, partition), each partition = (published hash & 0x7fffffff) % partitions.
    let cases: [(&[u8], u32, u32); 16] = [
        (b"foobar", 50, 16),
        (b"foobar", 8, 6),
        (b"21", 8, 4),
        (b"21", 50, 40),
        (b"a-little-bit-long-string", 12, 8),
        (b"a-little-bit-longer-string", 12, 11),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 3, 2),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 50, 27),
        (b"abc", 8, 3),
        (b"kafka", 3, 1),
        (b"giberish123456789", 50, 20),
        (b"4", 50, 3),
        (b"PreAmbleWillBeRemoved,ThePrePartThatIs", 12, 8),
        (b"", 12, 9),
        // any key, one partition
        (b"foobar", 1, 0),
        (b"", 1, 0),
    ];
    for (key, partitions, expected) in cases {
        let name = String::from_utf8_lossy(key);
        assert_eq!(
            partition_for(key, n(partitions)),
            expected,
            "{name:?} of {partitions}"
        );
        assert_eq!(
            Partitioner::new(n(partitions)).partition(key),
            expected,
            "{name:?} of {partitions} through Partitioner"
        );
    }
}

#[test]
fn a_negative_hash_is_made_positive_by_clearing_the_sign_bit_not_by_abs() {
    // murmur2("21") = -973932308. toPositive gives 1173551340 (→ 4 of 8); abs would give
    // 973932308 (→ 4 of 8 as well), so check a modulus where they differ: of 50, 40 vs 8.
    let hash = murmur2(b"21");
    assert!(hash < 0);
    assert_eq!((hash as u32) & 0x7fff_ffff, 1_173_551_340);
    assert_eq!(partition_for(b"21", n(50)), 40);
    assert_ne!(hash.unsigned_abs() % 50, 40);
}

#[test]
fn avro_encoded_long_keys_route_by_their_changelog_bytes() {
    // The Avro encoding of 42 is the zigzag varint 0x54. Framed by the Confluent serializer with
    // schema id 1 the key bytes are 00 00000001 54, and the partition differs: the framing is
    // part of the hash. (Hashes cross-checked with an independent Java transcription of
    // Kafka's Utils.murmur2.)
    assert_eq!(murmur2(&[0x54]), 427_252_747);
    assert_eq!(partition_for(&[0x54], n(8)), 3);
    let framed = [0x00, 0, 0, 0, 1, 0x54];
    assert_eq!(murmur2(&framed), -1_664_553_866);
    assert_eq!(partition_for(&framed, n(8)), 6);

    let long_max = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    assert_eq!(murmur2(&long_max), -1_891_341_853);
    assert_eq!(partition_for(&long_max, n(8)), 3);
}

#[test]
fn partitioner_reports_its_partition_count() {
    let p = Partitioner::new(n(12));
    assert_eq!(p.partitions().get(), 12);
    assert_eq!(p, Partitioner::new(n(12)));
}

proptest! {
    #[test]
    fn the_partition_is_always_below_the_partition_count(
        key in proptest::collection::vec(any::<u8>(), 0..64),
        partitions in 1u32..=u32::MAX,
    ) {
        let partitions = n(partitions);
        let p = partition_for(&key, partitions);
        prop_assert!(p < partitions.get());
        prop_assert_eq!(p, Partitioner::new(partitions).partition(&key));
        // and it is Kafka's formula on the hash
        prop_assert_eq!(p, ((murmur2(&key) as u32) & 0x7fff_ffff) % partitions.get());
    }

}
