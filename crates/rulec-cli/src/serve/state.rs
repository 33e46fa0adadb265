//! The workbench's state: the rules that last checked, and the screening
//! of the records against them, run on a thread of its own so that the
//! page can show its progress.
//!
//! Every edit that checks starts a new [`Job`]; the one it replaces is
//! told to stop, and the page only ever reads the newest. A job keeps each
//! record it read, so that an explanation is worked out when asked for,
//! not for every patient up front.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use jiff::civil::Date;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rulec::check::{FolderImports, Program};
use rulec::compile::Compiled;
use rulec::document::ChecklistItem;
use rulec::eval::{Funnel, Verdict};
use rulec::records::ReadRecord;
use rulec::{Rules, RulesError};

use crate::eval::verdict_of;
use crate::input::{Input, Item, read};
use crate::render::JsonDiagnostic;

/// Rules that checked, with what the page shows of them.
pub struct Loaded {
    /// Their text, as the editor holds it.
    pub source: String,
    /// The checked program: records are read and explained against it.
    pub program: Program,
    /// The compiled program: verdicts come from it, as in `rulec eval`.
    pub compiled: Compiled,
    /// The criteria as the review-board document words them.
    pub checklist: Vec<ChecklistItem>,
    /// The checker's warnings, as `rulec check --format json` gives them.
    pub warnings: Vec<JsonDiagnostic>,
}

/// What checking a text gave.
pub enum Checked {
    /// Rules to screen with.
    Rules(Box<Loaded>),
    /// Every diagnostic of a text that does not check.
    Invalid(Vec<JsonDiagnostic>),
    /// The text could not be checked at all (an import unreadable …).
    Failed(String),
}

/// One screened record.
pub struct Row {
    /// The record as read, kept for its explanation.
    pub read: ReadRecord,
    /// Its verdict from the compiled program.
    pub verdict: Verdict,
}

/// One screening of the records against one set of rules.
pub struct Job {
    /// Counts up from 1 with every edit that checks.
    pub generation: u64,
    /// The rules screened with.
    pub rules: Arc<Loaded>,
    /// The records screened so far, in input order.
    pub rows: RwLock<Vec<Row>>,
    /// Their counts, as `rulec eval` prints them.
    pub funnel: Mutex<Funnel>,
    /// Bytes of input read so far.
    pub bytes: AtomicU64,
    /// Whether every record has been screened (or the job stopped).
    pub done: AtomicBool,
    /// Why the input could not be read to its end, if it could not.
    pub read_error: Mutex<Option<String>>,
    /// Set when a newer job replaces this one.
    stop: AtomicBool,
    /// How many records were screened, for progress without the lock.
    pub records: AtomicUsize,
}

/// The whole workbench: where the records are, and the current job.
pub struct State {
    /// The rule file as given on the command line.
    pub rules_path: PathBuf,
    /// The records.
    pub input: Input,
    /// The screening date.
    pub index: Date,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
    /// The newest job.
    current: Mutex<Arc<Job>>,
    /// Serialises checks, so that generations follow the order of edits.
    checking: Mutex<u64>,
}

/// A lock whose holder panicked still holds consistent data here (every
/// writer pushes or replaces whole values), so a poisoned lock is used as
/// it is rather than failing every later request.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Rules checked from `source`, `use` resolved from `folder`.
pub fn check(source: &str, name: &str, folder: &std::path::Path, outside: bool) -> Checked {
    let imports = FolderImports::new(folder).allow_outside(outside);
    match Rules::from_source_with_imports(source, &imports) {
        Ok(rules) => {
            let warnings = rules
                .warnings()
                .iter()
                .map(|d| JsonDiagnostic::new(name, rules.files(), d))
                .collect();
            let checklist = rulec::document::checklist(&rules);
            let text = rules.files().main().text().to_owned();
            let (program, compiled) = rules.into_parts();
            Checked::Rules(Box::new(Loaded {
                source: text,
                program,
                compiled,
                checklist,
                warnings,
            }))
        }
        Err(RulesError::Invalid { diagnostics, files }) => Checked::Invalid(
            diagnostics
                .iter()
                .map(|d| JsonDiagnostic::new(name, &files, d))
                .collect(),
        ),
        Err(other) => Checked::Failed(other.to_string()),
    }
}

impl State {
    /// The workbench for `loaded`, its first screening started.
    pub fn start(
        rules_path: PathBuf,
        input: Input,
        index: Date,
        imports_outside: bool,
        loaded: Loaded,
    ) -> Arc<State> {
        let job = Arc::new(Job::new(1, Arc::new(loaded)));
        let state = Arc::new(State {
            rules_path,
            input,
            index,
            imports_outside,
            current: Mutex::new(Arc::clone(&job)),
            checking: Mutex::new(1),
        });
        spawn(&state, job);
        state
    }

    /// The newest job.
    pub fn job(&self) -> Arc<Job> {
        Arc::clone(&lock(&self.current))
    }

    /// The rule file's name in diagnostics.
    pub fn rules_name(&self) -> String {
        self.rules_path.display().to_string()
    }

