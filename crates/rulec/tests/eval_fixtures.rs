//! Evaluation fixtures: each `tests/fixtures/eval/<name>.rules` comes with
//! `tests/fixtures/eval/<name>.jsonl`, one JSON record per line (a line
//! starting with `#` is a note on the record that follows it; blank lines
//! are skipped).
//!
//! The rules must parse and check without a single diagnostic. Every line
//! is read with [`rulec::records::from_json_str`] (its line number is its
//! position) and evaluated at the index date 2026-11-24 by both the
//! reference evaluator, the compiled closures and the explaining path,
//! which must agree. The
//! snapshot in `tests/snapshots/eval/` shows the rules as its description,
//! then one block per record: its name and line, the note and input line,
//! the status (and in a file with cohorts each cohort's, with what rules
//! the patient out of it or what it is missing), every criterion's outcome
//! (`in` for inclusion, `ex` for exclusion, a cohort's own criterion
//! followed by the cohort in brackets) with its explanation, the fields an
//! undetermined verdict is missing and the data errors met while reading
//! the record.
//!
//! Never accept a snapshot without reading it: a snapshot is a claim that
//! every verdict in it is right. `cargo test -p rulec --test eval_fixtures`
//! writes `tests/snapshots/eval/*.snap.new`; read each, then accept with
//! `INSTA_UPDATE=always INSTA_YAML_BLOCK_STYLE=1 cargo test -p rulec --test eval_fixtures`.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken fixture by panicking, as a failing assertion would"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use rulec::check::{NoImports, Program, check};
use rulec::compile::{Compiled, compile};
use rulec::eval::{Outcome, Status, Verdict, evaluate, explain};
use rulec::records::{ReadRecord, from_json_str};
use rulec::syntax::{Section, parse};

/// The screening date of every fixture.
const INDEX: Date = date(2026, 11, 24);

/// The fixtures, from this crate's directory.
const FIXTURES: &str = "../../tests/fixtures/eval";

/// The snapshots, from this crate's directory.
const SNAPSHOTS: &str = "../../tests/snapshots/eval";

#[test]
fn fixtures_evaluate_the_same_compiled_and_by_reference() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../tests/snapshots/eval");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../../../tests/fixtures/eval", "*.rules", |path| {
            let name = file_name(path);
            let source = read(path);
            let program = program(&name, &source);
            let compiled = compile(&program);
            let records = read(&path.with_extension("jsonl"));
            let text = verdicts(&name, &program, &compiled, &records);
            let mut settings = insta::Settings::clone_current();
            settings.set_description(source);
            settings.bind(|| insta::assert_snapshot!("verdicts", text));
        });
    });
}

/// Parses and checks a fixture, which must give no diagnostic at all.
fn program(name: &str, source: &str) -> Program {
    let file = parse(source).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
    let checked = check(&file, &NoImports);
    if !checked.diagnostics.is_empty() {
        let list: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
        panic!(
            "{name} must check without diagnostics, but:\n{}",
            list.join("\n")
        );
    }
    checked
        .program
        .unwrap_or_else(|| panic!("{name} has no diagnostic but no program either"))
}

/// One block per record of the `.jsonl` text.
fn verdicts(name: &str, program: &Program, compiled: &Compiled, records: &str) -> String {
    let mut blocks = Vec::new();
    let mut note: Vec<&str> = Vec::new();
    for (i, line) in records.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            note.push(comment.trim());
            continue;
        }
        let position = i + 1;
        let read = from_json_str(program, line, position);
        let verdict = evaluate(program, &read.record, INDEX);
        let fast = compiled
            .evaluate(&read.record, INDEX)
            .unwrap_or_else(|e| panic!("{name}:{position}: {e}"));
        assert_eq!(
            fast, verdict,
            "{name}:{position}: the compiled closures and the reference evaluator disagree"
        );
        assert_eq!(
            compiled.status(&read.record, INDEX).ok(),
            Some(verdict.status()),
            "{name}:{position}: the fast status path disagrees"
        );
        let explained = explain(program, &read.record, INDEX);
        assert_eq!(
            explained.verdict, verdict,
            "{name}:{position}: the explaining path disagrees"
        );
        blocks.push(block(
            &read,
            &note.join(" "),
            line,
            &verdict,
            &explained.explanations,
        ));
        note.clear();
    }
    assert!(
        note.is_empty(),
        "{name}.jsonl ends with a note that belongs to no record"
    );
    assert!(!blocks.is_empty(), "{name} has no records");
    blocks.join("\n")
}

