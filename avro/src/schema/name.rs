//! Full names of named types.

use std::fmt;

use crate::SchemaError;

/// The full name of a named type: an optional dotted namespace and a simple name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    full: String,
    /// Where the simple name starts in `full` (0 without a namespace).
    name_start: usize,
}

impl Name {
    /// Resolves a name as written in a schema: a dotted `name` is already full; otherwise
    /// `namespace` (or, without one, the enclosing namespace) qualifies it. An empty namespace
    /// is the null namespace.
    pub fn resolve(
        name: &str,
        namespace: Option<&str>,
        enclosing: Option<&str>,
    ) -> Result<Name, SchemaError> {
        let name = if let Some(dot) = name.rfind('.') {
            Name::from_parts(&name[dot + 1..], Some(&name[..dot]))
        } else {
            Name::from_parts(name, namespace.or(enclosing))
        }?;
        Ok(name)
    }

    /// A name from its simple name and namespace (`None` or `""` for the null namespace).
    pub fn from_parts(name: &str, namespace: Option<&str>) -> Result<Name, SchemaError> {
        validate_identifier(name).map_err(|_| SchemaError::InvalidName(name.to_owned()))?;
        match namespace.filter(|ns| !ns.is_empty()) {
            None => Ok(Name {
                full: name.to_owned(),
                name_start: 0,
            }),
            Some(ns) => {
                if ns.split('.').any(|part| validate_identifier(part).is_err()) {
                    return Err(SchemaError::InvalidName(ns.to_owned()));
                }
                Ok(Name {
                    full: format!("{ns}.{name}"),
                    name_start: ns.len() + 1,
                })
            }
        }
    }

    /// The full name, `namespace.name`.
    pub fn fullname(&self) -> &str {
        &self.full
    }

    /// The simple name.
    pub fn name(&self) -> &str {
        &self.full[self.name_start..]
    }

    /// The namespace, if any.
    pub fn namespace(&self) -> Option<&str> {
        (self.name_start > 0).then(|| &self.full[..self.name_start - 1])
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

/// Checks `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn validate_identifier(s: &str) -> Result<(), ()> {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return Err(()),
    }
    if chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_per_the_specification() {
        let n = Name::resolve("a.b.C", Some("ignored"), Some("x")).map_err(|e| e.to_string());
        assert_eq!(n.as_ref().map(Name::fullname), Ok("a.b.C"));
        let n = Name::resolve("C", None, Some("x.y")).map_err(|e| e.to_string());
        assert_eq!(
            n.as_ref().map(|n| (n.name(), n.namespace())),
            Ok(("C", Some("x.y")))
        );
        let n = Name::resolve("C", Some(""), Some("x.y")).map_err(|e| e.to_string());
        assert_eq!(
            n.as_ref().map(|n| (n.fullname(), n.namespace())),
            Ok(("C", None))
        );
        assert!(Name::resolve("1C", None, None).is_err());
        assert!(Name::resolve("C", Some("a..b"), None).is_err());
        assert!(Name::resolve("a-b", None, None).is_err());
    }
}
