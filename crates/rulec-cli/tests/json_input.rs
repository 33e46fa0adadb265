//! `rulec eval` and `rulec explain` on JSON inputs that readers used to
//! mishandle: a byte order mark, UTF-16, a JSON array on stdin, number ids
//! beyond an `f64`, array elements that are not JSON or too long.

#![expect(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test on a broken setup"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use insta_cmd::get_cargo_bin;

const SMALL: &str = "tests/inputs/eval/small.rules";

/// `rulec eval SMALL` (or `explain`) with `args`, `stdin` fed to it.
fn rulec(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join(SMALL);
    let mut command = Command::new(get_cargo_bin("rulec"));
    command
        .current_dir(dir)
        .arg(args[0])
        .arg(rules)
        .args(&args[1..])
        .args(["--index-date", "2026-01-15"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run rulec: {e}"));
    let mut input = child.stdin.take().unwrap();
    // rulec may stop reading early (UTF-16): a broken pipe is no failure.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The verdicts of a run that must succeed, from `--format json`.
fn verdicts(output: &Output) -> Vec<serde_json::Value> {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const LINES: &str = "{\"id\": \"p1\", \"hemoglobin\": 90}\n{\"id\": \"p2\", \"hemoglobin\": 70}";
const ARRAY: &str = "[\n  {\"id\": \"p1\", \"hemoglobin\": 90},\n  {\"hemoglobin\": 70}\n]";

/// A UTF-8 byte order mark, as some editors and Windows tools write, is
/// skipped at the start of JSON Lines and of a JSON array, in a file or
/// on stdin: it spoiled the first record, failed an array, and a single
/// line piped without a line break was said to be cut short.
#[test]
fn a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let with_bom = |text: &str| [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    std::fs::write(dir.path().join("bom.jsonl"), with_bom(LINES)).unwrap();
    std::fs::write(dir.path().join("bom.json"), with_bom(ARRAY)).unwrap();
    for records in ["bom.jsonl", "bom.json"] {
        let output = rulec(
            dir.path(),
            &["eval", "--records", records, "--format", "json"],
            b"",
        );
        let verdicts = verdicts(&output);
        assert_eq!(verdicts.len(), 2, "{records}");
        assert_eq!(verdicts[0]["id"], "p1", "{records}");
        assert_eq!(verdicts[0]["errors"], serde_json::json!([]), "{records}");
    }
    let line = with_bom(r#"{"id": "p1", "hemoglobin": 90}"#);
    let output = rulec(
        dir.path(),
        &["eval", "--records", "-", "--format", "json"],
        &line,
    );
    let verdicts = verdicts(&output);
    assert_eq!(verdicts[0]["errors"], serde_json::json!([]));
    assert!(
        !stderr(&output).contains("cut short"),
        "{}",
        stderr(&output)
    );
}

/// UTF-16 (with either byte order mark, or without one) is refused with
/// one error and exit 2, not read as junk records.
#[test]
fn utf16_input_is_refused_with_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = |big_endian: bool, bom: bool| {
        let mut bytes = Vec::new();
        let units = (if bom { "\u{feff}" } else { "" }).to_owned() + LINES;
        for unit in units.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    };
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let text = utf16(big_endian, bom);
        std::fs::write(dir.path().join("utf16.jsonl"), &text).unwrap();
        std::fs::write(dir.path().join("utf16.csv"), &text).unwrap();
        for records in ["utf16.jsonl", "utf16.csv", "-"] {
            let output = rulec(dir.path(), &["eval", "--records", records], &text);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{records}: {err}");
            assert!(output.stdout.is_empty(), "{records}");
            let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
            assert_eq!(errors.len(), 1, "{records}: {err}");
            assert!(errors[0].contains("UTF-16"), "{records}: {err}");
            assert!(errors[0].contains("save it as UTF-8"), "{records}: {err}");
            assert!(!err.contains("data error"), "{records}: {err}");
        }
    }
}

/// A JSON array piped on stdin, where JSON Lines is only guessed, is read
/// as the array it is — records named by their element — instead of line
/// by line into junk said to be cut short. `--input-format jsonl` still
/// reads it as JSON Lines.
#[test]
fn a_json_array_on_stdin_is_read_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let output = rulec(dir.path(), &["eval", "--records", "-"], ARRAY.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(
        table.lines().nth(1).unwrap().starts_with("(element 2)"),
        "{table}"
    );
    assert!(
        !stderr(&output).contains("cut short"),
        "{}",
        stderr(&output)
    );
    let output = rulec(
        dir.path(),
        &["eval", "--records", "-", "--format", "json"],
        format!("\n\n{ARRAY}").as_bytes(),
    );
    assert_eq!(verdicts(&output).len(), 2);
    let output = rulec(
        dir.path(),
        &[
            "eval",
            "--records",
            "-",
            "--input-format",
            "jsonl",
            "--format",
            "json",
        ],
        ARRAY.as_bytes(),
    );
    assert_eq!(verdicts(&output).len(), 4);
}

/// A number id is kept exactly as written, in a line or an array element,
/// and `explain --id` finds it by that text.
#[test]
fn number_ids_are_kept_as_written_and_found_by_explain() {
    let dir = tempfile::tempdir().unwrap();
    let lines =
        "{\"id\": 12345678901234567890123}\n{\"id\": 12345678901234567890124}\n{\"id\": 1e2}\n";
    let array =
        "[{\"id\": 12345678901234567890123}, {\"id\": 12345678901234567890124}, {\"id\": 1e2}]";
    std::fs::write(dir.path().join("ids.jsonl"), lines).unwrap();
    std::fs::write(dir.path().join("ids.json"), array).unwrap();
    for records in ["ids.jsonl", "ids.json"] {
        let output = rulec(
            dir.path(),
            &["eval", "--records", records, "--format", "json"],
            b"",
        );
        let ids: Vec<serde_json::Value> =
            verdicts(&output).iter().map(|v| v["id"].clone()).collect();
        assert_eq!(
            ids,
            ["12345678901234567890123", "12345678901234567890124", "1e2"],
            "{records}"
        );
        for (id, position) in [("12345678901234567890124", 2), ("1e2", 3)] {
            let output = rulec(
                dir.path(),
                &[
                    "explain",
                    "--records",
                    records,
                    "--id",
                    id,
                    "--format",
                    "json",
                ],
                b"",
            );
            let found = verdicts(&output);
            assert_eq!(found.len(), 1, "{records} {id}");
            assert_eq!(found[0]["position"], position, "{records} {id}");
        }
    }
}

/// An array element that is not JSON is a data error for that record, and
/// the records after it are read: the array's brackets still show where
/// each element ends.
#[test]
fn an_array_element_that_is_not_json_is_a_data_error_for_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "[\n {\"id\": \"a1\", \"hemoglobin\": 92},\n {\"id\": \"a2\",\n  \"hemoglobin\": },\n {\"id\": \"a3\", \"hemoglobin\": 70}\n]\n",
    )
    .unwrap();
    let output = rulec(
        dir.path(),
        &["eval", "--records", "bad.json", "--format", "json"],
        b"",
    );
    let verdicts = verdicts(&output);
    assert_eq!(verdicts.len(), 3);
    assert_eq!(verdicts[0]["id"], "a1");
    assert_eq!(verdicts[2]["id"], "a3");
    assert_eq!(verdicts[1]["position"], 2);
    let reason = verdicts[1]["errors"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("not valid JSON: expected value at line 2"),
        "{reason}"
    );
    assert!(
        reason.ends_with("(the element starts at line 3)"),
        "{reason}"
    );
}

/// An array element longer than the limit (64 MiB) is one unreadable
/// record, scanned past without being held; the elements around it are
/// screened.
#[test]
fn an_overlong_array_element_is_one_unreadable_record() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("long.json");
    let mut file = std::fs::File::create(&records).unwrap();
    file.write_all(b"[{\"id\": \"before\", \"hemoglobin\": 90},\n{\"id\": \"long\", \"note\": [\"")
        .unwrap();
    // Brackets and commas inside a string do not end the element.
    let chunk = b"x],{[\\\"".repeat((1 << 20) / 7);
    for _ in 0..70 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\"]},\n{\"id\": \"after\", \"hemoglobin\": 90}]\n")
        .unwrap();
    drop(file);
    let output = rulec(
        dir.path(),
        &["eval", "--records", "long.json", "--format", "json"],
        b"",
    );
    let verdicts = verdicts(&output);
    assert_eq!(verdicts.len(), 3);
    assert_eq!(verdicts[0]["id"], "before");
    assert_eq!(verdicts[2]["id"], "after");
    assert_eq!(verdicts[2]["position"], 3);
    let reason = verdicts[1]["errors"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("longer than 64 MiB"), "{reason}");
}
