//! `Rules::run_examples`: what makes an example pass or fail. An
//! expectation names exactly the criteria that rule the patient out and
//! the fields the verdict names as missing, in any order; values are
//! converted into the fields' units; fields not written are missing; an
//! example's own `at` date wins over the one given; a value a record could
//! not hold fails the example.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken rule file by panicking, as a failing assertion would"
)]

use rulec::{EXAMPLE_INDEX_DATE, Rules};

/// Fields and criteria shared by the tests; each adds its examples.
const RULES: &str = r#"
fields {
  birth_date: date
  hemoglobin: g/L
  creatinine: umol/L with normal range, molar mass 113.12 g/mol, plausible 10 umol/L..3000 umol/L
  sex:        one of { female, male }
  pregnant:   bool
  therapies:  list of { class: one of { anti_cd38, other }, failed: bool, ended: date }
}

define age: years between birth_date and index

inclusion {
  adult: age >= 18 years
  hb:    hemoglobin > 80 g/L
  renal: creatinine < 1.5 x ULN
}

exclusion {
  pregnancy: sex = female and pregnant
  recent:    any therapies where class = anti_cd38 and ended within 4 weeks before index
}
"#;

/// The rules with `examples` appended.
fn rules(examples: &str) -> Rules {
    let source = format!("{RULES}\n{examples}");
    Rules::from_source(&source).unwrap_or_else(|e| panic!("{e}: {:#?}", e.diagnostics()))
}

/// Each example's label and why it failed (`None`: it passed).
fn outcomes(examples: &str) -> Vec<(String, Option<String>)> {
    rules(examples)
        .run_examples(EXAMPLE_INDEX_DATE)
        .into_iter()
        .map(|run| (run.example.label.clone(), run.failure))
        .collect()
}

