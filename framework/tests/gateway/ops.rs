//! `/health`, `/ready` and `/metrics` as an orchestrator and Prometheus see them.

// The text-format parser below fails the test on anything malformed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};

use crate::support::{Server, Setup, app};

#[tokio::test]
async fn health_and_readiness() {
    let setup = Setup::default();
    let server = Server::start(app(&setup)).await;
    let reply = server.call("GET", "/health", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), serde_json::json!({"status": "ok"}));

    let reply = server.call("GET", "/ready", &[], "").await;
    assert_eq!(reply.status, 503);
    assert_eq!(
        reply.json(),
        serde_json::json!({"ready": false, "reason": "starting"})
    );

    setup.readiness.set_ready();
    let reply = server.call("GET", "/ready", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), serde_json::json!({"ready": true}));

    setup.readiness.set_not_ready("draining");
    let reply = server.call("GET", "/ready", &[], "").await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.json()["reason"], "draining");
    // Health does not depend on readiness.
    assert_eq!(server.call("GET", "/health", &[], "").await.status, 200);
}

/// One sample of the text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the text exposition format strictly: every sample's family has `# HELP` and
/// `# TYPE` lines before it, label values are quoted and escaped, values are numbers.
fn parse(text: &str) -> (HashMap<String, String>, Vec<Sample>) {
    let mut types = HashMap::new();
    let mut helped = Vec::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'));
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, _) = rest.split_once(' ').unwrap();
            helped.push(name.to_owned());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert_eq!(
                helped.last().map(String::as_str),
                Some(name),
                "HELP before TYPE"
            );
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            assert!(
                types.insert(name.to_owned(), kind.to_owned()).is_none(),
                "one TYPE per family"
            );
            continue;
        }
        assert!(!line.starts_with('#'), "{line}");
        let (series, value) = line.rsplit_once(' ').unwrap();
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("value in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series.to_owned(), BTreeMap::new()),
            Some((name, rest)) => (
                name.to_owned(),
                parse_labels(rest.strip_suffix('}').unwrap()),
            ),
        };
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.get(*f).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(&name);
        assert!(types.contains_key(family), "TYPE before samples of {name}");
        samples.push(Sample {
            name,
            labels,
            value,
        });
    }
    (types, samples)
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let name: String = chars.by_ref().take_while(|&c| c != '=').collect();
        assert_eq!(chars.next(), Some('"'));
        let mut value = String::new();
        loop {
            match chars.next().unwrap() {
                '\\' => match chars.next().unwrap() {
                    'n' => value.push('\n'),
                    c @ ('\\' | '"') => value.push(c),
                    c => panic!("bad escape \\{c}"),
                },
                '"' => break,
                c => value.push(c),
            }
        }
        labels.insert(name, value);
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    labels
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let setup = Setup::default();
    let server = Server::start(app(&setup)).await;
    for id in 1..=3 {
        assert_eq!(
            server
                .call("GET", &format!("/vertex/{id}"), &[], "")
                .await
                .status,
            200
        );
    }
    assert_eq!(server.call("GET", "/vertex/-1", &[], "").await.status, 404);
    assert_eq!(
        server.call("GET", "/no/such/path", &[], "").await.status,
        404
    );

    let reply = server.call("GET", "/metrics", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = reply.text();
    let (types, samples) = parse(text);
    assert_eq!(types["affinity_http_requests_total"], "counter");
    assert_eq!(types["affinity_http_request_duration_seconds"], "histogram");
    assert_eq!(types["affinity_http_requests_in_flight"], "gauge");
    assert!(text.contains("# HELP affinity_http_requests_total HTTP requests answered"));

    let count = |route: &str, status: &str| {
        samples
            .iter()
            .find(|s| {
                s.name == "affinity_http_requests_total"
                    && s.labels
                        == labels(&[("method", "GET"), ("route", route), ("status", status)])
            })
            .map(|s| s.value)
    };
    assert_eq!(count("/vertex/{id}", "200"), Some(3.0));
    assert_eq!(count("/vertex/{id}", "404"), Some(1.0));
    assert_eq!(count("unmatched", "404"), Some(1.0));
    // Raw paths never become labels.
    assert!(!text.contains("/vertex/1\""), "{text}");
    assert!(!text.contains("/no/such/path"), "{text}");

    // Each histogram series: buckets increase with `le`, end at +Inf, which equals _count.
    let key = labels(&[("method", "GET"), ("route", "/vertex/{id}")]);
    let mut buckets: Vec<(f64, f64)> = samples
        .iter()
        .filter(|s| s.name == "affinity_http_request_duration_seconds_bucket")
        .filter(|s| {
            let mut l = s.labels.clone();
            l.remove("le");
            l == key
        })
        .map(|s| {
            let le = match s.labels["le"].as_str() {
                "+Inf" => f64::INFINITY,
                v => v.parse().unwrap(),
            };
            (le, s.value)
        })
        .collect();
    assert!(buckets.len() > 5);
    assert!(
        buckets.windows(2).all(|w| w[0].0 < w[1].0),
        "bounds in order"
    );
    assert!(
        buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "counts cumulative"
    );
    let (last_le, last_count) = buckets.pop().unwrap();
    assert_eq!(last_le, f64::INFINITY);
    assert_eq!(last_count, 4.0);
    let total = samples
        .iter()
        .find(|s| s.name == "affinity_http_request_duration_seconds_count" && s.labels == key)
        .map(|s| s.value);
    assert_eq!(total, Some(4.0));
    let sum = samples
        .iter()
        .find(|s| s.name == "affinity_http_request_duration_seconds_sum" && s.labels == key)
        .map(|s| s.value)
        .unwrap();
    assert!(sum > 0.0 && sum < 10.0, "{sum}");

    // The /metrics request itself is in flight while it renders.
    let in_flight = samples
        .iter()
        .find(|s| s.name == "affinity_http_requests_in_flight")
        .map(|s| s.value);
    assert_eq!(in_flight, Some(1.0));
}

#[tokio::test]
async fn application_metrics_are_served_too() {
    let setup = Setup::default();
    let family = setup
        .metrics
        .counter_vec("app_events_total", "Events with \"odd\" labels.", ["kind"])
        .unwrap();
    family
        .with_labels(["a \"quoted\" \\ back\nslash"])
        .inc_by(5);
    let server = Server::start(app(&setup)).await;
    let reply = server.call("GET", "/metrics", &[], "").await;
    let (_, samples) = parse(reply.text());
    let sample = samples
        .iter()
        .find(|s| s.name == "app_events_total")
        .unwrap();
    assert_eq!(sample.labels["kind"], "a \"quoted\" \\ back\nslash");
    assert_eq!(sample.value, 5.0);
}
