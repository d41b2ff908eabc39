//! The 64-bit Rabin fingerprint, CRC-64-AVRO, of the specification.

const EMPTY: u64 = 0xc15d_213a_a4d7_a795;

const TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut fp = i as u64;
        let mut j = 0;
        while j < 8 {
            fp = (fp >> 1) ^ (EMPTY & (0u64.wrapping_sub(fp & 1)));
            j += 1;
        }
        table[i] = fp;
        i += 1;
    }
    table
};

/// The Rabin fingerprint of `bytes` (for a schema: of its Parsing Canonical Form).
pub fn rabin_fingerprint(bytes: &[u8]) -> u64 {
    let mut fp = EMPTY;
    for &b in bytes {
        fp = (fp >> 8) ^ TABLE[((fp ^ u64::from(b)) & 0xff) as usize];
    }
    fp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_fingerprints_match_the_java_implementation() {
        // Values from Apache Avro's own test vectors (share/test/data/schema-tests.txt), as signed longs.
        assert_eq!(rabin_fingerprint(br#""null""#) as i64, 7195948357588979594);
        assert_eq!(
            rabin_fingerprint(br#""boolean""#) as i64,
            -6970731678124411036
        );
        assert_eq!(rabin_fingerprint(br#""int""#) as i64, 8247732601305521295);
        assert_eq!(
            rabin_fingerprint(br#""string""#) as i64,
            -8142146995180207161
        );
    }
}
