//! `affinity-bench run`: every benchmark in turn, and the JSON report.

use std::time::Duration;

use crate::args::RunOptions;
use crate::error::BenchError;
use crate::http_load::{self, Target};
use crate::report::{HttpReport, Report};
use crate::spawn::ServerProcess;

/// Runs the benchmarks `options` asks for and writes the report.
pub(crate) async fn run(options: RunOptions) -> Result<(), BenchError> {
    let http = if options.http {
        Some(http_benchmark(&options).await?)
    } else {
        None
    };
    let mut fanout = Vec::new();
    if options.fanout {
        for &n in &options.subscribers {
            eprintln!(
                "fan-out: {n} subscribers on one key, rates {:?}/s",
                options.rates
            );
            fanout.push(
                crate::fanout::benchmark(n, &options.rates, options.fanout_phase, &options.wrap)
                    .await?,
            );
        }
    }
    let report = Report { http, fanout };
    let json =
        serde_json::to_string_pretty(&report).map_err(|e| BenchError::Protocol(e.to_string()))?;
    match &options.out {
        Some(path) => {
            std::fs::write(path, json + "\n").map_err(BenchError::io("writing the report"))?
        }
        None => println!("{json}"),
    }
    Ok(())
}

async fn http_benchmark(options: &RunOptions) -> Result<HttpReport, BenchError> {
    eprintln!(
        "point reads: {} connections, {} rounds of {:.1} s per target",
        options.connections,
        options.http_rounds,
        options.http_round.as_secs_f64()
    );
    let server = ServerProcess::start(&options.wrap).await?;
    let a = &server.addresses;
    let targets = [
        Target {
            name: "bare axum",
            addr: a.bare,
            prefix: "/quote/",
        },
        Target {
            name: "affinity stack, constant",
            addr: a.memory_node,
            prefix: "/constant/",
        },
        Target {
            name: "affinity stack + ask, constant",
            addr: a.memory_node,
            prefix: "/hop/",
        },
        Target {
            name: "affinity (memory)",
            addr: a.memory_node,
            prefix: "/quote/",
        },
        Target {
            name: "affinity (RocksDB)",
            addr: a.node,
            prefix: "/quote/",
        },
        Target {
            name: "affinity (RocksDB, ask)",
            addr: a.node,
            prefix: "/ask/",
        },
    ];
    let unknown: Vec<&String> = options
        .http_targets
        .iter()
        .filter(|name| !targets.iter().any(|t| t.name == name.as_str()))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = targets.iter().map(|t| t.name).collect();
        return Err(BenchError::Usage(format!(
            "unknown HTTP targets {unknown:?}; they are {known:?}"
        )));
    }
    let targets: Vec<Target> = targets
        .into_iter()
        .enumerate()
        .filter(|(i, t)| {
            *i == 0
                || options.http_targets.is_empty()
                || options.http_targets.iter().any(|n| n == t.name)
        })
        .map(|(_, t)| t)
        .collect();
    // Let the seeding settle (RocksDB flushes, allocator) before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (body_bytes, reports) = http_load::benchmark(
        a.pid,
        &targets,
        options.connections,
        options.http_round,
        options.http_rounds,
    )
    .await?;
    server.stop().await?;
    Ok(HttpReport {
        connections: options.connections,
        round_seconds: options.http_round.as_secs_f64(),
        rounds: options.http_rounds,
        body_bytes,
        targets: reports,
    })
}
