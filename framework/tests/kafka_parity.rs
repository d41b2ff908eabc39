//! Partitioner parity against a real Kafka broker: for a set of keys, the partition Affinity
//! picks (`affinity::partitioner`) is the one Kafka's own Java producer (default partitioner)
//! picks, as the broker acknowledges it and as the broker stores it.
//!
//! Needs the services of `dev/services up` (`SERVICES_KAFKA_BOOTSTRAP`, and `SERVICES_KAFKA_LIBS`
//! for Kafka's Java client) and a JDK. Skipped with a notice when they are missing — except under
//! `CI=true`, where that fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/child.rs"]
mod child;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use affinity::partitioner::{Partitioner, partition_for};
use affinity_avro::{Avro, to_framed, to_vec};

/// How long the Java reference may run (JVM start, compiling Parity.java, two topics).
const JAVA_TIMEOUT: Duration = Duration::from_secs(180);

#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "com.example.graph")]
struct VertexKey {
    graph: String,
    id: i64,
    label: Option<String>,
}

/// The services' settings, or `None` (after a notice) when the test should be skipped.
fn services() -> Option<(String, String)> {
    let bootstrap = std::env::var("SERVICES_KAFKA_BOOTSTRAP").ok();
    let libs = std::env::var("SERVICES_KAFKA_LIBS").ok();
    let java = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let problem = match (&bootstrap, &libs) {
        _ if !java => Some("java is missing: run dev/setup"),
        (None, _) | (_, None) => Some(
            "SERVICES_KAFKA_BOOTSTRAP / SERVICES_KAFKA_LIBS are not set: run \
             `eval \"$(dev/services up)\"` first",
        ),
        _ => None,
    };
    if let Some(problem) = problem {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("Kafka is required under CI=true: {problem}");
        }
        eprintln!("skipping the Kafka partitioner parity test: {problem}");
        return None;
    }
    Some((bootstrap.unwrap(), libs.unwrap()))
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_owned();
    }
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").unwrap();
        s
    })
}

/// The keys: Avro bodies of longs, strings and a record, the same framed the Confluent way
/// (what Affinity hashes), and raw bytes of every tail length with the high bit set (Java's
/// signed bytes).
fn keys() -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    let longs = [0i64, 1, -1, 42, 63, 64, -65, 1 << 20, i64::MAX, i64::MIN];
    for n in longs {
        keys.push(to_vec(&n));
        keys.push(to_framed(1, &n));
        keys.push(to_framed(100_042, &n));
    }
    let mut text = String::new();
    for len in 0..=9 {
        keys.push(to_vec(&text));
        keys.push(to_framed(7, &text));
        text.push(char::from(b'a' + len));
    }
    for s in ["Grüße", "日本語のキー", "user-7", &"x".repeat(300)] {
        keys.push(to_vec(&s.to_owned()));
        keys.push(to_framed(3, &s.to_owned()));
    }
    for (id, label) in [(1, None), (-5, Some("start")), (i64::MAX, Some("ünïcødé"))] {
        let key = VertexKey {
            graph: "g1".into(),
            id,
            label: label.map(str::to_owned),
        };
        keys.push(to_vec(&key));
        keys.push(to_framed(21, &key));
    }
    for len in 0..=16u8 {
        keys.push((0..len).map(|i| 0x80 | i.wrapping_mul(37)).collect());
    }
    // A spread of ids, deterministic: many keys per partition.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        keys.push(to_framed(5, &((x >> 1) as i64)));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Runs `java -cp <libs>/* Parity.java bootstrap topics…` with the keys on stdin, killing it
/// after [`JAVA_TIMEOUT`]; returns its stdout, or panics with its stderr.
fn run_java(libs: &str, bootstrap: &str, topics: &[(String, u32)], keys: &[Vec<u8>]) -> String {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kafka_parity/Parity.java");
    let child = Command::new("java")
        .arg("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .arg("-cp")
        .arg(format!("{libs}/*"))
        .arg(&source)
        .arg(bootstrap)
        .args(topics.iter().map(|(t, n)| format!("{t}={n}")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = keys.iter().map(|k| hex(k) + "\n").collect();
    let child::Ended {
        status,
        stdout,
        stderr,
    } = child::finish(child, input.into_bytes(), JAVA_TIMEOUT);
    match status {
        Some(s) if s.success() => stdout,
        Some(s) => panic!(
            "Kafka's Java producer against {bootstrap} failed ({s}); is the broker up \
             (dev/services status)?\n{stderr}"
        ),
        None => panic!(
            "Kafka's Java producer against {bootstrap} took longer than {JAVA_TIMEOUT:?}\n{stderr}"
        ),
    }
}

/// (what, topic, key hex) → partition, from the reference's output.
fn parse(stdout: &str) -> BTreeMap<(String, String, String), u32> {
    let mut seen = BTreeMap::new();
    for line in stdout.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [what, topic, key, partition] = parts[..] else {
            panic!("unexpected line from Parity.java: {line:?}");
        };
        let partition: u32 = partition.parse().unwrap();
        let previous = seen.insert((what.into(), topic.into(), key.into()), partition);
        assert_eq!(previous, None, "key {key} seen twice in {topic} ({what})");
    }
    seen
}

#[test]
fn partitions_match_kafkas_java_producer_on_a_real_broker() {
    let Some((bootstrap, libs)) = services() else {
        return;
    };
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let topics: Vec<(String, u32)> = [8, 13]
        .into_iter()
        .map(|n| {
            (
                format!("affinity-parity-{n}-{}-{run}", std::process::id()),
                n,
            )
        })
        .collect();
    let keys = keys();
    assert!(keys.len() > 250, "{} keys", keys.len());

    let seen = parse(&run_java(&libs, &bootstrap, &topics, &keys));

    for (topic, n) in &topics {
        let partitions = NonZeroU32::new(*n).unwrap();
        let partitioner = Partitioner::new(partitions);
        let mut used = vec![0usize; *n as usize];
        for key in &keys {
            let ours = partition_for(key, partitions);
            assert_eq!(partitioner.partition(key), ours);
            for what in ["produced", "stored"] {
                let theirs = seen.get(&(what.into(), topic.clone(), hex(key)));
                assert_eq!(
                    theirs,
                    Some(&ours),
                    "key {} in {topic} ({n} partitions): Affinity picks {ours}, Kafka {what} {theirs:?}",
                    hex(key)
                );
            }
            used[ours as usize] += 1;
        }
        // Every partition got keys: the comparison covered all of them, not one by luck.
        assert!(
            used.iter().all(|&c| c > 0),
            "{topic}: keys per partition {used:?}"
        );
    }
    assert_eq!(seen.len(), 2 * topics.len() * keys.len());
}
