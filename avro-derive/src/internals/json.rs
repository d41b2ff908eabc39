//! JSON text for the schema: string literals, and defaults validated at compile time.

use std::fmt::Write;

/// Appends `s` as a JSON string literal.
pub(crate) fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Checks a default written as JSON text; returns the text as written (without surrounding
/// blanks, so that numbers and key order stay exactly the user's), and whether it is `null`.
pub(crate) fn parse_default(text: &str) -> Result<(String, bool), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("`default` is not valid JSON: {e}"))?;
    Ok((text.trim().to_owned(), value.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\nd\u{1}é"), r#""a\"b\\c\nd\u0001é""#);
    }

    #[test]
    fn defaults_are_validated_and_kept_as_written() {
        assert_eq!(
            parse_default(" { \"b\" : [1, 0.3], \"a\": 1 } "),
            Ok((r#"{ "b" : [1, 0.3], "a": 1 }"#.to_owned(), false))
        );
        assert_eq!(parse_default("null"), Ok(("null".to_owned(), true)));
        assert!(parse_default("nul").is_err());
        assert!(parse_default("abc").is_err());
    }
}
