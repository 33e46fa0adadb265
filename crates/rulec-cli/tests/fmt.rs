//! `rulec fmt` as a user runs it: in place, `--check` with a diff, files
//! that do not parse or cannot be read.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

/// `rulec` with the given arguments, run from the crate directory.
fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    command
}

#[test]
fn fmt_check_passes_a_formatted_file_silently() {
    assert_cmd_snapshot!(rulec(&["fmt", "--check", "tests/inputs/fmt/tidy.rules"]));
}

#[test]
fn fmt_check_shows_a_diff_and_fails_for_an_unformatted_file() {
    assert_cmd_snapshot!(rulec(&[
        "fmt",
        "--check",
        "tests/inputs/fmt/tidy.rules",
        "tests/inputs/fmt/messy.rules"
    ]));
}

#[test]
fn fmt_check_passes_every_example() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut files: Vec<String> = std::fs::read_dir(examples)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    let output = rulec(&args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run rulec: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn fmt_rewrites_in_place_and_then_has_nothing_to_do() {
    let dir = std::env::temp_dir().join(format!("rulec-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("messy.rules");
    let messy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/inputs/fmt/messy.rules"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, messy).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();

    let output = rulec(&["fmt", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("formatted {path}\n")
    );
    let tidy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/inputs/fmt/tidy.rules"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}")),
        tidy
    );

    // Formatted already: nothing is written, nothing is said.
    let output = rulec(&["fmt", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success());
    assert!(output.stderr.is_empty());
    // Only the file itself is left: no temporary file beside it.
    assert_eq!(std::fs::read_dir(&dir).map(Iterator::count).unwrap_or(0), 1);
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn fmt_leaves_a_file_that_does_not_parse_and_reports_it() {
    assert_cmd_snapshot!(rulec(&[
        "fmt",
        "--check",
        "tests/inputs/fmt/broken.rules",
        "tests/inputs/fmt/tidy.rules"
    ]));
}

#[test]
fn fmt_missing_file_exits_2() {
    assert_cmd_snapshot!(rulec(&["fmt", "tests/inputs/fmt/no-such.rules"]));
}

/// A byte order mark is the file's, not the layout's: `--check` does not
/// count it, and a rewrite keeps it (as the language server's formatting
/// does).
#[test]
fn fmt_keeps_a_byte_order_mark() {
    let dir = std::env::temp_dir().join(format!("rulec-fmt-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let inputs = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inputs/fmt/");
    let read = |name: &str| {
        std::fs::read_to_string(format!("{inputs}{name}")).unwrap_or_else(|e| panic!("{e}"))
    };
    let file = dir.join("messy.rules");
    std::fs::write(&file, format!("\u{feff}{}", read("messy.rules")))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let output = rulec(&["fmt", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}")),
        format!("\u{feff}{}", read("tidy.rules"))
    );
    let output = rulec(&["fmt", "--check", &path])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "{output:?}");
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
}
