//! The error a non-2xx response becomes: [`ClientError::Status`] with the server's message.

use http::StatusCode;
use serde_json::Value as Json;

use crate::ClientError;

/// The longest plain-text error body kept as a message, in bytes; the rest is cut.
const MAX_MESSAGE: usize = 4096;

/// `status` with the message of the server's error body: the `error` (and `code`) of a JSON
/// body `{"error": "...", "code": "..."}`, otherwise the body as text (cut to 4 KiB), or the
/// status's reason phrase when the body is empty.
pub(crate) fn status_error(status: StatusCode, body: &[u8]) -> ClientError {
    if let Ok(Json::Object(map)) = serde_json::from_slice::<Json>(body)
        && let Some(Json::String(message)) = map.get("error")
    {
        let code = match map.get("code") {
            Some(Json::String(code)) => Some(code.clone()),
            _ => None,
        };
        return ClientError::Status {
            status,
            code,
            message: message.clone(),
        };
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or_default().to_owned()
    } else if text.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &text[..end])
    } else {
        text.to_owned()
    };
    ClientError::Status {
        status,
        code: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(e: ClientError) -> (StatusCode, Option<String>, String) {
        match e {
            ClientError::Status {
                status,
                code,
                message,
            } => (status, code, message),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn json_error_bodies_give_message_and_code() {
        let (s, code, message) = parts(status_error(
            StatusCode::NOT_FOUND,
            br#"{"error":"no vertex 4","code":"not_found"}"#,
        ));
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(code.as_deref(), Some("not_found"));
        assert_eq!(message, "no vertex 4");
        let (_, code, message) = parts(status_error(StatusCode::CONFLICT, br#"{"error":"x"}"#));
        assert_eq!((code, message.as_str()), (None, "x"));
    }

    #[test]
    fn other_bodies_are_kept_as_text() {
        let (_, code, message) = parts(status_error(StatusCode::BAD_GATEWAY, b" upstream down\n"));
        assert_eq!((code, message.as_str()), (None, "upstream down"));
        let (_, _, message) = parts(status_error(StatusCode::BAD_REQUEST, br#"{"detail":1}"#));
        assert_eq!(message, r#"{"detail":1}"#);
        let (_, _, message) = parts(status_error(StatusCode::SERVICE_UNAVAILABLE, b""));
        assert_eq!(message, "Service Unavailable");
        let long = "é".repeat(MAX_MESSAGE);
        let (_, _, message) = parts(status_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            long.as_bytes(),
        ));
        assert!(message.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(message.ends_with('…'));
    }
}
