//! The `trace` binary at its edges: bad arguments, bad or endless input, failed writes, and the
//! Chrome trace format. Every failure must say so on stderr and exit non-zero.

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trace"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("trace runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure with a message on stderr and no panic.
fn fails_with(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "should fail: {err}");
    assert_eq!(
        o.status.code(),
        Some(1),
        "a clean exit code, not a crash: {err}"
    );
    assert!(err.starts_with("trace: "), "{err}");
    assert!(err.contains(needle), "missing {needle:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kitchen-cli-edges-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const GOOD: &str =
    r#"{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":10}]}],"models":[{"id":"sync"}]}"#;

#[test]
fn an_argument_that_is_not_utf8_is_refused_with_a_message() {
    let o = bin()
        .arg("--lesson")
        .arg(std::ffi::OsStr::from_bytes(b"convoy\xff"))
        .output()
        .unwrap();
    fails_with(&o, "argument 2 is not valid UTF-8");
}

#[test]
fn a_full_disk_on_stdout_fails_loudly() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = bin()
        .args(["--lesson", "three-waits"])
        .stdout(full)
        .output()
        .unwrap();
    fails_with(&o, "cannot write the output");
}

#[test]
fn a_full_disk_behind_output_fails_loudly() {
    fails_with(
        &run(&["--lesson", "three-waits", "--output", "/dev/full"]),
        "cannot write /dev/full",
    );
}

#[test]
fn a_closed_stdout_fails_loudly() {
    // `>&-` closes the descriptor: writes fail with EBADF, which is no hang-up by a reader.
    let o = Command::new("sh")
        .args(["-c", "exec \"$0\" --lesson three-waits >&-"])
        .arg(env!("CARGO_BIN_EXE_trace"))
        .output()
        .unwrap();
    fails_with(&o, "cannot write the output");
}

#[test]
fn output_into_a_directory_or_a_missing_folder_fails() {
    let dir = temp_dir("outdir");
    fails_with(
        &run(&["--lesson", "convoy", "--output", dir.to_str().unwrap()]),
        "it is a directory",
    );
    let missing = dir.join("no/such/folder/out.txt");
    fails_with(
        &run(&["--lesson", "convoy", "--output", missing.to_str().unwrap()]),
        "cannot write",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_to_a_file_holds_everything_and_stdout_stays_empty() {
    let dir = temp_dir("outfile");
    let path = dir.join("convoy.txt");
    let o = run(&["--lesson", "convoy", "--output", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    let printed = String::from_utf8(run(&["--lesson", "convoy"]).stdout).unwrap();
    assert_eq!(written, printed);
    assert!(
        written.contains("takeaway:"),
        "the whole output, to its last line"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn endless_input_stops_at_the_limit() {
    // Reading stops at 16 MB + 1 byte: the process never holds the endless stream.
    fails_with(
        &run(&["--scenario", "/dev/zero"]),
        "larger than the 16 MB limit",
    );
}

#[test]
fn oversized_stdin_stops_at_the_limit() {
    let mut child = bin()
        .args(["--scenario", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let chunk = vec![b' '; 1 << 20];
        // The reader stops after the limit and hangs up, so writing eventually fails.
        for _ in 0..32 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    fails_with(&o, "larger than the 16 MB limit");
}

#[test]
fn a_directory_as_scenario_fails_with_a_message() {
    let dir = temp_dir("scendir");
    fails_with(
        &run(&["--scenario", dir.to_str().unwrap()]),
        "it is a directory",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_byte_order_mark_is_accepted_and_other_bytes_are_named() {
    let dir = temp_dir("bom");
    let bom = dir.join("bom.json");
    std::fs::write(&bom, format!("\u{feff}{GOOD}")).unwrap();
    let o = run(&["--scenario", bom.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"makespan_ms\": 10.0"));

    let latin1 = dir.join("latin1.json");
    std::fs::write(&latin1, b"{\"tasks\":[{\"name\":\"caf\xe9\"}]}").unwrap();
    fails_with(
        &run(&["--scenario", latin1.to_str().unwrap()]),
        "is not UTF-8 text (invalid byte at offset 22)",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_can_come_from_stdin() {
    let mut child = bin()
        .args(["--scenario", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(GOOD.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"makespan_ms\": 10.0"));
}

#[test]
fn bad_format_values_are_refused() {
    fails_with(
        &run(&["--lesson", "convoy", "--format", "svg"]),
        "expected text, json or chrome",
    );
    fails_with(
        &run(&["--lesson", "convoy", "--output"]),
        "--output needs a value",
    );
}

#[test]
fn chrome_format_prints_trace_event_json() {
    let o = run(&["--lesson", "three-waits", "--format", "chrome"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let events = v["traceEvents"].as_array().unwrap();
    let processes: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(processes.len(), 3, "one process per model: {processes:?}");
    assert!(processes.iter().any(|p| p.starts_with("asyncio")));
    assert!(events.iter().any(|e| e["ph"] == "X"));
    // The other formats are unchanged by the new flag.
    let json = run(&["--lesson", "three-waits", "--format", "json"]);
    assert_eq!(
        json.stdout,
        run(&["--lesson", "three-waits", "--json"]).stdout
    );
}

#[test]
fn output_dash_is_standard_output() {
    let dir = std::env::temp_dir().join(format!("ck-dash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_trace"))
        .args([
            "--lesson",
            "three-waits",
            "--format",
            "json",
            "--output",
            "-",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"three-waits\""));
    assert!(!dir.join("-").exists(), "no file named -");
    let _ = std::fs::remove_dir_all(&dir);
}
