//! Table names, checked the same way by every store.

use super::StoreError;

/// The longest table name, in bytes.
pub const MAX_TABLE_NAME_LEN: usize = 128;

/// Checks a table name: 1 to [`MAX_TABLE_NAME_LEN`] ASCII letters, digits, `_`, `-` or `.`,
/// not starting with `__` (reserved for the store's own data) and not `default` (RocksDB's
/// own column family).
pub fn check_table_name(name: &str) -> Result<(), StoreError> {
    let reason = if name.is_empty() {
        Some("empty")
    } else if name.len() > MAX_TABLE_NAME_LEN {
        Some("longer than 128 bytes")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        Some("only ASCII letters, digits, '_', '-' and '.' are allowed")
    } else if name.starts_with("__") {
        Some("names starting with \"__\" are reserved")
    } else if name == "default" {
        Some("\"default\" is reserved")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(StoreError::InvalidTableName {
            name: name.to_owned(),
            reason,
        }),
    }
}

/// Checks and sorts table names, dropping duplicates.
pub(super) fn checked_names<I>(tables: I) -> Result<Vec<String>, StoreError>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut names = Vec::new();
    for t in tables {
        let t = t.as_ref();
        check_table_name(t)?;
        names.push(t.to_owned());
    }
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for ok in ["vertices", "a", "user-sessions.v2", "A_1"] {
            assert!(check_table_name(ok).is_ok(), "{ok}");
        }
        let long = "x".repeat(MAX_TABLE_NAME_LEN + 1);
        for bad in ["", "__meta", "default", "a b", "ä", "a/b", long.as_str()] {
            assert!(
                matches!(
                    check_table_name(bad),
                    Err(StoreError::InvalidTableName { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn names_are_sorted_and_deduplicated() {
        assert_eq!(
            checked_names(["b", "a", "b"]).ok(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert!(checked_names(["a", ""]).is_err());
    }
}
