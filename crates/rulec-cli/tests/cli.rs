//! The `rulec` binary as a user runs it: exit code, stdout and stderr.
//!
//! Every command runs in the crate directory, so the paths in snapshots are
//! the relative paths given on the command line.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

/// The seed trial: a rule file that must always check clean.
const SEED: &str = "../../examples/nct03473496.rules";

/// `rulec` with the given arguments, run from the crate directory.
fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    command
}

#[test]
fn check_seed_example_is_clean() {
    assert_cmd_snapshot!(rulec(&["check", SEED]));
}

#[test]
fn check_shows_where_a_syntax_error_is_and_what_was_expected() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/bad.rules"]));
}

#[test]
fn check_points_after_the_last_token_when_the_file_ends_too_soon() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/unclosed.rules"]));
}

#[test]
fn check_accepts_a_byte_order_mark() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/bom.rules"]));
}

#[test]
fn check_reports_every_file() {
    assert_cmd_snapshot!(rulec(&["check", SEED, "tests/inputs/bad.rules"]));
}

#[test]
fn check_json_lists_the_error_on_stdout() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "tests/inputs/bad.rules"
    ]));
}

#[test]
fn check_json_is_an_empty_array_for_a_clean_file() {
    assert_cmd_snapshot!(rulec(&["check", "--format", "json", SEED]));
}

#[test]
fn check_json_puts_every_file_in_one_array() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "tests/inputs/bad.rules",
        SEED,
        "tests/inputs/unclosed.rules",
    ]));
}

#[test]
fn check_missing_file_is_one_line_and_the_others_are_still_checked() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "tests/inputs/no-such-file.rules",
        "tests/inputs/bad.rules",
    ]));
}

#[test]
fn check_json_reports_a_missing_file_on_stderr() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "tests/inputs/no-such-file.rules",
        SEED,
    ]));
}

#[test]
fn check_a_file_that_is_not_utf8_is_refused_with_its_location() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/latin1.rules"]));
}

#[test]
fn check_a_directory_is_refused() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs"]));
}

#[test]
fn check_reports_every_checker_error_in_one_run_in_source_order() {
    // Bare number, incommensurable units, unknown member, unknown name
    // with a suggestion: four errors, none hiding the others.
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/checker-errors.rules"]));
}

#[test]
fn check_warnings_alone_do_not_fail() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/warnings.rules"]));
}

#[test]
fn check_deny_warnings_makes_warnings_fail() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--deny",
        "warnings",
        "tests/inputs/warnings.rules"
    ]));
}

#[test]
fn check_deny_warnings_leaves_a_clean_file_clean() {
    assert_cmd_snapshot!(rulec(&["check", "-D", "warnings", SEED]));
}

#[test]
fn check_deny_accepts_only_warnings() {
    assert_cmd_snapshot!(rulec(&["check", "--deny", "errors", SEED]));
}

#[test]
fn check_json_lists_checker_errors_and_warnings() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "tests/inputs/warnings.rules",
        "tests/inputs/checker-errors.rules",
    ]));
}

#[test]
fn check_json_with_denied_warnings_keeps_their_severity_and_fails() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "--deny",
        "warnings",
        "tests/inputs/warnings.rules",
    ]));
}

#[test]
fn check_use_of_a_missing_file_names_it() {
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/imports-missing.rules"]));
}

#[test]
fn check_use_takes_fields_from_the_imported_file() {
    // Every field imports.rules uses is declared in common.rules.
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/imports.rules"]));
}

#[test]
fn check_use_takes_field_types_from_the_imported_file() {
    // The error names `g/L`, which only common.rules declares.
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/imports-typed.rules"]));
}

#[test]
fn check_an_error_in_an_imported_file_points_into_that_file() {
    // The snippet is of imported-bad-unit.rules, at `gg/L`; the `use` in
    // imports-bad-unit.rules follows.
    assert_cmd_snapshot!(rulec(&["check", "tests/inputs/imports-bad-unit.rules"]));
}

#[test]
fn check_json_names_the_imported_file_an_error_is_in() {
    assert_cmd_snapshot!(rulec(&[
        "check",
        "--format",
        "json",
        "tests/inputs/imports-bad-unit.rules"
    ]));
}

#[test]
fn check_use_is_relative_to_the_importing_file_not_the_working_directory() {
    let mut command = rulec(&["check", "inputs/imports.rules"]);
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
    assert_cmd_snapshot!(command);
}

#[test]
fn no_arguments_is_a_usage_error() {
    assert_cmd_snapshot!(rulec(&[]));
}

#[test]
fn check_without_files_is_a_usage_error() {
    assert_cmd_snapshot!(rulec(&["check"]));
}

#[test]
fn check_with_an_unknown_format_is_a_usage_error() {
    assert_cmd_snapshot!(rulec(&["check", "--format", "xml", SEED]));
}

#[test]
fn help() {
    assert_cmd_snapshot!(rulec(&["--help"]));
}

#[test]
fn check_help() {
    assert_cmd_snapshot!(rulec(&["check", "--help"]));
}
