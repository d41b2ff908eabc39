//! Avro's rules for names: `[A-Za-z_][A-Za-z0-9_]*`, namespaces as dotted names.

/// Whether `s` is a valid simple Avro name.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is a valid namespace or full name: simple names joined by dots.
pub(crate) fn is_dotted(s: &str) -> bool {
    s.split('.').all(is_name)
}

/// Whether `s` is the name of a primitive type, which no named type may take (in any namespace).
pub(crate) fn is_primitive(s: &str) -> bool {
    matches!(
        s,
        "null" | "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string"
    )
}

/// The error message for a named type called like a primitive type.
pub(crate) fn primitive_name(s: &str) -> String {
    format!("`{s}` is an Avro primitive type name, which no named type may have; rename it")
}

/// The error message for an invalid simple name.
pub(crate) fn invalid_name(what: &str, s: &str) -> String {
    format!("`{s}` is not a valid Avro {what}: names match [A-Za-z_][A-Za-z0-9_]*")
}

/// The error message for an invalid dotted name.
pub(crate) fn invalid_dotted(what: &str, s: &str) -> String {
    format!(
        "`{s}` is not a valid Avro {what}: dot-separated names, each matching [A-Za-z_][A-Za-z0-9_]*"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_specification() {
        assert!(is_name("_a1") && is_name("Z"));
        assert!(!is_name("") && !is_name("1a") && !is_name("a-b") && !is_name("é"));
        assert!(is_dotted("a.b.C") && is_dotted("a"));
        assert!(!is_dotted("a..b") && !is_dotted(".a") && !is_dotted(""));
    }
}
