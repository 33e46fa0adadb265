//! The formatter (`rulec::syntax::format`) on files: snapshots of the
//! fixtures in `tests/fixtures/fmt`, and every rule file of the repository
//! formatted without changing its tree or losing a comment, idempotently.
//! The generated-file properties are in `properties.rs`.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken file by panicking, as a failing assertion would"
)]

use std::path::{Path, PathBuf};

#[test]
fn fixtures() {
    insta::glob!("../../../tests/fixtures/fmt", "*.rules", |path| {
        let source = std::fs::read_to_string(path).unwrap_or_default();
        let formatted = rulec::syntax::format(&source)
            .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
        assert_faithful(path, &source, &formatted);
        insta::with_settings!({
            snapshot_path => "../../../tests/snapshots/fmt",
            prepend_module_to_snapshot => false,
            description => source.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(formatted);
        });
    });
}

/// Same tree, same comments in the same order, idempotent, and not the
/// input returned as written (unless it was already formatted).
fn assert_faithful(path: &Path, source: &str, formatted: &str) {
    let name = path.display();
    let before = rulec::syntax::parse(source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let after = rulec::syntax::parse(formatted).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(before, after, "{name}: the tree changed");
    assert_eq!(comments(formatted), comments(source), "{name}: comments");
    let again = rulec::syntax::format(formatted).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(again, formatted, "{name}: not idempotent");
}

fn comments(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|line| {
            let mut in_string = false;
            let mut escaped = false;
            for (i, c) in line.char_indices() {
                match c {
                    _ if in_string && escaped => escaped = false,
                    '\\' if in_string => escaped = true,
                    '"' => in_string = !in_string,
                    '#' if !in_string => return line.get(i..).map(str::trim_end),
                    _ => {}
                }
            }
            None
        })
        .collect()
}

fn rule_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            rule_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rules") {
            found.push(path);
        }
    }
}

#[test]
fn every_rule_file_of_the_repository_formats_faithfully() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "tests/fixtures/parse/ok",
        "tests/fixtures/check",
        "tests/fixtures/eval",
    ] {
        rule_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 100, "only {} rule files found", files.len());
    let mut formatted_count = 0;
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap_or_default();
        // Files that are meant not to check still parse; those that do
        // not parse are not the formatter's.
        let Ok(formatted) = rulec::syntax::format(&source) else {
            continue;
        };
        assert_faithful(path, &source, &formatted);
        formatted_count += 1;
    }
    assert!(formatted_count > 100);
}

#[test]
fn every_example_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files = Vec::new();
    rule_files(&root, &mut files);
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let formatted = rulec::syntax::format(&source).unwrap_or_default();
        assert!(
            formatted == source,
            "{} is not formatted: run `rulec fmt {}`",
            path.display(),
            path.display()
        );
    }
}
