//! The verdict of a file with cohorts in docs/verdicts.md is real output:
//! its rules, its record and the JSON shown there are what this code
//! gives, and the JSON of a file without cohorts has no `cohorts` or
//! `cohort` key.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use rulec::check::{NoImports, check};
use rulec::eval::explain;
use rulec::records::{VerdictJson, from_json_str};
use rulec::syntax::parse;

const INDEX: jiff::civil::Date = jiff::civil::date(2026, 11, 24);

/// The rules of the cohort example in docs/verdicts.md.
const DOC_RULES: &str = r#"
fields {
  age:        years
  ecog:       integer 0..5
  pregnant:   bool
  measurable: bool
}

inclusion {
  adult "18 or older": age >= 18 years
}

exclusion {
  pregnancy: pregnant
}

cohort stage_1 "Stage 1: dose escalation" {
  inclusion {
    ecog "ECOG 0-1": ecog <= 1
  }
}

cohort stage_2 "Stage 2: expansion" {
  inclusion {
    ecog2      "ECOG 0-2":           ecog <= 2
    measurable "Measurable disease": measurable
  }
}
"#;

/// Its record.
const DOC_RECORD: &str = r#"{"id": "p-0043", "age": 52, "ecog": 2, "pregnant": false}"#;

fn json(rules: &str, record: &str) -> String {
    let program = check(&parse(rules).unwrap(), &NoImports).program.unwrap();
    let read = from_json_str(&program, record, 1);
    let explained = explain(&program, &read.record, INDEX);
    let json = VerdictJson::new(read.id.as_deref(), &explained, &read.errors);
    serde_json::to_string_pretty(&json).unwrap()
}

#[test]
fn the_documented_cohort_example_is_real_output() {
    let output = json(DOC_RULES, DOC_RECORD);
    if std::env::var_os("EXPLAIN_PRINT").is_some() {
        println!("{output}");
    }
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/verdicts.md"
    ))
    .unwrap();
    for (what, text) in [
        ("rules", DOC_RULES),
        ("record", DOC_RECORD),
        ("output", output.as_str()),
    ] {
        assert!(
            doc.contains(text.trim()),
            "docs/verdicts.md does not show the {what}:\n{text}"
        );
    }
}

#[test]
fn a_file_without_cohorts_has_no_cohort_keys() {
    let output = json(
        "fields { ecog: integer 0..5 }\ninclusion { ecog: ecog <= 1 }",
        r#"{"id": "p", "ecog": 1}"#,
    );
    assert!(!output.contains("cohort"), "{output}");
    let with = json(DOC_RULES, DOC_RECORD);
    assert!(
        with.contains("\"cohorts\"") && with.contains("\"cohort\": \"stage_2\""),
        "{with}"
    );
}
