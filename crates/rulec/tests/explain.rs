//! Explanations and the JSON verdict format, on the seed trial
//! (`examples/nct03473496.rules`): snapshots of the explanations of a set
//! of patients and of one verdict in JSON; the explaining path gives the
//! reference evaluator's verdict, and the compiled closures' too.
//!
//! Never accept a snapshot without reading it: `cargo test -p rulec --test
//! explain` writes `tests/snapshots/explain__*.snap.new`; read each, then
//! accept with `INSTA_UPDATE=always cargo test -p rulec --test explain`.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::fmt::Write as _;

use jiff::civil::{Date, date};
use rulec::check::{NoImports, Program, check};
use rulec::compile::compile;
use rulec::eval::{Explained, evaluate, explain, format_number};
use rulec::records::{ReadRecord, from_json_str};
use rulec::records::{VerdictJson, verdict_json};
use rulec::syntax::{Section, parse};
use serde_json::{Value, json};

const INDEX: Date = date(2026, 11, 24);

fn program(source: &str) -> Program {
    let checked = check(&parse(source).unwrap(), &NoImports);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    checked.program.unwrap()
}

fn seed() -> Program {
    program(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/nct03473496.rules"
        ))
        .unwrap(),
    )
}

/// A 56-year-old man who meets every inclusion and no exclusion.
fn eligible() -> Value {
    json!({
        "id": "eligible",
        "birth_date": "1970-05-01", "sex": "male",
        "diagnosis": ["rrmm"], "markers": ["BCMA", "CD38"],
        "mrd_positive": true, "high_tumour_burden": false,
        "life_expectancy": 12, "kps": 80, "hemoglobin": 92,
        "ejection_fraction": 60, "ecg_abnormal": false, "spo2": 97,
        "creatinine": {"value": 150, "low": 45, "high": 88},
        "alt": {"value": 30, "low": 7, "high": 40},
        "ast": {"value": 25, "low": 8, "high": 35},
        "bilirubin": 0.8, "organ_insufficiency": [],
        "body_temperature": 36.8, "active_infection": false, "neutropenia": 0,
        "uncontrolled_infections": [], "positive_serologies": [],
        "therapies": [{"class": "anti_cd38", "failed": false}, {"class": "other", "failed": true}],
        "allogeneic_transplant": false, "gvhd_grade": 0,
        "apheresis_contraindicated": false, "expert_group_benefit": true,
        "harmful_condition": false, "informed_consent": true
    })
}

/// The eligible patient with some fields changed (`null` removes one).
fn variant(id: &str, changes: Value) -> Value {
    let mut record = eligible();
    let (Value::Object(fields), Value::Object(changes)) = (&mut record, changes) else {
        panic!("records are objects");
    };
    fields.insert("id".to_owned(), json!(id));
    for (key, value) in changes {
        if value.is_null() {
            fields.remove(&key);
        } else {
            fields.insert(key, value);
        }
    }
    record
}

/// The patients whose explanations are snapshotted.
fn patients() -> Vec<Value> {
    vec![
        eligible(),
        variant("hb_72", json!({"hemoglobin": 72})),
        variant("no_ecg", json!({"ecg_abnormal": null})),
        variant(
            "creatinine_near_2_5_uln",
            json!({"creatinine": {"value": 219, "low": 45, "high": 88}}),
        ),
        variant(
            "creatinine_at_2_5_uln_in_mg_dl",
            json!({"creatinine": {"value": 3.0, "unit": "mg/dL", "low": 0.6, "high": 1.2}}),
        ),
        variant(
            "failed_anti_bcma",
            json!({"therapies": [
                {"class": "car_t", "failed": false},
                {"class": "anti_bcma", "failed": true}
            ]}),
        ),
        variant(
            "minor_woman_unanswered",
            json!({"birth_date": "2009-06-01", "sex": "female", "alt": null, "therapies": null}),
        ),
        variant(
            "units_converted",
            json!({"hemoglobin": "8.0 g/dL", "bilirubin": "34.2 umol/L", "body_temperature": "100.4 [degF]"}),
        ),
    ]
}

fn read(program: &Program, record: &Value) -> ReadRecord {
    from_json_str(program, &record.to_string(), 1)
}

