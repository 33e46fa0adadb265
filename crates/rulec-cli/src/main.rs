//! The `rulec` command: checks, evaluates, explains and formats
//! eligibility rule files.
//!
//! | file | what it does |
//! |---|---|
//! | `main.rs` | the command line (clap) and dispatch, nothing else |
//! | `check.rs` | `rulec check`: rule files through `rulec::Rules`, report, exit status; loading rules for the others |
//! | `eval.rs` | `rulec eval`: parallel, order-keeping screening; verdicts, data errors, funnel |
//! | `explain.rs` | `rulec explain`: each record's verdict in words |
//! | `fmt.rs` | `rulec fmt`: canonical layout, in place or `--check` |
//! | `test.rs` | `rulec test`: each rule file's examples, run; a pass/fail table |
//! | `input.rs` | records streamed from JSON Lines, a JSON array or CSV, in chunks |
//! | `source.rs` | text made safe for a terminal, line and column of an offset |
//! | `output.rs` | where results go: stdout, or `--output` written atomically or in place |
//! | `sql.rs` | `rulec sql` and `rulec export`: the rules as SQL, records as CSV tables to load |
//! | `document.rs` | `rulec render`: the criteria as a Markdown or HTML document for a review board |
//! | `serve/` | `rulec serve`: the screening workbench in the browser (HTTP on loopback, JSON API, embedded page) |
//! | `lsp/` | `rulec lsp`: the language server over stdio (diagnostics, hover, completion, definition, references, rename, formatting, outline); its own module table in `lsp/mod.rs` |
//! | `render.rs` | every `rulec::Diagnostic`, in whichever file it points, for people (miette's graphical report) and for tools (JSON); text made safe for a terminal |
//!
//! Exit status: 0 when no file has an error (warnings alone do not fail a
//! run unless `--deny warnings`), 1 when any file has an error or a denied
//! warning, 2 when a file could not be read or the command line is wrong.
//! Text diagnostics and per-file summaries go to stderr; stdout carries
//! only machine output (`--format json`).

