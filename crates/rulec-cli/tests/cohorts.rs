//! `rulec eval` and `rulec explain` on a rule file with cohorts: each
//! cohort's status in the table, the JSON verdict, the CSV and the funnel,
//! and explanations grouped by cohort.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const RULES: &str = "tests/inputs/eval/cohorts.rules";
const RECORDS: &str = "tests/inputs/eval/cohorts.jsonl";
const INDEX: &str = "2026-01-15";

/// `rulec COMMAND RULES --records RECORDS --index-date INDEX` and more,
/// run from the crate directory.
fn rulec(command: &str, more: &[&str]) -> Command {
    let mut run = Command::new(get_cargo_bin("rulec"));
    run.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([command, RULES, "--records", RECORDS, "--index-date", INDEX])
        .args(more);
    run
}

#[test]
fn the_table_gives_each_cohort_status_and_the_funnel_counts_each_cohort() {
    assert_cmd_snapshot!(rulec("eval", &[]));
}

#[test]
fn json_verdicts_carry_a_cohorts_array_and_each_criterion_its_cohort() {
    assert_cmd_snapshot!(rulec("eval", &["--format", "json"]));
}

#[test]
fn csv_adds_a_status_column_per_cohort_at_the_end() {
    assert_cmd_snapshot!(rulec("eval", &["--format", "csv"]));
}

#[test]
fn explain_lists_the_cohorts_then_each_cohort_criteria_under_its_name() {
    assert_cmd_snapshot!(rulec("explain", &["--id", "c7"]));
}

/// The JSON of one record, read back: the documented keys and values.
#[test]
fn the_json_cohorts_are_the_verdict_cohorts() {
    let output = rulec("explain", &["--id", "c2", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run rulec: {e}"));
    let verdict: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {:?}", output.stdout));
    assert_eq!(verdict["status"], "eligible");
    let cohorts: Vec<(&str, &str)> = verdict["cohorts"]
        .as_array()
        .unwrap_or_else(|| panic!("no cohorts in {verdict}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        cohorts,
        [
            ("stage_1", "ineligible"),
            ("stage_2", "eligible"),
            ("renal", "ineligible")
        ]
    );
    assert_eq!(verdict["cohorts"][0]["ruled_out"][0], "ecog");
    assert_eq!(verdict["criteria"][2]["cohort"], "stage_1");
    assert!(verdict["criteria"][0].get("cohort").is_none());
    assert!(verdict["criteria"][2]["explanation"].is_string());
}
