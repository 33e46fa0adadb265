//! `rulec eval`: screen every record of an input against a rule file.
//!
//! The input is streamed in chunks (see [`crate::input`]); each chunk is
//! read and evaluated in parallel on a rayon pool, and its verdicts are
//! written in input order before the next chunk's, so the output is the
//! same whatever the number of threads. Verdicts go to stdout (or
//! `--output`), data errors and the screening funnel to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rulec::check::Program;
use rulec::compile::Compiled;
use rulec::eval::{Funnel, Status as Verdicts, Verdict, VerdictJson};
use rulec::records::{DataError, ReadRecord, WHOLE_RECORD};

use crate::check::{Status, eprintln_quiet, load};
use crate::input::{Input, Item, read};

/// Data errors listed on stderr before the rest are only counted.
const LISTED_ERRORS: usize = 100;

/// Inputs at least this large get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 16 << 20;

/// How verdicts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per record: id, status and why, for people.
    Table,
    /// The stable JSON verdict format, one object per line.
    Json,
    /// One row per record with a column per criterion.
    Csv,
}

/// What `rulec eval` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The rule file.
    pub rules: PathBuf,
    /// The records.
    pub input: Input,
    /// Threads; all cores when `None`.
    pub jobs: Option<usize>,
    /// The screening date.
    pub index: Date,
    /// How verdicts are written.
    pub format: OutputFormat,
    /// Where verdicts are written; stdout when `None`.
    pub output: Option<PathBuf>,
    /// Whether diagnostics may be coloured.
    pub colour: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// One record's verdict, rendered, with what the funnel and the data error
/// list need.
struct Screened {
    /// The output line (or lines), with its line break.
    text: String,
    verdict: Verdict,
    errors: Vec<DataError>,
    position: usize,
}

/// Runs `rulec eval`.
pub fn run(options: &Options) -> Status {
    let program = match load(&options.rules, options.colour, options.imports_outside) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let compiled = rulec::compile::compile(&program);
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(e) => return trouble(&format!("cannot start the worker threads: {e}")),
    };
    let mut sink = match Sink::open(options.output.as_deref()) {
        Ok(sink) => sink,
        Err(e) => return trouble(&e),
    };
    let input = &options.input;
    let mut screen = Screening {
        program: &program,
        compiled: &compiled,
        options,
        funnel: Funnel::new(&program),
        listed: 0,
    };
    let bar = progress_bar(input);
    let (sender, receiver) = sync_channel(4);
    let mut failure: Option<WriteFailure> = None;
    let mut read_error: Option<String> = None;
    if options.format == OutputFormat::Csv
        && let Err(e) = sink.write(&csv_header(&program))
    {
        failure = Some(e);
    }
    std::thread::scope(|scope| {
        let reader_program = &program;
        let bar = &bar;
        scope.spawn(move || read(input, reader_program, &sender, &|n| bar.inc(n)));
        if failure.is_some() {
            return;
        }
        for chunk in receiver {
            let items = match chunk {
                Ok(items) => items,
                Err(reason) => {
                    read_error = Some(reason);
                    continue;
                }
            };
            let screened: Vec<Screened> =
                pool.install(|| items.into_par_iter().map(|item| screen.one(item)).collect());
            for record in screened {
                if let Err(e) = sink.write(&record.text) {
                    failure = Some(e);
                    return;
                }
                bar.suspend(|| screen.count(&record));
            }
        }
    });
    bar.finish_and_clear();
    let mut status = Status::Clean;
    if let Some(reason) = &read_error {
        eprintln_quiet(&format!("error: cannot read `{}`: {reason}", input.name()));
        status = Status::Trouble;
    }
    // Stdout already shows the verdicts of the records read before a read
    // error; an output file is only ever written whole.
    if failure.is_none()
        && let Err(e) = sink.finish(read_error.is_none())
    {
        failure = Some(e);
    }
    if let Some(failure) = failure {
        // A reader that stopped reading (`rulec eval … | head`) is not a
        // failure to report, but the run is still cut short.
        if let WriteFailure::Said(reason) = failure {
            eprintln_quiet(&format!("error: {reason}"));
        }
        return Status::Trouble;
    }
    // An input that could not be opened at all has no funnel to show.
    if read_error.is_none() || screen.funnel.records > 0 {
        screen.summary();
    }
    status
}

