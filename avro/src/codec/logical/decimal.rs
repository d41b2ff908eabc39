//! [`Decimal`]: a `rust_decimal::Decimal` with a fixed precision and scale, encoded as the Avro
//! `decimal` logical type on `bytes`.

use std::fmt;

use crate::DecodeError;
use crate::binary::{Reader, write_bytes};
use crate::codec::{Avro, SchemaWriter};

/// The largest precision [`Decimal`] supports: every number of 28 digits fits the 96-bit
/// mantissa of `rust_decimal::Decimal`, and some of 29 do not.
const MAX_PRECISION: u32 = 28;

/// A decimal number with exactly `SCALE` digits after the point and at most `PRECISION` digits
/// in all, encoded as `{"type":"bytes","logicalType":"decimal","precision":PRECISION,"scale":SCALE}`:
/// the unscaled integer (the number times 10^SCALE) as a minimal two's-complement big-endian
/// byte string.
///
/// `1 <= PRECISION <= 28` and `SCALE <= PRECISION`, checked at compile time where the type is
/// used: `rust_decimal::Decimal` holds a 96-bit mantissa, which holds every 28-digit number.
/// A value is checked once, by [`Decimal::new`], so encoding cannot fail; decoding checks the
/// precision and fails with [`DecodeError::InvalidValue`] on a number with more digits.
/// Decoding accepts sign-extended (non-minimal) byte strings, as some writers produce them; an
/// empty byte string is an error.
///
/// ```
/// use affinity_avro::{Decimal, from_slice, to_vec};
/// use rust_decimal::Decimal as D;
///
/// let price = Decimal::<9, 2>::new(D::new(-125, 1))?; // -12.5 → -12.50, unscaled -1250
/// assert_eq!(price.get().to_string(), "-12.50");
/// assert_eq!(to_vec(&price), [4, 0xfb, 0x1e]);
/// assert_eq!(from_slice::<Decimal<9, 2>>(&[4, 0xfb, 0x1e]), Ok(price));
///
/// assert!(Decimal::<9, 2>::new(D::new(1, 3)).is_err()); // 0.001 needs scale 3
/// assert!(Decimal::<4, 2>::new(D::new(100, 0)).is_err()); // 100.00 needs 5 digits
/// # Ok::<(), affinity_avro::DecimalError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal<const PRECISION: u32, const SCALE: u32>(rust_decimal::Decimal);

/// Why a number cannot be a [`Decimal`] of a given precision and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecimalError {
    /// The number has non-zero digits beyond the scale; rescaling would round it.
    #[error("{value} has digits beyond scale {scale}")]
    Inexact {
        /// The number.
        value: rust_decimal::Decimal,
        /// The scale it would need to fit.
        scale: u32,
    },
    /// At the scale, the number has more digits than the precision allows.
    #[error("{value} needs more than {precision} digits at scale {scale}")]
    TooManyDigits {
        /// The number.
        value: rust_decimal::Decimal,
        /// The precision.
        precision: u32,
        /// The scale.
        scale: u32,
    },
}

/// 10^n for n <= 38.
const fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

impl<const P: u32, const S: u32> Decimal<P, S> {
    /// Fails to compile where the type is used with an unsupported precision or scale.
    const VALID: () = assert!(
        P >= 1 && P <= MAX_PRECISION && S <= P,
        "affinity_avro::Decimal<PRECISION, SCALE> needs 1 <= PRECISION <= 28 and SCALE <= PRECISION"
    );

    /// The precision: total number of digits.
    pub const PRECISION: u32 = P;
    /// The scale: digits after the point.
    pub const SCALE: u32 = S;

    /// `value` at scale `SCALE`: trailing zeros are added or removed, but a number with
    /// non-zero digits beyond the scale, or more than `PRECISION` digits at it, is an error.
    pub fn new(value: rust_decimal::Decimal) -> Result<Self, DecimalError> {
        let () = Self::VALID;
        let m = value.mantissa();
        let s = value.scale();
        let unscaled = if s <= S {
            m.checked_mul(pow10(S - s))
        } else {
            let div = pow10(s - S);
            if m % div != 0 {
                return Err(DecimalError::Inexact { value, scale: S });
            }
            Some(m / div)
        };
        let too_many = || DecimalError::TooManyDigits {
            value,
            precision: P,
            scale: S,
        };
        let unscaled = unscaled.ok_or_else(too_many)?;
        Self::from_unscaled(unscaled).ok_or_else(too_many)
    }

