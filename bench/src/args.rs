//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::BenchError;

/// How to call the binary.
pub(crate) const USAGE: &str = "\
usage: affinity-bench run [options]     run the benchmarks (spawns `serve` processes)
       affinity-bench serve             the server process (used by `run`)

options of `run`:
  --out FILE              write the results as JSON to FILE (default: stdout)
  --http-seconds S        length of one measured HTTP round (default 3)
  --http-rounds R         rounds per HTTP target, interleaved (default 5)
  --connections C         concurrent keep-alive HTTP connections (default 32)
  --subscribers N,N..     fan-out subscriber counts (default 1000,10000)
  --rates M,M..           fan-out updates per second (default 10,100)
  --fanout-seconds S      length of one fan-out phase (default 8)
  --http-target NAME      measure only bare axum and this HTTP target (repeatable), e.g.
                          'affinity (memory)'
  --skip-http             only the fan-out benchmark
  --skip-fanout           only the HTTP benchmark
  --wrap 'CMD ARGS'       run each server process under CMD (a profiler: `perf record -g`,
                          `heaptrack`); figures taken so are not the benchmark's";

/// What to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Command {
    /// Run the server process.
    Serve,
    /// Run the benchmarks.
    Run(RunOptions),
}

/// The options of `run`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunOptions {
    pub(crate) out: Option<PathBuf>,
    pub(crate) http_round: Duration,
    pub(crate) http_rounds: u32,
    pub(crate) connections: usize,
    pub(crate) subscribers: Vec<usize>,
    pub(crate) rates: Vec<u32>,
    pub(crate) fanout_phase: Duration,
    pub(crate) http: bool,
    pub(crate) fanout: bool,
    /// A command (and its arguments) to run each server process under.
    pub(crate) wrap: Vec<String>,
    /// The HTTP targets to measure besides bare axum; empty: all of them.
    pub(crate) http_targets: Vec<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            out: None,
            http_round: Duration::from_secs(3),
            http_rounds: 5,
            connections: 32,
            subscribers: vec![1000, 10_000],
            rates: vec![10, 100],
            fanout_phase: Duration::from_secs(8),
            http: true,
            fanout: true,
            wrap: Vec::new(),
            http_targets: Vec::new(),
        }
    }
}

impl Command {
    /// Parses the arguments after the program name.
    pub(crate) fn parse(args: &[String]) -> Result<Command, BenchError> {
        let usage = |m: String| BenchError::Usage(m);
        let (first, rest) = args
            .split_first()
            .ok_or_else(|| usage("a command is required".into()))?;
        match first.as_str() {
            "serve" if rest.is_empty() => return Ok(Command::Serve),
            "serve" => return Err(usage("`serve` takes no options".into())),
            "run" => {}
            other => return Err(usage(format!("unknown command `{other}`"))),
        }
        let mut o = RunOptions::default();
        let mut it = rest.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| usage(format!("{flag} needs a value")))
            };
            match flag.as_str() {
                "--out" => o.out = Some(PathBuf::from(value()?)),
                "--http-seconds" => o.http_round = seconds(flag, &value()?)?,
                "--http-rounds" => o.http_rounds = positive(flag, &value()?)?,
                "--connections" => o.connections = positive(flag, &value()?)?,
                "--subscribers" => o.subscribers = list(flag, &value()?)?,
                "--rates" => o.rates = list(flag, &value()?)?,
                "--fanout-seconds" => o.fanout_phase = seconds(flag, &value()?)?,
                "--http-target" => o.http_targets.push(value()?),
                "--skip-http" => o.http = false,
                "--skip-fanout" => o.fanout = false,
                "--wrap" => o.wrap = value()?.split_whitespace().map(str::to_owned).collect(),
                other => return Err(usage(format!("unknown option `{other}`"))),
            }
        }
        Ok(Command::Run(o))
    }
}

fn positive<T: std::str::FromStr + PartialOrd + Default>(
    flag: &str,
    text: &str,
) -> Result<T, BenchError> {
    match text.parse::<T>() {
        Ok(v) if v > T::default() => Ok(v),
        _ => Err(BenchError::Usage(format!(
            "{flag} wants a positive integer, not `{text}`"
        ))),
    }
}

fn list<T: std::str::FromStr + PartialOrd + Default>(
    flag: &str,
    text: &str,
) -> Result<Vec<T>, BenchError> {
    text.split(',')
        .map(|part| positive(flag, part.trim()))
        .collect()
}

fn seconds(flag: &str, text: &str) -> Result<Duration, BenchError> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(BenchError::Usage(format!(
            "{flag} wants seconds in (0, 3600], not `{text}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(s: &str) -> Result<Command, BenchError> {
        let args: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
        Command::parse(&args)
    }

    #[test]
    fn options_are_read_and_checked() {
        assert_eq!(parse("serve").unwrap(), Command::Serve);
        assert_eq!(parse("run").unwrap(), Command::Run(RunOptions::default()));
        let Command::Run(o) =
            parse("run --subscribers 10,20 --rates 5 --http-seconds 0.5 --skip-http --wrap perf")
                .unwrap()
        else {
            panic!("not run");
        };
        assert_eq!(o.subscribers, [10, 20]);
        assert_eq!(o.rates, [5]);
        assert_eq!(o.http_round, Duration::from_millis(500));
        assert!(!o.http && o.fanout);
        assert_eq!(o.wrap, ["perf"]);
        for bad in [
            "",
            "fly",
            "serve --x",
            "run --connections",
            "run --connections 0",
            "run --rates 1,x",
            "run --http-seconds -1",
            "run --what",
        ] {
            assert!(matches!(parse(bad), Err(BenchError::Usage(_))), "{bad}");
        }
    }
}
