//! A bounds-checked reader over Avro binary data.

use crate::DecodeError;

/// How deeply records may nest in one value. Recursion in Avro always goes through a named
/// record, so this bounds the decoders' stack use on crafted input. 128 (serde_json's limit too)
/// keeps the deepest decode well inside a 1 MiB stack — wasm32's default — even in debug builds.
pub const MAX_DEPTH: usize = 128;

/// How many array or map items whose encoding may be empty (nulls, empty records) one input
/// may hold in total. Items that take at least one byte are bounded by the input length instead.
pub const MAX_ZERO_SIZE_ITEMS: usize = 1 << 20;

/// Reads Avro binary data from a byte slice.
///
/// Every read checks the bytes remaining; lengths and block counts are validated against them
/// before anything is allocated, so a decoder built on `Reader` allocates at most in proportion
/// to its input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    depth: usize,
    zero_size_items: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    #[inline]
    pub fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            depth: 0,
            zero_size_items: 0,
        }
    }

    /// The current position (bytes consumed).
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The bytes not read yet.
    #[inline]
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless all input was read.
    #[inline]
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }

    /// Enters a nested record; fails past [`MAX_DEPTH`]. Pair with [`Reader::leave`].
    #[inline]
    pub fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep(MAX_DEPTH));
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves a nested record entered with [`Reader::enter`].
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Reads one byte.
    #[inline]
    pub fn read_u8(&mut self) -> Result<u8, DecodeError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(DecodeError::UnexpectedEof(self.pos)),
        }
    }

    /// Reads `n` raw bytes (a `fixed`).
    #[inline]
    pub fn read_fixed(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(DecodeError::UnexpectedEof(self.data.len()));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Reads `N` raw bytes into an array (a `fixed` of size `N`).
    #[inline]
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.read_fixed(N)?);
        Ok(a)
    }

    /// Reads a `long` (zig-zag, variable length).
    #[inline]
    pub fn read_long(&mut self) -> Result<i64, DecodeError> {
        // Most lengths, indexes and small numbers fit one byte.
        if let Some(&b) = self.data.get(self.pos)
            && b < 0x80
        {
            self.pos += 1;
            return Ok(i64::from(b >> 1) ^ -i64::from(b & 1));
        }
        self.read_long_slow()
    }

    #[inline(never)]
    fn read_long_slow(&mut self) -> Result<i64, DecodeError> {
        let start = self.pos;
        let mut z: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&b) = self.data.get(self.pos) else {
                return Err(DecodeError::UnexpectedEof(self.pos));
            };
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(DecodeError::BadVarint(start));
            }
            z |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(((z >> 1) as i64) ^ -((z & 1) as i64));
            }
            shift += 7;
            if shift > 63 {
                return Err(DecodeError::BadVarint(start));
            }
        }
    }

    /// Reads an `int`; a value outside 32 bits is an error.
    #[inline]
    pub fn read_int(&mut self) -> Result<i32, DecodeError> {
        let v = self.read_long()?;
        i32::try_from(v).map_err(|_| DecodeError::IntOutOfRange(v))
    }

    /// Reads a `boolean`; a byte other than 0 or 1 is an error.
    #[inline]
    pub fn read_bool(&mut self) -> Result<bool, DecodeError> {
        match self.read_u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(DecodeError::InvalidBool(b)),
        }
    }

    /// Reads a `float`.
    #[inline]
    pub fn read_float(&mut self) -> Result<f32, DecodeError> {
        Ok(f32::from_le_bytes(self.read_array()?))
    }

    /// Reads a `double`.
    #[inline]
    pub fn read_double(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_le_bytes(self.read_array()?))
    }

    /// Reads a length that must be non-negative and fit in the remaining input.
    #[inline]
    fn read_len(&mut self) -> Result<usize, DecodeError> {
        let pos = self.pos;
        let len = self.read_long()?;
        let remaining = self.remaining();
        match usize::try_from(len) {
            Ok(n) if n <= remaining => Ok(n),
            _ => Err(DecodeError::LengthOutOfRange {
                len,
                pos,
                remaining,
            }),
        }
    }

    /// Reads `bytes`, borrowed from the input.
    #[inline]
    pub fn read_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.read_len()?;
        self.read_fixed(n)
    }

    /// Reads a `string`, borrowed from the input; invalid UTF-8 is an error.
    #[inline]
    pub fn read_str(&mut self) -> Result<&'a str, DecodeError> {
        let pos = self.pos;
        let b = self.read_bytes()?;
        std::str::from_utf8(b).map_err(|_| DecodeError::InvalidUtf8(pos))
    }

    /// Reads a union branch index and checks it against the number of branches.
    #[inline]
    pub fn read_union_index(&mut self, branches: usize) -> Result<usize, DecodeError> {
        let index = self.read_long()?;
        match usize::try_from(index) {
            Ok(i) if i < branches => Ok(i),
            _ => Err(DecodeError::InvalidUnionIndex { index, branches }),
        }
    }

    /// Reads an enum symbol index and checks it against the number of symbols.
    #[inline]
    pub fn read_enum_index(&mut self, symbols: usize) -> Result<usize, DecodeError> {
        let index = self.read_long()?;
        match usize::try_from(index) {
            Ok(i) if i < symbols => Ok(i),
            _ => Err(DecodeError::InvalidEnumIndex { index, symbols }),
        }
    }

    /// Reads the header of an array or map block: `None` at the end of the collection, otherwise
    /// the number of items in the block.
    ///
    /// `min_item_size` is the fewest bytes one item can encode to (for a map, including its key).
    /// The count is checked against the remaining input before the caller allocates anything:
    /// items of at least one byte must fit in what is left; items that may be empty count
    /// against [`MAX_ZERO_SIZE_ITEMS`] for the whole input. A negative count (a block with its
    /// byte size) is accepted as the specification allows.
    #[inline]
    pub fn read_block(&mut self, min_item_size: usize) -> Result<Option<usize>, DecodeError> {
        let pos = self.pos;
        let raw = self.read_long()?;
        if raw == 0 {
            return Ok(None);
        }
        if raw < 0 {
            // The block's size in bytes follows; it must fit too, but we decode item by item.
            let _size = self.read_len()?;
        }
        let count = raw.unsigned_abs();
        let remaining = self.remaining();
        let fits = if min_item_size == 0 {
            let total = (self.zero_size_items as u64).saturating_add(count);
            if total > MAX_ZERO_SIZE_ITEMS as u64 {
                return Err(DecodeError::TooManyItems(MAX_ZERO_SIZE_ITEMS));
            }
            self.zero_size_items = total as usize;
            true
        } else {
            count
                .checked_mul(min_item_size as u64)
                .is_some_and(|n| n <= remaining as u64)
        };
        if !fits {
            return Err(DecodeError::LengthOutOfRange {
                len: raw,
                pos,
                remaining,
            });
        }
        Ok(Some(count as usize))
    }

    /// How many items to reserve for a block of `count` items (as returned by
    /// [`Reader::read_block`]): never more than 4096 at once, so a collection grows as its items
    /// actually arrive.
    #[inline]
    pub fn reserve_hint(count: usize) -> usize {
        count.min(4096)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::write_long;

    #[test]
    fn long_round_trips_at_the_edges() {
        for v in [
            0,
            1,
            -1,
            63,
            -64,
            64,
            i32::MAX as i64,
            i32::MIN as i64,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = Vec::new();
            write_long(&mut out, v);
            let mut r = Reader::new(&out);
            assert_eq!(r.read_long(), Ok(v));
            assert_eq!(r.finish(), Ok(()));
        }
    }

    #[test]
    fn overlong_varint_is_an_error() {
        let bytes = [0xffu8; 11];
        assert_eq!(
            Reader::new(&bytes).read_long(),
            Err(DecodeError::BadVarint(0))
        );
        // Ten bytes whose last one carries more than the 64th bit.
        let bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(
            Reader::new(&bytes).read_long(),
            Err(DecodeError::BadVarint(0))
        );
    }

    #[test]
    fn huge_lengths_and_counts_are_rejected_before_allocation() {
        let mut out = Vec::new();
        write_long(&mut out, 1 << 62);
        assert!(matches!(
            Reader::new(&out).read_bytes(),
            Err(DecodeError::LengthOutOfRange { .. })
        ));
        assert!(matches!(
            Reader::new(&out).read_block(1),
            Err(DecodeError::LengthOutOfRange { .. })
        ));
        assert_eq!(
            Reader::new(&out).read_block(0),
            Err(DecodeError::TooManyItems(MAX_ZERO_SIZE_ITEMS))
        );
        let mut out = Vec::new();
        write_long(&mut out, -1);
        assert!(matches!(
            Reader::new(&out).read_bytes(),
            Err(DecodeError::LengthOutOfRange { .. })
        ));
    }

    #[test]
    fn depth_is_bounded() {
        let mut r = Reader::new(&[]);
        for _ in 0..MAX_DEPTH {
            r.enter().unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(r.enter(), Err(DecodeError::TooDeep(MAX_DEPTH)));
    }
}
