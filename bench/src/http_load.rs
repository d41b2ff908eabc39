//! The point-read benchmark: the same closed-loop load on a bare axum handler and on Affinity
//! nodes, in interleaved rounds.
//!
//! Each of `connections` tasks holds one keep-alive HTTP/1.1 connection and sends
//! `GET /quote/{id}` (`Accept: application/vnd.apache.avro+binary`) back to back for the round's
//! length, over the 1000 read keys; every answer must be `200` with the expected body length,
//! and its latency (request written to body read) goes into the target's histogram.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use affinity::gateway::AVRO_BINARY;
use http::{Method, StatusCode};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::client::HttpConnection;
use crate::error::BenchError;
use crate::histogram::Histogram;
use crate::model::{FIRST_KEY, KEYS};
use crate::procfs;
use crate::report::HttpTargetReport;

/// A warm-up before the measured rounds, per target.
const WARM_UP: Duration = Duration::from_secs(1);

/// One server under load.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Its name in the report.
    pub(crate) name: &'static str,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// The path prefix of its reads (the key follows).
    pub(crate) prefix: &'static str,
}

/// What one round measured.
#[derive(Debug, Clone, Copy)]
struct Round {
    requests: u64,
    errors: u64,
    elapsed: Duration,
    /// CPU seconds used by the server and by this process during the round.
    server_cpu: f64,
    client_cpu: f64,
}

/// Checks that every target answers the read with the same bytes, then runs `rounds` rounds of
/// `round` each on every target in turn (bare, node, node, …, bare, node, …) with
/// `connections` connections. `server_pid` is the process serving every target.
pub(crate) async fn benchmark(
    server_pid: u32,
    targets: &[Target],
    connections: usize,
    round: Duration,
    rounds: u32,
) -> Result<(usize, Vec<HttpTargetReport>), BenchError> {
    let body_len = same_answer(targets).await?;
    let histograms: Vec<Arc<Histogram>> =
        targets.iter().map(|_| Arc::new(Histogram::new())).collect();
    for target in targets {
        load(
            target,
            connections,
            WARM_UP,
            body_len,
            &Arc::new(Histogram::new()),
        )
        .await?;
    }
    let mut measured: Vec<Vec<Round>> = vec![Vec::new(); targets.len()];
    for r in 0..rounds {
        for (i, target) in targets.iter().enumerate() {
            let server_cpu = procfs::cpu_seconds(server_pid)?;
            let client_cpu = procfs::cpu_seconds(std::process::id())?;
            let mut done = load(target, connections, round, body_len, &histograms[i]).await?;
            done.server_cpu = procfs::cpu_seconds(server_pid)? - server_cpu;
            done.client_cpu = procfs::cpu_seconds(std::process::id())? - client_cpu;
            eprintln!(
                "  round {}: {:<22} {:>9.0} requests/s",
                r + 1,
                target.name,
                done.requests as f64 / done.elapsed.as_secs_f64()
            );
            measured[i].push(done);
        }
    }
    let reports = targets
        .iter()
        .zip(&measured)
        .zip(&histograms)
        .map(|((target, rounds), hist)| {
            let requests: u64 = rounds.iter().map(|r| r.requests).sum();
            let seconds: f64 = rounds.iter().map(|r| r.elapsed.as_secs_f64()).sum();
            HttpTargetReport {
                name: target.name.to_owned(),
                requests,
                errors: rounds.iter().map(|r| r.errors).sum(),
                seconds,
                requests_per_second: requests as f64 / seconds,
                round_requests_per_second: rounds
                    .iter()
                    .map(|r| r.requests as f64 / r.elapsed.as_secs_f64())
                    .collect(),
                p50_us: hist.quantile(0.50),
                p90_us: hist.quantile(0.90),
                p99_us: hist.quantile(0.99),
                p999_us: hist.quantile(0.999),
                server_cpu_cores: rounds.iter().map(|r| r.server_cpu).sum::<f64>() / seconds,
                client_cpu_cores: rounds.iter().map(|r| r.client_cpu).sum::<f64>() / seconds,
            }
        })
        .collect();
    Ok((body_len, reports))
}

/// Reads one key from every target; all must answer 200 with the same body. Returns its length.
async fn same_answer(targets: &[Target]) -> Result<usize, BenchError> {
    let mut first: Option<(&str, bytes::Bytes)> = None;
    for target in targets {
        let path = format!("{}{FIRST_KEY}", target.prefix);
        let mut conn = HttpConnection::open(target.addr).await?;
        let (status, body) = conn.send(Method::GET, &path, AVRO_BINARY).await?;
        if status != StatusCode::OK {
            return Err(BenchError::Protocol(format!(
                "{} answered GET {path} with {status}",
                target.name
            )));
        }
        match &first {
            Some((name, bytes)) if *bytes != body => {
                return Err(BenchError::Protocol(format!(
                    "{} and {name} answer GET {path} with different bodies",
                    target.name
                )));
            }
            Some(_) => {}
            None => first = Some((target.name, body)),
        }
    }
    Ok(first.map_or(0, |(_, body)| body.len()))
}

/// `connections` closed loops of point reads on `target` for `length`.
async fn load(
    target: &Target,
    connections: usize,
    length: Duration,
    body_len: usize,
    hist: &Arc<Histogram>,
) -> Result<Round, BenchError> {
    let mut opened = Vec::with_capacity(connections);
    for _ in 0..connections {
        opened.push(HttpConnection::open(target.addr).await?);
    }
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = JoinSet::new();
    for (index, mut conn) in opened.into_iter().enumerate() {
        let hist = hist.clone();
        let prefix = target.prefix;
        tasks.spawn(async move {
            let (mut requests, mut errors) = (0u64, 0u64);
            let mut n = index as u64;
            while Instant::now() < deadline {
                let key = FIRST_KEY + ((n * 7919) % KEYS as u64) as i64;
                n += connections as u64;
                let path = format!("{prefix}{key}");
                let sent = Instant::now();
                let (status, body) = conn.send(Method::GET, &path, AVRO_BINARY).await?;
                if status == StatusCode::OK && body.len() == body_len {
                    hist.record(sent.elapsed().as_micros() as u64);
                    requests += 1;
                } else {
                    errors += 1;
                }
            }
            Ok::<_, BenchError>((requests, errors))
        });
    }
    let mut round = Round {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        server_cpu: 0.0,
        client_cpu: 0.0,
    };
    // Every loop stops at the deadline; a request can take at most the node's timeout.
    let bound = length + Duration::from_secs(35);
    while let Some(joined) = tokio::time::timeout(bound, tasks.join_next())
        .await
        .map_err(|_| BenchError::Timeout("an HTTP load round".into()))?
    {
        let (requests, errors) = joined.map_err(|e| BenchError::Protocol(e.to_string()))??;
        round.requests += requests;
        round.errors += errors;
    }
    round.elapsed = start.elapsed();
    Ok(round)
}
