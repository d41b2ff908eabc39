//! The fan-out benchmark: N WebSocket subscribers on one key of a node in a fresh server
//! process, the key updated M times a second.
//!
//! For one subscriber count: measure the server's RSS, open every connection, measure again
//! (idle connections), subscribe every connection to the hot key and wait for every snapshot,
//! measure again (subscribed connections); then, for each rate, update the key at that rate
//! through `POST /tick/{key}` for the phase's length and wait until every subscriber holds the
//! last value. The quote carries the time its change was applied (in the partition, just
//! before the write commits); each subscriber applies the delta and subtracts that time from
//! its clock — both processes read the same system clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http::{Method, StatusCode};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

use crate::client::HttpConnection;
use crate::error::BenchError;
use crate::fanout_stats::FanoutStats;
use crate::model::HOT_KEY;
use crate::procfs;
use crate::report::{FanoutPhaseReport, FanoutReport};
use crate::spawn::ServerProcess;
use crate::subscriber::{self, Control};

/// Connections being opened at once.
const CONNECT_PARALLELISM: usize = 64;
/// Bound on opening every connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(120);
/// Bound on every subscriber receiving its snapshot.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(60);
/// Bound on every subscriber receiving the last update of a phase.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections the updates are sent on.
const UPDATERS: usize = 8;
/// Let the server settle before reading its RSS.
const SETTLE: Duration = Duration::from_secs(2);

