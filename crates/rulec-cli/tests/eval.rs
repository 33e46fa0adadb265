//! `rulec eval` and `rulec explain` as a user runs them: verdicts on
//! stdout, data errors and the funnel on stderr, exit codes.
//!
//! Every command runs in the crate directory with a fixed index date, so
//! snapshots do not change with the day they run.

#![expect(clippy::panic, reason = "test helpers fail the test on a broken setup")]

use std::process::{Command, Output};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

/// The seed trial and its generated patients.
const SEED: &str = "../../examples/nct03473496.rules";
const SEED_PATIENTS: &str = "../../examples/patients/nct03473496.jsonl";

const SMALL: &str = "tests/inputs/eval/small.rules";
const INDEX: &str = "2026-01-15";

/// `rulec` with the given arguments, run from the crate directory.
fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    command
}

/// `rulec eval RULES --records RECORDS --index-date INDEX` and more.
fn eval(rules: &str, records: &str, more: &[&str]) -> Command {
    let mut command = rulec(&["eval", rules, "--records", records, "--index-date", INDEX]);
    command.args(more);
    command
}

/// A file of `tests/inputs/eval`, opened to be fed on stdin.
fn input(name: &str) -> std::fs::File {
    let path = format!("{}/tests/inputs/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::File::open(&path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"))
}

fn run(mut command: Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run rulec: {e}"))
}

#[test]
fn eval_table_names_why_each_record_failed_and_lists_data_errors() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/small.jsonl", &[]));
}

#[test]
fn eval_json_is_the_verdict_format_with_positions() {
    assert_cmd_snapshot!(eval(
        SMALL,
        "tests/inputs/eval/small.jsonl",
        &["--format", "json"]
    ));
}

#[test]
fn eval_csv_has_a_column_per_criterion() {
    assert_cmd_snapshot!(eval(
        SMALL,
        "tests/inputs/eval/small.jsonl",
        &["--format", "csv"]
    ));
}

#[test]
fn eval_reads_csv_by_extension_with_units_in_the_header_and_ragged_rows() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/small.csv", &[]));
}

#[test]
fn eval_reads_a_json_array() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/array.json", &[]));
}

#[test]
fn eval_a_broken_json_array_keeps_the_records_before_and_fails() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/broken-array.json", &[]));
}

#[test]
fn eval_reports_a_file_cut_mid_record() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/truncated.jsonl", &[]));
}

#[test]
fn eval_reads_stdin_as_json_lines() {
    let mut command = eval(SMALL, "-", &["--format", "json"]);
    command.stdin(input("small.jsonl"));
    let output = run(command);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // Ten lines, one blank: nine records, each one verdict.
    assert_eq!(stdout.lines().count(), 9, "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("screened stdin"));
}

#[test]
fn eval_input_format_overrides_the_extension() {
    let mut command = eval(SMALL, "-", &["--input-format", "csv"]);
    command.stdin(input("small.csv"));
    let output = run(command);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(stdout.starts_with("c1 "), "{stdout}");
}

#[test]
fn eval_rules_that_do_not_check_exit_1_before_reading_records() {
    assert_cmd_snapshot!(eval(
        "tests/inputs/eval/bad.rules",
        "tests/inputs/eval/small.jsonl",
        &[]
    ));
}

#[test]
fn eval_missing_records_file_exits_2() {
    assert_cmd_snapshot!(eval(SMALL, "tests/inputs/eval/no-such-file.jsonl", &[]));
}

#[test]
fn eval_missing_rules_file_exits_2() {
    assert_cmd_snapshot!(eval(
        "tests/inputs/eval/no-such.rules",
        "tests/inputs/eval/small.jsonl",
        &[]
    ));
}

#[test]
fn eval_bad_index_date_is_a_usage_error() {
    let output = run(rulec(&[
        "eval",
        SMALL,
        "--records",
        "tests/inputs/eval/small.jsonl",
        "--index-date",
        "2026-02-30",
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--index-date"));
}

#[test]
fn eval_output_file_is_written_whole_and_only_on_success() {
    let dir = std::env::temp_dir().join(format!("rulec-eval-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("verdicts.jsonl");
    let target_arg = target.to_str().unwrap();

    let output = run(eval(
        SMALL,
        "tests/inputs/eval/small.jsonl",
        &["--format", "json", "--output", target_arg],
    ));
    assert!(output.status.success());
    assert!(output.stdout.is_empty(), "verdicts go to the file only");
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 9);

    // A run that fails part way leaves the earlier file untouched and no
    // temporary file behind.
    let output = run(eval(
        SMALL,
        "tests/inputs/eval/broken-array.json",
        &["--format", "json", "--output", target_arg],
    ));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, 1, "a temporary file was left in {}", dir.display());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_seed_patients_json_and_funnel() {
    assert_cmd_snapshot!(eval(SEED, SEED_PATIENTS, &["--format", "json"]));
}

#[test]
fn eval_seed_patients_gives_one_verdict_per_record_in_input_order() {
    let input = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/patients/nct03473496.jsonl"
    ))
    .unwrap();
    let records: Vec<usize> = input
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, _)| n + 1)
        .collect();
    assert!(records.len() >= 200, "{} seed patients", records.len());
    let output = run(eval(SEED, SEED_PATIENTS, &["--format", "json"]));
    assert!(output.status.success());
    let positions: Vec<usize> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            usize::try_from(value["position"].as_u64().unwrap()).unwrap()
        })
        .collect();
    assert_eq!(positions, records);
}

