//! The keys of a node configuration: their names, how a value is read and where it goes, and
//! the hint given for a key that does not exist.

use super::error::Problem;
use super::model::{Acks, ClusterMode, NodeConfig, StoreBackend};
use super::value::{Input, Mismatch};

/// The sections (top-level tables) of a configuration.
pub(crate) const SECTIONS: [&str; 8] = [
    "node",
    "http",
    "live",
    "store",
    "cluster",
    "kafka",
    "zookeeper",
    "keyspaces",
];

/// The section whose tables are named by keyspace.
pub(crate) const KEYSPACES: &str = "keyspaces";

/// The keys of each `[keyspaces.<name>]` table.
pub(crate) const KEYSPACE_KEYS: [&str; 2] = ["partitions", "replicas"];

type Assign = fn(&mut NodeConfig, &Input<'_>) -> Result<(), Mismatch>;

/// A key of a fixed section.
struct Key {
    path: &'static str,
    assign: Assign,
}

const BACKENDS: [(&str, StoreBackend); 2] = [
    ("rocksdb", StoreBackend::Rocksdb),
    ("memory", StoreBackend::Memory),
];
const MODES: [(&str, ClusterMode); 2] = [
    ("embedded", ClusterMode::Embedded),
    ("kafka", ClusterMode::Kafka),
];
const ACKS: [(&str, Acks); 4] = [
    ("all", Acks::All),
    ("-1", Acks::All),
    ("1", Acks::Leader),
    ("0", Acks::None),
];
const BACKEND: &str = "one of \"rocksdb\", \"memory\"";
const MODE: &str = "one of \"embedded\", \"kafka\"";
const ACK: &str = "one of \"all\", \"1\", \"0\"";

/// Every key outside `[keyspaces]`, in documentation order.
const KEYS: [Key; 17] = [
    Key {
        path: "node.id",
        assign: |c, v| {
            c.node.id = v.string()?;
            Ok(())
        },
    },
    Key {
        path: "node.data_dir",
        assign: |c, v| {
            c.node.data_dir = Some(v.path()?);
            Ok(())
        },
    },
    Key {
        path: "http.listen",
        assign: |c, v| {
            c.http.listen = v.socket_addr()?;
            Ok(())
        },
    },
    Key {
        path: "http.body_limit",
        assign: |c, v| {
            c.http.body_limit = v.byte_size()?;
            Ok(())
        },
    },
    Key {
        path: "http.request_timeout",
        assign: |c, v| {
            c.http.request_timeout = v.duration()?;
            Ok(())
        },
    },
    Key {
        path: "http.cors_origins",
        assign: |c, v| {
            c.http.cors_origins = v.list()?;
            Ok(())
        },
    },
    Key {
        path: "live.queue_capacity",
        assign: |c, v| {
            c.live.queue_capacity = v.count()?;
            Ok(())
        },
    },
    Key {
        path: "live.heartbeat",
        assign: |c, v| {
            c.live.heartbeat = v.duration()?;
            Ok(())
        },
    },
    Key {
        path: "store.backend",
        assign: |c, v| {
            c.store.backend = v.choice(&BACKENDS, BACKEND)?;
            Ok(())
        },
    },
    Key {
        path: "cluster.mode",
        assign: |c, v| {
            c.cluster.mode = v.choice(&MODES, MODE)?;
            Ok(())
        },
    },
    Key {
        path: "cluster.name",
        assign: |c, v| {
            c.cluster.name = v.string()?;
            Ok(())
        },
    },
    Key {
        path: "cluster.peer_listen",
        assign: |c, v| {
            c.cluster.peer_listen = v.socket_addr()?;
            Ok(())
        },
    },
    Key {
        path: "cluster.advertise_host",
        assign: |c, v| {
            c.cluster.advertise_host = Some(v.string()?);
            Ok(())
        },
    },
    Key {
        path: "kafka.bootstrap_servers",
        assign: |c, v| {
            c.kafka.bootstrap_servers = v.list()?;
            Ok(())
        },
    },
    Key {
        path: "kafka.acks",
        assign: |c, v| {
            c.kafka.acks = acks(v)?;
            Ok(())
        },
    },
    Key {
        path: "zookeeper.connect",
        assign: |c, v| {
            c.zookeeper.connect = Some(v.string()?);
            Ok(())
        },
    },
    Key {
        path: "zookeeper.session_timeout",
        assign: |c, v| {
            c.zookeeper.session_timeout = v.duration()?;
            Ok(())
        },
    },
];

/// `kafka.acks`: the strings, or the integers `1`, `0`, `-1` from TOML.
fn acks(input: &Input<'_>) -> Result<Acks, Mismatch> {
    match input.integer_as_text() {
        Some(text) => ACKS
            .iter()
            .find(|(spelling, _)| *spelling == text)
            .map(|&(_, acks)| acks)
            .ok_or_else(|| input.mismatch(ACK)),
        None => input.choice(&ACKS, ACK),
    }
}

/// How key names are shown in hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// As a dotted path: `` `http.listen` ``.
    Dotted,
    /// As an environment variable: `AFFINITY_HTTP__LISTEN`.
    Env,
}

