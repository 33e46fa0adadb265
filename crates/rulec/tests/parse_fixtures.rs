//! Parser fixtures: `tests/fixtures/parse/ok/*.rules` must parse and
//! `tests/fixtures/parse/err/*.rules` must fail.
//!
//! Each snapshot in `tests/snapshots/parse/` shows its fixture's source as
//! the description, then the syntax tree (ok) or the error code and the
//! diagnostic as a user sees it (err). For ok fixtures the test also asserts,
//! outside the snapshot, that printing and parsing again gives the same tree
//! and that every span of the tree nests properly (see `common/mod.rs`).
//!
//! Fixtures under `tests/fixtures/parse/pending/` are known parser bugs or
//! poor messages awaiting a fix; they are not read here.
//!
//! Never accept a snapshot without reading it: a snapshot is a claim that
//! the behaviour is right. `cargo insta review` does not find snapshots
//! outside a package directory, so review by hand: `cargo test -p rulec
//! --test parse_fixtures` writes `tests/snapshots/parse/*.snap.new`; read
//! each, then accept with
//! `INSTA_UPDATE=always INSTA_YAML_BLOCK_STYLE=1 cargo test -p rulec --test parse_fixtures`
//! (block style keeps the fixture source in the description readable).

#![expect(
    clippy::panic,
    reason = "test helpers report a broken fixture by panicking, as a failing assertion would"
)]

mod common;

use std::path::Path;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource};
use rulec::syntax::parse;

/// Width of rendered diagnostics, fixed so snapshots do not depend on the terminal.
const WIDTH: usize = 100;

/// Snapshot settings shared by both globs; the glob itself sets the input file.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../tests/snapshots/parse");
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

/// Runs `body` with the fixture's source as the snapshot description.
fn with_description(source: &str, body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(source);
    settings.bind(body);
}

#[test]
fn ok_fixtures_parse_round_trip_and_nest() {
    settings().bind(|| {
        insta::glob!("../../../tests/fixtures/parse", "ok/*.rules", |path| {
            let (name, source) = read_fixture(path);
            let tree = parse(&source).unwrap_or_else(|error| {
                panic!(
                    "{name} should parse, but: {}",
                    render(&name, &source, error)
                )
            });
            common::check_parsed(&name, &source, &tree);
            with_description(&source, || {
                insta::assert_snapshot!("ok", tree_text(&tree));
            });
        });
    });
}

#[test]
fn err_fixtures_fail_with_a_diagnostic() {
    settings().bind(|| {
        insta::glob!("../../../tests/fixtures/parse", "err/*.rules", |path| {
            let (name, source) = read_fixture(path);
            let error = match parse(&source) {
                Ok(tree) => panic!("{name} should not parse, but gave:\n{}", tree_text(&tree)),
                Err(error) => error,
            };
            let code = error
                .code()
                .map_or_else(|| "(none)".to_owned(), |c| c.to_string());
            let snapshot = format!("code: {code}\n\n{}", render(&name, &source, error));
            with_description(&source, || {
                insta::assert_snapshot!("err", snapshot);
            });
        });
    });
}

/// The diagnostic as the CLI would show it, without colour.
fn render(name: &str, source: &str, error: rulec::syntax::SyntaxError) -> String {
    let report =
        miette::Report::new(error).with_source_code(NamedSource::new(name, source.to_owned()));
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(WIDTH)
        .render_report(&mut out, report.as_ref())
        .unwrap_or_else(|e| panic!("rendering the diagnostic failed: {e}"));
    out
}

/// The tree one item at a time, pretty-printed, with one-value tuples such
/// as `Name("x")` kept on one line so nested expressions stay readable.
fn tree_text(tree: &rulec::syntax::RuleFile) -> String {
    if tree.items.is_empty() {
        return "(no items)\n".to_owned();
    }
    tree.items
        .iter()
        .map(|item| collapse_single_tuples(&format!("{item:#?}")) + "\n")
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rewrites `Name(\n    "x",\n) @1..2` as `Name("x") @1..2`.
fn collapse_single_tuples(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.ends_with('(') {
            let mut ahead = lines.clone();
            if let (Some(value), Some(close)) = (ahead.next(), ahead.next()) {
                let value = value.trim();
                let close = close.trim_start();
                let single = value.ends_with(',')
                    && !value.ends_with("(,")
                    && !value.ends_with("{,")
                    && !value.ends_with("[,");
                if single && close.starts_with(')') {
                    out.push(format!("{line}{}{close}", value.trim_end_matches(',')));
                    lines = ahead;
                    continue;
                }
            }
        }
        out.push(line.to_owned());
    }
    out.join("\n")
}

/// The span checks are not vacuous: a tree with a child outside its parent,
/// or a name whose span covers other text, is refused.
#[test]
fn span_checks_refuse_misplaced_spans() {
    use rulec::syntax::{ExprKind, Item, Span};

    let source = "define a: x > 1\n";
    let tree = parse(source).unwrap();
    common::check_parsed("good", source, &tree);

    let mut outside = tree.clone();
    let Some(Item::Define(define)) = outside.items.first_mut() else {
        panic!("expected a define");
    };
    let ExprKind::Compare { rhs, .. } = &mut define.expr.node else {
        panic!("expected a comparison");
    };
    rhs.span = Span::new(0, 3);
    let result = std::panic::catch_unwind(|| common::assert_spans("outside", source, &outside));
    assert!(
        result.is_err(),
        "a child span outside its parent was accepted"
    );

    let mut wrong_name = tree;
    let Some(Item::Define(define)) = wrong_name.items.first_mut() else {
        panic!("expected a define");
    };
    define.name.span = Span::new(10, 11);
    let result = std::panic::catch_unwind(|| common::assert_spans("name", source, &wrong_name));
    assert!(result.is_err(), "a name spanning other text was accepted");
}

/// Every snapshot belongs to a fixture: a renamed or deleted fixture must
/// take its snapshot with it, or the stale snapshot would go unnoticed.
#[test]
fn every_snapshot_has_its_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let snapshots = root.join("snapshots/parse");
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
        let path = root.join("fixtures/parse").join(folder).join(fixture);
        assert!(
            path.is_file(),
            "{file_name} has no fixture {}",
            path.display()
        );
    }
}
