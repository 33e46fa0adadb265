//! `rulec eval`: screen every record of an input against a rule file.
//!
//! The input is streamed in chunks (see [`crate::input`]); each chunk is
//! read and evaluated in parallel on a rayon pool, and its verdicts are
//! written in input order before the next chunk's, so the output is the
//! same whatever the number of threads. Verdicts go to stdout (or
//! `--output`), data errors and the screening funnel to stderr.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rulec::check::Program;
use rulec::compile::Compiled;
use rulec::eval::{Funnel, Status as Verdicts, Verdict};
use rulec::records::VerdictJson;
use rulec::records::{DataError, ReadRecord, WHOLE_RECORD};

use crate::check::{Status, eprintln_quiet, load};
use crate::input::{CHUNK, Input, Item, read};
use crate::output::{Inputs, Output, STDOUT_CLOSED, WriteFailure, stdout_was_closed};
use crate::render::printable;

/// Data errors listed on stderr before the rest are only counted.
const LISTED_ERRORS: usize = 100;

/// Inputs at least this large get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 16 << 20;

/// Worker threads per core that `--jobs` may ask for: evaluating is pure
/// computation, so more threads than cores only cost memory, and tens of
/// thousands take minutes to start.
const JOBS_PER_CORE: usize = 4;

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
    /// Whether CSV cells are written as they are, even those a spreadsheet
    /// would run as a formula.
    pub csv_raw: bool,
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
    let (program, compiled) = match load(&options.rules, options.colour, options.imports_outside) {
        Ok(rules) => rules.into_parts(),
        Err(status) => return status,
    };
    let mut sink = match open_output(options, &program) {
        Ok(sink) => sink,
        Err(e) => return trouble(&e),
    };
    let jobs = worker_threads(options.jobs);
    let mut pool: Option<rayon::ThreadPool> = None;
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
        && let Err(e) = sink.write(&csv_header(&program, options.csv_raw))
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
            // Built for the first chunk: a chunk is screened at a time, so
            // threads beyond its size would have nothing to do.
            let pool = match &mut pool {
                Some(pool) => pool,
                None => match rayon::ThreadPoolBuilder::new()
                    .num_threads(jobs.min(items.len()).max(1))
                    .build()
                {
                    Ok(built) => pool.insert(built),
                    Err(e) => {
                        failure = Some(WriteFailure::Said(format!(
                            "cannot start the worker threads: {e}"
                        )));
                        return;
                    }
                },
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
        eprintln_quiet(&printable(&format!(
            "error: cannot read `{}`: {reason}",
            input.name()
        )));
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

/// Where the verdicts go, refused when it is one of the run's inputs or a
/// closed stdout.
fn open_output(options: &Options, program: &Program) -> Result<Output, String> {
    let mut inputs = Inputs::default();
    inputs.add("the rule file", &options.rules);
    // As the checker resolved them: relative to the rule file's folder.
    let folder = options.rules.parent().unwrap_or(std::path::Path::new(""));
    for import in &program.imports {
        inputs.add("the imported rule file", &folder.join(import));
    }
    if options.input.path.as_os_str() == "-" {
        inputs.add_stdin();
    } else {
        inputs.add("the records", &options.input.path);
    }
    let output = Output::open(options.output.as_deref(), &inputs)?;
    if output.is_stdout() && stdout_was_closed() {
        return Err(STDOUT_CLOSED.to_owned());
    }
    Ok(output)
}

/// How many worker threads to run: `--jobs`, at most [`JOBS_PER_CORE`]
/// per core (with a note when that lowers it), else one per core; never
/// more than a chunk's records.
fn worker_threads(asked: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let cap = cores.saturating_mul(JOBS_PER_CORE);
    match asked {
        Some(n) if n > cap => {
            eprintln_quiet(&format!(
                "note: using {cap} worker threads, not {n}: at most {JOBS_PER_CORE} per core \
                 ({cores} here)"
            ));
            cap
        }
        Some(n) => n,
        None => cores,
    }
    .clamp(1, CHUNK)
}

/// Reports a run that could not start or finish, and gives its status.
fn trouble(reason: &str) -> Status {
    eprintln_quiet(&format!("error: {reason}"));
    Status::Trouble
}

/// A read record's verdict by the compiled rules. Records read for the
/// program always fit it; should one not, the reference evaluator still
/// gives it a verdict, and the record a data error saying why.
pub fn verdict_of(
    program: &Program,
    compiled: &Compiled,
    read: &mut ReadRecord,
    index: Date,
) -> Verdict {
    compiled.evaluate(&read.record, index).unwrap_or_else(|e| {
        read.errors.push(DataError {
            record: rulec::records::RecordName::Position(read.position),
            field: WHOLE_RECORD.to_owned(),
            reason: e.to_string(),
        });
        rulec::eval::evaluate(program, &read.record, index)
    })
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
        let index = self.options.index;
        let mut read = item.read(self.program, index);
        let verdict = verdict_of(self.program, self.compiled, &mut read, index);
        let ReadRecord {
            id,
            position,
            errors,
            sources,
            ..
        } = read;
        let text = match self.options.format {
            OutputFormat::Json => {
                json_line(id.as_deref(), position, index, &verdict, &errors, &sources)
            }
            OutputFormat::Csv => {
                let row = CsvRow {
                    id: id.as_deref(),
                    position,
                    index,
                    raw: self.options.csv_raw,
                };
                row.line(&verdict, &errors)
            }
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
                eprintln_quiet(&printable(&format!(
                    "data error: {} {} {}: {error}",
                    self.options.input.name(),
                    self.options.input.format.position_word(),
                    record.position
                )));
            }
        }
    }

    /// `p001            ineligible    ruled out by: renal, hepatic`, every
    /// name from the input or the rules made [`printable`].
    fn table_line(
        &self,
        id: Option<&str>,
        position: usize,
        verdict: &Verdict,
        errors: &[DataError],
    ) -> String {
        let name = id.map_or_else(
            || {
                Cow::Owned(format!(
                    "({} {position})",
                    self.options.input.format.position_word()
                ))
            },
            printable,
        );
        let unreadable = errors.iter().any(|e| e.field == WHOLE_RECORD);
        let mut why = match verdict.status() {
            // Every field is missing: the data error says why.
            Verdicts::Undetermined if unreadable => "record not read (data error)".to_owned(),
            _ if verdict.cohorts().len() > 0 => {
                let cohorts: Vec<String> =
                    cohort_words(verdict).into_iter().map(|(_, w)| w).collect();
                cohorts.join("; ")
            }
            Verdicts::Eligible => String::new(),
            Verdicts::Ineligible => format!("ruled out by {}", verdict.ruled_out().join(", ")),
            Verdicts::Undetermined => format!("missing {}", few(&verdict.missing())),
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
        let why = printable(&why);
        let line = format!("{name:<20} {:<13} {why}", verdict.status().as_str());
        format!("{}\n", line.trim_end())
    }

    /// The closing report on stderr: what was screened, and the funnel.
    fn summary(&self) {
        let trial = self
            .program
            .trial
            .as_ref()
            .map(|(id, _)| format!(" ({})", printable(id)))
            .unwrap_or_default();
        let mut funnel = self.funnel.clone();
        for criterion in &mut funnel.criteria {
            criterion.id = printable(&criterion.id).into_owned();
            if let Some(label) = &mut criterion.label {
                *label = printable(label).into_owned();
            }
        }
        for cohort in &mut funnel.cohorts {
            cohort.name = printable(&cohort.name).into_owned();
            if let Some(label) = &mut cohort.label {
                *label = printable(label).into_owned();
            }
        }
        let mut out = format!(
            "\nscreened {} against {}{trial}, index date {}\n\n{funnel}",
            printable(&self.options.input.name()),
            printable(&self.options.rules.display().to_string()),
            self.options.index,
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

/// The cohorts' statuses in words, the cohorts with the same status for
/// the same reasons together, in the order of the first of each:
/// `eligible for stage_1, stage_2`, `ineligible for renal: ruled out by
/// renal_impaired`, `undetermined for expansion: missing ecog` (not yet
/// [`printable`]); none for a program without cohorts.
pub fn cohort_words(verdict: &Verdict) -> Vec<(Verdicts, String)> {
    let mut groups: Vec<(Verdicts, Vec<&str>, String)> = Vec::new();
    for cohort in verdict.cohorts() {
        let reason = match cohort.status {
            Verdicts::Eligible => String::new(),
            Verdicts::Ineligible => format!(": ruled out by {}", cohort.ruled_out.join(", ")),
            Verdicts::Undetermined => format!(": missing {}", few(&cohort.missing)),
        };
        match groups
            .iter_mut()
            .find(|(status, _, why)| *status == cohort.status && *why == reason)
        {
            Some((_, names, _)) => names.push(cohort.name),
            None => groups.push((cohort.status, vec![cohort.name], reason)),
        }
    }
    groups
        .into_iter()
        .map(|(status, names, reason)| {
            let words = format!("{} for {}{reason}", status.as_str(), names.join(", "));
            (status, words)
        })
        .collect()
}

/// Up to five names, then how many more: a table line stays readable.
fn few<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(AsRef::as_ref).collect();
    match names.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn json_line(
    id: Option<&str>,
    position: usize,
    index: Date,
    verdict: &Verdict,
    errors: &[DataError],
    sources: &[rulec::schema::Source],
) -> String {
    verdict_line(
        &VerdictJson::from_verdict(id, verdict, errors)
            .at(position)
            .on(index)
            .from_sources(sources),
    )
}

/// A verdict as one line of JSON Lines (also `rulec explain --format json`).
pub fn verdict_line(json: &VerdictJson<'_>) -> String {
    // Strings, numbers and arrays of them always serialize.
    let mut line = serde_json::to_string(json).unwrap_or_default();
    line.push('\n');
    line
}

/// `id,position,status,<criterion>…,missing,errors,index_date`, then for
/// a program with cohorts `status:<cohort>…`.
fn csv_header(program: &Program, raw: bool) -> String {
    let cohorts: Vec<String> = program
        .cohorts
        .iter()
        .map(|c| format!("status:{}", c.name))
        .collect();
    let mut fields = vec!["id", "position", "status"];
    fields.extend(program.criteria.iter().map(|c| c.id.as_str()));
    fields.extend(["missing", "errors", "index_date"]);
    fields.extend(cohorts.iter().map(String::as_str));
    csv_row(&fields, raw)
}

/// What a CSV row says about its record besides the verdict.
struct CsvRow<'a> {
    id: Option<&'a str>,
    position: usize,
    index: Date,
    /// Whether cells are written as they are ([`defused`] otherwise).
    raw: bool,
}

impl CsvRow<'_> {
    fn line(&self, verdict: &Verdict, errors: &[DataError]) -> String {
        let position = self.position.to_string();
        let index = self.index.to_string();
        let missing = verdict.missing().join(";");
        let errors: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.reason))
            .collect();
        let errors = errors.join("; ");
        let mut fields = vec![self.id.unwrap_or(""), &position, verdict.status().as_str()];
        fields.extend(verdict.criteria().map(|c| c.outcome.as_str()));
        fields.extend([missing.as_str(), errors.as_str(), index.as_str()]);
        fields.extend(verdict.cohorts().map(|c| c.status.as_str()));
        csv_row(&fields, self.raw)
    }
}

/// One CSV row, quoted where needed, with its line break; each cell
/// [`defused`] unless `raw`.
fn csv_row(fields: &[&str], raw: bool) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for field in fields {
        let cell = if raw {
            Cow::Borrowed(*field)
        } else {
            defused(field)
        };
        let _ = writer.write_field(cell.as_bytes());
    }
    let _ = writer.write_record(None::<&[u8]>);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell that a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return), behind a `'` that makes it
/// text, as OWASP's guidance on CSV injection advises: ids, field names
/// and reasons come from the records, which anyone may have written.
fn defused(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
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
