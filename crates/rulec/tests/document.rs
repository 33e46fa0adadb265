//! `rulec::document` on every example rule file: the Markdown a review
//! board reads, snapshot-tested so that a change of wording is seen.

use std::path::Path;

#[test]
fn every_example_renders() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .expect("examples folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let rules = rulec::Rules::load(&path).expect("the example checks");
        let name = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let text = rulec::document::document(&rules, rulec::document::Format::Markdown);
        insta::assert_snapshot!(format!("document_{name}"), text);
    }
}
