//! The rules a configuration must follow beyond the types of its keys: non-zero sizes and
//! durations, well-formed names and addresses, and what the Kafka mode needs.

use std::time::Duration;

use super::error::{ConfigIssue, Problem};
use super::keys::KEYSPACES;
use super::model::{ClusterMode, NodeConfig};
use super::units::format_duration;

/// Every rule `config` breaks, in the order of the documentation's table.
pub(crate) fn validate(config: &NodeConfig) -> Vec<ConfigIssue> {
    let mut rules = Rules {
        config,
        issues: Vec::new(),
    };
    rules.check_all();
    rules.issues
}

struct Rules<'a> {
    config: &'a NodeConfig,
    issues: Vec<ConfigIssue>,
}

impl Rules<'_> {
    /// Records that `key` breaks a rule; the origin is where `origin_key`'s value came from.
    fn invalid_at(&mut self, key: &str, origin_key: &str, reason: String) {
        let origin = self.config.origins.get(origin_key).cloned();
        self.issues
            .push(ConfigIssue::new(key, origin, Problem::Invalid { reason }));
    }

    fn invalid(&mut self, key: &str, reason: String) {
        self.invalid_at(key, key, reason);
    }

    fn positive_duration(&mut self, key: &str, value: Duration) {
        if value.is_zero() {
            let reason = format!(
                "must be greater than zero, found {}",
                format_duration(value)
            );
            self.invalid(key, reason);
        }
    }

    fn at_least_one(&mut self, key: &str, value: usize) {
        if value == 0 {
            self.invalid(key, "must be at least 1, found 0".to_owned());
        }
    }

    fn check_all(&mut self) {
        let c = self.config;
        if !is_name(&c.node.id, 255, true) {
            let reason = format!(
                "must be 1 to 255 of the characters A-Z a-z 0-9 . _ -, found {:?}",
                c.node.id
            );
            self.invalid("node.id", reason);
        }
        if c.node
            .data_dir
            .as_ref()
            .is_some_and(|dir| dir.as_os_str().is_empty())
        {
            self.invalid("node.data_dir", "must not be empty".to_owned());
        }
        self.at_least_one("http.body_limit", c.http.body_limit);
        self.positive_duration("http.request_timeout", c.http.request_timeout);
        self.cors_origins();
        self.at_least_one("live.queue_capacity", c.live.queue_capacity);
        self.positive_duration("live.heartbeat", c.live.heartbeat);
        for server in &c.kafka.bootstrap_servers {
            if !is_host_port(server) {
                let reason = format!("{server:?} is not a host:port such as \"localhost:9092\"");
                self.invalid("kafka.bootstrap_servers", reason);
            }
        }
        if let Some(connect) = &c.zookeeper.connect
            && !is_zookeeper_connect(connect)
        {
            let reason = format!(
                "{connect:?} is not a connect string such as \"localhost:2181\" or \
                 \"zk1:2181,zk2:2181/affinity\""
            );
            self.invalid("zookeeper.connect", reason);
        }
        self.positive_duration("zookeeper.session_timeout", c.zookeeper.session_timeout);
        if !is_name(&c.cluster.name, 100, false) {
            let reason = format!(
                "must be 1 to 100 of the characters A-Z a-z 0-9 _ - (it begins the names of the cluster's Kafka topics), found {:?}",
                c.cluster.name
            );
            self.invalid("cluster.name", reason);
        }
        for name in c.keyspaces.keys() {
            if !is_name(name, 100, false) {
                let key = format!("{KEYSPACES}.{name}");
                let reason = format!(
                    "a keyspace name must be 1 to 100 of the characters A-Z a-z 0-9 _ -, found {name:?}"
                );
                self.invalid(&key, reason);
            }
        }
        if c.cluster.mode == ClusterMode::Kafka {
            let required = "required when `cluster.mode` is \"kafka\"";
            if c.kafka.bootstrap_servers.is_empty() {
                self.invalid_at(
                    "kafka.bootstrap_servers",
                    "cluster.mode",
                    required.to_owned(),
                );
            }
            if c.zookeeper.connect.is_none() {
                self.invalid_at("zookeeper.connect", "cluster.mode", required.to_owned());
            }
            if c.cluster.advertise_host.is_none() {
                for (key, addr) in [
                    ("http.listen", c.http.listen),
                    ("cluster.peer_listen", c.cluster.peer_listen),
                ] {
                    if addr.ip().is_unspecified() {
                        let reason = format!(
                            "{addr} binds every interface, so it names none that other nodes could use: set the host to advertise"
                        );
                        self.invalid_at("cluster.advertise_host", key, reason);
                    }
                }
            }
        }
    }

    fn cors_origins(&mut self) {
        let origins = &self.config.http.cors_origins;
        if origins.len() > 1 && origins.iter().any(|o| o == "*") {
            let reason = "\"*\" allows every origin and cannot be listed with others".to_owned();
            self.invalid("http.cors_origins", reason);
            return;
        }
        for origin in origins {
            if origin != "*" && !is_origin(origin) {
                let reason = format!(
                    "{origin:?} is not an origin such as \"https://example.com\" or \
                     \"http://localhost:3000\", or \"*\""
                );
                self.invalid("http.cors_origins", reason);
            }
        }
    }
}

