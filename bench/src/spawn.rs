//! [`ServerProcess`]: the `serve` subcommand in a child process.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::error::BenchError;
use crate::server::Addresses;

/// How long the server may take to start (open RocksDB, seed the keys).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long it may take to shut down before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// A running server process. Dropping it kills the process.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Kept open so that the server (or its wrapper) can still write to it.
    _stdout: BufReader<ChildStdout>,
    /// Where it serves, and its pid.
    pub(crate) addresses: Addresses,
}

impl ServerProcess {
    /// Starts `<this binary> serve`, under `wrap` (a command and its arguments) if not empty,
    /// and waits for its addresses.
    pub(crate) async fn start(wrap: &[String]) -> Result<ServerProcess, BenchError> {
        let exe = std::env::current_exe().map_err(BenchError::io("finding this binary"))?;
        let mut command = match wrap.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        let mut child = command
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(BenchError::io("starting the server process"))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| BenchError::Protocol("the server process has no stdout".into()))?;
        // The first line that is a JSON object (a wrapper may print lines of its own first).
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = async {
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 || line.starts_with('{') {
                    return Ok::<_, std::io::Error>(());
                }
            }
        };
        match tokio::time::timeout(START_TIMEOUT, read).await {
            Err(_) => {
                return Err(BenchError::Timeout(
                    "the server process did not start".into(),
                ));
            }
            Ok(Err(e)) => return Err(BenchError::io("reading the server's addresses")(e)),
            Ok(Ok(())) => {}
        }
        let addresses: Addresses = serde_json::from_str(line.trim()).map_err(|e| {
            BenchError::Protocol(format!("the server process printed `{}`: {e}", line.trim()))
        })?;
        Ok(ServerProcess {
            child,
            _stdout: reader,
            stdin,
            addresses,
        })
    }

    /// The server's resident memory in bytes.
    pub(crate) fn rss(&self) -> Result<u64, BenchError> {
        crate::procfs::rss_bytes(self.addresses.pid)
    }

    /// The CPU time the server has used so far, in seconds.
    pub(crate) fn cpu(&self) -> Result<f64, BenchError> {
        crate::procfs::cpu_seconds(self.addresses.pid)
    }

    /// Asks the server to shut down (closes its stdin) and waits for it; kills it if it takes
    /// too long.
    pub(crate) async fn stop(mut self) -> Result<(), BenchError> {
        drop(self.stdin.take());
        match tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(BenchError::Protocol(format!(
                "the server process ended with {status}"
            ))),
            Ok(Err(e)) => Err(BenchError::io("waiting for the server process")(e)),
            Err(_) => {
                let _ = self.child.kill().await;
                Err(BenchError::Timeout(
                    "the server process did not shut down".into(),
                ))
            }
        }
    }
}
