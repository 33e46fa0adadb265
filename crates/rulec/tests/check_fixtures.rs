//! Checker fixtures: `tests/fixtures/check/ok/*.rules` must check without a
//! single diagnostic, `tests/fixtures/check/err/*.rules` must give at least
//! one (error or warning). Every fixture must parse: these fixtures are about
//! checking, the parser has its own.
//!
//! Each snapshot in `tests/snapshots/check/` shows its fixture's source as
//! the description, then:
//!
//! - ok: what the checker inferred — each field with its type (a quantity
//!   with its unit and kind), each define with its inferred type and its
//!   checked value, each criterion with its checked condition. In checked
//!   conditions constants are already in the unit of the comparison (so
//!   `hemoglobin > 8 g/dL` on a `g/L` field shows `hemoglobin > 80`), and a
//!   value converted at evaluation shows its conversion as `(x × factor)`.
//!   Then each example with its expectation and its values as the record
//!   will hold them (quantities in the field's unit, dates counted from the
//!   index date as durations).
//! - err: whether a program came out, then every diagnostic with its code and
//!   severity, rendered as a user sees it.
//!
//! Outside the snapshots the test asserts, for every err fixture, that the
//! diagnostics are ordered by position, that no (code, span) pair repeats,
//! that every span lies inside the source, and that a program exists exactly
//! when no diagnostic is an error.
//!
//! Fixtures under `tests/fixtures/check/pending/` are known checker bugs or
//! poor messages awaiting a fix; they are not read here.
//!
//! Never accept a snapshot without reading it: a snapshot is a claim that
//! the behaviour is right. `cargo test -p rulec --test check_fixtures`
//! writes `tests/snapshots/check/*.snap.new`; read each, then accept with
//! `INSTA_UPDATE=always INSTA_YAML_BLOCK_STYLE=1 cargo test -p rulec --test check_fixtures`.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken fixture by panicking, as a failing assertion would"
)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource};
use rulec::check::{Checked, NoImports, check};
use rulec::syntax::{RuleFile, parse};

#[path = "check_fixtures/program_text.rs"]
mod program_text;
use program_text::program_text;

/// Width of rendered diagnostics, fixed so snapshots do not depend on the terminal.
const WIDTH: usize = 100;

/// Snapshot settings shared by both globs; the glob itself sets the input file.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../tests/snapshots/check");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// Reads a fixture and names it for messages and diagnostics.
fn read_fixture(path: &Path) -> (String, String) {
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name, source)
}

/// Parses a fixture, which must be free of syntax errors.
fn parse_fixture(name: &str, source: &str) -> RuleFile {
    parse(source).unwrap_or_else(|error| {
        panic!(
            "{name} must parse (check fixtures are about checking), but: {}",
            render(name, source, &error)
        )
    })
}

/// Runs `body` with the fixture's source as the snapshot description.
fn with_description(source: &str, body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(source);
    settings.bind(body);
}

#[test]
fn ok_fixtures_check_without_diagnostics() {
    settings().bind(|| {
        insta::glob!("../../../tests/fixtures/check", "ok/*.rules", |path| {
            let (name, source) = read_fixture(path);
            let file = parse_fixture(&name, &source);
            let checked = check(&file, &NoImports);
            if !checked.diagnostics.is_empty() {
                panic!(
                    "{name} should check without diagnostics (warnings included), but:\n{}",
                    diagnostics_text(&name, &source, &checked)
                );
            }
            let Some(program) = &checked.program else {
                panic!("{name} has no diagnostic but no program either");
            };
            with_description(&source, || {
                insta::assert_snapshot!("ok", program_text(program));
            });
        });
    });
}

#[test]
fn err_fixtures_give_ordered_unique_diagnostics() {
    settings().bind(|| {
        insta::glob!("../../../tests/fixtures/check", "err/*.rules", |path| {
            let (name, source) = read_fixture(path);
            let file = parse_fixture(&name, &source);
            let checked = check(&file, &NoImports);
            assert!(
                !checked.diagnostics.is_empty(),
                "{name} should give a diagnostic, but checked cleanly:\n{}",
                checked
                    .program
                    .as_ref()
                    .map(program_text)
                    .unwrap_or_default()
            );
            assert_invariants(&name, &source, &checked);
            with_description(&source, || {
                insta::assert_snapshot!("err", diagnostics_text(&name, &source, &checked));
            });
        });
    });
}

