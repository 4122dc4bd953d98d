//! The Python version and OS of a scenario (`sim::python`): what they change (the default start
//! method, the free-threaded build's cost), what they refuse (fork on Windows), and that files
//! without them load and run as 3.12 on Linux.

use concurrency_kitchen::sim::{
    lessons, simulate, ModelConfig, ModelId, Os, Python, Runtime, Scenario, StartMethod, Step, Task,
};

fn pool() -> Scenario {
    let tasks = (0..4)
        .map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(50.0)]))
        .collect();
    Scenario::new(
        tasks,
        vec![ModelConfig::new(ModelId::Processes).workers(4).cores(4)],
    )
}

fn makespan(s: &Scenario) -> f64 {
    simulate(s, &s.models[0])
        .expect("runs")
        .stats
        .makespan
        .as_ms_f64()
}

#[test]
fn the_default_start_method_follows_the_version_and_the_os() {
    let at = |python, os| Runtime::new(python, os).default_start_method();
    assert_eq!(at(Python::V3_12, Os::Linux), StartMethod::Fork);
    assert_eq!(at(Python::V3_13t, Os::Linux), StartMethod::Fork);
    assert_eq!(at(Python::V3_14, Os::Linux), StartMethod::Forkserver);
    assert_eq!(at(Python::V3_14t, Os::Linux), StartMethod::Forkserver);
    for python in Python::ALL {
        assert_eq!(at(python, Os::Macos), StartMethod::Spawn);
        assert_eq!(at(python, Os::Windows), StartMethod::Spawn);
    }
    assert_eq!(
        Scenario::new(vec![], vec![]).runtime(),
        Runtime::new(Python::V3_12, Os::Linux)
    );
}

#[test]
fn the_start_method_shows_in_the_run() {
    let fork = makespan(&pool());
    let forkserver = makespan(&pool().python(Python::V3_14));
    let spawn = makespan(&Scenario {
        os: Some(Os::Macos),
        ..pool()
    });
    // fork 2 ms; forkserver 16 ms after the server's own 37 ms; spawn 50 ms (sim/model.rs).
    assert!(
        fork < forkserver && forkserver < spawn + 10.0,
        "{fork} {forkserver} {spawn}"
    );
    assert!(
        forkserver - fork > 40.0,
        "the fork server's start shows: {fork} {forkserver}"
    );
}

#[test]
fn windows_refuses_fork_and_a_named_method_is_kept() {
    let mut s = Scenario {
        os: Some(Os::Windows),
        ..pool()
    };
    assert!(s.validate().is_ok(), "spawn by default");
    s.models[0] = s.models[0].clone().start_method(StartMethod::Fork);
    let e = s.validate().unwrap_err().to_string();
    assert!(
        e.contains("models[0].start_method") && e.contains("Windows"),
        "{e}"
    );
    // On Linux 3.14 an explicit spawn stays spawn.
    let pinned = Scenario {
        models: vec![pool().models[0].clone().start_method(StartMethod::Spawn)],
        ..pool().python(Python::V3_14)
    };
    assert!(
        (makespan(&pinned)
            - makespan(&Scenario {
                os: Some(Os::Macos),
                ..pool()
            }))
        .abs()
            < 1.0
    );
}

#[test]
fn the_free_threaded_cost_follows_the_version() {
    let lesson = lessons::by_id("free-threaded").expect("lesson");
    let nogil = |python: Option<Python>| {
        let s = Scenario {
            python,
            ..lesson.scenario.clone()
        };
        let m = s
            .models
            .iter()
            .find(|m| m.id == ModelId::ThreadsNogil)
            .unwrap()
            .clone();
        simulate(&s, &m).unwrap().stats.makespan.as_ms_f64()
    };
    let default = nogil(None);
    let t13 = nogil(Some(Python::V3_13t));
    let t14 = nogil(Some(Python::V3_14t));
    assert!(
        (default - t14).abs() < 0.01,
        "3.12 has no free-threaded build: 3.14t stands in"
    );
    // 155 ms of Python per thread: +40% against +10%.
    assert!((t13 / t14 - 1.4 / 1.1).abs() < 0.02, "{t13} {t14}");
    assert_eq!(Python::V3_13.nogil_build(), Python::V3_13t);
}

#[test]
fn versions_and_oses_round_trip_and_old_files_still_load() {
    let s = pool().python(Python::V3_13t);
    let s = Scenario {
        os: Some(Os::Windows),
        ..s
    };
    let json = s.to_json();
    assert!(
        json.contains("\"python\": \"3.13t\"") && json.contains("\"os\": \"windows\""),
        "{json}"
    );
    assert_eq!(Scenario::from_json(&json).unwrap(), s);
    // A file from before has neither field, and writing it back adds none.
    let old = pool().to_json();
    assert!(!old.contains("python") && !old.contains("\"os\""));
    assert!(Scenario::from_json(&old).is_ok());
    let bad = old.replacen('{', "{\"python\": \"2.7\",", 1);
    let e = Scenario::from_json(&bad).unwrap_err().to_string();
    assert!(e.contains("2.7"), "{e}");
    assert_eq!("3.14t".parse::<Python>().unwrap(), Python::V3_14t);
    // One version list for the whole app: the races' 3.10 and 3.11 run scenarios too, though
    // the menus offer the six a learner meets in 2026.
    assert_eq!("3.10".parse::<Python>().unwrap(), Python::V3_10);
    assert!(!Python::MENU.contains(&Python::V3_10));
    assert!("3.15".parse::<Python>().is_err());
}

#[test]
fn one_version_list_serves_the_scenarios_and_the_races() {
    use concurrency_kitchen::sim::race::{self, SwitchPoints};
    // Switch points (LESSONS.md section 15): 3.9 after nearly every instruction, 3.10 on at
    // calls and backward jumps, anywhere without a GIL.
    assert_eq!(Python::V3_9.switch_points(), SwitchPoints::Instructions);
    for p in [Python::V3_10, Python::V3_12, Python::V3_13, Python::V3_14] {
        assert_eq!(p.switch_points(), SwitchPoints::CallsAndBackJumps, "{p}");
    }
    for p in [Python::V3_13t, Python::V3_14t] {
        assert_eq!(p.switch_points(), SwitchPoints::Anywhere, "{p}");
        assert!(!p.has_gil());
    }
    // The races step only what was listed here, and say why 3.14 is not offered.
    let listed: Vec<&str> = race::versions().map(|p| p.as_str()).collect();
    assert_eq!(listed, ["3.9", "3.10", "3.11", "3.12", "3.13", "3.13t"]);
    let e = race::parse_version("3.14").unwrap_err();
    assert!(e.contains("3.14") && e.contains("listing"), "{e}");
    assert!(race::parse_version("2.7").is_err());
    assert_eq!(race::parse_version("3.13t"), Ok(Python::V3_13t));
}

#[test]
fn every_model_by_default_means_every_model_the_version_has() {
    use concurrency_kitchen::sim::{simulate_all, Scenario, Step, Task};
    let tasks = vec![Task::new("t", vec![Step::cpu(1.0)])];
    let old = Scenario::new(tasks.clone(), vec![]).python(Python::V3_9);
    let ids: Vec<ModelId> = old.model_configs().iter().map(|m| m.id).collect();
    assert!(!ids.contains(&ModelId::Interpreters), "{ids:?}");
    assert_eq!(simulate_all(&old).unwrap().len(), ModelId::ALL.len() - 1);
    let new = Scenario::new(tasks, vec![]).python(Python::V3_13);
    assert_eq!(simulate_all(&new).unwrap().len(), ModelId::ALL.len());
}
