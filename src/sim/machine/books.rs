//! The machine's books: recording an event with the snapshot of the state it left
//! behind, and closing them at the end of a run into a `Trace` with its statistics.

use super::{Machine, ThreadId};
use crate::sim::ids::{LaneId, StepId, TaskId};
use crate::sim::snapshot::{Snapshot, SNAPSHOT_CAP};
use crate::sim::time::Micros;
use crate::sim::trace::{Event, EventKind, Outcome, Stats, Trace};

impl Machine<'_> {
    /// Records an event that has already been applied, with the state as it is now.
    /// `dur` is the length of the step or wait it starts, if any.
    pub fn emit(
        &mut self,
        kind: EventKind,
        task: Option<TaskId>,
        lane: Option<LaneId>,
        step: Option<StepId>,
        dur: Option<Micros>,
    ) {
        let event = Event {
            time: self.now,
            kind,
            task,
            lane,
            step,
            dur,
        };
        if !self.rec.keeps() {
            // A run for its statistics only: counted, not stored.
            self.rec.record(event, Snapshot::default());
            return;
        }
        let snapshot = self.snapshot();
        self.rec.record(event, snapshot);
    }

    /// Records that `task` finished now: it returned, or it raised its exception
    /// (`Task::raises`), which is recorded first.
    pub fn finish_task(&mut self, task: TaskId, lane: Option<LaneId>) {
        self.finished[task.index()] = Some(self.now);
        if self.plan.tasks[task.index()].raises {
            self.outcome[task.index()] = Outcome::Raised;
            self.emit(EventKind::Raise, Some(task), lane, None, None);
        }
        self.emit(EventKind::TaskFinish, Some(task), lane, None, None);
    }

    /// Records that `task` ended now, cancelled (`CancelledError` reached it at its await).
    pub fn finish_cancelled(&mut self, task: TaskId, lane: Option<LaneId>) {
        self.finished[task.index()] = Some(self.now);
        self.outcome[task.index()] = Outcome::Cancelled;
        self.emit(EventKind::TaskFinish, Some(task), lane, None, None);
    }

    /// `task` was cancelled while a call of its runs in a pool (`orphaned`), or that call has
    /// now returned (`!orphaned`): while it runs, snapshots show it at work for the task.
    pub fn set_orphaned(&mut self, task: TaskId, orphaned: bool) {
        if orphaned {
            self.orphaned.insert(task);
        } else {
            self.orphaned.remove(&task);
        }
    }

    /// The program ends now, after its last task: what it still had to wait for (a pool's
    /// running calls, after an exception) counts in the makespan.
    pub fn end_program(&mut self) {
        self.ended = Some(self.now);
    }

    /// Closes the books: lanes end now, statistics are totalled.
    pub fn finish(self, memory_reserved: u64, memory_resident: u64) -> Trace {
        let makespan = self
            .finished
            .iter()
            .flatten()
            .copied()
            .chain(self.ended)
            .max()
            .unwrap_or(Micros::ZERO);
        let end = self.now.max(makespan);
        let stats = Stats {
            makespan,
            // From each task's submission, which is time zero unless it starts later.
            task_latency: self
                .finished
                .iter()
                .zip(&self.plan.tasks)
                .map(|(f, t)| f.map_or(Micros::ZERO, |f| f.saturating_sub(t.start)))
                .collect(),
            task_outcome: self
                .finished
                .iter()
                .zip(&self.outcome)
                .map(|(f, &o)| if f.is_some() { o } else { Outcome::NotRun })
                .collect(),
            cpu_busy_per_core: self.cores.busy(),
            gil_wait: self.gil_wait,
            memory_reserved,
            memory_resident,
        };
        let varies = self
            .procs
            .iter()
            .any(|p| p.gil.as_ref().is_some_and(|g| g.chose()));
        let r = self.rec.finish(end);
        Trace {
            varies,
            model: self.params.id,
            task_names: self.plan.tasks.iter().map(|t| t.name.clone()).collect(),
            task_submitted: self.plan.tasks.iter().map(|t| t.start).collect(),
            switch_interval: self.params.switch,
            task_group: self.params.task_group,
            eager_tasks: self.params.eager_tasks,
            semaphore: self.params.semaphore,
            lanes: r.lanes,
            segments: r.segments,
            events: r.events,
            snapshots: r.snapshots,
            lane_log: r.lane_log,
            stats,
        }
    }

    /// The state right now, as a snapshot shows it.
    pub(super) fn snapshot(&self) -> Snapshot {
        let (ready, ready_len) = self.board.ready_view();
        let (io_waiters, io_len) = self.board.io_view();
        // A finished task may still sit on its thread until the model moves on: it is not
        // running and holds nothing. A cancelled task's call that a pool still runs is the
        // exception: that call is at work, for it.
        let live =
            |task: &TaskId| self.finished[task.index()].is_none() || self.orphaned.contains(task);
        let task_of = |t: ThreadId| self.threads[t.index()].busy_with();
        let mut gil_holders = Vec::new();
        let mut gil_holders_len = 0;
        let mut gil_waiters = Vec::new();
        let mut gil_waiters_len = 0;
        for g in self.procs.iter().filter_map(|p| p.gil.as_ref()) {
            if let Some(task) = g.awake_holder().and_then(task_of).filter(live) {
                gil_holders_len += 1;
                if gil_holders.len() < SNAPSHOT_CAP {
                    gil_holders.push(task);
                }
            }
            gil_waiters_len += g.waiting();
            if gil_waiters.len() < SNAPSHOT_CAP {
                let room = SNAPSHOT_CAP - gil_waiters.len();
                gil_waiters.extend(g.waiters().filter_map(task_of).take(room));
            }
        }
        let mut running = Vec::new();
        let mut running_len = 0;
        for task in self
            .cores
            .occupants()
            .filter_map(|(_, t)| task_of(t))
            .filter(live)
        {
            running_len += 1;
            if running.len() < SNAPSHOT_CAP {
                running.push(task);
            }
        }
        Snapshot {
            ready,
            ready_len,
            io_waiters,
            io_len,
            gil_holders,
            gil_holders_len,
            gil_waiters,
            gil_waiters_len,
            loop_frozen: self.board.loop_frozen(),
            running,
            running_len,
        }
    }
}
