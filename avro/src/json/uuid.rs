//! The `uuid` logical type on a 16-byte `fixed`, as its usual text form.

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase.
pub(crate) fn uuid_to_string(bytes: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// Reads the hyphenated form (either case).
pub(crate) fn uuid_from_str(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return None;
    }
    let mut hex = b.iter().filter(|&&c| c != b'-');
    let mut out = [0u8; 16];
    for byte in &mut out {
        let hi = char::from(*hex.next()?).to_digit(16)?;
        let lo = char::from(*hex.next()?).to_digit(16)?;
        *byte = (hi * 16 + lo) as u8;
    }
    hex.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_malformed_text() {
        let bytes: [u8; 16] = core::array::from_fn(|i| (i * 17) as u8);
        let s = uuid_to_string(&bytes);
        assert_eq!(s, "00112233-4455-6677-8899-aabbccddeeff");
        assert_eq!(uuid_from_str(&s), Some(bytes));
        assert_eq!(uuid_from_str(&s.to_uppercase()), Some(bytes));
        for bad in [
            "",
            "00112233445566778899aabbccddeeff",
            "00112233-4455-6677-8899-aabbccddeefg",
            "00112233-4455-6677-8899_aabbccddeeff",
            "0011223-34455-6677-8899-aabbccddeeff",
        ] {
            assert_eq!(uuid_from_str(bad), None, "{bad}");
        }
    }
}
