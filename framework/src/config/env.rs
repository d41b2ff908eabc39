//! Environment overrides: `AFFINITY_<SECTION>__<KEY>` and
//! `AFFINITY_KEYSPACES__<name>__<KEY>` (the scheme is documented in the [module docs](super)).

use std::ffi::OsStr;

use super::error::{ConfigIssue, Origin, Problem};
use super::keys::{self, KEYSPACES, SECTIONS, Spelling};
use super::model::NodeConfig;
use super::value::{Input, Raw};

/// The prefix of every override.
pub(crate) const PREFIX: &str = "AFFINITY_";

/// Applies the overrides among `vars` to `config`, in the order of their names, adding a
/// problem to `issues` for each override that names no key or has a value of the wrong type
/// (those change nothing). Variables that are not overrides are ignored.
pub(crate) fn apply_env<I, K, V>(config: &mut NodeConfig, vars: I, issues: &mut Vec<ConfigIssue>)
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut overrides: Vec<(String, Option<String>)> = vars
        .into_iter()
        .filter_map(|(name, value)| {
            let name = name.as_ref();
            let prefixed = name.as_encoded_bytes().starts_with(PREFIX.as_bytes());
            prefixed.then(|| {
                let value = value.as_ref().to_str().map(str::to_owned);
                (name.to_string_lossy().into_owned(), value)
            })
        })
        .collect();
    overrides.sort_by(|a, b| a.0.cmp(&b.0));
    for (var, value) in overrides {
        apply_one(config, &var, value, issues);
    }
}

fn apply_one(
    config: &mut NodeConfig,
    var: &str,
    value: Option<String>,
    issues: &mut Vec<ConfigIssue>,
) {
    let rest = &var[PREFIX.len()..];
    let origin = Origin::Env {
        var: var.to_owned(),
    };
    let Some(path) = override_path(rest) else {
        // Not meant as an override unless it starts like one: AFFINITY_HTTP_LISTEN.
        if let Some(section) = section_with_single_underscore(rest) {
            let key = rest.to_ascii_lowercase().replacen('_', ".", 1);
            let corrected = format!(
                "{PREFIX}{}__{}",
                section.to_ascii_uppercase(),
                &rest[section.len() + 1..]
            );
            let hint = format!(
                "a section and its key are separated by a double underscore: did you mean {corrected}?"
            );
            issues.push(ConfigIssue::new(
                key,
                Some(origin),
                Problem::UnknownKey { hint },
            ));
        }
        return;
    };
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    let dotted = segments.join(".");
    let Some(text) = value else {
        let problem = Problem::Mismatch {
            expected: "valid UTF-8".to_owned(),
            found: "bytes that are not UTF-8".to_owned(),
        };
        issues.push(ConfigIssue::new(dotted, Some(origin), problem));
        return;
    };
    let input = Input {
        raw: Raw::Text(&text),
        base_dir: None,
    };
    match keys::assign(config, &segments, &input, Spelling::Env) {
        Ok(()) => {
            if let [KEYSPACES, name, _] = segments.as_slice() {
                let table = format!("{KEYSPACES}.{name}");
                config.origins.record_first(&table, origin.clone());
            }
            config.origins.record(&dotted, origin);
        }
        Err(problem) => issues.push(ConfigIssue::new(dotted, Some(origin), problem)),
    }
}

/// The key path an override names: the `__`-separated parts of the name after the prefix,
/// lower-cased, except a keyspace's name, kept as written. `None` if the name has no `__`.
fn override_path(rest: &str) -> Option<Vec<String>> {
    if !rest.contains("__") {
        return None;
    }
    let parts: Vec<&str> = rest.split("__").collect();
    let section = parts[0].to_ascii_lowercase();
    let path = parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if section == KEYSPACES && i == 1 {
                (*part).to_owned()
            } else {
                part.to_ascii_lowercase()
            }
        })
        .collect();
    Some(path)
}

/// The section named before the first single `_` of `rest`, if it is one (`HTTP_LISTEN`).
fn section_with_single_underscore(rest: &str) -> Option<&str> {
    let (head, tail) = rest.split_once('_')?;
    let is_section = SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(head));
    (is_section && !tail.is_empty()).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_names_split_on_double_underscores() {
        let path = |rest: &str| override_path(rest);
        assert_eq!(
            path("HTTP__BODY_LIMIT"),
            Some(vec!["http".to_owned(), "body_limit".to_owned()])
        );
        assert_eq!(
            path("KEYSPACES__Graph__PARTITIONS"),
            Some(vec![
                "keyspaces".to_owned(),
                "Graph".to_owned(),
                "partitions".to_owned()
            ])
        );
        assert_eq!(path("BLESS"), None);
        assert_eq!(path("HTTP_LISTEN"), None);
    }

    #[test]
    fn only_a_known_section_before_a_single_underscore_looks_like_an_override() {
        assert_eq!(section_with_single_underscore("HTTP_LISTEN"), Some("HTTP"));
        assert_eq!(section_with_single_underscore("BLESS"), None);
        assert_eq!(section_with_single_underscore("WRITE_FUZZ_SEEDS"), None);
        assert_eq!(section_with_single_underscore("HTTP_"), None);
    }
}
