//! Property tests over random scenarios and models: the invariants every trace must keep,
//! whatever the workload (GIL, loop, cores, conservation of work, lower bounds, replay).

use concurrency_kitchen::sim::{
    check, estimate, simulate, EventKind, LaneKind, Micros, ModelConfig, ModelId, Outcome,
    PayloadKind, Scenario, StartMethod, State, Step, StepKind, Task, TaskFactory, TaskId, Trace,
    EAGER_FIRST_STEP_NS, LOOP_STEP_NS, LOOP_TIMER_NS, SNAPSHOT_CAP,
};
use proptest::prelude::*;

fn step() -> impl Strategy<Value = Step> {
    let kind = prop_oneof![
        Just(StepKind::Cpu),
        Just(StepKind::AwaitIo),
        Just(StepKind::BlockingIo),
        Just(StepKind::NativeCpu)
    ];
    // Half-millisecond granularity keeps conversions exact.
    (kind, 0u32..80).prop_map(|(kind, halves)| Step {
        kind,
        ms: f64::from(halves) / 2.0,
    })
}

fn task() -> impl Strategy<Value = Task> {
    let payload = prop::sample::select(PayloadKind::ALL.to_vec());
    // Most tasks are submitted at once; some later (`create_task` or `submit` later on).
    let start = prop_oneof![3 => Just(0u32), 1 => 1u32..40];
    // Some tasks raise after their last step.
    let raises = prop_oneof![7 => Just(false), 1 => Just(true)];
    (
        prop::collection::vec(step(), 0..5),
        0u32..3,
        0u32..3,
        payload,
        start,
        raises,
    )
        .prop_map(|(steps, send, recv, payload, start, raises)| {
            let mut t = Task::new("t", steps)
                .payload_kb(f64::from(send) * 256.0, f64::from(recv) * 64.0)
                .payload(payload)
                .start_ms(f64::from(start) / 2.0);
            t.raises = raises;
            t
        })
}

fn model() -> impl Strategy<Value = ModelConfig> {
    let id = prop::sample::select(ModelId::ALL.to_vec());
    let start = prop::sample::select(vec![
        StartMethod::Fork,
        StartMethod::Forkserver,
        StartMethod::Spawn,
    ]);
    (id, 1u32..6, 1u32..5, 1u32..12, start, 1u32..4).prop_map(
        |(id, workers, cores, switch, start, chunksize)| {
            ModelConfig::new(id)
                .workers(workers)
                .cores(cores)
                .switch_interval_ms(f64::from(switch))
                .start_method(start)
                .chunksize(chunksize)
        },
    )
}

fn us(step: &Step) -> u64 {
    (step.ms * 1000.0).round() as u64
}

/// Python work as the model charges it (a free-threaded build is 10% slower per step).
fn python(step: &Step, id: ModelId) -> u64 {
    if id == ModelId::ThreadsNogil {
        (us(step) * 1100 + 500) / 1000
    } else {
        us(step)
    }
}

/// The most segments in `states` that overlap at any instant on lanes of `kinds`.
fn peak(trace: &Trace, kinds: &[LaneKind], states: &[State]) -> usize {
    let mut edges: Vec<(Micros, i32)> = Vec::new();
    for s in &trace.segments {
        if kinds.contains(&trace.lane(s.lane).kind) && states.contains(&s.state) {
            edges.push((s.start, 1));
            edges.push((s.end, -1));
        }
    }
    edges.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        max = max.max(now);
    }
    max as usize
}

