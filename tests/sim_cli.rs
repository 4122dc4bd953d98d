//! The `trace` binary: lessons, scenario files, JSON output and clear failures.

use std::process::{Command, Output};

fn trace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace"))
        .args(args)
        .output()
        .expect("trace runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn lesson_prints_a_timeline_per_model_with_a_legend_and_totals() {
    let o = trace(&["--lesson", "three-waits"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "== sync",
        "== threads",
        "== asyncio",
        "legend:",
        "main thread |",
        "makespan: 6.0",
        "makespan: 2.0",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn json_maps_each_model_to_its_statistics() {
    let o = trace(&["--lesson", "three-waits", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["lesson"], "three-waits");
    // Three 2 s waits, each woken WAKE_UP_LATE (0.11 ms) late, as the OS does.
    assert_eq!(v["models"]["sync"]["makespan_ms"], 6000.33);
    // The loop also spends 2.73 us starting each of the three tasks and 6.3 us setting each
    // one's timer (LOOP_STEP_NS, LOOP_TIMER_NS), paid in whole microseconds: 9 + 9 + 9.
    assert_eq!(v["models"]["asyncio"]["makespan_ms"], 2000.128);
    let threads = &v["models"]["threads"];
    for key in [
        "task_latency_ms",
        "gil_wait_ms",
        "cpu_busy_per_core_ms",
        "memory_reserved_bytes",
        "memory_resident_bytes",
    ] {
        assert!(!threads[key].is_null(), "missing {key}");
    }
    // The question, its kind, and the choice the run itself makes right.
    let q = &v["question"];
    assert_eq!(q["kind"], "wall time");
    assert_eq!(q["choices"][0], "under 3 s");
    assert_eq!(q["decided"], q["correct"]);
}

#[test]
fn json_question_is_decided_by_the_models_shown() {
    let o = trace(&["--lesson", "gather-overlap", "--model", "sync", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["question"]["kind"], "print order");
    assert!(v["question"]["decided"].is_null(), "asyncio was not run");
}

#[test]
fn model_filter_runs_one_model() {
    let o = trace(&["--lesson", "convoy", "--model", "threads", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let models = v["models"].as_object().unwrap();
    assert_eq!(models.keys().collect::<Vec<_>>(), vec!["threads"]);
}

#[test]
fn scenario_file_runs_and_bad_files_fail_clearly() {
    let dir = std::env::temp_dir().join(format!("kitchen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":10}]}],"models":[{"id":"sync"}]}"#,
    )
    .unwrap();
    let o = trace(&["--scenario", good.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"makespan_ms\": 10.0"));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"tasks":[{"steps":[{"kind":"cpu","ms":-1}]}]}"#).unwrap();
    let o = trace(&["--scenario", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("tasks[0].steps[0].ms: must be a finite number >= 0, got -1"),
        "{}",
        stderr(&o)
    );

    let o = trace(&["--scenario", dir.join("missing.json").to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_lesson_model_or_flag_fails_with_a_message() {
    for args in [
        vec!["--lesson", "nope"],
        vec!["--lesson", "convoy", "--model", "fibers"],
        vec!["--frobnicate"],
        vec![],
    ] {
        let o = trace(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(
            stderr(&o).starts_with("trace: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn the_race_lessons_keep_their_cli_contract() {
    let o = trace(&["--lesson", "counter-race", "--python", "3.9", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let m = &v["models"]["3.9"];
    assert!(m["kept_fraction"]
        .as_f64()
        .is_some_and(|k| k > 0.0 && k < 1.0));
    assert_eq!(m["runs"], 200);
    for id in ["3.12", "3.13t", "lock"] {
        let o = trace(&["--lesson", "counter-race", "--python", id, "--json"]);
        assert!(o.status.success(), "{id}: {}", stderr(&o));
    }
    let o = trace(&["--lesson", "refcount-race", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["classes"].as_array().map(Vec::len), Some(2));
    // Refusals name the problem.
    for args in [
        &["--lesson", "counter-race", "--python", "2.7"][..],
        &["--lesson", "refcount-race", "--python", "3.9"][..],
        &["--lesson", "counter-race", "--format", "chrome"][..],
    ] {
        let o = trace(args);
        assert!(
            !o.status.success() && stderr(&o).starts_with("trace: "),
            "{args:?}"
        );
    }
}

#[test]
fn list_and_help_succeed() {
    let o = trace(&["--list"]);
    assert!(o.status.success());
    // The seventeen timeline lessons, then the two race lessons.
    assert_eq!(stdout(&o).lines().count(), 19);
    assert!(stdout(&o).starts_with("three-waits"));
    assert!(stdout(&o).contains("counter-race") && stdout(&o).contains("refcount-race"));
    let o = trace(&["--help"]);
    assert!(o.status.success() && stdout(&o).contains("--scenario"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_trace"))
        // Hundreds of kilobytes: more than a pipe buffers, so the writer meets the hang-up.
        .args(["--lesson", "ten-thousand", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then hang up, as `| head -1` does.
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn python_and_os_pick_the_start_method() {
    let run = |args: &[&str]| {
        let o = trace(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let v = run(&["--lesson", "hybrid-executor", "--json"]);
    assert_eq!(
        (v["python"].as_str(), v["os"].as_str()),
        (Some("3.12"), Some("linux"))
    );
    assert_eq!(v["models"]["hybrid"]["start_method"], "fork");
    let v = run(&["--lesson", "hybrid-executor", "--python", "3.14", "--json"]);
    assert_eq!(v["models"]["hybrid"]["start_method"], "forkserver");
    let v = run(&["--lesson", "hybrid-executor", "--os", "windows", "--json"]);
    assert_eq!(v["models"]["hybrid"]["start_method"], "spawn");
    // The lesson of processes runs on 3.14 (forkserver); 3.12 forks, and its run is faster.
    let v = run(&["--lesson", "cpu-processes", "--python", "3.14", "--json"]);
    assert_eq!(v["models"]["processes"]["start_method"], "forkserver");
    let forked = run(&["--lesson", "cpu-processes", "--python", "3.12", "--json"]);
    assert_eq!(forked["models"]["processes"]["start_method"], "fork");
    let ms = |v: &serde_json::Value| v["models"]["processes"]["makespan_ms"].as_f64().unwrap();
    assert!(ms(&forked) + 40.0 < ms(&v), "{} {}", ms(&forked), ms(&v));
    let o = trace(&["--lesson", "convoy", "--python", "2.7"]);
    assert!(
        !o.status.success() && stderr(&o).contains("3.14t"),
        "{}",
        stderr(&o)
    );
    let o = trace(&["--lesson", "counter-race", "--os", "linux"]);
    assert!(!o.status.success(), "no OS for the races");
}

#[test]
fn the_interpreters_lesson_runs_a_gil_per_interpreter_and_says_start_up_varies() {
    let o = trace(&["--lesson", "cpu-interpreters", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let models = &v["models"];
    let ms = |id: &str| models[id]["makespan_ms"].as_f64().unwrap();
    // Four interpreters on four cores compute in parallel: far faster than threads under
    // one GIL, and (no fork server) a little faster than processes.
    assert!(ms("interpreters") * 2.0 < ms("threads"), "{v}");
    assert!(ms("interpreters") < ms("processes"), "{v}");
    assert_eq!(models["interpreters"]["gil_wait_ms"], 0.0);
    // Published start-up figures disagree: the JSON gives the run across them.
    assert_eq!(
        models["interpreters"]["startup_range_ms"],
        serde_json::json!([1.1, 35.0])
    );
    let range = &models["interpreters"]["makespan_range_ms"];
    assert!(range[0].as_f64().unwrap() < ms("interpreters"));
    assert!(range[1].as_f64().unwrap() > ms("interpreters"));
    // One process: less memory than four processes, more than four threads.
    let resident = |id: &str| models[id]["memory_resident_bytes"].as_u64().unwrap();
    assert!(resident("threads") < resident("interpreters"));
    assert!(resident("interpreters") < resident("processes"));
    // Before 3.12 no interpreter has its own GIL: a clear refusal, naming the field.
    let o = trace(&["--lesson", "cpu-interpreters", "--python", "3.9"]);
    assert!(
        !o.status.success() && stderr(&o).contains("3.12"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_failing_task_and_the_eager_factory_show_in_the_json() {
    let json = |args: &[&str]| -> serde_json::Value {
        let o = trace(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let v = json(&["--lesson", "task-group", "--json"]);
    let outcome = |m: &str| v["models"][m]["task_outcome"].clone();
    assert_eq!(
        outcome("sync"),
        serde_json::json!(["done", "raised", "not_run", "not_run"])
    );
    assert_eq!(
        outcome("asyncio"),
        serde_json::json!(["cancelled", "raised", "cancelled", "cancelled"])
    );
    assert_eq!(
        outcome("threads"),
        serde_json::json!(["done", "raised", "done", "done"])
    );
    let ms = |m: &str| v["models"][m]["makespan_ms"].as_f64().unwrap();
    assert!(ms("asyncio") < 201.0 && ms("sync") < 1_201.0 && ms("threads") > 3_000.0);
    // The task factory: the lesson's own (eager), lazy on request, refused before 3.12.
    let eager = json(&["--lesson", "eager-tasks", "--json"]);
    assert_eq!(eager["task_factory"], "eager");
    let lazy = json(&[
        "--lesson",
        "eager-tasks",
        "--task-factory",
        "lazy",
        "--json",
    ]);
    assert_eq!(lazy["task_factory"], "lazy");
    assert_eq!(lazy["question"]["decided"], 0, "lazy: main prints first");
    let o = trace(&["--lesson", "eager-tasks", "--python", "3.9"]);
    assert!(
        !o.status.success() && stderr(&o).contains("task_factory"),
        "{}",
        stderr(&o)
    );
    let o = trace(&["--lesson", "three-waits", "--task-factory", "warp"]);
    assert!(!o.status.success() && stderr(&o).contains("lazy or eager"));
}
