//! What `/proc` says about a process: resident memory and CPU time.

use crate::error::BenchError;

/// Linux reports CPU times in `/proc/<pid>/stat` in units of `USER_HZ`, 100 on every
/// architecture Linux supports for user space ABI purposes.
const USER_HZ: f64 = 100.0;

/// The resident set size of process `pid` in bytes (`VmRSS` of `/proc/<pid>/status`).
pub(crate) fn rss_bytes(pid: u32) -> Result<u64, BenchError> {
    let path = format!("/proc/{pid}/status");
    let text =
        std::fs::read_to_string(&path).map_err(BenchError::io("reading /proc/<pid>/status"))?;
    parse_vm_rss(&text).ok_or_else(|| BenchError::Protocol(format!("no VmRSS line in {path}")))
}

/// The CPU time process `pid` has used so far (user + system), in seconds.
pub(crate) fn cpu_seconds(pid: u32) -> Result<f64, BenchError> {
    let path = format!("/proc/{pid}/stat");
    let text =
        std::fs::read_to_string(&path).map_err(BenchError::io("reading /proc/<pid>/stat"))?;
    parse_cpu_ticks(&text)
        .map(|ticks| ticks as f64 / USER_HZ)
        .ok_or_else(|| BenchError::Protocol(format!("cannot read CPU times from {path}")))
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut parts = line["VmRSS:".len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") => Some(value * 1024),
        _ => None,
    }
}

/// utime + stime: fields 14 and 15 of `stat`, counted after the `(comm)` field, which may hold
/// spaces and parentheses itself.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let after_comm = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // after_comm starts at field 3 (state): utime is field 14, index 11 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_rss_and_cpu_times() {
        let status = "Name:\tx\nVmPeak:\t  9 kB\nVmRSS:\t    5120 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status), Some(5120 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1";
        assert_eq!(parse_cpu_ticks(stat), Some(300));
        assert_eq!(parse_cpu_ticks("42 (x) S 1"), None);
        assert!(rss_bytes(std::process::id()).unwrap() > 0);
        assert!(cpu_seconds(std::process::id()).unwrap() >= 0.0);
    }
}
