//! The order-preserving encodings of single values, and a reader for them.
//!
//! Each encoding is *prefix-free* (no encoded value is a proper prefix of another of the same
//! type), so values can be concatenated and the first differing byte always falls inside the
//! first differing value. Inverting every byte of a prefix-free encoding keeps it prefix-free
//! and reverses its order, which is how `"order": "descending"` fields are written.

use super::KeyError;

/// Marks "another item follows" in arrays and maps (the end marker is [`END`]).
pub(super) const MORE: u8 = 0x01;
/// Ends an array or map; sorts before [`MORE`], so a shorter array sorts first.
pub(super) const END: u8 = 0x00;

/// Indices below this take one byte; larger ones take [`LONG_INDEX`] and 4 big-endian bytes.
const SHORT_INDEX_LIMIT: u32 = 0xFF;
const LONG_INDEX: u8 = 0xFF;

/// `int`: big-endian with the sign bit flipped, so negative numbers sort first.
pub(super) fn put_int(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&((v as u32) ^ (1 << 31)).to_be_bytes());
}

/// `long`: big-endian with the sign bit flipped.
pub(super) fn put_long(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&((v as u64) ^ (1 << 63)).to_be_bytes());
}

/// `float`: IEEE 754 totalOrder — a negative number has all bits inverted, a positive one its
/// sign bit set. Order: -NaN < -inf < … < -0.0 < +0.0 < … < +inf < +NaN.
pub(super) fn put_float(out: &mut Vec<u8>, v: f32) {
    let b = v.to_bits();
    let t = if b >> 31 == 1 { !b } else { b | (1 << 31) };
    out.extend_from_slice(&t.to_be_bytes());
}

/// `double`: as [`put_float`], on 64 bits.
pub(super) fn put_double(out: &mut Vec<u8>, v: f64) {
    let b = v.to_bits();
    let t = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    out.extend_from_slice(&t.to_be_bytes());
}

/// `bytes` and `string` (UTF-8 bytes): each `0x00` is written `0x00 0xFF`, and the value ends
/// with `0x00 0x00`. The terminator sorts below every byte and below an escaped zero, so a
/// prefix sorts before its extensions whatever follows the value.
pub(super) fn put_bytes(out: &mut Vec<u8>, v: &[u8]) {
    for chunk in v.split_inclusive(|&b| b == 0) {
        out.extend_from_slice(chunk);
        if chunk.last() == Some(&0) {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0x00, 0x00]);
}

