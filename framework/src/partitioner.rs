//! Key → partition routing, exactly as Kafka's default partitioner does it.
//!
//! A keyspace has a fixed number of partitions, and a key lives in the partition that Kafka's
//! default partitioner (the Java client's `BuiltInPartitioner.partitionForKey`, librdkafka's
//! `murmur2_random` for keyed records) would pick for the same key bytes:
//!
//! ```text
//! partition = (murmur2(key_bytes) & 0x7fffffff) % partitions
//! ```
//!
//! [`murmur2`] is Kafka's `Utils.murmur2`: MurmurHash2 with seed `0x9747b28c`, the input read as
//! little-endian 32-bit words, the 1–3 trailing bytes folded in, and the final mix. It returns the
//! same signed 32-bit value as the Java method. The `& 0x7fffffff` is Kafka's `Utils.toPositive`:
//! it clears the sign bit (it is not `abs`).
//!
//! # Which bytes are hashed
//!
//! That is the caller's choice, and it decides whether outside producers agree with us. Affinity
//! hashes a key **exactly as it is written to the changelog topic** (DESIGN §3), so that a
//! producer outside Affinity that serializes the same key with the same serializer lands on the
//! same partition. With the Confluent serializer (DESIGN §5) those bytes are the framed key: the
//! magic byte `0x00`, the 4-byte big-endian schema id, then the Avro body. The schema id is part
//! of the hash, so a keyspace's key schema (and its registry id) must never change once data is
//! written: a key written under another id would route to another partition.
//!
//! # Example
//!
//! ```
//! use std::num::NonZeroU32;
//! use affinity::partitioner::{murmur2, partition_for, Partitioner};
//!
//! // Kafka's own test vector (`UtilsTest.testMurmur2`).
//! assert_eq!(murmur2(b"foobar"), -790_332_482);
//! // (-790332482 & 0x7fffffff) % 50 = 1357151166 % 50 = 16
//! const FIFTY: NonZeroU32 = NonZeroU32::new(50).unwrap();
//! assert_eq!(partition_for(b"foobar", FIFTY), 16);
//!
//! // The Confluent-framed Avro encoding of the long 42 under schema id 1.
//! let key = [0x00, 0, 0, 0, 1, 0x54];
//! let graph = Partitioner::new(NonZeroU32::new(8).unwrap());
//! assert_eq!(graph.partition(&key), 6);
//! ```

use std::num::NonZeroU32;

/// Kafka's murmur2 seed.
const SEED: u32 = 0x9747_b28c;
/// MurmurHash2's multiplier.
const M: u32 = 0x5bd1_e995;
/// MurmurHash2's shift.
const R: u32 = 24;

/// Kafka's `Utils.murmur2`: the 32-bit MurmurHash2 of `data`, as the same signed value Java
/// returns.
///
/// ```
/// use affinity::partitioner::murmur2;
/// assert_eq!(murmur2(b"21"), -973_932_308);
/// assert_eq!(murmur2(b"abc"), 479_470_107);
/// assert_eq!(murmur2(b""), 275_646_681);
/// ```
#[must_use]
pub fn murmur2(data: &[u8]) -> i32 {
    // Java mixes in the length as an `int`; keys are far below 2^32 bytes, and truncating like
    // Java's `int` arithmetic would is what a longer input would get there too.
    let mut h = SEED ^ (data.len() as u32);
    let mut words = data.chunks_exact(4);
    for word in &mut words {
        let mut k = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Java's `switch` falls through from case 3 to case 1; the multiply follows the last byte.
        for (i, &byte) in tail.iter().enumerate().rev() {
            h ^= u32::from(byte) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// The partition of `key` among `partitions`: `(murmur2(key) & 0x7fffffff) % partitions`, as
/// Kafka's default partitioner computes it. Always less than `partitions`.
///
/// ```
/// use std::num::NonZeroU32;
/// use affinity::partitioner::partition_for;
/// const TWELVE: NonZeroU32 = NonZeroU32::new(12).unwrap();
/// assert_eq!(partition_for(b"a-little-bit-long-string", TWELVE), 8);
/// ```
#[must_use]
pub fn partition_for(key: &[u8], partitions: NonZeroU32) -> u32 {
    // `toPositive`: clear the sign bit (so i32::MIN maps to 0, not to an overflow).
    let positive = (murmur2(key) as u32) & 0x7fff_ffff;
    positive % partitions.get()
}

/// Routes keys to one of a fixed number of partitions, like Kafka's default partitioner (see the
/// [module docs](self) for which bytes to hash).
///
/// ```
/// use std::num::NonZeroU32;
/// use affinity::partitioner::Partitioner;
/// let p = Partitioner::new(NonZeroU32::new(3).unwrap());
/// assert_eq!(p.partitions().get(), 3);
/// assert_eq!(p.partition(b"kafka"), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Partitioner {
    partitions: NonZeroU32,
}

impl Partitioner {
    /// A partitioner over `partitions` partitions.
    #[must_use]
    pub const fn new(partitions: NonZeroU32) -> Self {
        Self { partitions }
    }

    /// The number of partitions.
    #[must_use]
    pub const fn partitions(&self) -> NonZeroU32 {
        self.partitions
    }

    /// The partition of `key`, in `0..partitions`: [`partition_for`]`(key, self.partitions())`.
    #[must_use]
    pub fn partition(&self, key: &[u8]) -> u32 {
        partition_for(key, self.partitions)
    }
}
