//! The response side of content negotiation: parsing `Accept` (RFC 9110 §12.5.1) and choosing
//! a [`Format`].

use http::HeaderMap;
use http::header::ACCEPT;

use super::media::{AVRO_JSON, BINARY_ALIASES, parse_media_type};
use super::{AVRO_BINARY, Format};

/// No response format is acceptable to the request's `Accept`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAcceptable {
    /// The request's `Accept`, abridged.
    pub accept: String,
}

impl std::fmt::Display for NotAcceptable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no acceptable response type for Accept: {}; this endpoint responds with \
             {AVRO_JSON} or {AVRO_BINARY}",
            self.accept
        )
    }
}

/// One media range of `Accept`, with its weight in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaRange {
    main: String,
    sub: String,
    q: u16,
}

impl MediaRange {
    /// How specifically this range matches `media` (`type/subtype`, lower case): 2 exactly,
    /// 1 by `type/*`, 0 by `*/*`; `None` when it does not.
    fn matches(&self, media: &str) -> Option<u8> {
        let (main, sub) = media.split_once('/')?;
        match (self.main.as_str(), self.sub.as_str()) {
            ("*", "*") => Some(0),
            (m, "*") if m == main => Some(1),
            (m, s) if m == main && s == sub => Some(2),
            _ => None,
        }
    }
}

/// Splits a header value at commas outside quoted strings.
fn split_list(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

/// A weight `0`, `0.5`, `1.000`… as thousandths; `None` when malformed or above 1.
fn parse_q(text: &str) -> Option<u16> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (i, b) in frac.bytes().enumerate() {
        let digit = u16::from(b - b'0');
        thousandths += digit * [100, 10, 1][i];
    }
    (thousandths <= 1000).then_some(thousandths)
}

/// Parses every `Accept` field of the request; malformed elements are skipped.
pub(crate) fn parse_accept(headers: &HeaderMap) -> Vec<MediaRange> {
    let mut ranges = Vec::new();
    for value in headers.get_all(ACCEPT) {
        let Ok(text) = value.to_str() else { continue };
        for item in split_list(text) {
            if item.trim().is_empty() {
                continue;
            }
            let Some(media) = parse_media_type(item) else {
                continue;
            };
            let Some((main, sub)) = media.essence.split_once('/') else {
                continue;
            };
            if main == "*" && sub != "*" {
                continue;
            }
            // The first `q` ends the media type's parameters; what follows are extensions.
            let q = match media.params.iter().find(|(name, _)| name == "q") {
                Some((_, v)) => match parse_q(v) {
                    Some(q) => q,
                    None => continue,
                },
                None => 1000,
            };
            ranges.push(MediaRange {
                main: main.to_owned(),
                sub: sub.to_owned(),
                q,
            });
        }
    }
    ranges
}

/// The weight the ranges give `media`: that of the most specific matching range (the highest
/// among equally specific ones), with the specificity; `None` when no range matches.
fn quality(ranges: &[MediaRange], media: &str) -> Option<(u16, u8)> {
    let mut best: Option<(u8, u16)> = None;
    for range in ranges {
        if let Some(spec) = range.matches(media) {
            best = match best {
                Some((s, q)) if s > spec || (s == spec && q >= range.q) => Some((s, q)),
                _ => Some((spec, range.q)),
            };
        }
    }
    best.map(|(spec, q)| (q, spec))
}

/// The response format for a request: the acceptable format with the highest weight; on a
/// tie, the one named more specifically (`application/vnd.apache.avro+binary` beats `*/*`),
/// then Avro-JSON. A request without (valid) `Accept` gets Avro-JSON.
pub(crate) fn negotiate(headers: &HeaderMap) -> Result<Format, NotAcceptable> {
    let mut values = headers.get_all(ACCEPT).iter();
    match (values.next(), values.next()) {
        (None, _) => return Ok(Format::Json),
        (Some(only), None) => {
            if let Some(format) = common(only.as_bytes()) {
                return Ok(format);
            }
        }
        _ => {}
    }
    negotiate_ranges(headers)
}

/// The format for an `Accept` that is one media type most clients send (`*/*`, Avro-JSON or
/// an Avro binary name, without parameters): what [`negotiate_ranges`] gives it, without
/// parsing (this runs on every request).
fn common(value: &[u8]) -> Option<Format> {
    let value = value.trim_ascii();
    if value == b"*/*" || value.eq_ignore_ascii_case(AVRO_JSON.as_bytes()) {
        Some(Format::Json)
    } else if BINARY_ALIASES
        .iter()
        .any(|alias| value.eq_ignore_ascii_case(alias.as_bytes()))
    {
        Some(Format::Binary)
    } else {
        None
    }
}