/// A patient's verdict as text: the status, the missing fields, and every
/// criterion with its section, outcome and explanation.
fn render(explained: &Explained) -> String {
    let verdict = &explained.verdict;
    let mut text = format!("status: {}\n", verdict.status().as_str());
    if !verdict.missing().is_empty() {
        writeln!(text, "missing: {}", verdict.missing().join(", ")).unwrap();
    }
    for (c, explanation) in verdict.criteria().zip(&explained.explanations) {
        let section = match c.section {
            Section::Inclusion => "in",
            Section::Exclusion => "ex",
        };
        writeln!(
            text,
            "{section} {:<13} {:<8} {explanation}",
            c.id,
            c.outcome.as_str()
        )
        .unwrap();
    }
    text
}

#[test]
fn explanations_of_the_seed_trial() {
    let program = seed();
    for patient in patients() {
        let read = read(&program, &patient);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let explained = explain(&program, &read.record, INDEX);
        let id = read.id.unwrap();
        insta::assert_snapshot!(id.clone(), render(&explained), &patient.to_string());
    }
}

/// The explaining path gives exactly the reference evaluator's verdict,
/// and the compiled closures give it too; one explanation per criterion.
#[test]
fn explain_gives_the_verdict_of_evaluate() {
    let program = seed();
    let compiled = compile(&program);
    let mut records: Vec<Value> = patients();
    records.push(json!({"id": "empty"}));
    records.push(variant("bad_hb", json!({"hemoglobin": "8.5 g/LL"})));
    for record in records {
        let read = read(&program, &record);
        let explained = explain(&program, &read.record, INDEX);
        let verdict = evaluate(&program, &read.record, INDEX);
        assert_eq!(explained.verdict, verdict, "{record}");
        assert_eq!(compiled.evaluate(&read.record, INDEX).unwrap(), verdict);
        assert_eq!(explained.explanations.len(), program.criteria.len());
    }
}

/// One verdict in the JSON format of docs/verdicts.md: undetermined, with a
/// data error (a malformed hemoglobin) and a missing ECG.
#[test]
fn json_verdict_format() {
    let program = seed();
    let record = variant(
        "p-0042",
        json!({"hemoglobin": "8.5 g/LL", "ecg_abnormal": null, "sex": "female", "pregnant": false, "lactating": false}),
    );
    let read = read(&program, &record);
    let explained = explain(&program, &read.record, INDEX);
    let id = read.id.as_deref().unwrap();
    let format = VerdictJson::new(id, &explained, &read.errors);
    insta::assert_snapshot!(serde_json::to_string_pretty(&format).unwrap());

    // The same as a `serde_json::Value`, with exactly the documented keys.
    let value = verdict_json(id, &explained, &read.errors);
    assert_eq!(value, serde_json::to_value(&format).unwrap());
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&value),
        ["criteria", "errors", "id", "missing", "status"]
    );
    assert_eq!(
        keys(&value["criteria"][0]),
        ["explanation", "id", "outcome", "section"]
    );
    assert_eq!(keys(&value["errors"][0]), ["field", "reason"]);
    assert_eq!(value["status"], "undetermined");
    assert_eq!(value["missing"], json!(["hemoglobin", "ecg_abnormal"]));
}

/// The outcomes and statuses by their JSON names, for every combination.
#[test]
fn json_names_of_statuses_sections_and_outcomes() {
    let program = program(
        "fields { a: bool, b: bool }
         inclusion { first: a }
         exclusion { second: b }",
    );
    for (record, status, outcomes) in [
        (
            json!({"a": true, "b": false}),
            "eligible",
            ["met", "not_met"],
        ),
        (
            json!({"a": false, "b": false}),
            "ineligible",
            ["not_met", "not_met"],
        ),
        (json!({"a": true}), "undetermined", ["met", "unknown"]),
    ] {
        let read = read(&program, &record);
        let value = verdict_json("r", &explain(&program, &read.record, INDEX), &read.errors);
        assert_eq!(value["status"], status);
        assert_eq!(value["criteria"][0]["section"], "inclusion");
        assert_eq!(value["criteria"][1]["section"], "exclusion");
        assert_eq!(value["criteria"][0]["outcome"], outcomes[0]);
        assert_eq!(value["criteria"][1]["outcome"], outcomes[1]);
    }
}