/// An enum symbol or union branch index: one byte below 255, else `0xFF` and 4 big-endian
/// bytes.
pub(super) fn put_index(out: &mut Vec<u8>, i: u32) {
    if i < SHORT_INDEX_LIMIT {
        out.push(i as u8);
    } else {
        out.push(LONG_INDEX);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

/// Inverts bytes in place: turns an ascending encoding into a descending one and back.
pub(super) fn invert(bytes: &mut [u8]) {
    for b in bytes {
        *b = !*b;
    }
}

/// Reads order-preserving encodings. `mask` is XORed into every byte read: `0xFF` inside a
/// descending field, `0x00` elsewhere. `base` is added to positions in errors, for readers over
/// a part of a key.
pub(super) struct KeyReader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    pub(super) mask: u8,
}

impl<'a> KeyReader<'a> {
    pub(super) fn new(data: &'a [u8], base: usize) -> Self {
        KeyReader {
            data,
            pos: 0,
            base,
            mask: 0,
        }
    }

    /// Bytes consumed so far.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// The absolute position of the next byte, for errors.
    pub(super) fn at(&self) -> usize {
        self.base + self.pos
    }

    pub(super) fn malformed(&self, reason: &'static str) -> KeyError {
        KeyError::Malformed {
            pos: self.at(),
            reason,
        }
    }

    /// Fails unless every byte was read.
    pub(super) fn finish(&self) -> Result<(), KeyError> {
        match self.data.len() - self.pos {
            0 => Ok(()),
            n => Err(KeyError::TrailingBytes(n)),
        }
    }

    pub(super) fn u8(&mut self) -> Result<u8, KeyError> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or(KeyError::Truncated(self.at()))?;
        self.pos += 1;
        Ok(b ^ self.mask)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], KeyError> {
        let end = self.pos.checked_add(N).filter(|&e| e <= self.data.len());
        let end = end.ok_or(KeyError::Truncated(self.base + self.data.len()))?;
        let mut a = [0u8; N];
        for (d, s) in a.iter_mut().zip(&self.data[self.pos..end]) {
            *d = s ^ self.mask;
        }
        self.pos = end;
        Ok(a)
    }

    /// `n` bytes, unmasked into `out`.
    pub(super) fn fixed(&mut self, n: usize, out: &mut Vec<u8>) -> Result<(), KeyError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or(KeyError::Truncated(self.base + self.data.len()))?;
        out.extend(self.data[self.pos..end].iter().map(|b| b ^ self.mask));
        self.pos = end;
        Ok(())
    }

    pub(super) fn bool(&mut self) -> Result<bool, KeyError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(KeyError::Malformed {
                pos: self.at() - 1,
                reason: "a boolean byte other than 0 or 1",
            }),
        }
    }

    pub(super) fn int(&mut self) -> Result<i32, KeyError> {
        Ok((u32::from_be_bytes(self.array()?) ^ (1 << 31)) as i32)
    }

    pub(super) fn long(&mut self) -> Result<i64, KeyError> {
        Ok((u64::from_be_bytes(self.array()?) ^ (1 << 63)) as i64)
    }

    pub(super) fn float(&mut self) -> Result<f32, KeyError> {
        let t = u32::from_be_bytes(self.array()?);
        Ok(f32::from_bits(if t >> 31 == 1 {
            t & !(1 << 31)
        } else {
            !t
        }))
    }

    pub(super) fn double(&mut self) -> Result<f64, KeyError> {
        let t = u64::from_be_bytes(self.array()?);
        Ok(f64::from_bits(if t >> 63 == 1 {
            t & !(1 << 63)
        } else {
            !t
        }))
    }

    /// An escaped, terminated byte string (see [`put_bytes`]), unescaped into `out`.
    pub(super) fn bytes(&mut self, out: &mut Vec<u8>) -> Result<(), KeyError> {
        loop {
            match self.u8()? {
                0 => match self.u8()? {
                    0 => return Ok(()),
                    0xFF => out.push(0),
                    _ => return Err(self.malformed("a zero byte neither escaped nor a terminator")),
                },
                b => out.push(b),
            }
        }
    }

    /// An index (see [`put_index`]) that must be below `limit`.
    pub(super) fn index(&mut self, limit: usize, what: &'static str) -> Result<usize, KeyError> {
        let start = self.at();
        let i = match self.u8()? {
            LONG_INDEX => {
                let i = u32::from_be_bytes(self.array()?);
                if i < SHORT_INDEX_LIMIT {
                    return Err(KeyError::Malformed {
                        pos: start,
                        reason: "a small index in the long form",
                    });
                }
                i
            }
            b => u32::from(b),
        };
        if (i as usize) < limit {
            Ok(i as usize)
        } else {
            Err(KeyError::Malformed {
                pos: start,
                reason: what,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc<T: Copy>(put: fn(&mut Vec<u8>, T), v: T) -> Vec<u8> {
        let mut out = Vec::new();
        put(&mut out, v);
        out
    }

    #[test]
    fn integers_sort_numerically_and_round_trip() {
        let ints = [i32::MIN, -65536, -1, 0, 1, 255, 256, i32::MAX];
        for w in ints.windows(2) {
            assert!(enc(put_int, w[0]) < enc(put_int, w[1]), "{w:?}");
        }
        for v in ints {
            assert_eq!(KeyReader::new(&enc(put_int, v), 0).int(), Ok(v));
        }
        let longs = [i64::MIN, -1, 0, 1, i64::MAX];
        for w in longs.windows(2) {
            assert!(enc(put_long, w[0]) < enc(put_long, w[1]), "{w:?}");
        }
        for v in longs {
            assert_eq!(KeyReader::new(&enc(put_long, v), 0).long(), Ok(v));
        }
    }

    #[test]
    fn doubles_follow_total_order_and_keep_their_bits() {
        let ds = [
            -f64::NAN,
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 2.0,
            1.0,
            f64::INFINITY,
            f64::NAN,
        ];
        for w in ds.windows(2) {
            assert!(enc(put_double, w[0]) < enc(put_double, w[1]), "{w:?}");
        }
        for v in ds {
            let back = KeyReader::new(&enc(put_double, v), 0).double();
            assert_eq!(back.map(f64::to_bits), Ok(v.to_bits()));
        }
        let fs = [-f32::NAN, f32::NEG_INFINITY, -0.0, 0.0, 1.5, f32::NAN];
        for w in fs.windows(2) {
            assert!(enc(put_float, w[0]) < enc(put_float, w[1]), "{w:?}");
        }
    }

    #[test]
    fn byte_strings_escape_zeros_and_sort_prefixes_first() {
        assert_eq!(enc(put_bytes, &b"a\0b"[..]), b"a\0\xFFb\0\0");
        let ordered: [&[u8]; 6] = [b"", b"\0", b"\0\0", b"\0\x01", b"a", b"a\0"];
        for w in ordered.windows(2) {
            // The terminator must win whatever follows the value, even 0xFF bytes.
            let mut a = enc(put_bytes, w[0]);
            a.push(0xFF);
            assert!(a < enc(put_bytes, w[1]), "{w:?}");
        }
        for v in ordered {
            let mut out = Vec::new();
            KeyReader::new(&enc(put_bytes, v), 0).bytes(&mut out).ok();
            assert_eq!(out, v);
        }
    }

    #[test]
    fn indices_sort_numerically_and_reject_non_canonical_forms() {
        let is = [0, 1, 254, 255, 256, u32::MAX];
        for w in is.windows(2) {
            assert!(enc(put_index, w[0]) < enc(put_index, w[1]), "{w:?}");
        }
        assert_eq!(
            KeyReader::new(&enc(put_index, 300), 0).index(301, "x"),
            Ok(300)
        );
        assert!(matches!(
            KeyReader::new(&enc(put_index, 300), 0).index(300, "out of range"),
            Err(KeyError::Malformed {
                pos: 0,
                reason: "out of range"
            })
        ));
        assert!(matches!(
            KeyReader::new(&[0xFF, 0, 0, 0, 5], 0).index(10, "x"),
            Err(KeyError::Malformed { .. })
        ));
    }

    #[test]
    fn truncated_input_is_an_error_with_its_position() {
        assert_eq!(
            KeyReader::new(&[1, 2], 10).long(),
            Err(KeyError::Truncated(12))
        );
        assert_eq!(
            KeyReader::new(b"ab\0", 0).bytes(&mut Vec::new()),
            Err(KeyError::Truncated(3))
        );
        assert!(matches!(
            KeyReader::new(b"a\0\x07", 0).bytes(&mut Vec::new()),
            Err(KeyError::Malformed { .. })
        ));
    }
}
