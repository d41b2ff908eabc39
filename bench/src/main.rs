//! `affinity-bench`: Affinity's server benchmark (issue 3), run by `dev/bench-server`, which
//! writes `framework/BENCHMARKS.md` from its report.
//!
//! - **Point reads through HTTP**: `GET /quote/{id}` answered by an Affinity node — the full
//!   gateway stack (tracing, metrics, CORS, compression, timeout, body limit, negotiation) and
//!   an `ask` to the partition that reads the quote from its state — against a bare axum handler
//!   answering the same bytes as a constant, under the same closed-loop load (`http_load`).
//! - **WebSocket fan-out**: N raw `/live` subscribers on one key updated M times a second:
//!   delivered deltas per second, change-to-client latency and the server's RSS per connection
//!   (`fanout`).
//!
//! The servers run in a child process (`affinity-bench serve`), so their RSS and CPU can be
//! read from `/proc`; the load generator is this process. Everything is on 127.0.0.1.

mod args;
mod client;
mod error;
mod fanout;
mod fanout_stats;
mod histogram;
mod http_load;
mod model;
mod procfs;
mod report;
mod run;
mod server;
mod spawn;
mod subscriber;

use std::process::ExitCode;

use args::Command;
use error::BenchError;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run_command(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("affinity-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run_command(args: &[String]) -> Result<(), BenchError> {
    let command = Command::parse(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::io("starting the runtime"))?;
    match command {
        Command::Serve => runtime.block_on(server::serve()),
        Command::Run(options) => runtime.block_on(run::run(options)),
    }
}
