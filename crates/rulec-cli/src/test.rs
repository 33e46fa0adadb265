//! `rulec test`: run the examples of each rule file and show which give
//! the verdict they expect.
//!
//! The pass/fail table (or JSON, one object per example) goes to stdout;
//! diagnostics of files that do not check, the failures with where they
//! are written, and the summary go to stderr.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use jiff::civil::Date;
use rulec::ExampleRun;
use serde::Serialize;

use crate::check::{Status, eprintln_quiet, load};
use crate::render::printable;
use crate::source::line_column;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A table for people: result, file, example, expected, got.
    Table,
    /// One JSON object per example, one per line.
    Json,
}

/// What `rulec test` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The rule files.
    pub files: Vec<PathBuf>,
    /// The index date of examples that fix none; `None` for
    /// [`rulec::EXAMPLE_INDEX_DATE`].
    pub index: Option<Date>,
    /// How results are written.
    pub format: TestFormat,
    /// Whether diagnostics may be coloured.
    pub colour: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// One example's result, as a row of the table or a line of JSON.
#[derive(Debug, Serialize)]
struct Row {
    file: String,
    line: usize,
    example: String,
    index_date: String,
    expected: String,
    got: String,
    passed: bool,
    failure: Option<String>,
}

impl Row {
    fn new(file: &str, source: &str, run: &ExampleRun<'_>) -> Row {
        let (line, _) = line_column(source, run.example.span.start as usize);
        Row {
            file: file.to_owned(),
            line,
            example: run.example.label.clone(),
            index_date: run.index.to_string(),
            expected: run.example.expected.to_string(),
            got: run.got(),
            passed: run.passed(),
            failure: run.failure.clone(),
        }
    }
}

/// Runs `rulec test`.
pub fn run(options: &Options) -> Status {
    let index = options.index.unwrap_or(rulec::EXAMPLE_INDEX_DATE);
    let mut status = Status::Clean;
    let mut rows = Vec::new();
    let mut without = 0;
    for path in &options.files {
        let name = path.display().to_string();
        let rules = match load(path, options.colour, options.imports_outside) {
            Ok(rules) => rules,
            Err(failed) => {
                status = status.max(failed);
                continue;
            }
        };
        let runs = rules.run_examples(index);
        if runs.is_empty() {
            without += 1;
            eprintln_quiet(&format!("note: {} has no examples", printable(&name)));
        }
        let source = rules.files().main().text();
        rows.extend(runs.iter().map(|run| Row::new(&name, source, run)));
    }
    let failed = rows.iter().filter(|r| !r.passed).count();
    if failed > 0 {
        status = status.max(Status::Errors);
    }
    let text = match options.format {
        TestFormat::Table => table(&rows),
        TestFormat::Json => rows
            .iter()
            .map(|row| serde_json::to_string(row).unwrap_or_default() + "\n")
            .collect(),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A reader that stopped reading (`| head`) ends the run quietly.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln_quiet(&format!("error: cannot write the results: {e}"));
        }
        return Status::Trouble;
    }
    for row in rows.iter().filter(|r| !r.passed) {
        eprintln_quiet(&format!(
            "failed: {}:{}: {}: {}",
            printable(&row.file),
            row.line,
            printable(&row.example),
            printable(row.failure.as_deref().unwrap_or_default())
        ));
    }
    eprintln_quiet(&summary(options.files.len(), &rows, failed, without));
    status
}

/// The table: a header, then a row per example, columns padded to their
/// widest cell.
fn table(rows: &[Row]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                if row.passed { "ok" } else { "FAILED" }.to_owned(),
                printable(&row.file).into_owned(),
                printable(&row.example).into_owned(),
                printable(&row.expected).into_owned(),
                printable(&row.got).into_owned(),
            ]
        })
        .collect();
    let header = ["result", "file", "example", "expected", "got"].map(str::to_owned);
    let mut widths = [0; 5];
    for line in std::iter::once(&header).chain(&cells) {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in std::iter::once(&header).chain(&cells) {
        let mut text = String::new();
        for (i, (cell, width)) in line.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            text.extend(std::iter::repeat_n(
                ' ',
                width.saturating_sub(cell.chars().count()),
            ));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// `tested 3 files: 24 examples, 23 passed, 1 failed`.
fn summary(files: usize, rows: &[Row], failed: usize, without: usize) -> String {
    let plural = |n: usize, noun: &str| {
        if n == 1 {
            format!("1 {noun}")
        } else {
            format!("{n} {noun}s")
        }
    };
    let mut line = format!(
        "tested {}: {}, {} passed, {} failed",
        plural(files, "file"),
        plural(rows.len(), "example"),
        rows.len() - failed,
        failed
    );
    if without > 0 {
        line.push_str(&format!(" ({} without examples)", plural(without, "file")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(example: &str, passed: bool) -> Row {
        Row {
            file: "a.rules".to_owned(),
            line: 3,
            example: example.to_owned(),
            index_date: "2026-01-15".to_owned(),
            expected: "eligible".to_owned(),
            got: if passed {
                "eligible"
            } else {
                "undetermined missing hb"
            }
            .to_owned(),
            passed,
            failure: None,
        }
    }

    #[test]
    fn the_table_lines_up_its_columns() {
        let table = table(&[row("adult", true), row("a\tlonger label", false)]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines,
            [
                "result  file     example          expected  got",
                "ok      a.rules  adult            eligible  eligible",
                "FAILED  a.rules  a\\tlonger label  eligible  undetermined missing hb",
            ]
        );
        assert_eq!(super::table(&[]), "");
    }

    #[test]
    fn the_summary_counts_files_examples_and_failures() {
        let rows = [row("a", true), row("b", false)];
        assert_eq!(
            summary(1, &rows, 1, 0),
            "tested 1 file: 2 examples, 1 passed, 1 failed"
        );
        assert_eq!(
            summary(3, &rows[..1], 0, 2),
            "tested 3 files: 1 example, 1 passed, 0 failed (2 files without examples)"
        );
    }
}
