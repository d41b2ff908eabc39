//! Shared by the framework's black-box tests: a small keyspace and a node on a random port.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use affinity::config::{NodeConfig, StoreBackend};
use affinity::keyspace::{Keyspace, Published};
use affinity::node::{Node, RunningNode};
use affinity::partition::{Context, Handler, Handles, Message};
use affinity_avro::Avro;

/// A record with twenty fields, for delta sizes.
#[derive(Avro, Clone, Debug, PartialEq, Default)]
#[avro(namespace = "test.e2e")]
pub struct Wide {
    pub f00: i64,
    pub f01: String,
    pub f02: i64,
    pub f03: String,
    pub f04: i64,
    pub f05: String,
    pub f06: i64,
    pub f07: String,
    pub f08: i64,
    pub f09: String,
    pub f10: i64,
    pub f11: String,
    pub f12: i64,
    pub f13: String,
    pub f14: i64,
    pub f15: String,
    pub f16: i64,
    pub f17: String,
    pub f18: Option<i64>,
    pub counter: i64,
}

impl Wide {
    pub fn sample(id: i64) -> Wide {
        let s = |n: &str| format!("{n} of record {id}, long enough to matter");
        Wide {
            f00: id,
            f01: s("one"),
            f02: id * 2,
            f03: s("three"),
            f04: id * 4,
            f05: s("five"),
            f06: id * 6,
            f07: s("seven"),
            f08: id * 8,
            f09: s("nine"),
            f10: id * 10,
            f11: s("eleven"),
            f12: id * 12,
            f13: s("thirteen"),
            f14: id * 14,
            f15: s("fifteen"),
            f16: id * 16,
            f17: s("seventeen"),
            f18: Some(id),
            counter: 0,
        }
    }
}

/// The test keyspace's handler: counters and wide records.
#[derive(Clone, Default)]
pub struct Counters;

impl Handler for Counters {}

/// Adds `by` to counter `key` (creating it at zero) and returns the new count.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test.e2e")]
pub struct Add {
    pub key: String,
    pub by: i64,
}

impl Message for Add {
    type Reply = Result<i64, String>;
}

impl Handles<Add> for Counters {
    fn handle(&mut self, m: Add, ctx: &mut Context<'_>) -> Result<i64, String> {
        if m.by == 0 {
            return Err("adding zero is refused".to_owned());
        }
        let mut counts = ctx
            .state::<String, i64>("counts")
            .map_err(|e| e.to_string())?;
        let new = counts
            .update(&m.key, |old| Some(old.unwrap_or(0) + m.by))
            .map_err(|e| e.to_string())?;
        Ok(new.unwrap_or(0))
    }
}

impl Handles<Published<String, Add>> for Counters {
    fn handle(&mut self, p: Published<String, Add>, ctx: &mut Context<'_>) -> Result<i64, String> {
        if p.message.key != p.key {
            return Err(format!(
                "the add to `{}` was published to `{}`",
                p.message.key, p.key
            ));
        }
        self.handle(p.message, ctx)
    }
}

/// The test keyspace: counters (`counts`), wide records (`wide`) and short-lived sessions
/// (`sessions`, TTL `ttl`).
pub fn keyspace(ttl: Duration) -> Keyspace<Counters> {
    Keyspace::new("test")
        .partitions(4)
        .state::<String, i64>("counts")
        .state::<i64, Wide>("wide")
        .state_with_ttl::<String, String>("sessions", ttl)
        .handler(Counters)
        .accept_published::<String, Add>()
        .remote::<Add>()
}

/// A node on 127.0.0.1 with a random port, RocksDB under `dir`.
pub async fn start(dir: &Path, ttl: Duration) -> RunningNode {
    let mut config = NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.node.data_dir = Some(dir.to_owned());
    config.store.backend = StoreBackend::Rocksdb;
    Node::new(config)
        .keyspace(keyspace(ttl))
        .start()
        .await
        .unwrap()
}
