//! The text forms of durations and byte sizes in a configuration.

use std::time::Duration;

/// Parses a duration: one or more `<integer><unit>` parts, units `ms`, `s`, `m`, `h`, added up
/// (`"250ms"`, `"30s"`, `"2m"`, `"1h30m"`). `None` for anything else, including a bare number
/// and a total that overflows.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let (number, after) = rest.split_at(digits);
        let number: u64 = number.parse().ok()?;
        let units = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(units);
        let part = match unit {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.checked_mul(60)?),
            "h" => Duration::from_secs(number.checked_mul(3600)?),
            _ => return None,
        };
        total = total.checked_add(part)?;
        rest = after;
    }
    Some(total)
}

/// Formats a duration the way [`parse_duration`] reads it, in the largest exact unit.
pub(crate) fn format_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if !duration.subsec_nanos().is_multiple_of(1_000_000) {
        return format!("{duration:?}");
    }
    if millis == 0 {
        "0s".to_owned()
    } else if millis.is_multiple_of(3_600_000) {
        format!("{}h", millis / 3_600_000)
    } else if millis.is_multiple_of(60_000) {
        format!("{}m", millis / 60_000)
    } else if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

/// Parses a byte size written as text: `<integer>[ ]<unit>`, units `B`, `KB`/`MB`/`GB` (powers
/// of 1000) and `KiB`/`MiB`/`GiB` (powers of 1024), or a bare integer (bytes). `None` for
/// anything else, including an overflow.
pub(crate) fn parse_byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim_start() {
        "" | "B" => 1,
        "KB" => 1000,
        "MB" => 1000 * 1000,
        "GB" => 1000 * 1000 * 1000,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_each_unit_and_combined() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1s500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration(" 0s "), Some(Duration::ZERO));
    }

    #[test]
    fn durations_without_a_known_unit_are_refused() {
        for bad in [
            "", "30", "s", "30 s", "30sec", "1.5s", "-1s", "30S", "1h 30m", "30s,",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        assert_eq!(parse_duration("18446744073709551615h"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
    }

    #[test]
    fn durations_format_in_the_largest_exact_unit() {
        assert_eq!(format_duration(Duration::from_secs(30)), "30s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
        assert_eq!(format_duration(Duration::from_secs(7200)), "2h");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_nanos(1500)), "1.5µs");
        for d in [1, 999, 1000, 61_000, 3_600_000] {
            let duration = Duration::from_millis(d);
            assert_eq!(parse_duration(&format_duration(duration)), Some(duration));
        }
    }

    #[test]
    fn byte_sizes_in_each_unit() {
        assert_eq!(parse_byte_size("512"), Some(512));
        assert_eq!(parse_byte_size("512B"), Some(512));
        assert_eq!(parse_byte_size("2KB"), Some(2000));
        assert_eq!(parse_byte_size("2KiB"), Some(2048));
        assert_eq!(parse_byte_size("2 MiB"), Some(2 << 20));
        assert_eq!(parse_byte_size("3MB"), Some(3_000_000));
        assert_eq!(parse_byte_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_byte_size("1GB"), Some(1_000_000_000));
    }

    #[test]
    fn byte_sizes_with_unknown_units_or_overflow_are_refused() {
        for bad in ["", "MiB", "2mb", "2 M", "1.5MiB", "-1", "2MiBs"] {
            assert_eq!(parse_byte_size(bad), None, "{bad:?}");
        }
        assert_eq!(parse_byte_size("18446744073709551615GiB"), None);
    }
}