mod check;
mod document;
mod eval;
mod explain;
mod fmt;
mod input;
mod lsp;
mod output;
mod render;
mod serve;
mod source;
mod sql;
mod test;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Compile eligibility criteria written in the rulec language.
#[derive(Debug, Parser)]
#[command(name = "rulec", version)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check rule files and report every problem found.
    ///
    /// Exits with 0 when every file is free of errors, 1 when any file has
    /// an error (or a warning, with `--deny warnings`), and 2 when a file
    /// could not be read.
    Check(CheckArgs),

    /// Screen patient records: a verdict per record, then the funnel.
    ///
    /// Verdicts go to stdout (or `--output`), in input order; data errors
    /// and the screening funnel go to stderr. Exits with 0 when the run
    /// completed, whatever the verdicts, 1 when the rules do not check, and
    /// 2 when an input cannot be read or the output written.
    Eval(EvalArgs),

    /// Explain each patient's verdict, criterion by criterion.
    ///
    /// For every record (or those with `--id`): each criterion's outcome,
    /// the values used with their conversions, the threshold and the
    /// margin, and what data is missing. Exit codes as for `eval`; a `--id`
    /// that no record has is exit 2.
    Explain(ExplainArgs),

    /// Run the examples written in rule files and check each gets the
    /// verdict it expects.
    ///
    /// Prints a table (file, example, expected, got) on stdout and a
    /// summary on stderr. Exits with 0 when every example passes, 1 when
    /// one fails or a file does not check, and 2 when a file could not be
    /// read.
    Test(TestArgs),

    /// Rewrite rule files in the canonical layout, comments kept.
    ///
    /// With `--check`, change nothing: list the files that are not
    /// formatted, show the differences, and exit with 1 if there are any.
    Fmt(FmtArgs),

    /// Print the rules as SQL for PostgreSQL, DuckDB or Spark SQL.
    ///
    /// By default one `SELECT` giving a row per patient: `id`, `status`
    /// and a column per criterion (`met`, `not_met`, `unknown`), with the
    /// verdicts of `rulec eval`. `--schema` prints the tables it reads
    /// instead, `--funnel` the per-criterion counts. docs/sql.md gives the
    /// layout and the recipe for each engine.
    Sql(SqlArgs),

    /// Write records as CSV tables, with the SQL that creates, loads and
    /// screens them.
    ///
    /// Records are read as `eval` reads them (a malformed value is a data
    /// error and that field NULL; every record is kept). The folder gets
    /// `schema.sql`, `load.sql` (with absolute paths), `screen.sql` and a
    /// CSV file per table: run the three files in order in the engine.
    Export(ExportArgs),

    /// Write the criteria as a document for a review board.
    ///
    /// The trial, the fields with their units, the defines, and each
    /// criterion's label with its rule in words, shared criteria first,
    /// then each cohort's. Exits with 0 when written, 1 when the rules do
    /// not check (their diagnostics shown as by `check`), and 2 when the
    /// file could not be read or the output written.
    Render(RenderArgs),

    /// Open a screening workbench in the browser, on this machine only.
    ///
    /// Serves the criteria as a checklist, the funnel, the patients with
    /// filters and explanations, and an editor whose edits re-check and
    /// re-screen live. Listens on 127.0.0.1 unless `--bind` says
    /// otherwise; prints the URL on stdout and runs until stopped.
    /// Exits with 1 when the rules do not check and 2 when a file cannot
    /// be read or the port cannot be opened.
    Serve(ServeArgs),

    /// Serve editors as a language server over stdio.
    ///
    /// Speaks the Language Server Protocol on stdin and stdout:
    /// diagnostics as you type, hover, completion, definition,
    /// references, rename, formatting and the outline (docs/editors.md).
    /// Exits with 0 after the client's `shutdown` and `exit`, 1 on an
    /// `exit` without `shutdown`, and 2 when the client breaks the
    /// protocol.
    Lsp,
}

/// Arguments of `rulec serve`.
#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    records: RecordArgs,

    /// The port to listen on; 0 picks a free one (the URL printed says
    /// which).
    #[arg(long, default_value_t = 8484)]
    port: u16,

    /// The address to listen on. The default, 127.0.0.1, lets only this
    /// machine in; any other address shows the patients to whoever can
    /// reach it, without a password.
    #[arg(long, value_name = "ADDR", default_value_t = serve::LOOPBACK)]
    bind: std::net::IpAddr,
}

/// Arguments of `rulec render`.
#[derive(Debug, Args)]
struct RenderArgs {
    /// The rule file.
    #[arg(value_name = "RULES")]
    rules: PathBuf,

    /// How to write the document.
    #[arg(long, value_enum, default_value_t = document::DocumentFormat::Md)]
    format: document::DocumentFormat,

    /// Write the document to this file instead of stdout (`-`).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Let `use` import files outside the rule file's folder.
    #[arg(long)]
    allow_imports_outside: bool,
}

/// The rule file and the SQL wanted (shared by sql and export).
#[derive(Debug, Args)]
struct SqlTarget {
    /// The rule file.
    #[arg(value_name = "RULES")]
    rules: PathBuf,

    /// The engine to write for.
    #[arg(long, value_enum)]
    dialect: sql::DialectArg,

    /// The screening date that `index` stands for, as YYYY-MM-DD; today
    /// by default. The query holds it as a constant.
    #[arg(long, value_name = "DATE")]
    index_date: Option<jiff::civil::Date>,

    /// A prefix for every table name (`trial1_` reads `trial1_patients`).
    #[arg(long, value_name = "PREFIX", default_value = "")]
    table_prefix: String,

    /// Let `use` import files outside the rule file's folder.
    #[arg(long)]
    allow_imports_outside: bool,
}

