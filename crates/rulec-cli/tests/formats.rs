//! What `rulec eval` and `rulec explain` show: text for a terminal that
//! records and rule files cannot forge or rewrite, CSV that a spreadsheet
//! shows rather than runs, the index date in machine output, and the
//! worker threads `--jobs` may start.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test on a broken setup"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

const INDEX: &str = "2026-01-15";

fn small_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/eval/small.rules")
}

fn small_records() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/eval/small.jsonl")
}

fn rulec(command: &str, rules: &Path, records: &Path, more: &[&str]) -> Output {
    Command::new(get_cargo_bin("rulec"))
        .arg(command)
        .arg(rules)
        .arg("--records")
        .arg(records)
        .args(["--index-date", INDEX])
        .args(more)
        .output()
        .expect("cannot run rulec")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `text` has a character a terminal would act on or reorder
/// (line breaks aside).
fn has_raw_controls(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
    })
}

/// Records whose ids and values carry line breaks, escape sequences and
/// bidi overrides, written to `dir`.
fn hostile_records(dir: &Path) -> PathBuf {
    let path = dir.join("hostile.jsonl");
    let lines = [
        // A line break then what looks like another verdict line.
        r#"{"id": "p1\np2                   eligible", "birth_date": "1970-01-01", "hemoglobin": 70, "creatinine": {"value": 80, "low": 45, "high": 90}, "sex": "male"}"#,
        // An escape sequence that would clear the screen, a title-setting
        // one in a value that becomes a data error.
        r#"{"id": "\u001b[2Jclear", "birth_date": "1970-01-01", "hemoglobin": "\u001b]0;owned\u0007 90 g/L", "sex": "male"}"#,
        // A right-to-left override and a C1 control.
        r#"{"id": "abc\u202edcb\u0085", "birth_date": "1970-01-01", "hemoglobin": 90, "sex": "male"}"#,
    ];
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_line_break_in_an_id_cannot_forge_a_table_line() {
    let dir = tempfile::tempdir().unwrap();
    let records = hostile_records(dir.path());
    let output = rulec("eval", &small_rules(), &records, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("p1\\np2 "), "{stdout}");
    assert!(lines[0].contains("ineligible"), "{stdout}");
    assert!(!lines.iter().any(|l| l.starts_with("p2")), "{stdout}");
    assert!(lines[1].starts_with("\\u{1b}[2Jclear "), "{stdout}");
    assert!(lines[2].starts_with("abc\\u{202e}dcb\\u{85} "), "{stdout}");
    assert!(!has_raw_controls(&stdout), "{stdout:?}");
    let stderr = text(&output.stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}]0;owned\\u{7}"), "{stderr}");
}

#[test]
fn explanations_escape_what_records_hold() {
    let dir = tempfile::tempdir().unwrap();
    let records = hostile_records(dir.path());
    let output = rulec("explain", &small_rules(), &records, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(!has_raw_controls(&stdout), "{stdout:?}");
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("── ")).collect();
    assert_eq!(headers.len(), 3, "{stdout}");
    assert!(headers[0].starts_with("── p1\\np2 "), "{stdout}");
    assert!(stdout.contains("data error: hemoglobin: "), "{stdout}");
    // JSON keeps the text exact.
    let output = rulec("explain", &small_rules(), &records, &["--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(text(&output.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "p1\np2                   eligible");
}

#[test]
fn file_names_are_escaped_in_the_summary_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("trial\n\u{1b}[31m.rules");
    fs::copy(small_rules(), &rules).unwrap();
    let records = dir.path().join("records\n.jsonl");
    fs::copy(small_records(), &records).unwrap();
    let output = rulec("eval", &rules, &records, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    assert!(stderr.contains("trial\\n\\u{1b}[31m.rules"), "{stderr}");
    assert!(stderr.contains("records\\n.jsonl line 5"), "{stderr}");
}

/// Cells in CSV output, row by row.
fn csv_cells(stdout: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(stdout)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_defused() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("ids.jsonl");
    let ids = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok-1", "a=b"];
    let lines: Vec<String> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "hemoglobin": 90}).to_string())
        .collect();
    fs::write(&records, lines.join("\n") + "\n").unwrap();

    let output = rulec("eval", &small_rules(), &records, &["--format", "csv"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let first: Vec<String> = csv_cells(&output.stdout)
        .iter()
        .skip(1)
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(
        first,
        [
            "'=1+1",
            "'+1",
            "'-1",
            "'@SUM(A1)",
            "'\tx",
            "'\rx",
            "ok-1",
            "a=b"
        ]
    );

    let output = rulec(
        "eval",
        &small_rules(),
        &records,
        &["--format", "csv", "--csv-raw"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let raw: Vec<String> = csv_cells(&output.stdout)
        .iter()
        .skip(1)
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(raw, ids);
}

#[test]
fn json_and_csv_verdicts_carry_the_index_date() {
    let output = rulec(
        "eval",
        &small_rules(),
        &small_records(),
        &["--format", "json"],
    );
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 9);
    for line in stdout.lines() {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(verdict["index_date"], INDEX, "{line}");
    }

    let output = rulec(
        "explain",
        &small_rules(),
        &small_records(),
        &["--format", "json"],
    );
    for line in text(&output.stdout).lines() {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(verdict["index_date"], INDEX, "{line}");
    }

    let output = rulec(
        "eval",
        &small_rules(),
        &small_records(),
        &["--format", "csv"],
    );
    let rows = csv_cells(&output.stdout);
    assert_eq!(rows[0].last().map(String::as_str), Some("index_date"));
    assert_eq!(rows.len(), 10);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.last().map(String::as_str) == Some(INDEX))
    );
}

#[test]
fn jobs_beyond_four_per_core_are_capped_with_a_note() {
    let output = rulec(
        "eval",
        &small_rules(),
        &small_records(),
        &["--format", "json", "--jobs", "4096"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 9);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("note: using "), "{stderr}");
    assert!(stderr.contains("worker threads, not 4096"), "{stderr}");

    let output = rulec("eval", &small_rules(), &small_records(), &["--jobs", "1"]);
    assert!(!text(&output.stderr).contains("note: using"));
}
