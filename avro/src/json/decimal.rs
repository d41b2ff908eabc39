//! The `decimal` logical type as a JSON string (`"-12.34"`): the unscaled two's-complement
//! big-endian integer of Avro, converted to and from decimal digits of any length.

/// Writes the decimal whose unscaled value is the two's-complement big-endian `bytes`, with
/// `scale` digits after the point: `[0xfb, 0x2e]` at scale 2 is `"-12.34"`. Empty bytes are 0.
pub(crate) fn to_decimal_string(bytes: &[u8], scale: u32) -> String {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let magnitude = if negative {
        negate(bytes)
    } else {
        bytes.to_vec()
    };
    let digits = to_digits(&magnitude);
    let scale = scale as usize;
    let mut out = String::with_capacity(digits.len() + scale + 3);
    if negative {
        out.push('-');
    }
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() <= scale {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(&digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Reads a decimal string (`-?[0-9]+(\.[0-9]+)?`) as the unscaled value at `scale`, in the
/// shortest two's-complement big-endian form (0 is `[0]`). Digits after the point beyond the
/// scale must be zeros; the unscaled value may have at most `precision` digits.
pub(crate) fn from_decimal_string(s: &str, precision: u32, scale: u32) -> Result<Vec<u8>, String> {
    let quoted = {
        let mut q = String::with_capacity(s.len() + 2);
        crate::schema::canonical::json_string(&mut q, s);
        q
    };
    let bad = || format!("{quoted} is not a decimal number such as \"-12.34\"");
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(bad());
    }
    let frac = frac.unwrap_or("");
    let scale = scale as usize;
    let (kept, dropped) = frac.split_at(frac.len().min(scale));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(format!(
            "{quoted} has more than {scale} digits after the point (the decimal's scale)"
        ));
    }
    // The unscaled value's digits: the integer part, the fraction, zeros up to the scale.
    let int = int.trim_start_matches('0');
    let significant = if int.is_empty() {
        kept.trim_start_matches('0').len()
    } else {
        int.len() + kept.len()
    };
    let significant = if significant == 0 {
        0
    } else {
        significant + (scale - kept.len())
    };
    if significant > precision as usize {
        return Err(format!(
            "{quoted} has {significant} significant digits, more than the decimal's precision {precision}"
        ));
    }
    let mut digits = String::with_capacity(int.len() + scale);
    digits.push_str(int);
    digits.push_str(kept);
    digits.extend(std::iter::repeat_n('0', scale - kept.len()));
    let magnitude = from_digits(&digits);
    Ok(twos_complement(&magnitude, negative))
}

/// `bytes` sign-extended (or trimmed of redundant sign bytes) to exactly `size` bytes, or
/// `None` when the value needs more.
pub(crate) fn fit_fixed(bytes: &[u8], size: usize) -> Option<Vec<u8>> {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let pad = if negative { 0xff } else { 0x00 };
    let minimal = shortest(bytes.to_vec());
    if minimal.len() > size {
        return None;
    }
    let mut out = vec![pad; size - minimal.len()];
    out.extend_from_slice(&minimal);
    Some(out)
}

/// The magnitude of a negative two's-complement number (unsigned big-endian).
fn negate(bytes: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = bytes.iter().map(|b| !b).collect();
    for b in out.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            break;
        }
    }
    out
}

/// The two's-complement form of `magnitude` (unsigned big-endian) or of its negation, shortest.
fn twos_complement(magnitude: &[u8], negative: bool) -> Vec<u8> {
    let mut wide = Vec::with_capacity(magnitude.len() + 1);
    wide.push(0);
    wide.extend_from_slice(magnitude);
    if negative && wide.iter().any(|&b| b != 0) {
        wide = negate(&wide);
    }
    shortest(wide)
}

/// Drops leading bytes that only repeat the sign; 0 stays `[0]`.
fn shortest(mut bytes: Vec<u8>) -> Vec<u8> {
    let redundant = bytes
        .windows(2)
        .take_while(|w| (w[0] == 0x00 && w[1] & 0x80 == 0) || (w[0] == 0xff && w[1] & 0x80 != 0))
        .count();
    bytes.drain(..redundant);
    if bytes.is_empty() {
        bytes.push(0);
    }
    bytes
}