/// Runs the fan-out benchmark for `subscribers` subscribers and each of `rates`.
pub(crate) async fn benchmark(
    subscribers: usize,
    rates: &[u32],
    phase_length: Duration,
    wrap: &[String],
) -> Result<FanoutReport, BenchError> {
    let server = ServerProcess::start(wrap).await?;
    let addr = server.addresses.node;
    tokio::time::sleep(SETTLE).await;
    let rss_before = server.rss()?;

    let stats = Arc::new(FanoutStats::new(subscribers, rates.len()));
    let (control, control_rx) = watch::channel(Control::Idle);
    let started = Instant::now();
    let mut running = JoinSet::new();
    {
        let limit = Arc::new(Semaphore::new(CONNECT_PARALLELISM));
        let mut connecting = JoinSet::new();
        for _ in 0..subscribers {
            let limit = limit.clone();
            connecting.spawn(async move {
                let _permit = limit.acquire_owned().await;
                subscriber::connect(addr).await
            });
        }
        let mut index = 0;
        while let Some(joined) =
            tokio::time::timeout_at(started + CONNECT_TIMEOUT, connecting.join_next())
                .await
                .map_err(|_| BenchError::Timeout(format!("opening {subscribers} WebSockets")))?
        {
            let socket = joined.map_err(|e| BenchError::Protocol(e.to_string()))??;
            running.spawn(subscriber::run(
                index,
                socket,
                stats.clone(),
                control_rx.clone(),
            ));
            index += 1;
        }
    }
    let connect_seconds = started.elapsed().as_secs_f64();
    eprintln!("  {subscribers} connections open in {connect_seconds:.1} s");
    tokio::time::sleep(SETTLE).await;
    let rss_idle = server.rss()?;

    control.send_replace(Control::Subscribe);
    let deadline = Instant::now() + SUBSCRIBE_TIMEOUT;
    while stats.subscribed.load(Ordering::Relaxed) < subscribers {
        if Instant::now() > deadline {
            return Err(BenchError::Timeout(format!(
                "{} of {subscribers} subscriptions got their snapshot",
                stats.subscribed.load(Ordering::Relaxed)
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let rss_subscribed = server.rss()?;

    let mut phases = Vec::with_capacity(rates.len());
    for (index, &rate) in rates.iter().enumerate() {
        let server_cpu = server.cpu()?;
        let client_cpu = procfs::cpu_seconds(std::process::id())?;
        stats.begin(index);
        let updates = update(addr, rate, phase_length).await?;
        let drain_start = Instant::now();
        let mut caught_up = stats.caught_up(updates.last_seq);
        while caught_up < subscribers && drain_start.elapsed() < DRAIN_TIMEOUT {
            tokio::time::sleep(Duration::from_millis(20)).await;
            caught_up = stats.caught_up(updates.last_seq);
        }
        let drain_seconds = drain_start.elapsed().as_secs_f64();
        stats.end();
        let busy = updates.seconds + drain_seconds;
        let server_cpu = (server.cpu()? - server_cpu) / busy;
        let client_cpu = (procfs::cpu_seconds(std::process::id())? - client_cpu) / busy;
        let p = &stats.phases[index];
        let deltas = p.deltas.load(Ordering::Relaxed);
        let report = FanoutPhaseReport {
            rate,
            updates: updates.count,
            update_seconds: updates.seconds,
            deltas,
            snapshots: p.snapshots.load(Ordering::Relaxed),
            gaps: p.gaps.load(Ordering::Relaxed),
            errors: p.errors.load(Ordering::Relaxed),
            expected_deltas_per_second: (updates.count * subscribers as u64) as f64
                / updates.seconds,
            deltas_per_second: deltas as f64 / updates.seconds,
            caught_up,
            drain_seconds,
            p50_us: p.latency.quantile(0.50),
            p90_us: p.latency.quantile(0.90),
            p99_us: p.latency.quantile(0.99),
            max_us: p.latency.quantile(1.0),
            server_cpu_cores: server_cpu,
            client_cpu_cores: client_cpu,
            rss_after: server.rss()?,
        };
        eprintln!(
            "  {subscribers} subscribers, {rate}/s: {:.0} deltas/s (expected {:.0}), p50 {:.1} ms, p99 {:.1} ms, {caught_up} caught up",
            report.deltas_per_second,
            report.expected_deltas_per_second,
            report.p50_us as f64 / 1000.0,
            report.p99_us as f64 / 1000.0
        );
        phases.push(report);
    }

    control.send_replace(Control::Close);
    let mut failed_connections = 0;
    let close_deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match tokio::time::timeout_at(close_deadline, running.join_next()).await {
            Ok(Some(Ok(Ok(())))) => {}
            Ok(Some(_)) => failed_connections += 1,
            Ok(None) => break,
            Err(_) => {
                running.abort_all();
                break;
            }
        }
    }
    server.stop().await?;
    let per = |rss: u64| (rss as f64 - rss_before as f64) / subscribers as f64;
    Ok(FanoutReport {
        subscribers,
        connect_seconds,
        rss_before,
        rss_idle,
        rss_subscribed,
        idle_bytes_per_connection: per(rss_idle),
        subscribed_bytes_per_connection: per(rss_subscribed),
        phases,
        failed_connections,
    })
}

/// The updates of one phase.
struct Updates {
    count: u64,
    seconds: f64,
    /// The sequence number of the last update.
    last_seq: i64,
}

/// Updates the hot key `rate` times a second for `length` through `POST /tick/{key}`, each on
/// one of [`UPDATERS`] connections, so a slow answer does not delay the next update; when all
/// of them are busy, the update is skipped (the report shows the rate achieved).
async fn update(addr: SocketAddr, rate: u32, length: Duration) -> Result<Updates, BenchError> {
    let (pool, mut idle) = mpsc::channel::<HttpConnection>(UPDATERS);
    for _ in 0..UPDATERS {
        let conn = HttpConnection::open(addr).await?;
        pool.try_send(conn)
            .map_err(|_| BenchError::Protocol("the updater pool is full".into()))?;
    }
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sent = JoinSet::new();
    let start = Instant::now();
    let (mut count, mut last_seq) = (0, 0);
    while start.elapsed() < length {
        interval.tick().await;
        while let Some(done) = sent.try_join_next() {
            last_seq = last_seq.max(answered(done)?);
        }
        let Ok(mut conn) = idle.try_recv() else {
            continue;
        };
        count += 1;
        let pool = pool.clone();
        sent.spawn(async move {
            let path = format!("/tick/{HOT_KEY}");
            let answer = conn.send(Method::POST, &path, "*/*").await;
            let _ = pool.try_send(conn);
            let (status, body) = answer?;
            if status != StatusCode::OK {
                return Err(BenchError::Protocol(format!(
                    "POST {path} answered {status}"
                )));
            }
            std::str::from_utf8(&body)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| BenchError::Protocol(format!("POST {path} answered {body:?}")))
        });
    }
    let seconds = start.elapsed().as_secs_f64();
    while let Some(done) = tokio::time::timeout(Duration::from_secs(35), sent.join_next())
        .await
        .map_err(|_| BenchError::Timeout("an update".into()))?
    {
        last_seq = last_seq.max(answered(done)?);
    }
    Ok(Updates {
        count,
        seconds,
        last_seq,
    })
}

fn answered(
    done: Result<Result<i64, BenchError>, tokio::task::JoinError>,
) -> Result<i64, BenchError> {
    done.map_err(|e| BenchError::Protocol(e.to_string()))?
}