/// 1 to `max` characters of `A-Z a-z 0-9 _ -`, and `.` if `dots`.
fn is_name(name: &str, max: usize, dots: bool) -> bool {
    (1..=max).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (dots && b == b'.'))
}

/// `host:port`: a non-empty host without spaces or commas, and a port from 1 to 65535.
fn is_host_port(text: &str) -> bool {
    let Some((host, port)) = text.rsplit_once(':') else {
        return false;
    };
    !host.is_empty()
        && !host.contains(|c: char| c.is_whitespace() || c == ',' || c == '/')
        && port.parse::<u16>().is_ok_and(|p| p != 0)
}

/// `host:port[,host:port…][/chroot]`, the chroot an absolute path without a trailing `/`.
fn is_zookeeper_connect(text: &str) -> bool {
    let (hosts, chroot) = match text.find('/') {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    };
    let chroot_ok = chroot.is_none_or(|c| c.len() > 1 && !c.ends_with('/') && !c.contains("//"));
    chroot_ok && hosts.split(',').all(is_host_port)
}

/// `http://` or `https://`, a host, maybe a port, and nothing else (no path, no trailing `/`).
fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    if rest.is_empty() || rest.contains(|c: char| c == '/' || c.is_whitespace()) {
        return false;
    }
    match rest.rsplit_once(':') {
        // an IPv6 literal without a port: [::1]
        Some((_, tail)) if tail.ends_with(']') => true,
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ports() {
        for ok in [
            "localhost:9092",
            "10.0.0.1:1",
            "[::1]:9092",
            "kafka-1.example:65535",
        ] {
            assert!(is_host_port(ok), "{ok}");
        }
        for bad in [
            "localhost",
            ":9092",
            "h:0",
            "h:65536",
            "h:port",
            "a b:1",
            "a,b:1",
        ] {
            assert!(!is_host_port(bad), "{bad}");
        }
    }

    #[test]
    fn zookeeper_connect_strings() {
        for ok in [
            "localhost:2181",
            "zk1:2181,zk2:2181",
            "zk1:2181,zk2:2181/affinity/a",
        ] {
            assert!(is_zookeeper_connect(ok), "{ok}");
        }
        for bad in [
            "",
            "zk1",
            "zk1:2181,",
            "zk1:2181/",
            "zk1:2181/a/",
            "zk1:2181//a",
            "/a",
        ] {
            assert!(!is_zookeeper_connect(bad), "{bad}");
        }
    }

    #[test]
    fn origins() {
        for ok in [
            "https://example.com",
            "http://localhost:3000",
            "http://[::1]",
            "http://[::1]:80",
        ] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "example.com",
            "https://",
            "https://example.com/",
            "ftp://x",
            "http://x:port",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }
}