/// Numbers show up to 4 significant digits, never fewer than their whole
/// part, trailing zeros dropped.
#[test]
fn numbers_are_rounded_for_reading() {
    for (x, shown) in [
        (1.999_537_200_000_000_2, "2"),
        (1.999_537_2, "2"),
        (2.005_4, "2.005"),
        (72.0, "72"),
        (0.8, "0.8"),
        (0.1 + 0.2, "0.3"),
        (1.704_545_454_5, "1.705"),
        (12_345.6, "12346"),
        (0.000_123_456, "0.0001235"),
        (-3.5, "-3.5"),
        (0.0, "0"),
        (1.5e-25, "1.5e-25"),
    ] {
        assert_eq!(format_number(x), shown, "{x}");
    }
}

/// Explanations of the language's other forms, one small program each:
/// the text names the values, and short-circuits say what was not needed.
#[test]
fn explanations_of_other_forms() {
    let cases = [
        (
            "fields { hemoglobin: g/L } inclusion { c: hemoglobin > 8 g/dL }",
            json!({"hemoglobin": 72}),
            "hemoglobin 72 g/L (7.2 g/dL) is not > 8 g/dL (0.8 g/dL short)",
        ),
        (
            "fields { hemoglobin: g/L } inclusion { c: 8 g/dL < hemoglobin }",
            json!({"hemoglobin": 92}),
            "hemoglobin 92 g/L (9.2 g/dL) > 8 g/dL (1.2 g/dL above)",
        ),
        (
            "fields { kps: integer 0..100 } inclusion { c: kps > 60 }",
            json!({"kps": 70}),
            "kps 70 > 60 (10 above)",
        ),
        (
            "fields { alt: U/L with normal range } inclusion { c: alt < 3 x ULN }",
            json!({}),
            "alt is missing: unknown",
        ),
        (
            "fields { alt: U/L with normal range } inclusion { c: alt < 3 x ULN }",
            json!({"alt": 50}),
            "alt 50 U/L has no ULN in the record: unknown",
        ),
        (
            "fields { a: bool, b: bool, c: bool } inclusion { x: a or b or c }",
            json!({"a": false, "b": true}),
            "a is false or b is true, which decides it (c not needed)",
        ),
        (
            "fields { s: set of { x, y, z } } inclusion { c: s has all of { x, y } }",
            json!({"s": ["x"]}),
            "s does not have y (all of {x, y} needed)",
        ),
        (
            "fields { a: bool, b: bool, c: bool } inclusion { g: at least 2 of (a, b, c) }",
            json!({"a": true, "c": false}),
            "at least 2 of (1 met, 1 not met, 1 unknown): a is true; b is missing: unknown; c is false",
        ),
        (
            "fields { d: date } inclusion { w: d within 4 weeks before index }",
            json!({"d": "2026-11-01"}),
            "d 2026-11-01 is within 4 weeks before index 2026-11-24 (2026-10-27 to 2026-11-24)",
        ),
        (
            "fields { d: date } inclusion { w: d < index - 1 month }",
            json!({"d": "2026-11-01"}),
            "d 2026-11-01 is not before index 2026-11-24 - 1 month = 2026-10-24 (8 days later)",
        ),
        (
            "fields { e: list of { k: one of { p, q }, n: number } }
             inclusion { c: (count e where k = p) >= 2 }",
            json!({"e": [{"k": "p", "n": 1}, {"k": "q"}]}),
            "the count of e 1 (of 2) is not >= 2 (1 short)",
        ),
        (
            "fields { e: list of { k: one of { p, q }, n: number } }
             exclusion { c: all e where n > 0 }",
            json!({"e": [{"k": "p", "n": 1}, {"k": "q"}]}),
            "it is unknown for 1 of the 2 elements of e: e[1]: n is missing: unknown",
        ),
        (
            "fields { t: text, a: bool } inclusion { c: not (t = \"home\" and a) }",
            json!({"t": "away"}),
            "(t is \"away\", not \"home\", which decides it (a not needed)), so the negation holds",
        ),
        (
            "fields { w: kg, h: m } define bmi: w / (h * h) inclusion { c: bmi < 30 kg/m2 }",
            json!({"w": 70, "h": 1.75}),
            "bmi 22.86 kg/m2 < 30 kg/m2 (7.143 kg/m2 below)",
        ),
        (
            "fields { w: kg, h: m } inclusion { c: w / (h * h) < 30 kg/m2 }",
            json!({"w": 70, "h": 1.75}),
            "(w 70 kg / (h 1.75 m × h 1.75 m = 3.062 m2) = 22.86 kg/m2) < 30 kg/m2 (7.143 kg/m2 below)",
        ),
    ];
    let more = [
        (
            "fields { bilirubin: umol/L, molar mass 584.66 g/mol } inclusion { c: bilirubin <= 2.0 mg/dL }",
            json!({"bilirubin": 34.2}),
            "bilirubin 34.2 umol/L (1.9995 mg/dL) <= 2 mg/dL (0.0004628 mg/dL below)",
        ),
        (
            "fields { diagnosis: set of { rrmm, mm } } inclusion { c: diagnosis has rrmm }",
            json!({"diagnosis": ["mm"]}),
            "diagnosis does not have rrmm (it has {mm})",
        ),
        (
            "fields { markers: set of { BCMA, CD38 } } inclusion { c: markers has any of { BCMA, CD38 } }",
            json!({"markers": ["BCMA"]}),
            "markers has BCMA (any of {BCMA, CD38} is enough)",
        ),
        (
            "fields { markers: set of { BCMA, CD38 } } inclusion { c: markers has all of { BCMA, CD38 } }",
            json!({"markers": ["BCMA"]}),
            "markers does not have CD38 (all of {BCMA, CD38} needed)",
        ),
        (
            "fields { site: text } inclusion { c: site = \"pilot\" }",
            json!({"site": "lyon"}),
            "site is \"lyon\", not \"pilot\"",
        ),
        (
            "fields { e: list of { n: number } } inclusion { c: any e where n > 0 }",
            json!({"e": []}),
            "e is empty: no element meets it",
        ),
    ];
    for (source, record, want) in cases.into_iter().chain(more) {
        let program = program(source);
        let read = read(&program, &record);
        assert!(read.errors.is_empty(), "{source}: {:?}", read.errors);
        let explained = explain(&program, &read.record, INDEX);
        assert_eq!(explained.verdict, evaluate(&program, &read.record, INDEX));
        assert_eq!(explained.explanations, [want], "{source}");
    }
}

