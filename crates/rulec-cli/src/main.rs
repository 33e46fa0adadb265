//! The `rulec` command: checks eligibility rule files.
//!
//! | file | what it does |
//! |---|---|
//! | `main.rs` | the command line (clap) and dispatch, nothing else |
//! | `check.rs` | `rulec check`: read, parse, check, report, exit status |
//! | `source.rs` | a file's text as parsed (byte order mark dropped), line and column of an offset |
//! | `render.rs` | diagnostics for people (miette's graphical report) and for tools (JSON) |
//!
//! Exit status: 0 when no file has an error (warnings alone do not fail a
//! run unless `--deny warnings`), 1 when any file has an error or a denied
//! warning, 2 when a file could not be read or the command line is wrong.
//! Text diagnostics and per-file summaries go to stderr; stdout carries
//! only machine output (`--format json`).

mod check;
mod fmt;
mod render;
mod source;

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

    /// Rewrite rule files in the canonical layout, comments kept.
    ///
    /// With `--check`, change nothing: list the files that are not
    /// formatted, show the differences, and exit with 1 if there are any.
    Fmt(FmtArgs),
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
            };
            check::run(&args.files, options).exit_code()
        }
        Command::Fmt(args) => fmt::run(&args.files, args.check, use_colour()).exit_code(),
    }
}

/// Whether diagnostics on stderr may be coloured: only on a terminal, and
/// not when the user opted out (<https://no-color.org>: a non-empty
/// `NO_COLOR`).
fn use_colour() -> bool {
    let opted_out = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    std::io::stderr().is_terminal() && !opted_out
}