/// Reports a run that could not start or finish, and gives its status.
fn trouble(reason: &str) -> Status {
    eprintln_quiet(&format!("error: {reason}"));
    Status::Trouble
}

/// The run's state shared by the evaluating threads (read only) and the
/// writing thread.
struct Screening<'a> {
    program: &'a Program,
    compiled: &'a Compiled,
    options: &'a Options,
    funnel: Funnel,
    listed: usize,
}

impl Screening<'_> {
    /// Reads, evaluates and renders one record.
    fn one(&self, item: Item) -> Screened {
        let ReadRecord {
            id,
            position,
            record,
            mut errors,
        } = item.read(self.program, self.options.index);
        let index = self.options.index;
        let verdict = self.compiled.evaluate(&record, index).unwrap_or_else(|e| {
            // Records read for this program always fit it; should one not,
            // the reference evaluator still gives it a verdict.
            errors.push(DataError {
                record: rulec::records::RecordName::Position(position),
                field: WHOLE_RECORD.to_owned(),
                reason: e.to_string(),
            });
            rulec::eval::evaluate(self.program, &record, index)
        });
        let text = match self.options.format {
            OutputFormat::Json => json_line(id.as_deref(), position, &verdict, &errors),
            OutputFormat::Csv => csv_line(id.as_deref(), position, &verdict, &errors),
            OutputFormat::Table => self.table_line(id.as_deref(), position, &verdict, &errors),
        };
        Screened {
            text,
            verdict,
            errors,
            position,
        }
    }

    /// Counts a record in the funnel and lists its data errors.
    fn count(&mut self, record: &Screened) {
        self.funnel.add(&record.verdict, !record.errors.is_empty());
        for error in &record.errors {
            self.listed += 1;
            if self.listed <= LISTED_ERRORS {
                eprintln_quiet(&format!(
                    "data error: {} {} {}: {error}",
                    self.options.input.name(),
                    self.options.input.format.position_word(),
                    record.position
                ));
            }
        }
    }

    /// `p001            ineligible    ruled out by: renal, hepatic`.
    fn table_line(
        &self,
        id: Option<&str>,
        position: usize,
        verdict: &Verdict,
        errors: &[DataError],
    ) -> String {
        let name = id.map_or_else(
            || format!("({} {position})", self.options.input.format.position_word()),
            str::to_owned,
        );
        let unreadable = errors.iter().any(|e| e.field == WHOLE_RECORD);
        let mut why = match verdict.status {
            Verdicts::Eligible => String::new(),
            Verdicts::Ineligible => format!("ruled out by {}", verdict.ruled_out().join(", ")),
            // Every field is missing: the data error says why.
            Verdicts::Undetermined if unreadable => "record not read (data error)".to_owned(),
            Verdicts::Undetermined => format!("missing {}", few(&verdict.missing)),
        };
        if !errors.is_empty() && !unreadable {
            if !why.is_empty() {
                why.push_str("; ");
            }
            if !unreadable {
                let fields: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                why.push_str(&format!("data errors in {}", few(&fields)));
            }
        }
        let line = format!("{name:<20} {:<13} {why}", verdict.status.as_str());
        format!("{}\n", line.trim_end())
    }

    /// The closing report on stderr: what was screened, and the funnel.
    fn summary(&self) {
        let trial = self
            .program
            .trial
            .as_ref()
            .map(|(id, _)| format!(" ({id})"))
            .unwrap_or_default();
        let mut out = format!(
            "\nscreened {} against {}{trial}, index date {}\n\n{}",
            self.options.input.name(),
            self.options.rules.display(),
            self.options.index,
            self.funnel
        );
        if self.listed > LISTED_ERRORS {
            out.push_str(&format!(
                "\n{} more data errors not listed above{}\n",
                self.listed - LISTED_ERRORS,
                match self.options.format {
                    OutputFormat::Table => " (the json and csv formats carry every one)",
                    OutputFormat::Json | OutputFormat::Csv => " (every one is in the output)",
                }
            ));
        }
        eprintln_quiet(out.trim_end());
    }
}