/// An example of a man of 40 whose every criterion is met, with some of
/// his values replaced or added.
fn man(label: &str, values: &[(&str, &str)], expect: &str) -> String {
    let mut fields: Vec<(&str, &str)> = vec![
        ("birth_date", "index - 40 years"),
        ("sex", "male"),
        ("hemoglobin", "13 g/dL"),
        ("creatinine", "1 mg/dL, normal range 0.6 mg/dL..1.2 mg/dL"),
        ("therapies", "[]"),
    ];
    for (name, value) in values {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    let entries: Vec<String> = fields
        .iter()
        .map(|(n, v)| format!("  {n}: {v}\n"))
        .collect();
    format!(
        "example {label:?} {{\n{}}} expect {expect}\n",
        entries.concat()
    )
}

fn passed(label: &str) -> (String, Option<String>) {
    (label.to_owned(), None)
}

fn failed(label: &str, why: &str) -> (String, Option<String>) {
    (label.to_owned(), Some(why.to_owned()))
}

#[test]
fn ruled_out_by_names_exactly_the_criteria_in_any_order() {
    let child = [("hemoglobin", "7 g/dL"), ("birth_date", "index - 12 years")];
    let examples = [
        man("in the program's order", &child, "ineligible by adult, hb"),
        man("the other way round", &child, "ineligible by hb, adult"),
        man("one of the two", &child, "ineligible by hb"),
        man("one too many", &child[..1], "ineligible by hb, adult"),
        man("any criterion", &child, "ineligible"),
        man("not ineligible", &[], "ineligible"),
    ];
    assert_eq!(
        outcomes(&examples.concat()),
        [
            passed("in the program's order"),
            passed("the other way round"),
            failed(
                "one of the two",
                "expected ineligible by hb, got ineligible by adult, hb"
            ),
            failed(
                "one too many",
                "expected ineligible by hb, adult, got ineligible by hb"
            ),
            passed("any criterion"),
            failed("not ineligible", "expected ineligible, got eligible"),
        ]
    );
}

#[test]
fn missing_names_exactly_the_fields_the_verdict_names() {
    // A woman: the pregnancy exclusion needs an answer a man does not.
    let woman = [("sex", "female")];
    let examples = [
        man("a man needs no answer", &[], "eligible"),
        man("the one field", &woman, "undetermined missing pregnant"),
        man("any field", &woman, "undetermined"),
        man(
            "a field too many",
            &woman,
            "undetermined missing pregnant, hemoglobin",
        ),
        man("not undetermined", &woman, "eligible"),
    ];
    assert_eq!(
        outcomes(&examples.concat()),
        [
            passed("a man needs no answer"),
            passed("the one field"),
            passed("any field"),
            failed(
                "a field too many",
                "expected undetermined missing pregnant, hemoglobin, got undetermined missing pregnant"
            ),
            failed(
                "not undetermined",
                "expected eligible, got undetermined missing pregnant"
            ),
        ]
    );
}

#[test]
fn fields_not_written_are_missing() {
    // Without `sex`, the pregnancy exclusion needs `pregnant` too.
    let examples = r#"
        example "nothing written" {} expect undetermined missing birth_date, hemoglobin, creatinine, sex, pregnant, therapies
        example "an empty list is known" { therapies: [] } expect undetermined missing birth_date, hemoglobin, creatinine, sex, pregnant
    "#;
    assert_eq!(
        outcomes(examples),
        [passed("nothing written"), passed("an empty list is known")]
    );
}

#[test]
fn values_are_converted_into_the_fields_units() {
    // 8 g/dL is 80 g/L, not above 80 g/L; 2 mg/dL of creatinine is 176.8
    // umol/L, above 1.5 x 106.1 umol/L (1.2 mg/dL).
    let examples = [
        man("8 g/dL", &[("hemoglobin", "8 g/dL")], "ineligible by hb"),
        man("8.1 g/dL", &[("hemoglobin", "8.1 g/dL")], "eligible"),
        man(
            "creatinine in mg/dL against a range in umol/L",
            &[("creatinine", "2 mg/dL, normal range 53 umol/L..106 umol/L")],
            "ineligible by renal",
        ),
        man(
            "a range in the field's unit without one written",
            &[("creatinine", "150 umol/L, normal range 45..90")],
            "ineligible by renal",
        ),
    ];
    assert_eq!(
        outcomes(&examples.concat()),
        [
            passed("8 g/dL"),
            passed("8.1 g/dL"),
            passed("creatinine in mg/dL against a range in umol/L"),
            passed("a range in the field's unit without one written"),
        ]
    );
}

#[test]
fn dates_count_from_the_index_date_and_at_wins_over_the_one_given() {
    let on = |at: &str, ended: &str, expect: &str| {
        let therapies = format!("[ {{ class: anti_cd38, failed: true, ended: {ended} }} ]");
        let example = man(at, &[("therapies", &therapies)], expect);
        example.replacen(" {", &format!(" at {at:?} {{"), 1)
    };
    let examples = [
        on("2026-03-01", "\"2026-02-10\"", "ineligible by recent"),
        on("2026-04-01", "\"2026-02-10\"", "eligible"),
        // `index - 4 weeks` is in the window, `index - 29 days` out of it,
        // on any index date.
        man(
            "4 weeks ago",
            &[(
                "therapies",
                "[ { class: anti_cd38, failed: true, ended: index - 4 weeks } ]",
            )],
            "ineligible by recent",
        ),
        man(
            "29 days ago",
            &[(
                "therapies",
                "[ { class: anti_cd38, failed: true, ended: index - 29 days } ]",
            )],
            "eligible",
        ),
        man(
            "18 on the index date",
            &[("birth_date", "index - 18 years")],
            "eligible",
        ),
    ];
    let rules = rules(&examples.concat());
    for index in [
        EXAMPLE_INDEX_DATE,
        jiff::civil::date(2024, 2, 29),
        jiff::civil::date(2030, 12, 31),
    ] {
        let runs = rules.run_examples(index);
        let at: Vec<_> = runs.iter().map(|r| r.index).collect();
        assert_eq!(
            at,
            [
                jiff::civil::date(2026, 3, 1),
                jiff::civil::date(2026, 4, 1),
                index,
                index,
                index
            ]
        );
        for run in runs {
            assert!(
                run.passed(),
                "{} at {index}: {:?}",
                run.example.label,
                run.failure
            );
        }
    }
}

#[test]
fn a_value_a_record_could_not_hold_fails_the_example() {
    let examples = [
        man(
            "creatinine below its plausible range",
            &[("creatinine", "5 umol/L")],
            "eligible",
        ),
        man(
            "a normal range upside down",
            &[("creatinine", "80 umol/L, normal range 90 umol/L..45 umol/L")],
            "eligible",
        ),
        man(
            "born tomorrow",
            &[("birth_date", "index + 1 day")],
            "eligible",
        ),
    ];
    let rules = rules(&examples.concat());
    let runs = rules.run_examples(EXAMPLE_INDEX_DATE);
    let why: Vec<_> = runs
        .iter()
        .map(|r| {
            (
                r.verdict.is_none(),
                r.got(),
                r.failure.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        why,
        [
            (
                true,
                "no verdict".to_owned(),
                "`creatinine`: 5 umol/L is outside the plausible range of `creatinine`, 10..3000 umol/L, so it is not used".to_owned()
            ),
            (
                true,
                "no verdict".to_owned(),
                "`creatinine`: the lower limit of normal (90) is above the upper (45)".to_owned()
            ),
            (
                true,
                "no verdict".to_owned(),
                "`birth_date`: the date of birth 2026-01-16 is after the index date 2026-01-15".to_owned()
            ),
        ]
    );
}

#[test]
fn a_file_without_examples_runs_none() {
    assert!(rules("").run_examples(EXAMPLE_INDEX_DATE).is_empty());
}
