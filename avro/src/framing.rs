//! The Confluent wire format for Kafka keys and values: the magic byte `0x00`, the schema id as a
//! 4-byte big-endian integer, then the Avro binary body.
//!
//! ```
//! use affinity_avro::{decode_frame, to_framed};
//! let framed = to_framed(7, &-1i64);
//! assert_eq!(framed, [0, 0, 0, 0, 7, 1]);
//! assert_eq!(decode_frame(&framed)?, (7, &[1u8][..]));
//! # Ok::<(), affinity_avro::DecodeError>(())
//! ```

use crate::{Avro, DecodeError};

/// The first byte of every Confluent-framed message.
pub const MAGIC_BYTE: u8 = 0;

/// The length of the frame header: the magic byte and the 4-byte schema id.
pub const FRAME_HEADER_LEN: usize = 5;

/// Appends the frame header for schema `id` to `out`; append the Avro body after it.
#[inline]
pub fn write_frame_header(id: u32, out: &mut Vec<u8>) {
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&id.to_be_bytes());
}

/// Appends a framed message (header for schema `id`, then `body`) to `out`.
pub fn encode_frame(id: u32, body: &[u8], out: &mut Vec<u8>) {
    out.reserve(FRAME_HEADER_LEN + body.len());
    write_frame_header(id, out);
    out.extend_from_slice(body);
}

/// Encodes `value` with its own schema, framed with schema `id` (the id the registry gave `T`'s
/// schema under the subject in use).
pub fn to_framed<T: Avro>(id: u32, value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame_header(id, &mut out);
    value.encode(&mut out);
    out
}

/// Splits a framed message into its schema id and its Avro body.
///
/// Fails with [`DecodeError::BadFrame`] when the message is shorter than the 5-byte header or
/// does not start with the magic byte. The body is not checked here.
pub fn decode_frame(bytes: &[u8]) -> Result<(u32, &[u8]), DecodeError> {
    match bytes {
        [MAGIC_BYTE, a, b, c, d, body @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), body)),
        [first, ..] if *first != MAGIC_BYTE => Err(DecodeError::BadFrame(format!(
            "the first byte is {first:#04x}, not the magic byte 0x00"
        ))),
        _ => Err(DecodeError::BadFrame(format!(
            "{} bytes is shorter than the {FRAME_HEADER_LEN}-byte header",
            bytes.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_byte_exact() {
        let mut out = vec![0xaa];
        encode_frame(0x0102_0304, &[9, 8], &mut out);
        assert_eq!(out, [0xaa, 0, 1, 2, 3, 4, 9, 8]);
        assert_eq!(decode_frame(&out[1..]), Ok((0x0102_0304, &[9u8, 8][..])));
        assert_eq!(to_framed(u32::MAX, &true), [0, 0xff, 0xff, 0xff, 0xff, 1]);
        assert_eq!(
            to_framed(1, &String::from("hi")),
            [0, 0, 0, 0, 1, 4, b'h', b'i']
        );
        // An empty body (a `null` value) is a valid frame.
        assert_eq!(decode_frame(&[0, 0, 0, 0, 42]), Ok((42, &[][..])));
    }

    #[test]
    fn bad_frames_are_rejected() {
        for bad in [
            &[][..],
            &[0],
            &[0, 0, 0, 1],
            &[1, 0, 0, 0, 1, 2],
            &[0x7b, 0x22],
        ] {
            assert!(
                matches!(decode_frame(bad), Err(DecodeError::BadFrame(_))),
                "{bad:?}"
            );
        }
        let Err(e) = decode_frame(b"{\"a\":1}") else {
            panic!("JSON is not a frame");
        };
        assert!(e.to_string().contains("0x7b"), "{e}");
    }
}
