//! `rulec test`: the examples of rule files run, a pass/fail table on
//! stdout, failures and the summary on stderr, and the exit status.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

/// `rulec` with the given arguments, run from the crate directory.
fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    command
}

#[test]
fn test_passing_examples_exit_0_with_a_row_each() {
    assert_cmd_snapshot!(rulec(&["test", "tests/inputs/test/passing.rules"]));
}

#[test]
fn test_a_failing_example_exits_1_with_its_row_and_where_it_is() {
    assert_cmd_snapshot!(rulec(&[
        "test",
        "tests/inputs/test/passing.rules",
        "tests/inputs/test/failing.rules"
    ]));
}

#[test]
fn test_a_file_that_does_not_check_exits_1_with_its_diagnostics() {
    assert_cmd_snapshot!(rulec(&[
        "test",
        "tests/inputs/test/errors.rules",
        "tests/inputs/test/passing.rules"
    ]));
}

#[test]
fn check_reports_the_errors_of_examples() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/test/errors.rules"]));
}

#[test]
fn test_a_value_a_record_could_not_hold_fails_the_example() {
    assert_cmd_snapshot!(rulec(&["test", "tests/inputs/test/impossible.rules"]));
}

#[test]
fn test_a_file_without_examples_says_so() {
    assert_cmd_snapshot!(rulec(&["test", "tests/inputs/bom.rules"]));
}

#[test]
fn test_index_date_moves_dates_written_out_but_not_an_example_at_its_own_date() {
    // On the default index date, 2026-01-15, the dose is two weeks old.
    let default = rulec(&["test", "tests/inputs/test/dated.rules"])
        .output()
        .expect("rulec runs");
    assert!(default.status.success(), "{default:?}");
    assert_cmd_snapshot!(rulec(&[
        "test",
        "--index-date",
        "2026-06-01",
        "tests/inputs/test/dated.rules"
    ]));
}

#[test]
fn test_json_is_one_object_per_example() {
    assert_cmd_snapshot!(rulec(&[
        "test",
        "--format",
        "json",
        "tests/inputs/test/failing.rules"
    ]));
}

#[test]
fn test_a_missing_file_exits_2() {
    assert_cmd_snapshot!(rulec(&[
        "test",
        "tests/inputs/test/no-such-file.rules",
        "tests/inputs/test/passing.rules"
    ]));
}

/// The examples of every rule file in `examples/` pass through the binary
/// as they do through the library.
#[test]
fn test_passes_every_example_of_the_repository() {
    let mut files: Vec<String> = std::fs::read_dir("../../examples")
        .expect("examples/ is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rules"))
        .map(|path| {
            format!(
                "../../examples/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    let args: Vec<&str> = std::iter::once("test")
        .chain(files.iter().map(String::as_str))
        .collect();
    let output = rulec(&args).output().expect("rulec runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let rows = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(rows >= 3 * files.len(), "{stdout}");
    assert!(!stdout.contains("FAILED"), "{stdout}");
    assert!(stderr.contains(" 0 failed"), "{stderr}");
}
