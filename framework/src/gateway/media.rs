//! The media types of Avro bodies and the request side of content negotiation.

use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderName};

use super::AvroRejection;

/// The media type of Avro binary bodies.
pub const AVRO_BINARY: &str = "application/vnd.apache.avro+binary";

/// The media type of Avro-JSON bodies (the JSON encoding of `affinity_avro::json`).
pub const AVRO_JSON: &str = "application/json";

/// The request header naming the registry id of the schema a request body was written with,
/// and the response header naming the id of the schema of a response body.
pub const SCHEMA_ID_HEADER: HeaderName = HeaderName::from_static("affinity-schema-id");

/// Media types also accepted for Avro binary (other tools' spellings).
pub(crate) const BINARY_ALIASES: [&str; 3] = [AVRO_BINARY, "avro/binary", "application/avro"];

/// How an Avro body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Avro-JSON, `application/json`: the default.
    Json,
    /// Avro binary, `application/vnd.apache.avro+binary`.
    Binary,
}

impl Format {
    /// The media type a body in this format is sent with.
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => AVRO_JSON,
            Format::Binary => AVRO_BINARY,
        }
    }
}

/// A parsed media type: lower-cased type and subtype, and parameters (names lower-cased,
/// values unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaType<'a> {
    pub(crate) essence: String,
    pub(crate) params: Vec<(String, &'a str)>,
}

/// Parses `type/subtype *(; name=value)`; `None` when there is no `type/subtype`.
pub(crate) fn parse_media_type(text: &str) -> Option<MediaType<'_>> {
    let mut parts = text.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let (main, sub) = essence.split_once('/')?;
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/');
    if !token(main) || !token(sub) {
        return None;
    }
    let params = parts
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            Some((name.trim().to_ascii_lowercase(), value))
        })
        .collect();
    Some(MediaType { essence, params })
}

/// The accepted request media types, for messages.
pub(crate) fn accepted_list() -> String {
    format!(
        "{AVRO_BINARY} (or {}, {}), {AVRO_JSON}",
        BINARY_ALIASES[1], BINARY_ALIASES[2]
    )
}

/// The format of a request body from its `Content-Type`.
pub(crate) fn request_format(headers: &HeaderMap) -> Result<Format, AvroRejection> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Err(AvroRejection::UnsupportedMediaType {
            found: None,
            accepted: accepted_list(),
        });
    };
    let unsupported = || AvroRejection::UnsupportedMediaType {
        found: Some(
            String::from_utf8_lossy(value.as_bytes())
                .chars()
                .take(200)
                .collect(),
        ),
        accepted: accepted_list(),
    };
    let text = value.to_str().map_err(|_| unsupported())?;
    let media = parse_media_type(text).ok_or_else(unsupported)?;
    if BINARY_ALIASES.contains(&media.essence.as_str()) {
        return Ok(Format::Binary);
    }
    if media.essence == AVRO_JSON {
        let charset_ok = media
            .params
            .iter()
            .filter(|(name, _)| name == "charset")
            .all(|(_, v)| v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8"));
        if charset_ok {
            return Ok(Format::Json);
        }
    }
    Err(unsupported())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn format_of(content_type: &str) -> Result<Format, AvroRejection> {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(content_type) {
            headers.insert(CONTENT_TYPE, v);
        }
        request_format(&headers)
    }

    #[test]
    fn request_content_types() {
        assert_eq!(format_of(AVRO_BINARY).ok(), Some(Format::Binary));
        assert_eq!(
            format_of("Application/Vnd.Apache.Avro+Binary").ok(),
            Some(Format::Binary)
        );
        assert_eq!(format_of("avro/binary").ok(), Some(Format::Binary));
        assert_eq!(format_of("application/avro").ok(), Some(Format::Binary));
        assert_eq!(format_of("application/json").ok(), Some(Format::Json));
        assert_eq!(
            format_of("application/json; charset=utf-8").ok(),
            Some(Format::Json)
        );
        assert_eq!(
            format_of("application/json;charset=\"UTF-8\"").ok(),
            Some(Format::Json)
        );
        assert!(format_of("application/json; charset=latin1").is_err());
        assert!(format_of("text/plain").is_err());
        assert!(format_of("application").is_err());
        assert!(format_of("").is_err());
    }

    #[test]
    fn missing_content_type_lists_the_accepted_types() {
        let message = request_format(&HeaderMap::new())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("missing Content-Type"), "{message}");
        assert!(
            message.contains(AVRO_BINARY) && message.contains(AVRO_JSON),
            "{message}"
        );
    }
}
