//! [`Encoding`]: how HTTP bodies are written, and how a response body is read as a type.

use affinity_avro::json::{from_json_str, to_json_string, value_from_json_str};
use affinity_avro::{Avro, JsonError, from_slice, to_vec};
use http::HeaderMap;
use http::header::CONTENT_TYPE;

use crate::ClientError;
use crate::context::Context;
use crate::typed::value_as;

/// The media type of Avro binary bodies.
pub const AVRO_BINARY: &str = "application/vnd.apache.avro+binary";
/// The media type of Avro-JSON bodies.
pub const JSON: &str = "application/json";
/// The response header in which the server names the registry id of a body's writer schema.
pub const SCHEMA_ID_HEADER: &str = "affinity-schema-id";

/// How a client encodes the bodies of its HTTP calls and which encoding it asks for in
/// `Accept`. Chosen per client with [`ClientBuilder::encoding`](crate::ClientBuilder::encoding).
/// A response is read in the encoding its `Content-Type` names, whichever was asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Avro binary, `application/vnd.apache.avro+binary` (the default): compact and fast.
    #[default]
    Binary,
    /// Avro-JSON, `application/json` ([`affinity_avro::json`]): readable in logs and proxies.
    Json,
}

impl Encoding {
    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Encoding::Binary => AVRO_BINARY,
            Encoding::Json => JSON,
        }
    }

    /// `value` encoded as a request body.
    pub(crate) fn encode<T: Avro>(self, value: &T) -> Vec<u8> {
        match self {
            Encoding::Binary => to_vec(value),
            Encoding::Json => to_json_string(value).into_bytes(),
        }
    }

    /// The encoding a response's `Content-Type` names; without one, `asked` (what `Accept`
    /// asked for). Parameters such as `; charset=utf-8` are ignored.
    fn of_response(headers: &HeaderMap, asked: Encoding) -> Result<Encoding, ClientError> {
        let Some(value) = headers.get(CONTENT_TYPE) else {
            return Ok(asked);
        };
        let text = value.to_str().unwrap_or_default();
        let essence = text.split(';').next().unwrap_or_default().trim();
        if essence.eq_ignore_ascii_case(AVRO_BINARY) {
            Ok(Encoding::Binary)
        } else if essence.eq_ignore_ascii_case(JSON) {
            Ok(Encoding::Json)
        } else {
            Err(ClientError::ContentType(text.to_owned()))
        }
    }
}

/// The writer schema id a response names in its `Affinity-Schema-Id` header, if any.
fn schema_id(headers: &HeaderMap) -> Result<Option<i32>, ClientError> {
    let Some(value) = headers.get(SCHEMA_ID_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| ClientError::BadHeader {
            name: SCHEMA_ID_HEADER,
            value: text.to_owned(),
        })
}

/// Reads a successful response's body as a `T`.
///
/// With an `Affinity-Schema-Id` header the body is written with that schema (fetched from the
/// server's registry, cached): when it is `T`'s own (same fingerprint) the body decodes
/// directly, otherwise it is resolved into `T` (Avro schema resolution). Without the header the
/// body is taken to be written with `T`'s schema. An empty body is read as Avro binary (a
/// `204 No Content` answering for `()`).
pub(crate) async fn decode_body<T: Avro>(
    ctx: &Context,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ClientError> {
    let encoding = if body.is_empty() {
        Encoding::Binary
    } else {
        Encoding::of_response(headers, ctx.encoding)?
    };
    let Some(id) = schema_id(headers)? else {
        return match encoding {
            Encoding::Binary => Ok(from_slice(body)?),
            Encoding::Json => Ok(from_json_str(utf8(body)?)?),
        };
    };
    let writer = ctx.schema(id).await?;
    let resolver = ctx.resolvers.get::<T>(id, &writer)?;
    match encoding {
        Encoding::Binary => Ok(resolver.decode(body)?),
        Encoding::Json if resolver.is_direct() => Ok(from_json_str(utf8(body)?)?),
        Encoding::Json => {
            let value = value_from_json_str(&writer, utf8(body)?)?;
            Ok(value_as(&value, &writer, &resolver)?)
        }
    }
}

fn utf8(body: &[u8]) -> Result<&str, JsonError> {
    std::str::from_utf8(body).map_err(|e| JsonError::Syntax(format!("the body is not UTF-8: {e}")))
}