/// On every evaluation fixture (`tests/fixtures/eval/*.rules` with its
/// `.jsonl` records), the explaining path gives the reference verdict and
/// one explanation per criterion, naming every field and define it uses.
#[test]
fn explain_agrees_on_every_eval_fixture() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/eval");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.map(|e| e.unwrap().path()) {
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let Some(program) = check(&parse(&source).unwrap(), &NoImports).program else {
            continue;
        };
        let Ok(records) = std::fs::read_to_string(path.with_extension("jsonl")) else {
            continue;
        };
        let lines = records.lines().enumerate();
        for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
            let read = from_json_str(&program, line, i + 1);
            let explained = explain(&program, &read.record, INDEX);
            assert_eq!(
                explained.verdict,
                evaluate(&program, &read.record, INDEX),
                "{}:{}",
                path.display(),
                i + 1
            );
            assert_eq!(explained.explanations.len(), program.criteria.len());
            for text in &explained.explanations {
                assert!(!text.is_empty() && !text.contains('?'), "{text}");
                if std::env::var_os("EXPLAIN_PRINT").is_some() {
                    println!("{}:{}: {text}", path.display(), i + 1);
                }
            }
        }
    }
}

/// The rules of the example in docs/verdicts.md.
const DOC_RULES: &str = r#"trial "EXAMPLE" "A few criteria of the seed trial"

fields {
  hemoglobin:   g/L
  creatinine:   umol/L with normal range, molar mass 113.12 g/mol
  ecg_abnormal: bool
  sex:          one of { female, male }
  pregnant:     bool
  lactating:    bool
  therapies:    list of { class: one of { car_t, anti_bcma, other }, failed: bool }
}

