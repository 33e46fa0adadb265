//! Explanations never read as the opposite of their outcome: one small
//! rule file and record per case, the explanation snapshotted beside the
//! rule, the record and the outcome (`snapshots/explain_wording__*.snap`).
//!
//! Never accept a snapshot without reading it: the rule and the record
//! are in it, and the explanation must say why that outcome follows.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::{Date, date};
use rulec::check::{NoImports, check};
use rulec::compile::compile;
use rulec::eval::{evaluate, explain};
use rulec::records::from_json_str;
use rulec::syntax::parse;

const INDEX: Date = date(2026, 11, 24);

/// The first criterion of `rules` for `record`: the rule, the record, the
/// outcome and the explanation, after checking that the explaining path,
/// the reference evaluator and the compiled closures agree.
fn explained(rules: &str, record: &str) -> String {
    let checked = check(&parse(rules).unwrap(), &NoImports);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let program = checked.program.unwrap();
    let read = from_json_str(&program, record, 1);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let explained = explain(&program, &read.record, INDEX);
    let verdict = evaluate(&program, &read.record, INDEX);
    assert_eq!(explained.verdict, verdict);
    assert_eq!(
        compile(&program).evaluate(&read.record, INDEX).unwrap(),
        verdict
    );
    let criterion = program.criteria.first().unwrap();
    let outcome = explained.verdict.criteria().next().unwrap().outcome;
    let rule = rules.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    format!(
        "rules:   {rule}\nrecord:  {record}\n{}: {}\n{}\n",
        criterion.id,
        outcome.as_str(),
        explained.explanations.first().unwrap()
    )
}

/// A failed `or` lists every alternative as a failure; `not X` where X
/// holds says so, and that the negation fails.
#[test]
fn a_failed_or_reads_as_neither_nor() {
    insta::assert_snapshot!(explained(
        "fields { hiv_positive: bool, cd4: 10*9/L }
         inclusion { immune: not hiv_positive or cd4 >= 0.25 10*9/L }",
        r#"{"hiv_positive": true, "cd4": 0.2}"#,
    ));
}

#[test]
fn a_failed_or_of_three_reads_as_none_of_them() {
    insta::assert_snapshot!(explained(
        "fields { a: bool, b: bool, hb: g/L }
         inclusion { c: a or b or hb > 100 g/L }",
        r#"{"a": false, "b": false, "hb": 92}"#,
    ));
}

#[test]
fn a_failed_any_of_group_reads_as_neither_nor() {
    insta::assert_snapshot!(explained(
        "fields { mrd_positive: bool, relapsed: bool }
         inclusion { disease: any of (mrd_positive, not relapsed) }",
        r#"{"mrd_positive": false, "relapsed": true}"#,
    ));
}

/// `not (…)` of a compound: the compound's explanation, then what it
/// does to the negation, failed or met.
#[test]
fn a_negated_compound_says_what_it_does_to_the_negation() {
    let rules = "fields { pregnant: bool, lactating: bool }
         inclusion { c: not (pregnant or lactating) }";
    insta::assert_snapshot!(
        "negated_or_fails",
        explained(rules, r#"{"pregnant": false, "lactating": true}"#)
    );
    insta::assert_snapshot!(
        "negated_or_holds",
        explained(rules, r#"{"pregnant": false, "lactating": false}"#)
    );
}

/// A met `and` with a `not` part, and an unknown `or` with a failed `not`
/// part: each part reads as what it contributes.
#[test]
fn met_and_unknown_combinations_with_not() {
    insta::assert_snapshot!(
        "met_and_with_not",
        explained(
            "fields { consent: bool, ecg_abnormal: bool }
             inclusion { c: consent and not ecg_abnormal }",
            r#"{"consent": true, "ecg_abnormal": false}"#,
        )
    );
    insta::assert_snapshot!(
        "unknown_or_with_failed_not",
        explained(
            "fields { hiv_positive: bool, cd4: 10*9/L }
             inclusion { immune: not hiv_positive or cd4 >= 0.25 10*9/L }",
            r#"{"hiv_positive": true}"#,
        )
    );
}

/// `no L where …` not met names the element that meets the condition,
/// with its values, as a failure.
#[test]
fn a_failed_no_names_the_counter_example() {
    let rules = "fields { infections: list of { date: date, kind: one of { fungal, viral }, resolved: bool } }
         inclusion { no_fungal: no infections where kind = fungal and not resolved }";
    insta::assert_snapshot!(
        "no_one_counter_example",
        explained(
            rules,
            r#"{"infections": [{"date": "2025-01-01", "kind": "viral", "resolved": true}, {"date": "2025-12-01", "kind": "fungal", "resolved": false}]}"#,
        )
    );
    insta::assert_snapshot!(
        "no_two_counter_examples",
        explained(
            rules,
            r#"{"infections": [{"date": "2025-01-01", "kind": "fungal", "resolved": false}, {"date": "2025-12-01", "kind": "fungal", "resolved": false}]}"#,
        )
    );
}

/// A bare factor keeps the unit of what it multiplies.
#[test]
fn values_keep_their_units_through_arithmetic() {
    insta::assert_snapshot!(explained(
        "fields { half_life: h }
         inclusion { washout: 5 * half_life < 72 h }",
        r#"{"half_life": 10}"#,
    ));
}

/// A quotient of like quantities is a bare number, not `2.5 1`; the
/// threshold written in `%` is shown as written, the value in `%` beside.
#[test]
fn dimensionless_values_print_without_a_unit() {
    insta::assert_snapshot!(explained(
        "fields { albumin: mg/L, creatinine: mg/L }
         inclusion { ratio: albumin / creatinine < 30 % }",
        r#"{"albumin": 10, "creatinine": 4}"#,
    ));
}

/// A threshold in another unit than the field's is shown as written, and
/// the value converted into it beside the value in the field's unit.
#[test]
fn a_threshold_in_another_unit_is_shown_in_both() {
    let rules = "fields { bilirubin: umol/L, molar mass 584.66 g/mol }
         inclusion { hepatic: bilirubin <= 2.0 mg/dL }";
    insta::assert_snapshot!(
        "bilirubin_not_met",
        explained(rules, r#"{"bilirubin": 40}"#)
    );
    insta::assert_snapshot!("bilirubin_met", explained(rules, r#"{"bilirubin": 30}"#));
    insta::assert_snapshot!(
        "temperature_in_fahrenheit",
        explained(
            "fields { body_temperature: Cel }
             exclusion { fever: body_temperature >= 100.4 [degF] }",
            r#"{"body_temperature": 37.2}"#,
        )
    );
}

/// `define bmi in kg/m2`: with height in cm the value is computed in
/// kg/cm2, and shown in the unit the define declares.
#[test]
fn a_define_is_shown_in_its_declared_unit() {
    insta::assert_snapshot!(explained(
        "fields { weight: kg, height: cm }
         define bmi in kg/m2: weight / (height * height)
         inclusion { lean: bmi < 30 kg/m2 }",
        r#"{"weight": 98, "height": 170}"#,
    ));
}