/// A record's verdict, readable.
fn block(
    read: &ReadRecord,
    note: &str,
    input: &str,
    verdict: &Verdict,
    explanations: &[String],
) -> String {
    let mut out = String::new();
    let name = read.id.as_deref().unwrap_or("(no id)");
    let _ = writeln!(out, "── {name} (line {}) ──", read.position);
    if !note.is_empty() {
        let _ = writeln!(out, "note:     {note}");
    }
    let _ = writeln!(out, "input:    {input}");
    let _ = writeln!(out, "status:   {}", status(verdict.status()));
    // A program with cohorts: each cohort's status, and why.
    if verdict.cohorts().len() > 0 {
        let _ = writeln!(out, "cohorts:");
    }
    for c in verdict.cohorts() {
        let why = match c.status {
            Status::Eligible => String::new(),
            Status::Ineligible => format!(", ruled out by {}", c.ruled_out.join(", ")),
            Status::Undetermined => format!(", missing {}", c.missing.join(", ")),
        };
        let _ = writeln!(out, "  {}: {}{why}", c.name, status(c.status));
    }
    let _ = writeln!(out, "criteria:");
    for (c, why) in verdict.criteria().zip(explanations) {
        let section = match c.section {
            Section::Inclusion => "in",
            Section::Exclusion => "ex",
        };
        let cohort = c.cohort.map(|k| format!(" [{k}]")).unwrap_or_default();
        let _ = writeln!(out, "  {section} {}{cohort}: {}", c.id, outcome(c.outcome));
        let _ = writeln!(out, "      {why}");
    }
    let missing = if verdict.missing().is_empty() {
        "none".to_owned()
    } else {
        verdict.missing().join(", ")
    };
    let _ = writeln!(out, "missing:  {missing}");
    if read.errors.is_empty() {
        let _ = writeln!(out, "errors:   none");
    } else {
        let _ = writeln!(out, "errors:");
        for e in &read.errors {
            let _ = writeln!(out, "  {e}");
        }
    }
    out
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Eligible => "eligible",
        Status::Ineligible => "ineligible",
        Status::Undetermined => "undetermined",
    }
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "met",
        Outcome::NotMet => "not met",
        Outcome::Unknown => "unknown",
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The file names in `folder` that end with `suffix`, without it.
fn stems(folder: &Path, suffix: &str) -> Vec<String> {
    let entries = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()));
    let mut stems: Vec<String> = entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(suffix).map(str::to_owned)
        })
        .collect();
    stems.sort();
    stems
}

/// Rules and records come in pairs: a `.rules` without its `.jsonl` would
/// fail the glob, a `.jsonl` without its `.rules` would go unread.
#[test]
fn every_fixture_has_rules_and_records() {
    let fixtures = dir(FIXTURES);
    let rules = stems(&fixtures, ".rules");
    let records = stems(&fixtures, ".jsonl");
    assert_eq!(
        rules,
        records,
        "unpaired fixtures in {}",
        fixtures.display()
    );
    assert!(rules.len() >= 12, "only {} eval fixtures", rules.len());
}

/// Every snapshot belongs to a fixture: a renamed or deleted fixture must
/// take its snapshot with it, or the stale snapshot would go unnoticed.
#[test]
fn every_snapshot_has_its_fixture() {
    let fixtures = dir(FIXTURES);
    for stem in stems(&dir(SNAPSHOTS), ".snap") {
        let Some(fixture) = stem.strip_prefix("verdicts@") else {
            panic!("{stem}.snap is not named `verdicts@…`");
        };
        let path = fixtures.join(fixture);
        assert!(
            path.is_file(),
            "{stem}.snap has no fixture {}",
            path.display()
        );
    }
}