impl SqlTarget {
    fn target(self) -> sql::Target {
        sql::Target {
            rules: self.rules,
            dialect: self.dialect.into(),
            index: self
                .index_date
                .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
            prefix: self.table_prefix,
            colour: use_colour(),
            imports_outside: self.allow_imports_outside,
        }
    }
}

/// Arguments of `rulec sql`.
#[derive(Debug, Args)]
struct SqlArgs {
    #[command(flatten)]
    target: SqlTarget,

    /// Print the `CREATE TABLE` statements of the tables the query reads.
    #[arg(long, conflicts_with = "funnel")]
    schema: bool,

    /// Print the query counting each criterion's outcomes instead.
    #[arg(long)]
    funnel: bool,
}

/// Arguments of `rulec export`.
#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    target: SqlTarget,

    /// The patient records: JSON Lines, a JSON array or CSV; `-` for stdin.
    #[arg(long, value_name = "PATH")]
    records: PathBuf,

    /// How the records are written; by default from the extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<input::InputFormat>,

    /// The folder to write to (created if need be; files of the same
    /// names in it are replaced).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
}

/// Arguments of `rulec fmt`.
#[derive(Debug, Args)]
struct FmtArgs {
    /// The rule files to format, in place.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Change nothing; exit with 1 and show a diff when a file is not
    /// formatted.
    #[arg(long)]
    check: bool,
}

/// Arguments of `rulec test`.
#[derive(Debug, Args)]
struct TestArgs {
    /// The rule files whose examples to run.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// The index date of the examples that do not fix theirs with `at`,
    /// as YYYY-MM-DD; 2026-01-15 by default, so that runs do not depend
    /// on the day.
    #[arg(long, value_name = "DATE")]
    index_date: Option<jiff::civil::Date>,

    /// How to write the results.
    #[arg(long, value_enum, default_value_t = test::TestFormat::Table)]
    format: test::TestFormat,

    /// Let `use` import files outside the rule file's folder.
    #[arg(long)]
    allow_imports_outside: bool,
}

/// Arguments of `rulec check`.
#[derive(Debug, Args)]
struct CheckArgs {
    /// The rule files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// How to report diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Fail on these diagnostics too, as on errors.
    ///
    /// Spelled as in rustc and clippy: `--deny warnings` (or `-D warnings`)
    /// makes any warning fail the run with exit code 1. The warnings are
    /// still reported as warnings.
    #[arg(long, short = 'D', value_enum, value_name = "WHAT")]
    deny: Vec<Deny>,

    /// Let `use` import files outside the rule file's folder (by default
    /// a rule file reads only files in its own folder and below).
    #[arg(long)]
    allow_imports_outside: bool,
}

/// Where the records are and how to read them (shared by eval and explain).
#[derive(Debug, Args)]
struct RecordArgs {
    /// The rule file.
    #[arg(value_name = "RULES")]
    rules: PathBuf,

    /// The patient records: JSON Lines, a JSON array or CSV; `-` for stdin.
    #[arg(long, value_name = "PATH")]
    records: PathBuf,

    /// How the records are written; by default from the extension
    /// (`.json`, `.csv`, anything else JSON Lines; stdin is JSON Lines).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<input::InputFormat>,

    /// The screening date that `index` stands for in the rules, as
    /// YYYY-MM-DD; today by default.
    #[arg(long, value_name = "DATE")]
    index_date: Option<jiff::civil::Date>,

    /// Let `use` import files outside the rule file's folder (by default
    /// a rule file reads only files in its own folder and below).
    #[arg(long)]
    allow_imports_outside: bool,
}

impl RecordArgs {
    fn input(&self) -> input::Input {
        input::Input::new(self.records.clone(), self.input_format)
    }

    fn index(&self) -> jiff::civil::Date {
        self.index_date
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }
}

/// Arguments of `rulec eval`.
#[derive(Debug, Args)]
struct EvalArgs {
    #[command(flatten)]
    records: RecordArgs,

