//! `rulec` on hostile rule files: chains and names that used to crash it,
//! characters that make a file read differently from what it does, and
//! `fmt`, which must leave links, modes and read-only files as they are.

#![expect(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers fail the test on a broken setup"
)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

fn rulec(dir: &Path, args: &[&str]) -> Output {
    Command::new(get_cargo_bin("rulec"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run rulec: {e}"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh folder for one test, removed when the test ends.
fn folder(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("rulec-rules-{test}-"))
        .tempdir()
        .unwrap()
}

const RECORD: &str = "{\"id\": \"p1\", \"age\": 30}\n";

/// A chain of `n` defines, each naming the one before, written first to
/// last or last to first (the checker then meets the deep end first).
fn chain(n: usize, reversed: bool) -> String {
    let mut defines: Vec<String> = (1..n)
        .map(|i| format!("define a{i}: a{} and age < 99\n", i - 1))
        .collect();
    defines.insert(0, "define a0: age > 18\n".to_owned());
    if reversed {
        defines.reverse();
    }
    format!(
        "fields {{ age: integer }}\n{}inclusion {{ c: a{} }}\n",
        defines.concat(),
        n - 1
    )
}

#[test]
fn a_chain_of_twenty_thousand_defines_is_a_diagnostic_not_a_crash() {
    let tmp = folder("chain");
    let dir = tmp.path();
    std::fs::write(dir.join("r.jsonl"), RECORD).unwrap();
    for reversed in [false, true] {
        std::fs::write(dir.join("chain.rules"), chain(20_000, reversed)).unwrap();
        for args in [
            &["check", "chain.rules"][..],
            &["eval", "chain.rules", "--records", "r.jsonl"],
            &["explain", "chain.rules", "--records", "r.jsonl"],
        ] {
            let output = rulec(dir, args);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
            assert!(err.contains("rulec::check::too_deep"), "{err}");
            assert!(err.contains("a0"), "the chain is named: {err}");
        }
    }
}

#[test]
fn a_chain_within_the_limit_checks_evaluates_and_explains() {
    let tmp = folder("short-chain");
    let dir = tmp.path();
    std::fs::write(dir.join("r.jsonl"), RECORD).unwrap();
    // Each define is two levels (its `and` and the call): 128 are 256.
    std::fs::write(dir.join("chain.rules"), chain(128, true)).unwrap();
    for args in [
        &["check", "chain.rules"][..],
        &["eval", "chain.rules", "--records", "r.jsonl"],
        &["explain", "chain.rules", "--records", "r.jsonl"],
    ] {
        let output = rulec(dir, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_long_run_of_operators_is_a_diagnostic_not_a_crash() {
    let tmp = folder("run");
    let dir = tmp.path();
    let terms = vec!["age > 18"; 20_000].join(" and ");
    let sum = vec!["1"; 20_000].join(" + ");
    for (i, condition) in [terms, format!("age + {sum} > 3")].iter().enumerate() {
        let name = format!("run{i}.rules");
        std::fs::write(
            dir.join(&name),
            format!("fields {{ age: integer }}\ninclusion {{ c: {condition} }}\n"),
        )
        .unwrap();
        for args in [&["check", &name][..], &["fmt", "--check", &name]] {
            let output = rulec(dir, args);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
            assert!(err.contains("rulec::syntax::too_complex"), "{err}");
        }
    }
}

#[test]
fn long_names_are_refused_at_check_and_never_crash_fmt() {
    let tmp = folder("names");
    let dir = tmp.path();
    std::fs::write(dir.join("r.jsonl"), RECORD).unwrap();
    let long = format!(
        "fields {{\n  age: integer\n  f{}: bool\n}}\ninclusion {{\n  c{} \"label\": age > 3\n  d \"l\": age > 4\n}}\n",
        "x".repeat(65_535),
        "y".repeat(65_536)
    );
    std::fs::write(dir.join("long.rules"), &long).unwrap();
    let output = rulec(dir, &["check", "long.rules"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("rulec::check::name_too_long"), "{err}");
    assert!(err.contains("criterion id `cyyy"), "{err}");
    assert!(err.contains("field name `fxxx"), "{err}");
    for args in [
        &["eval", "long.rules", "--records", "r.jsonl"][..],
        &["explain", "long.rules", "--records", "r.jsonl"],
    ] {
        let output = rulec(dir, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
    }
    let output = rulec(dir, &["fmt", "--check", "long.rules"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    let output = rulec(dir, &["fmt", "long.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn bidi_and_invisible_characters_are_errors_with_their_code_points() {
    let tmp = folder("trojan");
    let dir = tmp.path();
    // Shown by an editor as `site = "lyon"  # x` on one line.
    let source = "fields { site: text }\ninclusion {\n  c: site = \"lyon\u{202e} \u{2066}# x\u{2069}\u{2066}\" # \u{200b}\n}\n";
    std::fs::write(dir.join("t.rules"), source).unwrap();
    let output = rulec(dir, &["check", "t.rules"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("rulec::syntax::invisible_character"), "{err}");
    assert!(
        err.contains("U+202E RIGHT-TO-LEFT OVERRIDE in a string"),
        "{err}"
    );
    assert!(err.contains("U+200B ZERO WIDTH SPACE at line 3"), "{err}");
    // The snippet shows them escaped, never raw.
    assert!(err.contains("\\u{202e}"), "{err}");
    assert!(
        !err.contains(['\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}']),
        "{err}"
    );
}

#[test]
fn a_cyrillic_letter_in_a_name_is_named_with_what_it_looks_like() {
    let tmp = folder("cyrillic");
    let dir = tmp.path();
    std::fs::write(
        dir.join("c.rules"),
        "fields { age: integer }\ninclusion { c: \u{430}ge > 18 }\n",
    )
    .unwrap();
    let output = rulec(dir, &["check", "c.rules"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("rulec::syntax::non_ascii_name"), "{err}");
    assert!(
        err.contains("U+0430 CYRILLIC SMALL LETTER A) is not an ASCII letter, but looks like `a`"),
        "{err}"
    );
}

#[test]
fn control_characters_from_a_rule_file_reach_the_terminal_escaped() {
    let tmp = folder("controls");
    let dir = tmp.path();
    // An escape sequence in a label (valid) and one where an operand
    // belongs (a syntax error, whose snippet quotes the line).
    std::fs::write(
        dir.join("bad.rules"),
        "fields { x: integer }\ninclusion { c \"\u{1b}[2J\": x > \u{1b}[31m }\n",
    )
    .unwrap();
    let output = rulec(dir, &["check", "bad.rules"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");

    std::fs::write(
        dir.join("messy.rules"),
        "fields { x: integer }\ninclusion {   c \"\u{1b}[2J\u{9b}\":   x > 1 } # a\rb\n",
    )
    .unwrap();
    let output = rulec(dir, &["fmt", "--check", "messy.rules"]);
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!out.contains(['\u{1b}', '\u{9b}', '\r']), "{out}");
    assert!(out.contains("\\u{1b}[2J\\u{9b}"), "{out}");
    assert!(out.contains("# a\\u{d}"), "{out}");
}

#[test]
fn fmt_refuses_an_oversized_file_as_check_does() {
    let tmp = folder("oversized");
    let dir = tmp.path();
    for args in [
        &["fmt", "--check", "/dev/zero"][..],
        &["fmt", "/dev/zero"],
        &["check", "/dev/zero"],
    ] {
        let output = rulec(dir, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot read `/dev/zero`: it is larger than 8 MiB"),
            "{args:?}: {err}"
        );
    }
}

const MESSY: &str = "fields {   x: integer }\ninclusion {   c:   x > 1 }\n";

/// Whether `path` holds `MESSY` formatted.
fn is_formatted(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap();
    text != MESSY && text.contains("  c: x > 1")
}

#[test]
fn fmt_writes_through_a_symlink_to_its_target() {
    let tmp = folder("symlink");
    let dir = tmp.path();
    std::fs::write(dir.join("real.rules"), MESSY).unwrap();
    std::os::unix::fs::symlink("real.rules", dir.join("link.rules")).unwrap();
    let output = rulec(dir, &["fmt", "link.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let link = std::fs::symlink_metadata(dir.join("link.rules")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert!(is_formatted(&dir.join("real.rules")));
}

#[test]
fn fmt_keeps_hard_links_and_the_mode() {
    let tmp = folder("hardlink");
    let dir = tmp.path();
    let file = dir.join("a.rules");
    std::fs::write(&file, MESSY).unwrap();
    std::fs::hard_link(&file, dir.join("b.rules")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let inode = std::fs::metadata(&file).unwrap().ino();
    let output = rulec(dir, &["fmt", "a.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let metadata = std::fs::metadata(&file).unwrap();
    assert_eq!(metadata.ino(), inode, "the same file, written in place");
    assert_eq!(metadata.nlink(), 2);
    assert_eq!(metadata.mode() & 0o7777, 0o640);
    assert!(is_formatted(&dir.join("b.rules")));

    // A file with one name is replaced whole, with its mode.
    let single = dir.join("single.rules");
    std::fs::write(&single, MESSY).unwrap();
    std::fs::set_permissions(&single, std::fs::Permissions::from_mode(0o604)).unwrap();
    let output = rulec(dir, &["fmt", "single.rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::metadata(&single).unwrap().mode() & 0o7777, 0o604);
    assert!(is_formatted(&single));
}

#[test]
fn fmt_refuses_a_read_only_file() {
    let tmp = folder("readonly");
    let dir = tmp.path();
    let file = dir.join("ro.rules");
    std::fs::write(&file, MESSY).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = rulec(dir, &["fmt", "ro.rules"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot write `ro.rules`: it is read-only"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), MESSY);
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o7777, 0o444);
}
