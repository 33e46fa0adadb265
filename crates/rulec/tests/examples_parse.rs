//! Every rule file under `examples/` parses, prints back to an equal tree,
//! and has well-nested spans.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken example by panicking, as a failing assertion would"
)]

mod common;

use std::path::{Path, PathBuf};

/// The `*.rules` files under `dir`, recursively, sorted.
fn rule_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rules") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_example_parses_round_trips_and_nests() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let files = rule_files(&examples);
    assert!(
        !files.is_empty(),
        "no .rules file under {}",
        examples.display()
    );
    for path in &files {
        let name = path
            .strip_prefix(&examples)
            .unwrap_or(path)
            .display()
            .to_string();
        let source = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let tree = rulec::syntax::parse(&source)
            .unwrap_or_else(|error| panic!("examples/{name} does not parse: {error:?}"));
        common::check_parsed(&name, &source, &tree);
    }
}