inclusion {
  hemoglobin "Hb > 80 g/L":             hemoglobin > 80 g/L
  renal      "Cr < 2.5 x ULN":          creatinine < 2.5 x ULN
  cardiac    "ECG without abnormality": not ecg_abnormal
}

exclusion {
  pregnancy  "Pregnant or lactating":   sex = female and (pregnant or lactating)
  antibodies "Anti-BCMA failed":        any therapies where class = anti_bcma and failed
}
"#;

/// The record of the example in docs/verdicts.md.
const DOC_RECORD: &str = r#"{"id": "p-0042", "hemoglobin": "9.2 g/dL", "creatinine": {"value": 1.7, "unit": "mg/dL", "low": 0.5, "high": 1.0}, "ecg_abnormal": "maybe", "sex": "male", "therapies": [{"class": "anti_bcma", "failed": false}, {"class": "car_t", "failed": true}]}"#;

/// The example of docs/verdicts.md is real: its rules, its record and the
/// JSON shown there are what this code gives.
#[test]
fn the_documented_example_is_real_output() {
    let program = program(DOC_RULES);
    let read = from_json_str(&program, DOC_RECORD, 1);
    let explained = explain(&program, &read.record, INDEX);
    let id = read.id.as_deref().unwrap();
    let output =
        serde_json::to_string_pretty(&VerdictJson::new(id, &explained, &read.errors)).unwrap();
    if std::env::var_os("EXPLAIN_PRINT").is_some() {
        println!("{output}");
    }
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/verdicts.md"
    ))
    .unwrap();
    for (what, text) in [
        ("rules", DOC_RULES),
        ("record", DOC_RECORD),
        ("output", output.as_str()),
    ] {
        assert!(
            doc.contains(text.trim_end()),
            "docs/verdicts.md does not show the {what}:\n{text}"
        );
    }
}

/// Under `not`, a set test that holds says that the negation therefore
/// fails, so a member that makes `has any of` hold does not read as a pass.
#[test]
fn a_negated_set_test_reads_as_its_opposite() {
    let program = program(
        "fields { s: set of { a, b, c }, x: bool }\n\
         inclusion { c1: not s has any of { a, b } or x }",
    );
    let record = read(&program, &json!({"id": "r", "s": ["a"], "x": false}));
    let explained = explain(&program, &record.record, INDEX);
    let text = &explained.explanations[0];
    assert_eq!(
        text,
        "neither alternative holds: s has a (any of {a, b} is enough), so the negation fails; x is false"
    );
    assert_eq!(
        explained.verdict.criteria().next().unwrap().outcome,
        rulec::eval::Outcome::NotMet
    );
    // A plain flag under `not` states the fact, and what it does to the
    // negation.
    let program = program_of_flag();
    let record = read(&program, &json!({"id": "r", "f": true}));
    assert_eq!(
        explain(&program, &record.record, INDEX).explanations[0],
        "f is true, so not f fails"
    );
}

fn program_of_flag() -> Program {
    program("fields { f: bool }\ninclusion { c1: not f }")
}

/// Explanations print a unit written in a clinician's spelling that can
/// be misread (`K/uL`, `/mcL`) in its UCUM form, and familiar words as
/// written.
#[test]
fn explanations_print_clinicians_spellings_in_ucum() {
    let program = program(
        "fields { platelets: K/uL, wbc: /mcL, age: years }
         inclusion {
           thrombocytes: platelets >= 100 K/mcL
           leukocytes: wbc >= 3000 /mcL
           adult: age >= 18 years
         }",
    );
    let record = read(&program, &json!({"platelets": 90, "wbc": 3500, "age": 40}));
    let text = render(&explain(&program, &record.record, INDEX));
    for shown in ["10*3/uL", "/uL", "years"] {
        assert!(text.contains(shown), "`{shown}` missing from:\n{text}");
    }
    for written in ["K/uL", "K/mcL", "mcL"] {
        assert!(!text.contains(written), "`{written}` in:\n{text}");
    }
}