    /// The number whose unscaled value (the number times 10^SCALE) is `unscaled`, if it has at
    /// most `PRECISION` digits.
    fn from_unscaled(unscaled: i128) -> Option<Self> {
        if unscaled.unsigned_abs() >= pow10(P).unsigned_abs() {
            return None;
        }
        rust_decimal::Decimal::try_from_i128_with_scale(unscaled, S)
            .ok()
            .map(Decimal)
    }

    /// The number, at scale `SCALE`.
    pub fn get(self) -> rust_decimal::Decimal {
        self.0
    }
}

impl<const P: u32, const S: u32> TryFrom<rust_decimal::Decimal> for Decimal<P, S> {
    type Error = DecimalError;
    fn try_from(value: rust_decimal::Decimal) -> Result<Self, DecimalError> {
        Decimal::new(value)
    }
}

impl<const P: u32, const S: u32> From<Decimal<P, S>> for rust_decimal::Decimal {
    fn from(d: Decimal<P, S>) -> Self {
        d.0
    }
}

impl<const P: u32, const S: u32> Default for Decimal<P, S> {
    /// Zero, at scale `SCALE`.
    fn default() -> Self {
        let () = Self::VALID;
        Decimal(rust_decimal::Decimal::new(0, S))
    }
}

impl<const P: u32, const S: u32> fmt::Display for Decimal<P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The minimal two's-complement big-endian bytes of `v`: the fewest bytes whose sign bit is
/// `v`'s sign (zero is one zero byte).
fn to_be_minimal(v: i128) -> ([u8; 16], usize) {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 15 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        let redundant = (b == 0x00 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    (bytes, start)
}

/// The integer in two's-complement big-endian `bytes` (sign-extended; any length), if it fits
/// an `i128`.
fn from_be(bytes: &[u8]) -> Option<i128> {
    let (&first, _) = bytes.split_first()?;
    let fill = if first & 0x80 != 0 { 0xff } else { 0x00 };
    // Leading bytes that only extend the sign carry no value.
    let skip = bytes
        .iter()
        .take(bytes.len() - 1)
        .take_while(|&&b| b == fill)
        .count();
    let significant = &bytes[skip..];
    if significant.len() > 16 {
        return None;
    }
    let mut buf = [fill; 16];
    buf[16 - significant.len()..].copy_from_slice(significant);
    let v = i128::from_be_bytes(buf);
    // Dropping sign-extension bytes must not flip the sign (e.g. `00 80…` is positive).
    ((v < 0) == (fill == 0xff)).then_some(v)
}

impl<const P: u32, const S: u32> Avro for Decimal<P, S> {
    const MIN_SIZE: usize = 2;
    fn write_schema(w: &mut SchemaWriter) {
        let () = Self::VALID;
        w.raw(&format!(
            r#"{{"type":"bytes","logicalType":"decimal","precision":{P},"scale":{S}}}"#
        ));
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let (bytes, start) = to_be_minimal(self.0.mantissa());
        write_bytes(out, &bytes[start..]);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let () = Self::VALID;
        let bytes = r.read_bytes()?;
        if bytes.is_empty() {
            return Err(DecodeError::InvalidValue(
                "a decimal needs at least one byte".into(),
            ));
        }
        from_be(bytes).and_then(Self::from_unscaled).ok_or_else(|| {
            DecodeError::InvalidValue(format!("decimal {bytes:02x?} has more than {P} digits"))
        })
    }
}

impl<'a, const P: u32, const S: u32> crate::AvroBorrow<'a> for Decimal<P, S> {
    const BORROW_MIN_SIZE: usize = <Self as Avro>::MIN_SIZE;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        <Self as Avro>::write_schema(w);
    }
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        <Self as Avro>::encode(self, out);
    }
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        <Self as Avro>::decode(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, Logical};
    use crate::{from_slice, to_vec};
    use rust_decimal::Decimal as D;

    #[test]
    fn schema_is_a_decimal_on_bytes() {
        let node = Decimal::<20, 4>::schema().root_node();
        assert_eq!(node.kind, Kind::Bytes);
        assert_eq!(
            node.logical,
            Some(Logical::Decimal {
                precision: 20,
                scale: 4
            })
        );
    }

    #[test]
    fn unscaled_values_are_minimal_twos_complement() {
        let cases: [(i64, &[u8]); 9] = [
            (0, &[0x00]),
            (1, &[0x01]),
            (-1, &[0xff]),
            (127, &[0x7f]),
            (128, &[0x00, 0x80]),
            (-128, &[0x80]),
            (-129, &[0xff, 0x7f]),
            (255, &[0x00, 0xff]),
            (-32768, &[0x80, 0x00]),
        ];
        for (unscaled, bytes) in cases {
            let d = Decimal::<10, 3>::new(D::new(unscaled, 3)).unwrap();
            let mut expected = Vec::new();
            write_bytes(&mut expected, bytes);
            assert_eq!(to_vec(&d), expected, "{unscaled}");
            assert_eq!(from_slice::<Decimal<10, 3>>(&expected), Ok(d));
        }
    }

    #[test]
    fn new_rescales_exactly_or_fails() {
        let d = Decimal::<6, 3>::new(D::new(15, 1)).unwrap();
        assert_eq!(d.get().to_string(), "1.500");
        let d = Decimal::<6, 3>::new(D::new(1_500_000, 6)).unwrap();
        assert_eq!(d.get().to_string(), "1.500");
        assert_eq!(
            Decimal::<6, 3>::new(D::new(1_500_001, 6)),
            Err(DecimalError::Inexact {
                value: D::new(1_500_001, 6),
                scale: 3
            })
        );
        assert!(Decimal::<6, 3>::new(D::new(999_999, 3)).is_ok());
        assert!(matches!(
            Decimal::<6, 3>::new(D::new(1000, 0)),
            Err(DecimalError::TooManyDigits { precision: 6, .. })
        ));
        // Upscaling past the mantissa's range is an error, not a rounding.
        assert!(Decimal::<28, 28>::new(D::MAX).is_err());
    }

    #[test]
    fn the_full_range_of_28_digits_round_trips() {
        let max = pow10(28) - 1;
        for unscaled in [max, -max, 1, -1] {
            let d = Decimal::<28, 10>(D::from_i128_with_scale(unscaled, 10));
            let bytes = to_vec(&d);
            assert_eq!(from_slice::<Decimal<28, 10>>(&bytes), Ok(d));
        }
    }

    #[test]
    fn decoding_checks_precision_and_accepts_sign_extension() {
        // 1000 (0x03e8) has 4 digits: too many for precision 3.
        assert!(matches!(
            from_slice::<Decimal<3, 0>>(&[4, 0x03, 0xe8]),
            Err(DecodeError::InvalidValue(_))
        ));
        assert_eq!(
            from_slice::<Decimal<4, 0>>(&[4, 0x03, 0xe8]).map(Decimal::get),
            Ok(D::new(1000, 0))
        );
        // Sign-extended: ff ff 85 is -123.
        assert_eq!(
            from_slice::<Decimal<5, 2>>(&[6, 0xff, 0xff, 0x85]).map(Decimal::get),
            Ok(D::new(-123, 2))
        );
        // 20 bytes of sign extension around a small value still fit.
        let mut long = vec![40];
        long.extend(std::iter::repeat_n(0u8, 19));
        long.push(7);
        assert_eq!(
            from_slice::<Decimal<5, 0>>(&long).map(Decimal::get),
            Ok(D::new(7, 0))
        );
        // 17 significant bytes do not fit.
        let mut huge = vec![34, 0x01];
        huge.extend([0u8; 16]);
        assert!(matches!(
            from_slice::<Decimal<28, 0>>(&huge),
            Err(DecodeError::InvalidValue(_))
        ));
        assert!(matches!(
            from_slice::<Decimal<28, 0>>(&[0]),
            Err(DecodeError::InvalidValue(_))
        ));
    }

    #[test]
    fn from_be_keeps_the_sign() {
        assert_eq!(from_be(&[0x00, 0x80]), Some(128));
        assert_eq!(from_be(&[0xff, 0x7f]), Some(-129));
        assert_eq!(from_be(&[0x80]), Some(-128));
        let mut min = vec![0xff; 3];
        min.extend(i128::MIN.to_be_bytes());
        assert_eq!(from_be(&min), Some(i128::MIN));
        let mut over = vec![0x00];
        over.extend(i128::MIN.to_be_bytes());
        assert_eq!(from_be(&over), None);
    }
}