    /// Checks an edited text; when it checks, screens the records with it
    /// in place of the rules before, and gives the new job.
    pub fn edit(self: &Arc<Self>, source: &str) -> Result<Arc<Job>, Checked> {
        let folder = self.rules_path.parent().unwrap_or(std::path::Path::new(""));
        // Held while checking: two edits checked at once could otherwise
        // finish out of order, and the older text would be screened last.
        let mut generation = lock(&self.checking);
        let checked = check(source, &self.rules_name(), folder, self.imports_outside);
        let Checked::Rules(loaded) = checked else {
            return Err(checked);
        };
        *generation += 1;
        let job = Arc::new(Job::new(*generation, Arc::new(*loaded)));
        let old = std::mem::replace(&mut *lock(&self.current), Arc::clone(&job));
        old.stop.store(true, Ordering::Release);
        spawn(self, Arc::clone(&job));
        Ok(job)
    }
}

impl Job {
    fn new(generation: u64, rules: Arc<Loaded>) -> Job {
        let funnel = Funnel::new(&rules.program);
        Job {
            generation,
            rules,
            rows: RwLock::new(Vec::new()),
            funnel: Mutex::new(funnel),
            bytes: AtomicU64::new(0),
            done: AtomicBool::new(false),
            read_error: Mutex::new(None),
            stop: AtomicBool::new(false),
            records: AtomicUsize::new(0),
        }
    }

    /// Whether a newer job replaced this one.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Reads and screens every record, a chunk at a time, the records of
    /// a chunk in parallel. A job replaced by a newer one stops at once:
    /// each record checks, so that the rest of its chunk is skipped and
    /// the shared thread pool goes to the newest job.
    fn run(&self, input: &Input, index: Date) {
        if self.stopped() {
            // Replaced before it started: not even the reader is needed.
            return;
        }
        let program = &self.rules.program;
        let (sender, receiver) = sync_channel(2);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                read(input, program, &sender, &|n| {
                    self.bytes.fetch_add(n, Ordering::Relaxed);
                });
            });
            for chunk in receiver {
                if self.stopped() {
                    // Dropping the receiver stops the reader.
                    return;
                }
                let items = match chunk {
                    Ok(items) => items,
                    Err(reason) => {
                        *lock(&self.read_error) = Some(reason);
                        continue;
                    }
                };
                let rows: Vec<Row> = items
                    .into_par_iter()
                    .filter_map(|item| (!self.stopped()).then(|| self.screen(item, index)))
                    .collect();
                if self.stopped() {
                    return;
                }
                // The rows, the funnel and the count change together, under
                // the rows' lock, so that `/api/status` (which takes it to
                // read) never sees one ahead of the other.
                let mut kept = self.rows.write().unwrap_or_else(PoisonError::into_inner);
                let mut funnel = lock(&self.funnel);
                for row in &rows {
                    funnel.add(&row.verdict, !row.read.errors.is_empty());
                }
                drop(funnel);
                let count = rows.len();
                kept.extend(rows);
                self.records.fetch_add(count, Ordering::Release);
            }
        });
    }

    /// One record read and given its verdict, as `rulec eval` does.
    fn screen(&self, item: Item, index: Date) -> Row {
        let program = &self.rules.program;
        let mut read = item.read(program, index);
        let verdict = verdict_of(program, &self.rules.compiled, &mut read, index);
        Row { read, verdict }
    }
}

/// Runs `job` on a thread of its own.
fn spawn(state: &Arc<State>, job: Arc<Job>) {
    let state = Arc::clone(state);
    let started = std::thread::Builder::new()
        .name(format!("screening {}", job.generation))
        .spawn({
            let job = Arc::clone(&job);
            move || guarded(&job, || job.run(&state.input, state.index))
        });
    if let Err(e) = started {
        *lock(&job.read_error) = Some(format!("cannot start screening: {e}"));
        job.done.store(true, Ordering::Release);
    }
}

/// Runs `work` for `job`, and marks the job done however it ends: a
/// panic while screening (a bug) is shown as the reason the screening
/// stopped, rather than leaving the page waiting for ever.
fn guarded(job: &Job, work: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(work)).is_err() {
        *lock(&job.read_error) = Some(
            "screening stopped on an internal error (a bug in rulec): \
             the patients listed are those screened before it"
                .to_owned(),
        );
    }
    job.done.store(true, Ordering::Release);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic, reason = "the panic is what is tested")]
    use super::*;

    fn job() -> Job {
        let Checked::Rules(loaded) = check(
            include_str!("../../../../examples/nct03473496.rules"),
            "nct03473496.rules",
            std::path::Path::new("."),
            false,
        ) else {
            panic!("the rules check");
        };
        Job::new(1, Arc::new(*loaded))
    }

    #[test]
    fn a_panic_while_screening_ends_the_job_with_a_reason() {
        let job = job();
        guarded(&job, || panic!("a bug"));
        assert!(job.done.load(Ordering::Acquire));
        assert!(
            lock(&job.read_error)
                .as_deref()
                .is_some_and(|r| r.contains("internal error"))
        );
    }
}