const CHUNK: u32 = 1_000_000_000;

/// Unsigned big-endian bytes → decimal digits, no leading zeros ("0" for zero).
fn to_digits(magnitude: &[u8]) -> String {
    // Little-endian base-2^32 limbs.
    let mut limbs: Vec<u32> = magnitude
        .rchunks(4)
        .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    let mut chunks = Vec::new(); // base 10^9, little-endian
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    while !limbs.is_empty() {
        let mut rem: u64 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / u64::from(CHUNK)) as u32;
            rem = cur % u64::from(CHUNK);
        }
        chunks.push(rem as u32);
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    let mut out = match chunks.pop() {
        Some(top) => top.to_string(),
        None => return "0".into(),
    };
    for c in chunks.iter().rev() {
        out.push_str(&format!("{c:09}"));
    }
    out
}

/// Decimal digits (ASCII, checked by the caller) → unsigned big-endian bytes.
fn from_digits(digits: &str) -> Vec<u8> {
    let mut limbs: Vec<u32> = Vec::new(); // little-endian base 2^32
    let bytes = digits.as_bytes();
    let head = bytes.len() % 9;
    let groups = std::iter::once(&bytes[..head]).chain(bytes[head..].chunks(9));
    for group in groups.filter(|g| !g.is_empty()) {
        let mul = 10u64.pow(group.len() as u32);
        let mut carry = group
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
        for limb in limbs.iter_mut() {
            let cur = u64::from(*limb) * mul + carry;
            *limb = cur as u32;
            carry = cur >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    limbs.iter().rev().flat_map(|l| l.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_examples() {
        assert_eq!(to_decimal_string(&[0xfb, 0x2e], 2), "-12.34");
        assert_eq!(to_decimal_string(&[0x04, 0xd2], 2), "12.34");
        assert_eq!(to_decimal_string(&[0x05], 3), "0.005");
        assert_eq!(to_decimal_string(&[0xfb], 3), "-0.005");
        assert_eq!(to_decimal_string(&[], 2), "0.00");
        assert_eq!(to_decimal_string(&[0x80], 0), "-128");
        assert_eq!(to_decimal_string(&[0x00, 0x80], 0), "128");
        assert_eq!(
            to_decimal_string(&[0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0),
            "9223372036854775807"
        );
    }

    #[test]
    fn reads_what_it_writes_for_i128() {
        for v in [
            0i128,
            1,
            -1,
            127,
            128,
            -128,
            -129,
            255,
            1_000_000_000,
            -999_999_999_999,
            i128::MAX,
            i128::MIN,
        ] {
            let bytes = shortest(v.to_be_bytes().to_vec());
            let s = to_decimal_string(&bytes, 4);
            assert_eq!(from_decimal_string(&s, 60, 4), Ok(bytes.clone()), "{v} {s}");
        }
    }

    #[test]
    fn reading_checks_grammar_scale_and_precision() {
        assert_eq!(from_decimal_string("12.3", 4, 2), Ok(vec![0x04, 0xce]));
        assert_eq!(from_decimal_string("12.300", 4, 2), Ok(vec![0x04, 0xce]));
        assert_eq!(from_decimal_string("-0.00", 4, 2), Ok(vec![0]));
        assert_eq!(from_decimal_string("007", 1, 0), Ok(vec![7]));
        assert!(from_decimal_string("12.345", 9, 2).is_err());
        assert!(from_decimal_string("123.45", 4, 2).is_err());
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "1,5", " 1", "0x10", "١"] {
            assert!(from_decimal_string(bad, 9, 2).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fixed_sizes_sign_extend() {
        assert_eq!(
            fit_fixed(&[0xfb, 0x2e], 4),
            Some(vec![0xff, 0xff, 0xfb, 0x2e])
        );
        assert_eq!(fit_fixed(&[0x00, 0x00, 0x7f], 1), Some(vec![0x7f]));
        assert_eq!(fit_fixed(&[0x00, 0x80], 1), None);
    }
}
