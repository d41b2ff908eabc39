//! A process killed between (or during) write batches leaves a store that reopens with whole
//! batches only, and a checkpoint that matches its data.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use affinity::store::{Direction, KeyRange, Store, WriteBatch};

use crate::{TestResult, open};

const CRASH_DIR: &str = "AFFINITY_TEST_CRASH_DIR";
const CRASH_KEYS: u32 = 64;

/// Run by `a_killed_writer_leaves_whole_batches` in a child process: writes batches that set
/// every key of two tables to the batch's number, with the number as checkpoint, until it is
/// killed (or a minute has passed, should its parent have died).
#[test]
#[ignore = "a helper process, started by a_killed_writer_leaves_whole_batches"]
fn crash_writer_child() -> TestResult {
    let path = std::env::var_os(CRASH_DIR).ok_or("run by a_killed_writer_leaves_whole_batches")?;
    let mut store = open(std::path::Path::new(&path), &["a", "b"])?;
    let start = store.checkpoint()?.unwrap_or(0) + 1;
    let deadline = Instant::now() + Duration::from_secs(60);
    for n in start.. {
        if Instant::now() > deadline {
            break;
        }
        let mut b = WriteBatch::new();
        for k in 0..CRASH_KEYS {
            b.put("a", k.to_be_bytes(), n.to_be_bytes());
            b.put("b", k.to_be_bytes(), n.to_be_bytes());
        }
        b.set_checkpoint(n);
        store.write(&b)?;
        if n == start + 20 {
            println!("ready {n}");
        }
    }
    Ok(())
}

#[test]
fn a_killed_writer_leaves_whole_batches() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("p0");
    let mut last = 0;
    for round in 0..5 {
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "crash::crash_writer_child",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(CRASH_DIR, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no child stdout")?;
        // Keep reading the pipe open until the child is gone, so it never writes to a closed one.
        let mut lines = BufReader::new(stdout).lines();
        let ready = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("ready ").and_then(|n| n.parse::<u64>().ok()));
        std::thread::sleep(Duration::from_millis(10 + 40 * round));
        child.kill()?;
        child.wait()?;
        drop(lines);
        let ready = ready.ok_or("the writer never got ready")?;

        let store = open(&path, &["a", "b"])?;
        let c = store.checkpoint()?.ok_or("no checkpoint after the crash")?;
        assert!(
            c >= ready && c > last,
            "checkpoint {c}, ready at {ready}, before {last}"
        );
        for t in ["a", "b"] {
            let page = store.scan(t, &KeyRange::all(), Direction::Forward, usize::MAX)?;
            assert_eq!(page.entries.len(), CRASH_KEYS as usize);
            for (_, v) in page.entries {
                assert_eq!(v, c.to_be_bytes(), "table {t} is not at the checkpoint");
            }
        }
        last = c;
    }
    Ok(())
}