/// What must hold of every checker result, whatever the fixture.
fn assert_invariants(name: &str, source: &str, checked: &Checked) {
    let has_error = checked.diagnostics.iter().any(|d| !d.is_warning());
    assert_eq!(
        checked.program.is_some(),
        !has_error,
        "{name}: a program must come out exactly when there is no error"
    );
    let mut seen = HashSet::new();
    let mut previous = None;
    for d in &checked.diagnostics {
        let span = d.span();
        let code = code_of(d);
        assert!(
            span.start <= span.end && span.end as usize <= source.len(),
            "{name}: `{code}` has span {span:?} outside the source ({} bytes)",
            source.len()
        );
        let position = (span.start, span.end);
        if let Some(previous) = previous {
            assert!(
                previous <= position,
                "{name}: diagnostics out of order: {previous:?} before {position:?} (`{code}`)"
            );
        }
        previous = Some(position);
        assert!(
            seen.insert((code.clone(), position)),
            "{name}: `{code}` is reported twice at {span:?}"
        );
    }
}

fn code_of(d: &dyn Diagnostic) -> String {
    d.code()
        .map_or_else(|| "(no code)".to_owned(), |c| c.to_string())
}

/// Every diagnostic with its code and severity, rendered as the CLI would.
fn diagnostics_text(name: &str, source: &str, checked: &Checked) -> String {
    let mut out = match checked.program {
        Some(_) => "program: yes (warnings only)\n".to_owned(),
        None => "program: none\n".to_owned(),
    };
    for d in &checked.diagnostics {
        let severity = if d.is_warning() { "warning" } else { "error" };
        let _ = write!(
            out,
            "\n── {} ({severity})\n\n{}",
            code_of(d),
            render(name, source, d)
        );
    }
    out
}

/// The diagnostic as the CLI would show it, without colour.
fn render<D: Diagnostic + Clone + Send + Sync + 'static>(
    name: &str,
    source: &str,
    diagnostic: &D,
) -> String {
    let report = miette::Report::new(diagnostic.clone())
        .with_source_code(NamedSource::new(name, source.to_owned()));
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(WIDTH)
        .render_report(&mut out, report.as_ref())
        .unwrap_or_else(|e| panic!("rendering the diagnostic failed: {e}"));
    out
}

/// Every snapshot belongs to a fixture: a renamed or deleted fixture must
/// take its snapshot with it, or the stale snapshot would go unnoticed.
#[test]
fn every_snapshot_has_its_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let snapshots = root.join("snapshots/check");
    let entries = std::fs::read_dir(&snapshots)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", snapshots.display()));
    for entry in entries {
        let file_name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = file_name.strip_suffix(".snap") else {
            continue;
        };
        let Some((folder, fixture)) = stem.split_once('@') else {
            panic!("{file_name} is not named `ok@…` or `err@…`");
        };
        let path = root.join("fixtures/check").join(folder).join(fixture);
        assert!(
            path.is_file(),
            "{file_name} has no fixture {}",
            path.display()
        );
    }
}

/// The invariant checks are not vacuous: a diagnostic reported twice at
/// one place, diagnostics out of source order, and a program beside an
/// error are each refused.
#[test]
fn invariant_checks_refuse_repeats_disorder_and_stray_programs() {
    use rulec::check::CheckError;
    use rulec::syntax::Span;

    let source = "inclusion { a: x\n b: y }\n";
    let unknown = |name: &str, start: usize| CheckError::UnknownName {
        name: name.to_owned(),
        span: Span::new(start, start + 1),
        help: None,
    };
    let checked = |diagnostics: Vec<CheckError>| Checked {
        program: None,
        diagnostics,
    };
    assert_invariants(
        "good",
        source,
        &checked(vec![unknown("x", 15), unknown("y", 21)]),
    );

    let refused = |what: &str, bad: Checked| {
        let result = std::panic::catch_unwind(|| assert_invariants(what, source, &bad));
        assert!(result.is_err(), "{what} was accepted");
    };
    refused(
        "repeated",
        checked(vec![unknown("x", 15), unknown("x", 15)]),
    );
    refused(
        "out of order",
        checked(vec![unknown("y", 21), unknown("x", 15)]),
    );
    refused("outside the source", checked(vec![unknown("z", 400)]));
    let file = parse("").unwrap();
    let program = check(&file, &NoImports).program;
    refused(
        "program beside an error",
        Checked {
            program,
            diagnostics: vec![unknown("x", 15)],
        },
    );
}
