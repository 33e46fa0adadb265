//! `rulec explain`: each patient's verdict, criterion by criterion, in
//! words.
//!
//! Explaining is for the records a person will read, so records are
//! explained one at a time, in input order, with the slower explaining
//! evaluator (the verdict is the compiled program's, as the library's tests
//! hold both to it).

use std::io::Write;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use jiff::civil::Date;
use rulec::check::Program;
use rulec::eval::{Explained, Outcome, Status as Verdicts};
use rulec::records::ReadRecord;
use rulec::records::VerdictJson;

use crate::check::{Status, eprintln_quiet, load};
use crate::input::{Input, each_chunk};
use crate::output::{STDOUT_CLOSED, stdout_was_closed};
use crate::render::printable;

/// How explanations are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// For people: one block per record, coloured on a terminal.
    Text,
    /// The stable JSON verdict format with every explanation, one object
    /// per line.
    Json,
}

/// What `rulec explain` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The rule file.
    pub rules: PathBuf,
    /// The records.
    pub input: Input,
    /// Only the records with this id.
    pub id: Option<String>,
    /// The screening date.
    pub index: Date,
    /// Text or JSON.
    pub format: ExplainFormat,
    /// Whether diagnostics may be coloured.
    pub colour: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// Runs `rulec explain`.
pub fn run(options: &Options) -> Status {
    let program = match load(&options.rules, options.colour, options.imports_outside) {
        Ok(rules) => rules.into_parts().0,
        Err(status) => return status,
    };
    if stdout_was_closed() {
        eprintln_quiet(&format!("error: {STDOUT_CLOSED}"));
        return Status::Trouble;
    }
    // anstream drops the colours when stdout is not a terminal or NO_COLOR
    // is set.
    let mut out = anstream::stdout().lock();
    let mut explained_any = false;
    let mut status = Status::Clean;
    let whole = each_chunk(&options.input, &program, |items| {
        for item in items {
            let read = item.read(&program, options.index);
            if options
                .id
                .as_ref()
                .is_some_and(|id| read.id.as_ref() != Some(id))
            {
                continue;
            }
            explained_any = true;
            let explained =
                rulec::eval::explain_sourced(&program, &read.record, options.index, &read.sources);
            let text = match options.format {
                ExplainFormat::Text => text(&program, options, &read, &explained),
                ExplainFormat::Json => json(&read, &explained, options.index),
            };
            if let Err(e) = out.write_all(text.as_bytes()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln_quiet(&format!("error: cannot write the explanations: {e}"));
                }
                status = Status::Trouble;
                return false;
            }
        }
        true
    });
    if !whole {
        status = Status::Trouble;
    }
    if let Some(id) = &options.id
        && !explained_any
        && status == Status::Clean
    {
        eprintln_quiet(&printable(&format!(
            "error: no record has the id `{id}` in `{}`",
            options.input.name()
        )));
        return Status::Trouble;
    }
    status
}

fn json(read: &ReadRecord, explained: &Explained, index: Date) -> String {
    crate::eval::verdict_line(
        &VerdictJson::new(read.id.as_deref(), explained, &read.errors)
            .at(read.position)
            .on(index)
            .from_sources(&read.sources),
    )
}

/// The colour of a status.
fn status_style_of(status: Verdicts) -> Style {
    match status {
        Verdicts::Eligible => GREEN.bold(),
        Verdicts::Ineligible => RED.bold(),
        Verdicts::Undetermined => YELLOW.bold(),
    }
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default();
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();

/// One record's block:
///
/// ```text
/// ── p001 (line 1): ineligible ──
///   inclusion
///     ✓ adult        met       18 years and older
///         age 40 years >= 18 years (22 years above)
///     ✗ hemoglobin   not met   Hb > 80 g/L
///         hemoglobin 79.9 g/L is not > 80 g/L (0.1 g/L short)
/// ```
///
/// In a program with cohorts, lines of the cohorts' statuses follow the
/// first (`ineligible for stage_2: ruled out by ecog2`), and a cohort's own
/// criteria come under its name (`stage_2 inclusion`).
///
/// `✓` marks a criterion that lets the patient through (an inclusion met,
/// an exclusion not met), `✗` one that rules the patient out, `?` one left
/// unknown. Everything from the records or the rules is made
/// [`printable`]: a block cannot forge another.
fn text(program: &Program, options: &Options, read: &ReadRecord, explained: &Explained) -> String {
    let verdict = &explained.verdict;
    let place = format!("{} {}", options.input.format.position_word(), read.position);
    let name = match &read.id {
        Some(id) => format!("{} ({place})", printable(id)),
        None => place,
    };
    let status_style = status_style_of(verdict.status());
    let mut out = format!(
        "{BOLD}── {name}{BOLD:#}: {status_style}{}{status_style:#} ──\n",
        verdict.status().as_str()
    );
    for (status, words) in crate::eval::cohort_words(verdict) {
        let style = status_style_of(status);
        let words = printable(&words).into_owned();
        let rest = words.strip_prefix(status.as_str()).unwrap_or(&words);
        out.push_str(&format!("  {style}{}{style:#}{rest}\n", status.as_str()));
    }
    let width = verdict
        .criteria()
        .map(|c| printable(c.id).chars().count())
        .max()
        .unwrap_or(0);
    let mut section = None;
    for (i, outcome) in verdict.criteria().enumerate() {
        if section != Some((outcome.cohort, outcome.section)) {
            section = Some((outcome.cohort, outcome.section));
            // A cohort's own criteria under its name.
            let cohort = outcome
                .cohort
                .map(|c| format!("{} ", printable(c)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {DIM}{cohort}{}{DIM:#}\n",
                outcome.section.keyword()
            ));
        }
        let (mark, style) = match outcome.outcome {
            Outcome::Unknown => ("?", YELLOW),
            _ if outcome.rules_out() => ("✗", RED),
            _ => ("✓", GREEN),
        };
        let label = printable(
            program
                .criteria
                .get(i)
                .and_then(|c| c.label.as_deref())
                .unwrap_or(""),
        );
        let word = match outcome.outcome {
            Outcome::Met => "met",
            Outcome::NotMet => "not met",
            Outcome::Unknown => "unknown",
        };
        let line = format!(
            "    {style}{mark}{style:#} {BOLD}{:<width$}{BOLD:#}  {style}{word:<8}{style:#}  {label}",
            printable(outcome.id)
        );
        out.push_str(line.trim_end());
        out.push('\n');
        if let Some(explanation) = explained.explanations.get(i) {
            out.push_str(&format!("        {}\n", printable(explanation)));
        }
    }
    if !verdict.missing().is_empty() {
        out.push_str(&format!(
            "  {YELLOW}missing:{YELLOW:#} {}\n",
            printable(&verdict.missing().join(", "))
        ));
    }
    for error in &read.errors {
        out.push_str(&format!(
            "  {RED}data error:{RED:#} {}: {}\n",
            printable(&error.field),
            printable(&error.reason)
        ));
    }
    out.push('\n');
    out
}