/// [`negotiate`] by the rules: every range parsed and weighed.
fn negotiate_ranges(headers: &HeaderMap) -> Result<Format, NotAcceptable> {
    let ranges = parse_accept(headers);
    if ranges.is_empty() {
        return Ok(Format::Json);
    }
    let json = quality(&ranges, AVRO_JSON);
    let binary = BINARY_ALIASES
        .iter()
        .filter_map(|media| quality(&ranges, media))
        .max();
    let candidates = [(json, Format::Json), (binary, Format::Binary)];
    let mut chosen: Option<((u16, u8), Format)> = None;
    for (weight, format) in candidates {
        let Some(weight) = weight.filter(|(q, _)| *q > 0) else {
            continue;
        };
        if chosen.is_none_or(|(best, _)| weight > best) {
            chosen = Some((weight, format));
        }
    }
    chosen.map(|(_, format)| format).ok_or_else(|| {
        let accept: Vec<&str> = headers
            .get_all(ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        NotAcceptable {
            accept: accept.join(", ").chars().take(200).collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn pick(accept: &[&str]) -> Result<Format, NotAcceptable> {
        let mut headers = HeaderMap::new();
        for a in accept {
            headers.append(ACCEPT, HeaderValue::from_str(a).unwrap());
        }
        negotiate(&headers)
    }

    #[test]
    fn the_common_values_shortcut_agrees_with_the_rules() {
        for value in [
            "*/*",
            " */* ",
            "application/json",
            "Application/JSON",
            AVRO_BINARY,
            "APPLICATION/VND.APACHE.AVRO+BINARY",
            "avro/binary",
            "application/avro",
        ] {
            let mut headers = HeaderMap::new();
            headers.append(ACCEPT, HeaderValue::from_str(value).unwrap());
            let shortcut = common(value.as_bytes());
            assert!(shortcut.is_some(), "{value}");
            assert_eq!(
                shortcut.map(Ok),
                Some(negotiate_ranges(&headers)),
                "{value}"
            );
        }
        for value in [
            "application/json;q=0",
            "text/html",
            "*/*;q=0.5, avro/binary",
        ] {
            assert_eq!(common(value.as_bytes()), None, "{value}");
        }
    }

    #[test]
    fn defaults_to_json() {
        assert_eq!(pick(&[]), Ok(Format::Json));
        assert_eq!(pick(&["*/*"]), Ok(Format::Json));
        assert_eq!(pick(&[""]), Ok(Format::Json));
        assert_eq!(pick(&["application/*"]), Ok(Format::Json));
        assert_eq!(pick(&["garbage"]), Ok(Format::Json));
    }

    #[test]
    fn binary_when_asked() {
        assert_eq!(pick(&[AVRO_BINARY]), Ok(Format::Binary));
        assert_eq!(pick(&["avro/binary"]), Ok(Format::Binary));
        assert_eq!(pick(&["application/avro"]), Ok(Format::Binary));
        assert_eq!(
            pick(&["APPLICATION/VND.APACHE.AVRO+BINARY"]),
            Ok(Format::Binary)
        );
        assert_eq!(
            pick(&[&format!("{AVRO_BINARY}, */*;q=0.1")]),
            Ok(Format::Binary)
        );
        // Equal weights: the specific name beats the wildcard.
        assert_eq!(pick(&[&format!("*/*, {AVRO_BINARY}")]), Ok(Format::Binary));
        // Equal weights and specificity: JSON.
        assert_eq!(
            pick(&[&format!("{AVRO_BINARY}, application/json")]),
            Ok(Format::Json)
        );
        // Several Accept fields are one list.
        assert_eq!(pick(&["text/html", AVRO_BINARY]), Ok(Format::Binary));
    }

    #[test]
    fn q_values_are_honoured() {
        assert_eq!(
            pick(&[&format!("application/json;q=0.5, {AVRO_BINARY};q=0.9")]),
            Ok(Format::Binary)
        );
        assert_eq!(
            pick(&[&format!("application/json;q=0.9, {AVRO_BINARY};q=0.5")]),
            Ok(Format::Json)
        );
        assert_eq!(
            pick(&[&format!("{AVRO_BINARY};q=0.001")]),
            Ok(Format::Binary)
        );
        // q=0 means "not acceptable", also through a more specific range.
        assert_eq!(pick(&["application/json;q=0, */*"]), Ok(Format::Binary));
        assert_eq!(
            pick(&["*/*;q=0.2, application/json;q=0.1"]),
            Ok(Format::Binary)
        );
        assert!(pick(&["application/json;q=0"]).is_err());
        assert_eq!(pick(&["application/json; Q=1.000"]), Ok(Format::Json));
    }

    #[test]
    fn malformed_elements_are_skipped() {
        assert_eq!(
            pick(&[&format!("application/json;q=2, {AVRO_BINARY}")]),
            Ok(Format::Binary)
        );
        assert_eq!(
            pick(&[&format!("application/json;q=0.0001, {AVRO_BINARY}")]),
            Ok(Format::Binary)
        );
        assert_eq!(
            pick(&[&format!("*/json, {AVRO_BINARY}")]),
            Ok(Format::Binary)
        );
        assert_eq!(
            pick(&[&format!("text/x;a=\"1,application/json\", {AVRO_BINARY}")]),
            Ok(Format::Binary)
        );
    }

    #[test]
    fn nothing_acceptable() {
        let err = pick(&["text/html, image/png;q=0.5"]).unwrap_err();
        assert_eq!(err.accept, "text/html, image/png;q=0.5");
        assert!(err.to_string().contains("application/json"));
        assert!(pick(&["*/*;q=0"]).is_err());
    }

    #[test]
    fn q_parsing() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("0.25"), Some(250));
        assert_eq!(parse_q("1.0"), Some(1000));
        assert_eq!(parse_q("1.001"), None);
        assert_eq!(parse_q(".5"), None);
        assert_eq!(parse_q("0.5x"), None);
        assert_eq!(parse_q("2"), None);
    }
}