    /// How to write the verdicts.
    #[arg(long, value_enum, default_value_t = eval::OutputFormat::Table)]
    format: eval::OutputFormat,

    /// Write the verdicts to this file instead of stdout (`-`).
    ///
    /// A regular file is replaced whole or not at all, keeping its mode; a
    /// device or FIFO is written in place; a link is followed. An input of
    /// the run is refused.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Worker threads; all cores by default, at most 4 per core.
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,

    /// Write CSV cells as they are, even those starting with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return, which are otherwise written
    /// after a `'` so that a spreadsheet shows them rather than runs them.
    #[arg(long)]
    csv_raw: bool,
}

/// Arguments of `rulec explain`.
#[derive(Debug, Args)]
struct ExplainArgs {
    #[command(flatten)]
    records: RecordArgs,

    /// Explain only the records with this id.
    #[arg(long, value_name = "ID")]
    id: Option<String>,

    /// How to write the explanations.
    #[arg(long, value_enum, default_value_t = explain::ExplainFormat::Text)]
    format: explain::ExplainFormat,
}

/// What `--deny` can make fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    /// Every warning.
    Warnings,
}

/// Output formats for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Rendered for people, with source excerpts, on stderr.
    Text,
    /// A JSON array of diagnostics on stdout, for tools.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => {
            let options = check::Options {
                format: args.format,
                colour: use_colour(),
                deny_warnings: args.deny.contains(&Deny::Warnings),
                imports_outside: args.allow_imports_outside,
            };
            check::run(&args.files, options).exit_code()
        }
        Command::Eval(args) => {
            let index = args.records.index();
            eval::run(&eval::Options {
                input: args.records.input(),
                rules: args.records.rules,
                jobs: args.jobs.map(usize::from),
                index,
                format: args.format,
                output: args.output,
                colour: use_colour(),
                imports_outside: args.records.allow_imports_outside,
                csv_raw: args.csv_raw,
            })
            .exit_code()
        }
        Command::Explain(args) => {
            let index = args.records.index();
            explain::run(&explain::Options {
                input: args.records.input(),
                rules: args.records.rules,
                id: args.id,
                index,
                format: args.format,
                colour: use_colour(),
                imports_outside: args.records.allow_imports_outside,
            })
            .exit_code()
        }
        Command::Test(args) => test::run(&test::Options {
            files: args.files,
            index: args.index_date,
            format: args.format,
            colour: use_colour(),
            imports_outside: args.allow_imports_outside,
        })
        .exit_code(),
        Command::Fmt(args) => fmt::run(&args.files, args.check, use_colour()).exit_code(),
        Command::Sql(args) => {
            let what = if args.schema {
                sql::What::Schema
            } else if args.funnel {
                sql::What::Funnel
            } else {
                sql::What::Screen
            };
            sql::run_sql(&args.target.target(), what).exit_code()
        }
        Command::Export(args) => {
            let input = input::Input::new(args.records, args.input_format);
            sql::run_export(&args.target.target(), &input, &args.to).exit_code()
        }
        Command::Lsp => lsp::run().exit_code(),
        Command::Render(args) => document::run(&document::Options {
            rules: args.rules,
            format: args.format,
            output: args.output,
            colour: use_colour(),
            imports_outside: args.allow_imports_outside,
        })
        .exit_code(),
        Command::Serve(args) => {
            let index = args.records.index();
            serve::run(serve::Options {
                input: args.records.input(),
                rules: args.records.rules,
                index,
                bind: args.bind,
                port: args.port,
                imports_outside: args.records.allow_imports_outside,
            })
            .exit_code()
        }
    }
}

/// Whether diagnostics on stderr may be coloured: only on a terminal, and
/// not when the user opted out (<https://no-color.org>: a non-empty
/// `NO_COLOR`).
fn use_colour() -> bool {
    let opted_out = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    std::io::stderr().is_terminal() && !opted_out
}
