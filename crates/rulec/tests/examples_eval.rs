//! Every rule file in `examples/` checks with no error and no warning, its
//! own examples (`example "…" { … } expect …`) give the verdicts they
//! expect, and the sample patients beside it
//! (`examples/patients/<name>.jsonl`) get snapshot-tested verdicts: one
//! line per patient and the screening funnel.
//!
//! Each patient is evaluated three ways — the compiled closures, the
//! reference evaluator and the explaining path — and the verdicts must
//! agree before the snapshot is taken.

#![expect(
    clippy::panic,
    reason = "test helpers report a broken example by panicking, as a failing assertion would"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rulec::check::FolderImports;
use rulec::eval::{Funnel, Outcome, Status, evaluate, explain};
use rulec::records::WHOLE_RECORD;

/// The screening date of every sample patient file: their birth dates and
/// event dates are written against it.
pub const INDEX_DATE: jiff::civil::Date = jiff::civil::date(2026, 1, 15);

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn example_rules() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap_or_else(|e| panic!("cannot read examples/: {e}"))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rules"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> rulec::check::Program {
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file = rulec::syntax::parse(&source)
        .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let checked = rulec::check::check(&file, &FolderImports::new(folder));
    assert!(
        checked.diagnostics.is_empty(),
        "{} does not check clean: {:#?}",
        path.display(),
        checked.diagnostics
    );
    checked
        .program
        .unwrap_or_else(|| panic!("{} gave no program", path.display()))
}

#[test]
fn every_example_checks_clean() {
    let files = example_rules();
    assert!(files.len() >= 6, "expected the seed and five real trials");
    for path in &files {
        load(path);
    }
}

#[test]
fn every_example_has_sample_patients() {
    for path in example_rules() {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let patients = examples_dir().join(format!("patients/{stem}.jsonl"));
        assert!(
            patients.exists(),
            "no sample patients for examples/{stem}.rules"
        );
    }
}

/// The ids of the criteria left unknown (in a file with cohorts, those of
/// the cohorts left undetermined: the others are decided anyway).
fn unknown(verdict: &rulec::eval::Verdict) -> String {
    let open: Vec<&str> = verdict
        .cohorts()
        .filter(|c| c.status == Status::Undetermined)
        .map(|c| c.name)
        .collect();
    let ids: Vec<&str> = verdict
        .criteria()
        .filter(|c| c.outcome == Outcome::Unknown)
        .filter(|c| c.cohort.is_none_or(|k| open.contains(&k)))
        .map(|c| c.id)
        .collect();
    ids.join(", ")
}

#[test]
fn sample_patients_verdicts() {
    for path in example_rules() {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let patients = examples_dir().join(format!("patients/{stem}.jsonl"));
        let Ok(text) = std::fs::read_to_string(&patients) else {
            continue;
        };
        let program = load(&path);
        let compiled = rulec::compile::compile(&program);
        let mut funnel = Funnel::new(&program);
        let mut out = String::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut read = rulec::records::from_json_str(&program, line, n + 1);
            // As `rulec eval` does: a date of birth after the index date
            // is a data error.
            read.check_index_date(&program, INDEX_DATE);
            let verdict = compiled
                .evaluate(&read.record, INDEX_DATE)
                .unwrap_or_else(|e| panic!("{stem} line {}: {e}", n + 1));
            let reference = evaluate(&program, &read.record, INDEX_DATE);
            assert_eq!(
                verdict,
                reference,
                "{stem} line {}: compiled vs reference",
                n + 1
            );
            let explained = explain(&program, &read.record, INDEX_DATE);
            assert_eq!(explained.verdict, verdict, "{stem} line {}: explain", n + 1);
            funnel.add(&verdict, !read.errors.is_empty());

            let name = read.id.clone().unwrap_or_else(|| format!("line {}", n + 1));
            let _ = write!(out, "{name}: {}", verdict.status().as_str());
            let unreadable = read.errors.iter().any(|e| e.field == WHOLE_RECORD);
            match verdict.status() {
                _ if unreadable => out.push_str(" (record not read)"),
                Status::Eligible => {}
                Status::Ineligible => {
                    let _ = write!(out, " by {}", verdict.ruled_out().join(", "));
                }
                Status::Undetermined => {
                    let _ = write!(
                        out,
                        "; unknown {}; missing {}",
                        unknown(&verdict),
                        verdict.missing().join(", ")
                    );
                }
            }
            // A file with cohorts: each cohort's status, and why.
            for cohort in verdict.cohorts() {
                let _ = write!(out, "\n    {}: {}", cohort.name, cohort.status.as_str());
                match cohort.status {
                    Status::Eligible => {}
                    Status::Ineligible => {
                        let _ = write!(out, " by {}", cohort.ruled_out.join(", "));
                    }
                    Status::Undetermined => {
                        let _ = write!(out, "; missing {}", cohort.missing.join(", "));
                    }
                }
            }
            for error in &read.errors {
                let _ = write!(out, "\n    data error: {}: {}", error.field, error.reason);
            }
            out.push('\n');
        }
        let _ = write!(out, "\n{funnel}");
        insta::with_settings!({
            snapshot_path => "../../../tests/snapshots/examples",
            prepend_module_to_snapshot => false,
            description => format!("examples/patients/{stem}.jsonl, index date {INDEX_DATE}"),
        }, {
            insta::assert_snapshot!(stem.clone(), out);
        });
    }
}

/// Each rule file's examples pass, at the default index date and at two
/// others (the last day of February in a leap year among them): they are
/// written from the index date, so their verdicts do not depend on it. Each
/// file has an eligible patient, one ruled out by named criteria and one
/// undetermined with its missing fields named (in a file with cohorts, the
/// patient's or a cohort's verdict), and a file with cohorts an example
/// that gives cohorts' verdicts.
#[test]
fn every_rule_file_has_examples_that_pass() {
    use rulec::check::Expected;
    for path in example_rules() {
        let name = path.display();
        let rules = rulec::Rules::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let examples = &rules.program().examples;
        // The verdicts an example gives: its one, or each of its parts.
        let verdicts = |e: &Expected| match e {
            Expected::Parts(parts) => parts.iter().map(|(_, v)| v.clone()).collect(),
            one => vec![one.clone()],
        };
        let has = |kind: fn(&Expected) -> bool| {
            examples
                .iter()
                .any(|e| verdicts(&e.expected).iter().any(kind))
        };
        if !rules.program().cohorts.is_empty() {
            assert!(
                examples
                    .iter()
                    .any(|e| matches!(&e.expected, Expected::Parts(p) if p.iter().any(|(c, _)| c.is_some()))),
                "{name} has cohorts, but no example gives a cohort's verdict"
            );
        }
        assert!(
            examples.len() >= 3
                && has(|e| *e == Expected::Eligible)
                && has(|e| matches!(e, Expected::Ineligible(by) if !by.is_empty()))
                && has(|e| matches!(e, Expected::Undetermined(missing) if !missing.is_empty())),
            "{name}: expected an eligible example, one ineligible `by` criteria and one \
             undetermined `missing` fields, found {:?}",
            examples
                .iter()
                .map(|e| e.expected.to_string())
                .collect::<Vec<_>>()
        );
        for index in [
            rulec::EXAMPLE_INDEX_DATE,
            jiff::civil::date(2028, 2, 29),
            jiff::civil::date(2031, 12, 31),
        ] {
            for run in rules.run_examples(index) {
                assert!(
                    run.passed(),
                    "{name}: example {:?} at {index}: {}",
                    run.example.label,
                    run.failure.unwrap_or_default()
                );
            }
        }
    }
}