#[test]
fn eval_output_is_byte_identical_across_thread_counts() {
    let outputs: Vec<Output> = ["1", "2", "4"]
        .iter()
        .map(|jobs| {
            run(eval(
                SEED,
                SEED_PATIENTS,
                &["--format", "json", "--jobs", jobs],
            ))
        })
        .collect();
    for output in &outputs {
        assert!(output.status.success());
    }
    for pair in outputs.windows(2) {
        assert!(pair[0].stdout == pair[1].stdout, "stdout differs");
        assert!(pair[0].stderr == pair[1].stderr, "stderr differs");
    }
}

#[test]
fn explain_one_record_by_id() {
    assert_cmd_snapshot!(rulec(&[
        "explain",
        SMALL,
        "--records",
        "tests/inputs/eval/small.jsonl",
        "--index-date",
        INDEX,
        "--id",
        "bad-unit"
    ]));
}

#[test]
fn explain_every_record() {
    assert_cmd_snapshot!(rulec(&[
        "explain",
        SMALL,
        "--records",
        "tests/inputs/eval/small.jsonl",
        "--index-date",
        INDEX,
    ]));
}

#[test]
fn explain_json_carries_the_explanations() {
    assert_cmd_snapshot!(rulec(&[
        "explain",
        SMALL,
        "--records",
        "tests/inputs/eval/array.json",
        "--index-date",
        INDEX,
        "--format",
        "json"
    ]));
}

#[test]
fn explain_an_id_no_record_has_exits_2() {
    assert_cmd_snapshot!(rulec(&[
        "explain",
        SMALL,
        "--records",
        "tests/inputs/eval/small.jsonl",
        "--index-date",
        INDEX,
        "--id",
        "nobody"
    ]));
}

#[test]
fn explain_rules_that_do_not_check_exit_1() {
    assert_cmd_snapshot!(rulec(&[
        "explain",
        "tests/inputs/eval/bad.rules",
        "--records",
        "tests/inputs/eval/small.jsonl",
    ]));
}

/// A date of birth after the index date and a negative haemoglobin are
/// data errors: neither decides the verdict, and both are listed.
#[test]
fn eval_and_explain_refuse_impossible_values() {
    let records = "tests/inputs/eval/impossible.jsonl";
    let output = run(eval(SMALL, records, &["--format", "json"]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let statuses: Vec<&str> = lines
        .iter()
        .map(|v| v["status"].as_str().unwrap_or_default())
        .collect();
    // Read as data, the unborn patient's age and the negative haemoglobin
    // would each have ruled the patient out.
    assert_eq!(statuses, ["undetermined", "ineligible", "undetermined"]);
    assert_eq!(
        lines[0]["errors"],
        serde_json::json!([{
            "field": "birth_date",
            "reason": "the date of birth 2027-03-01 is after the index date 2026-01-15",
        }])
    );
    assert_eq!(lines[0]["missing"], serde_json::json!(["birth_date"]));
    assert_eq!(lines[1]["errors"], serde_json::json!([]));
    assert_eq!(
        lines[2]["errors"][0]["reason"],
        "-92 g/L is negative, and a value in `g/L` (mass concentration) cannot be"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("field `birth_date`: the date of birth 2027-03-01 is after"),
        "{stderr}"
    );

    let explained = run(rulec(&[
        "explain",
        SMALL,
        "--records",
        records,
        "--index-date",
        INDEX,
        "--id",
        "unborn",
        "--format",
        "json",
    ]));
    let verdict: serde_json::Value = serde_json::from_slice(&explained.stdout)
        .unwrap_or_else(|e| panic!("{e}: {:?}", explained.stdout));
    assert_eq!(verdict["status"], "undetermined");
    assert_eq!(verdict["errors"][0]["field"], "birth_date");
    assert_eq!(
        verdict["criteria"][0]["explanation"],
        "birth_date is missing (for age): unknown"
    );
}
