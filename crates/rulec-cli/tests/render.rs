//! `rulec render`: the criteria as a document, on stdout or in a file;
//! rules that do not check are reported as `rulec check` reports them.

use std::process::Command;

use insta_cmd::get_cargo_bin;

/// `rulec` with the given arguments, run from the crate directory.
fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args);
    command
}

#[test]
fn render_writes_markdown_to_stdout() {
    let out = rulec(&["render", "../../examples/nct03473496.rules"])
        .output()
        .expect("rulec runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.starts_with("# NCT03473496: "), "{text}");
    assert!(text.contains("| hemoglobin | quantity | g/L |"), "{text}");
    assert!(text.contains("hemoglobin above 80 g/L"), "{text}");
}

#[test]
fn render_writes_html_to_a_file() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let page = folder.path().join("criteria.html");
    let page_arg = page.to_str().expect("a UTF-8 path");
    let out = rulec(&[
        "render",
        "../../examples/nct03473496.rules",
        "--format",
        "html",
        "--output",
        page_arg,
    ])
    .output()
    .expect("rulec runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<style>"), "{html}");
    assert!(html.contains("creatinine below 2.5 × the upper limit of normal"));
    assert!(html.contains("Cr &lt; 2.5 x ULN"), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn render_reports_rules_that_do_not_check() {
    let out = rulec(&["render", "tests/inputs/bad.rules"])
        .output()
        .expect("rulec runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(stderr.contains("bad.rules"), "{stderr}");
}

#[test]
fn render_will_not_overwrite_the_rule_file() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let rules = folder.path().join("a.rules");
    std::fs::write(
        &rules,
        "fields { hb: g/L }\ninclusion { hb: hb > 80 g/L }\n",
    )
    .expect("write");
    let path = rules.to_str().expect("a UTF-8 path");
    let out = rulec(&["render", path, "--output", path])
        .output()
        .expect("rulec runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let kept = std::fs::read_to_string(&rules).expect("read");
    assert!(kept.starts_with("fields"), "{kept}");
}
