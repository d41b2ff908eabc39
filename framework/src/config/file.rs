//! Reading a TOML configuration file into a [`NodeConfig`], key by key, so that every unknown
//! or mistyped key is reported with its dotted path, the file, line and column.

use std::borrow::Cow;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ConfigError, ConfigIssue, Origin, Problem};
use super::keys::{self, KEYSPACES, SECTIONS, Spelling};
use super::model::NodeConfig;
use super::value::{self, Input, Raw};

/// Applies the TOML document `text` (the contents of `path`) to `config`, adding a problem to
/// `issues` for each key that is unknown or has a value of the wrong type (those keys are left
/// as they were). `Err` if `text` is not TOML at all.
pub(crate) fn apply_toml(
    config: &mut NodeConfig,
    text: &str,
    path: &Path,
    issues: &mut Vec<ConfigIssue>,
) -> Result<(), ConfigError> {
    let document = DeTable::parse(text).map_err(|error| {
        let (line, column) = position(text, error.span().map_or(0, |span| span.start));
        ConfigError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message: error.message().trim().replace('\n', "; "),
        }
    })?;
    let mut reader = Reader {
        text,
        path,
        base_dir: path.parent(),
        config,
        issues: Vec::new(),
    };
    for (section, value) in document.get_ref() {
        reader.section(section, value);
    }
    let mut found = reader.issues;
    // The document's tables are sorted by key; report in the order of the file.
    found.sort_by_key(|issue| match issue.origin() {
        Some(Origin::File { line, column, .. }) => (*line, *column),
        _ => (0, 0),
    });
    issues.extend(found);
    Ok(())
}

struct Reader<'a> {
    text: &'a str,
    path: &'a Path,
    base_dir: Option<&'a Path>,
    config: &'a mut NodeConfig,
    issues: Vec<ConfigIssue>,
}

impl Reader<'_> {
    fn origin(&self, offset: usize) -> Origin {
        let (line, column) = position(self.text, offset);
        Origin::File {
            path: self.path.to_owned(),
            line,
            column,
        }
    }

    fn issue(&mut self, key: String, offset: usize, problem: Problem) {
        let origin = self.origin(offset);
        self.issues
            .push(ConfigIssue::new(key, Some(origin), problem));
    }

    /// A table, or an issue saying that `key` must be one.
    fn table<'t>(&mut self, key: &str, value: &'t Spanned<DeValue<'t>>) -> Option<&'t DeTable<'t>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                let problem = Problem::Mismatch {
                    expected: value::TABLE.to_owned(),
                    found: value::describe(&Raw::Toml(other)),
                };
                self.issue(key.to_owned(), value.span().start, problem);
                None
            }
        }
    }

    fn section(&mut self, name: &Spanned<Cow<'_, str>>, value: &Spanned<DeValue<'_>>) {
        let section: &str = name.get_ref();
        if !SECTIONS.contains(&section) {
            let problem = keys::unknown(&[section], Spelling::Dotted);
            self.issue(section.to_owned(), name.span().start, problem);
            return;
        }
        let Some(table) = self.table(section, value) else {
            return;
        };
        for (key, value) in table {
            if section == KEYSPACES {
                self.keyspace(key, value);
            } else {
                let name: &str = key.get_ref();
                self.key(&[section, name], key.span().start, value);
            }
        }
    }

    fn keyspace(&mut self, name: &Spanned<Cow<'_, str>>, value: &Spanned<DeValue<'_>>) {
        let name_str: &str = name.get_ref();
        let dotted = format!("{KEYSPACES}.{name_str}");
        let Some(table) = self.table(&dotted, value) else {
            return;
        };
        let origin = self.origin(name.span().start);
        self.config.origins.record_first(&dotted, origin);
        self.config
            .keyspaces
            .entry(name_str.to_owned())
            .or_default();
        for (key, value) in table {
            let key_name: &str = key.get_ref();
            self.key(&[KEYSPACES, name_str, key_name], key.span().start, value);
        }
    }

    fn key(&mut self, path: &[&str], key_offset: usize, value: &Spanned<DeValue<'_>>) {
        let dotted = path.join(".");
        let input = Input {
            raw: Raw::Toml(value.get_ref()),
            base_dir: self.base_dir,
        };
        match keys::assign(self.config, path, &input, Spelling::Dotted) {
            Ok(()) => {
                let origin = self.origin(value.span().start);
                self.config.origins.record(&dotted, origin);
            }
            Err(problem @ Problem::UnknownKey { .. }) => self.issue(dotted, key_offset, problem),
            Err(problem) => self.issue(dotted, value.span().start, problem),
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let text = "a = 1\nb = \"é\"\nc = 3";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 4), (1, 5));
        assert_eq!(position(text, 6), (2, 1));
        // after the two-byte é, the column counts one character
        let c = text.find('c').unwrap_or_default();
        assert_eq!(position(text, c), (3, 1));
        let quote = text.rfind('"').unwrap_or_default();
        assert_eq!(position(text, quote), (2, 7));
        assert_eq!(position(text, 1000), (3, 6));
    }
}
