//! Error paths: `items[3].price`, `tags["a b"]`, built as an error travels up the recursion.

use crate::{EncodeError, JsonError};

/// One step from a value into a part of it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    /// A record field.
    Field(&'a str),
    /// An array item.
    Index(usize),
    /// A map key or a union branch's tag.
    Key(&'a str),
}

/// Puts `seg` in front of `path`.
pub(crate) fn prepend(seg: Seg<'_>, path: &mut String) {
    let head = match seg {
        Seg::Field(name) if path.is_empty() || path.starts_with('[') => name.to_owned(),
        Seg::Field(name) => format!("{name}."),
        Seg::Index(i) => format!("[{i}]"),
        Seg::Key(k) => {
            let mut s = String::with_capacity(k.len() + 4);
            s.push('[');
            crate::schema::canonical::json_string(&mut s, k);
            s.push(']');
            s
        }
    };
    let head = match seg {
        Seg::Index(_) | Seg::Key(_) if !path.is_empty() && !path.starts_with('[') => {
            format!("{head}.")
        }
        _ => head,
    };
    path.insert_str(0, &head);
}

impl JsonError {
    /// The same error, one step further from the root.
    pub(crate) fn within(mut self, seg: Seg<'_>) -> Self {
        match &mut self {
            JsonError::Mismatch { path, .. }
            | JsonError::MissingField { path, .. }
            | JsonError::UnknownField { path, .. }
            | JsonError::Invalid { path, .. } => prepend(seg, path),
            JsonError::Syntax(_) | JsonError::Value(_) => {}
        }
        self
    }
}

impl EncodeError {
    /// The same error, one step further from the root.
    pub(crate) fn within(mut self, seg: Seg<'_>) -> Self {
        match &mut self {
            EncodeError::Mismatch { path, .. } => prepend(seg, path),
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(segs: &[Seg<'_>]) -> String {
        let mut path = String::new();
        for s in segs.iter().rev() {
            prepend(*s, &mut path);
        }
        path
    }

    #[test]
    fn paths_read_like_javascript() {
        assert_eq!(
            build(&[Seg::Field("items"), Seg::Index(3), Seg::Field("price")]),
            "items[3].price"
        );
        assert_eq!(
            build(&[Seg::Field("tags"), Seg::Key("a \"b\""), Seg::Index(0)]),
            r#"tags["a \"b\""][0]"#
        );
        assert_eq!(build(&[Seg::Index(1), Seg::Field("x")]), "[1].x");
        assert_eq!(build(&[Seg::Field("a"), Seg::Field("b")]), "a.b");
    }
}
