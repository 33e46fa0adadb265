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

/// The checklist `rulec serve` shows names every criterion of every
/// example once, with its label and its rule in words.
#[test]
fn every_example_has_a_checklist_of_its_criteria() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for entry in std::fs::read_dir(&folder).expect("examples folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let rules = rulec::Rules::load(&path).expect("the example checks");
        let items = rulec::document::checklist(&rules);
        let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        let mut expected: Vec<&str> = rules
            .program()
            .criteria
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        ids.sort_unstable();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{}", path.display());
        for item in &items {
            let criterion = rules
                .program()
                .criteria
                .iter()
                .find(|c| c.id == item.id && c.label == item.label);
            assert!(criterion.is_some(), "{}: {}", path.display(), item.id);
            assert!(!item.words.is_empty(), "{}: {}", path.display(), item.id);
            let cohort = criterion.and_then(|c| c.cohort);
            assert_eq!(item.cohort.is_some(), cohort.is_some(), "{}", item.id);
        }
    }
}
