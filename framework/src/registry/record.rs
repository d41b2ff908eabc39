//! The journal's on-disk format: a file header, then length-prefixed, checksummed records.
//!
//! ```text
//! file    = MAGIC (8 bytes) record*
//! record  = length (u32 LE) payload_crc (u32 LE) header_crc (u32 LE) payload (length bytes)
//! ```
//!
//! `payload_crc` is the CRC-32 of the payload and `header_crc` the CRC-32 of the eight bytes
//! before it, so a damaged length is detected before it is trusted. [`scan`] tells a *torn
//! tail* — the remains of an append that a crash interrupted, which was never acknowledged —
//! from *corruption* of acknowledged records:
//!
//! - fewer than 12 bytes left, or a header whose checksum holds but whose payload runs past the
//!   end of the file: torn;
//! - a header whose checksum fails: torn only if every byte from there to the end is zero (a
//!   file system that extended the file before writing its blocks), corrupt otherwise;
//! - a payload whose checksum fails: torn if it is the last record in the file (a crash between
//!   the size update and the data reaching the disk), corrupt if anything follows it.

use super::crc32::crc32;

/// The first bytes of every journal: a name and the format version.
pub(crate) const MAGIC: [u8; 8] = *b"AFSREG\x00\x01";

/// The length of a record header.
pub(crate) const HEADER_LEN: usize = 12;

/// The largest payload a record may carry (64 MiB): a longer length is corruption.
pub(crate) const MAX_PAYLOAD: usize = 64 << 20;

/// `payload` framed as one record. The caller keeps it within [`MAX_PAYLOAD`].
pub(crate) fn encode(payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32(payload).to_le_bytes());
    let header_crc = crc32(&out);
    out.extend_from_slice(&header_crc.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// One intact record found by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    /// Where its header starts in the file.
    pub(crate) offset: u64,
    /// Its payload.
    pub(crate) payload: &'a [u8],
}

/// What [`scan`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scan<'a> {
    /// The intact records, in file order.
    pub(crate) records: Vec<Record<'a>>,
    /// Where the intact part of the file ends: the file's length, or the offset of a torn tail.
    pub(crate) valid_len: u64,
    /// Why the bytes from `valid_len` on are a torn tail, if there are any.
    pub(crate) torn: Option<&'static str>,
}

/// A damaged record that acknowledged records follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Corruption {
    /// Where the damaged record starts in the file.
    pub(crate) offset: u64,
    /// What is wrong with it.
    pub(crate) reason: String,
}

/// Splits a whole journal file (`file`, starting with [`MAGIC`], which the caller has checked)
/// into its records.
pub(crate) fn scan(file: &[u8]) -> Result<Scan<'_>, Corruption> {
    let mut records = Vec::new();
    let mut at = MAGIC.len().min(file.len());
    let torn = |at: usize, records, why| Scan {
        records,
        valid_len: at as u64,
        torn: Some(why),
    };
    while at < file.len() {
        let rest = &file[at..];
        let Some((header, body)) = rest.split_first_chunk::<HEADER_LEN>() else {
            return Ok(torn(at, records, "an incomplete record header"));
        };
        let word =
            |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (len, payload_crc, header_crc) = (word(0), word(4), word(8));
        if crc32(&header[..8]) != header_crc {
            if rest.iter().all(|&b| b == 0) {
                return Ok(torn(at, records, "zeros where a record header should be"));
            }
            return Err(Corruption {
                offset: at as u64,
                reason: "record header checksum mismatch".into(),
            });
        }
        let len = len as usize;
        if len > MAX_PAYLOAD {
            return Err(Corruption {
                offset: at as u64,
                reason: format!("record length {len} exceeds the limit of {MAX_PAYLOAD} bytes"),
            });
        }
        let Some(payload) = body.get(..len) else {
            return Ok(torn(
                at,
                records,
                "a record cut short by the end of the file",
            ));
        };
        if crc32(payload) != payload_crc {
            if body.len() == len {
                return Ok(torn(
                    at,
                    records,
                    "a last record whose payload checksum fails",
                ));
            }
            return Err(Corruption {
                offset: at as u64,
                reason: "record payload checksum mismatch".into(),
            });
        }
        records.push(Record {
            offset: at as u64,
            payload,
        });
        at += HEADER_LEN + len;
    }
    Ok(Scan {
        records,
        valid_len: file.len() as u64,
        torn: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for p in payloads {
            out.extend(encode(p));
        }
        out
    }

    #[test]
    fn intact_records_come_back_in_order() {
        let bytes = file(&[b"one", b"two", b""]);
        let scan = scan(&bytes).unwrap();
        let payloads: Vec<&[u8]> = scan.records.iter().map(|r| r.payload).collect();
        assert_eq!(payloads, [&b"one"[..], b"two", b""]);
        assert_eq!(
            scan.records[1].offset,
            (MAGIC.len() + HEADER_LEN + 3) as u64
        );
        assert_eq!(scan.valid_len, bytes.len() as u64);
        assert_eq!(scan.torn, None);
    }

    #[test]
    fn every_cut_of_the_last_record_is_a_torn_tail() {
        let whole = file(&[b"first", b"second record"]);
        let second = (MAGIC.len() + HEADER_LEN + 5) as u64;
        for cut in second as usize + 1..whole.len() {
            let scan = scan(&whole[..cut]).unwrap();
            assert_eq!(scan.records.len(), 1, "cut at {cut}");
            assert_eq!(scan.valid_len, second);
            assert!(scan.torn.is_some());
        }
    }

    #[test]
    fn a_garbled_last_payload_is_torn_but_a_garbled_middle_one_is_corrupt() {
        let mut bytes = file(&[b"first", b"second"]);
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        let scan = scan(&bytes).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert!(scan.torn.is_some());

        let mut bytes = file(&[b"first", b"second"]);
        bytes[MAGIC.len() + HEADER_LEN] ^= 0xFF;
        let err = super::scan(&bytes).unwrap_err();
        assert_eq!(err.offset, MAGIC.len() as u64);
        assert!(err.reason.contains("payload checksum"));
    }

    #[test]
    fn a_damaged_length_is_corruption_not_a_tail() {
        let mut bytes = file(&[b"first", b"second"]);
        // A length made huge would otherwise swallow the rest of the file as a "torn tail".
        bytes[MAGIC.len() + 2] = 0x7F;
        let err = scan(&bytes).unwrap_err();
        assert!(err.reason.contains("header checksum"), "{err:?}");
    }

    #[test]
    fn zero_filled_tail_is_torn() {
        let mut bytes = file(&[b"first"]);
        let good = bytes.len() as u64;
        bytes.extend([0u8; 40]);
        let scan = scan(&bytes).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert_eq!(scan.valid_len, good);
    }
}
