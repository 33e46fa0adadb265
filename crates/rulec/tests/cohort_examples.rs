//! Examples in a file with cohorts: an expectation may give the patient's
//! verdict and each cohort's (`expect eligible, ineligible for stage_1 by
//! ecog`); each part given must hold, the cohorts not named are not
//! looked at, and a failure shows every status the rules gave.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken rule file by panicking, as a failing assertion would"
)]

use rulec::{EXAMPLE_INDEX_DATE, Rules};

const RULES: &str = r#"
fields {
  ecog:       integer 0..5
  pregnant:   bool
  measurable: bool
}

exclusion {
  pregnancy: pregnant
}

cohort stage_1 "Stage 1" {
  inclusion { ecog: ecog <= 1 }
}

cohort stage_2 "Stage 2" {
  inclusion {
    ecog2:              ecog <= 2
    measurable_disease: measurable
  }
}
"#;

/// Each example's label and why it failed (`None`: it passed).
fn outcomes(examples: &str) -> Vec<(String, Option<String>)> {
    let rules = Rules::from_source(&format!("{RULES}\n{examples}"))
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()));
    rules
        .run_examples(EXAMPLE_INDEX_DATE)
        .into_iter()
        .map(|run| (run.example.label.clone(), run.failure))
        .collect()
}

#[test]
fn every_part_of_an_expectation_holds_and_cohorts_not_named_are_not_looked_at() {
    let runs = outcomes(
        r#"
example "ECOG 2" { ecog: 2, pregnant: false, measurable: true }
  expect eligible, ineligible for stage_1 by ecog, eligible for stage_2
example "stage 1 alone" { ecog: 2, pregnant: false } expect ineligible for stage_1 by ecog
example "stage 2 waits" { ecog: 1, pregnant: false }
  expect eligible, eligible for stage_1, undetermined for stage_2 missing measurable
example "pregnant" { ecog: 3, pregnant: true, measurable: true }
  expect ineligible by pregnancy, ecog, ecog2, ineligible for stage_1 by ecog, pregnancy, ineligible for stage_2 by pregnancy, ecog2
example "a plain verdict" { ecog: 1, pregnant: false, measurable: false } expect eligible
"#,
    );
    for (label, failure) in &runs {
        assert_eq!(failure, &None, "{label}");
    }
    assert_eq!(runs.len(), 5);
}

#[test]
fn a_part_that_does_not_hold_fails_with_every_status_the_rules_gave() {
    let runs = outcomes(
        r#"
example "wrong cohort" { ecog: 2, pregnant: false, measurable: true } expect eligible for stage_1
example "wrong reason" { ecog: 3, pregnant: false, measurable: true }
  expect ineligible, ineligible for stage_2 by measurable_disease
example "wrong patient" { ecog: 1, pregnant: false } expect undetermined, eligible for stage_1
"#,
    );
    let failures: Vec<&str> = runs.iter().filter_map(|(_, f)| f.as_deref()).collect();
    assert_eq!(
        failures,
        [
            "expected eligible for stage_1, got eligible, ineligible for stage_1 by ecog, \
             eligible for stage_2",
            "expected ineligible, ineligible for stage_2 by measurable_disease, got ineligible \
             by ecog, ecog2, ineligible for stage_1 by ecog, ineligible for stage_2 by ecog2",
            "expected undetermined, eligible for stage_1, got eligible, eligible for stage_1, \
             undetermined for stage_2 missing measurable",
        ]
    );
}

/// After a list of names, a verdict without `for` is a name: the printer
/// writes the patient's verdict first, and the parser puts it first.
#[test]
fn the_patient_verdict_comes_first_and_a_verdict_word_after_names_is_a_name() {
    let source = "example \"x\" {} expect ineligible for stage_1 by ecog, eligible\n\
                  example \"y\" {} expect ineligible for stage_1, eligible\n";
    let file = rulec::syntax::parse(source).unwrap_or_else(|e| panic!("{e}"));
    let printed = rulec::syntax::print(&file);
    assert_eq!(
        printed,
        "example \"x\" {} expect ineligible for stage_1 by ecog, eligible\n\n\
         example \"y\" {} expect eligible, ineligible for stage_1\n"
    );
    assert_eq!(rulec::syntax::parse(&printed).ok(), Some(file));
}