impl Spelling {
    fn show(self, path: &str) -> String {
        match self {
            Spelling::Dotted => format!("`{path}`"),
            Spelling::Env => env_var(path),
        }
    }
}

/// The environment variable that overrides `path`: `AFFINITY_` then the section and key upper
/// case, joined by `__`; a keyspace's name is kept as written.
pub(crate) fn env_var(path: &str) -> String {
    let segments: Vec<&str> = path.split('.').collect();
    let upper = |s: &str| s.to_ascii_uppercase();
    let parts: Vec<String> = match segments.as_slice() {
        [KEYSPACES, name, key] => vec![upper(KEYSPACES), (*name).to_owned(), upper(key)],
        other => other.iter().map(|s| upper(s)).collect(),
    };
    format!("AFFINITY_{}", parts.join("__"))
}

/// Sets the key at `path` (section, then key; or `keyspaces`, name, key) from `input`.
/// `Err(UnknownKey)` for a key that does not exist, `Err(Mismatch)` for a value of another type;
/// the configuration is unchanged on error.
pub(crate) fn assign(
    config: &mut NodeConfig,
    path: &[&str],
    input: &Input<'_>,
    spelling: Spelling,
) -> Result<(), Problem> {
    let mismatch = |m: Mismatch| Problem::Mismatch {
        expected: m.expected.to_owned(),
        found: m.found,
    };
    match path {
        [KEYSPACES, name, key] if KEYSPACE_KEYS.contains(key) => {
            let value = input.positive_u32().map_err(mismatch)?;
            let keyspace = config.keyspaces.entry((*name).to_owned()).or_default();
            if *key == "partitions" {
                keyspace.partitions = Some(value);
            } else {
                keyspace.replicas = Some(value);
            }
            Ok(())
        }
        [section, key] => {
            let dotted = format!("{section}.{key}");
            match KEYS.iter().find(|k| k.path == dotted) {
                Some(k) => (k.assign)(config, input).map_err(mismatch),
                None => Err(unknown(path, spelling)),
            }
        }
        _ => Err(unknown(path, spelling)),
    }
}

/// The problem for a key that does not exist, with a hint: the nearest known key if one is
/// close (a section named as a key gets its keys), otherwise the keys of its section, otherwise
/// the sections.
pub(crate) fn unknown(path: &[&str], spelling: Spelling) -> Problem {
    let typed = path.join(".");
    let candidates: Vec<String> = match path {
        [_] => SECTIONS.iter().map(|s| (*s).to_owned()).collect(),
        [KEYSPACES, name, ..] => KEYSPACE_KEYS
            .iter()
            .map(|k| format!("{KEYSPACES}.{name}.{k}"))
            .collect(),
        _ => KEYS.iter().map(|k| k.path.to_owned()).collect(),
    };
    let nearest = candidates
        .iter()
        .map(|c| (edit_distance(&typed, c), c))
        .filter(|&(d, _)| d > 0 && d <= 2 && d < typed.len())
        .min_by_key(|&(d, _)| d);
    let hint = if let Some((_, best)) = nearest {
        format!("did you mean {}?", spelling.show(best))
    } else if let [section, ..] = path
        && SECTIONS.contains(section)
    {
        let keys: Vec<String> = if *section == KEYSPACES {
            let shown = KEYSPACE_KEYS.map(|k| spelling.show(&format!("{KEYSPACES}.<name>.{k}")));
            shown.to_vec()
        } else {
            KEYS.iter()
                .filter(|k| k.path.split('.').next() == Some(*section))
                .map(|k| spelling.show(k.path))
                .collect()
        };
        format!("the keys of [{section}] are {}", keys.join(", "))
    } else {
        format!("the sections are {}", SECTIONS.join(", "))
    };
    Problem::UnknownKey { hint }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("listen", "listen"), 0);
        assert_eq!(edit_distance("listne", "listen"), 2);
        assert_eq!(edit_distance("htp", "http"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn env_var_names_keep_keyspace_names_as_written() {
        assert_eq!(env_var("http.listen"), "AFFINITY_HTTP__LISTEN");
        assert_eq!(env_var("http.body_limit"), "AFFINITY_HTTP__BODY_LIMIT");
        assert_eq!(
            env_var("keyspaces.graph.partitions"),
            "AFFINITY_KEYSPACES__graph__PARTITIONS"
        );
    }
}