fn check(s: &Scenario, m: &ModelConfig, t: &Trace) -> Result<(), TestCaseError> {
    let cores = m.cores.unwrap() as usize;
    let n = s.tasks.len();
    // A task that raises stops plain code and cancels an event loop's other tasks: less work
    // runs than the scenario holds, so work is bounded rather than conserved.
    let raised = t.events.iter().any(|e| e.kind == EventKind::Raise);
    let on_loop = |e: &&concurrency_kitchen::sim::Event| {
        e.lane.is_some_and(|l| t.lane(l).kind == LaneKind::Loop)
    };
    // Lanes never overlap themselves.
    let mut by_lane = vec![Vec::new(); t.lanes.len()];
    for seg in &t.segments {
        prop_assert!(seg.start < seg.end);
        by_lane[seg.lane.index()].push((seg.start, seg.end));
    }
    for lane in &mut by_lane {
        lane.sort();
        prop_assert!(
            lane.windows(2).all(|w| w[0].1 <= w[1].0),
            "a lane overlaps itself"
        );
    }
    // Never more running than cores.
    let busy = [State::Running, State::Starting, State::Pickling];
    prop_assert!(
        peak(
            t,
            &[
                LaneKind::Thread,
                LaneKind::Process,
                LaneKind::Interpreter,
                LaneKind::Loop
            ],
            &busy
        ) <= cores
    );
    // At most one running task per loop.
    prop_assert!(peak(t, &[LaneKind::Task], &[State::Running, State::Blocked]) <= 1);
    // At most one GIL holder per process, replayed from the event stream.
    let mut holder = vec![None; t.lanes.len()];
    for e in &t.events {
        let (Some(lane), true) = (
            e.lane,
            matches!(
                e.kind,
                EventKind::GilAcquire | EventKind::GilDrop | EventKind::GilRelease
            ),
        ) else {
            continue;
        };
        let p = t.lane(lane).process.unwrap();
        if e.kind == EventKind::GilAcquire {
            prop_assert!(holder[p].is_none(), "two GIL holders in one process");
            holder[p] = Some(lane);
        } else {
            prop_assert_eq!(holder[p], Some(lane), "only the holder can let go");
            holder[p] = None;
        }
    }
    let no_native = s
        .tasks
        .iter()
        .all(|t| t.steps.iter().all(|s| s.kind != StepKind::NativeCpu));
    if m.id == ModelId::Threads && no_native {
        prop_assert!(
            peak(t, &[LaneKind::Thread], &[State::Running]) <= 1,
            "Python ran without the GIL"
        );
    }
    // CPU work is conserved: the cores ran exactly the compute steps.
    let compute: u64 = s
        .tasks
        .iter()
        .flat_map(|t| &t.steps)
        .map(|st| match st.kind {
            StepKind::Cpu => python(st, m.id),
            StepKind::NativeCpu => us(st),
            _ => 0,
        })
        .sum();
    let core_running: u64 = t
        .segments
        .iter()
        .filter(|g| t.lane(g.lane).kind == LaneKind::Core && g.state == State::Running)
        .map(|g| (g.end - g.start).0)
        .sum();
    // The event loop also does its own work for every step it starts or resumes.
    let loop_steps = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TaskStart | EventKind::Resume))
        .filter(on_loop)
        .count() as u64;
    // Under the eager factory the first step of each task created at the start costs less.
    let eager_starts = if t.eager_tasks {
        t.events
            .iter()
            .filter(|e| e.kind == EventKind::TaskStart)
            .filter(on_loop)
            .filter(|e| e.task.is_some_and(|k| t.submitted(k) == Micros::ZERO))
            .count() as u64
    } else {
        0
    };
    // And for every await that sets a timer; it pays whole microseconds, the rest carried.
    let timers = t
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Await && e.dur.is_some_and(|d| d > Micros::ZERO))
        .count() as u64;
    let loop_us = (loop_steps * LOOP_STEP_NS + timers * LOOP_TIMER_NS
        - eager_starts * (LOOP_STEP_NS - EAGER_FIRST_STEP_NS))
        / 1_000;
    if raised {
        // Cancelling costs the loop a step for the callback and one per cancelled task.
        let cancelled = (0..n)
            .filter(|&i| t.outcome(TaskId::new(i)) == Outcome::Cancelled)
            .count() as u64;
        let extra = (cancelled + 1) * LOOP_STEP_NS / 1_000 + 1;
        prop_assert!(core_running <= compute + loop_us + extra);
    } else {
        prop_assert_eq!(core_running, compute + loop_us);
    }
    let core_total: u64 = t
        .segments
        .iter()
        .filter(|g| t.lane(g.lane).kind == LaneKind::Core)
        .map(|g| (g.end - g.start).0)
        .sum();
    prop_assert_eq!(
        t.stats.cpu_busy_per_core.iter().map(|b| b.0).sum::<u64>(),
        core_total
    );
    // Every task that ran finishes, once; only an exception leaves some unrun.
    let finishes = t
        .events
        .iter()
        .filter(|e| e.kind == EventKind::TaskFinish)
        .count();
    let not_run = (0..n)
        .filter(|&i| t.outcome(TaskId::new(i)) == Outcome::NotRun)
        .count();
    prop_assert_eq!(finishes + not_run, n);
    prop_assert!(
        raised || not_run == 0,
        "a task never ran though none raised"
    );
    // Raised is what the scenario says; cancelled only where a loop cancelled it.
    for (i, task) in s.tasks.iter().enumerate() {
        let outcome = t.outcome(TaskId::new(i));
        prop_assert!(outcome != Outcome::Raised || task.raises);
        if outcome == Outcome::Cancelled {
            prop_assert!(matches!(
                m.id,
                ModelId::Asyncio | ModelId::ToThread | ModelId::Hybrid
            ));
        }
    }
    prop_assert!(t.stats.task_latency.iter().all(|&l| l <= t.stats.makespan));
    // Lower bounds on the makespan (an exception may end the program early).
    let makespan = t.stats.makespan.0;
    for task in s.tasks.iter().filter(|_| !raised) {
        let own: u64 = task
            .steps
            .iter()
            .map(|st| {
                if st.kind == StepKind::Cpu {
                    python(st, m.id)
                } else {
                    us(st)
                }
            })
            .sum();
        prop_assert!(makespan >= own, "faster than one task's own steps");
    }
    prop_assert!(
        raised || makespan * cores as u64 >= compute,
        "faster than the cores allow"
    );
    let sum_of = |kinds: &[StepKind]| -> u64 {
        s.tasks
            .iter()
            .flat_map(|t| &t.steps)
            .filter(|st| kinds.contains(&st.kind))
            .map(us)
            .sum()
    };
    match m.id {
        _ if raised => {}
        ModelId::Sync => prop_assert!(
            makespan
                >= sum_of(&[
                    StepKind::Cpu,
                    StepKind::NativeCpu,
                    StepKind::AwaitIo,
                    StepKind::BlockingIo
                ])
        ),
        ModelId::Asyncio => prop_assert!(
            makespan >= sum_of(&[StepKind::Cpu, StepKind::NativeCpu, StepKind::BlockingIo])
        ),
        // Every thread of one process shares its GIL: their Python runs one at a time.
        ModelId::Threads | ModelId::ToThread => prop_assert!(makespan >= sum_of(&[StepKind::Cpu])),
        ModelId::Hybrid => prop_assert!(makespan >= sum_of(&[StepKind::BlockingIo])),
        ModelId::ThreadsNogil | ModelId::Processes | ModelId::Interpreters => {}
    }
    // Snapshots stay compact, one per event.
    prop_assert_eq!(t.snapshots.len(), t.events.len());
    prop_assert!(t.snapshots.iter().all(|s| s.ready.len() <= SNAPSHOT_CAP
        && s.io_waiters.len() <= SNAPSHOT_CAP
        && s.gil_waiters.len() <= SNAPSHOT_CAP
        && s.running.len() <= SNAPSHOT_CAP));
    // The estimate made before simulating covers what the run holds.
    let estimate = estimate(s, m).unwrap();
    prop_assert!(
        t.bytes() as u64 <= estimate.bytes,
        "{} > {}",
        t.bytes(),
        estimate.bytes
    );
    prop_assert!(t.events.len() as u64 <= estimate.events);
    // What each event's narration says is what its snapshot shows.
    let problems = check::check(t);
    prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn traces_keep_every_invariant(
        tasks in prop::collection::vec(task(), 1..7),
        m in model(),
        eager in any::<bool>(),
    ) {
        let mut s = Scenario::new(tasks, vec![]);
        s.task_factory = eager.then_some(TaskFactory::Eager);
        let t = simulate(&s, &m).unwrap();
        check(&s, &m, &t)?;
        prop_assert_eq!(&t, &simulate(&s, &m).unwrap(), "the same input gives the same trace");
    }
}