/// Up to five names, then how many more: a table line stays readable.
fn few(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    match names.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn json_line(id: Option<&str>, position: usize, verdict: &Verdict, errors: &[DataError]) -> String {
    verdict_line(&VerdictJson::from_verdict(id, verdict, errors).at(position))
}

/// A verdict as one line of JSON Lines (also `rulec explain --format json`).
pub fn verdict_line(json: &VerdictJson<'_>) -> String {
    // Strings, numbers and arrays of them always serialize.
    let mut line = serde_json::to_string(json).unwrap_or_default();
    line.push('\n');
    line
}

/// `id,position,status,<criterion>…,missing,errors`.
fn csv_header(program: &Program) -> String {
    let mut fields = vec!["id", "position", "status"];
    fields.extend(program.criteria.iter().map(|c| c.id.as_str()));
    fields.extend(["missing", "errors"]);
    csv_row(&fields)
}

fn csv_line(id: Option<&str>, position: usize, verdict: &Verdict, errors: &[DataError]) -> String {
    let position = position.to_string();
    let missing = verdict.missing.join(";");
    let errors: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.reason))
        .collect();
    let errors = errors.join("; ");
    let mut fields = vec![id.unwrap_or(""), &position, verdict.status.as_str()];
    fields.extend(verdict.criteria.iter().map(|c| c.outcome.as_str()));
    fields.extend([missing.as_str(), errors.as_str()]);
    csv_row(&fields)
}

/// One CSV row, quoted where needed, with its line break.
fn csv_row(fields: &[&str]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(fields);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A progress bar on stderr for a large file read from a terminal session;
/// hidden otherwise.
fn progress_bar(input: &Input) -> ProgressBar {
    use std::io::IsTerminal;
    match input.len() {
        Some(len) if len >= PROGRESS_BYTES && std::io::stderr().is_terminal() => {
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec}, {eta} left",
            ) {
                bar.set_style(style);
            }
            bar
        }
        _ => ProgressBar::hidden(),
    }
}

/// Why the verdicts could not all be written.
enum WriteFailure {
    /// The reader of stdout went away (`rulec eval … | head`): nothing to
    /// tell it.
    ReaderGone,
    /// Anything else, in words.
    Said(String),
}

impl WriteFailure {
    fn of(e: std::io::Error) -> WriteFailure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            WriteFailure::ReaderGone
        } else {
            WriteFailure::Said(format!("cannot write the verdicts: {e}"))
        }
    }
}

/// Where verdicts go: stdout, or a file that appears, whole, only when the
/// run succeeds (written to a temporary file beside it, then renamed).
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        writer: std::io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
}

impl Sink {
    fn open(path: Option<&Path>) -> Result<Sink, String> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())));
        };
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let file = tempfile::NamedTempFile::new_in(folder)
            .map_err(|e| format!("cannot write in `{}`: {e}", folder.display()))?;
        Ok(Sink::File {
            writer: std::io::BufWriter::new(file),
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, text: &str) -> Result<(), WriteFailure> {
        let result = match self {
            Sink::Stdout(w) => w.write_all(text.as_bytes()),
            Sink::File { writer, .. } => writer.write_all(text.as_bytes()),
        };
        result.map_err(WriteFailure::of)
    }

    /// Flushes, and for a file, moves it into place when `complete` (else
    /// the temporary file is removed).
    fn finish(self, complete: bool) -> Result<(), WriteFailure> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(WriteFailure::of),
            Sink::File { .. } if !complete => Ok(()),
            Sink::File { writer, path } => {
                let file = writer.into_inner().map_err(|e| {
                    WriteFailure::Said(format!("cannot write `{}`: {}", path.display(), e.error()))
                })?;
                file.persist(&path).map(|_| ()).map_err(|e| {
                    WriteFailure::Said(format!("cannot write `{}`: {}", path.display(), e.error))
                })
            }
        }
    }
}
