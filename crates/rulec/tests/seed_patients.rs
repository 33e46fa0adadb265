//! The seed trial's generated patients (`examples/patients/nct03473496.jsonl`,
//! made by `cargo run -p rulec --example generate_patients`): the verdict
//! of each hand-picked boundary patient, with the reason it must be so.
//!
//! The snapshot in `examples_eval.rs` records every patient's verdict; this
//! test states the ones that matter one by one, so a change that moves a
//! threshold by a hair fails here with the reason beside it.

#![expect(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers fail the test on a broken setup"
)]

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rulec::eval::{Outcome, Status, Verdict};
use rulec::records::ReadRecord;

const INDEX: jiff::civil::Date = jiff::civil::date(2026, 1, 15);

struct Screened {
    by_id: HashMap<String, (ReadRecord, Verdict)>,
    lines: usize,
    verdicts: usize,
}

fn screen() -> Screened {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let source = std::fs::read_to_string(root.join("nct03473496.rules")).unwrap();
    let file = rulec::syntax::parse(&source).unwrap();
    let program = rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .unwrap();
    let compiled = rulec::compile::compile(&program);
    let text = std::fs::read_to_string(root.join("patients/nct03473496.jsonl")).unwrap();
    let mut by_id = HashMap::new();
    let mut verdicts = 0;
    for (n, line) in text.lines().enumerate() {
        let read = rulec::records::from_json_str(&program, line, n + 1);
        let verdict = compiled.evaluate(&read.record, INDEX).unwrap();
        verdicts += 1;
        if let Some(id) = read.id.clone() {
            let previous = by_id.insert(id.clone(), (read, verdict));
            assert!(previous.is_none(), "id `{id}` appears twice");
        }
    }
    Screened {
        by_id,
        lines: text.lines().count(),
        verdicts,
    }
}

impl Screened {
    fn get(&self, id: &str) -> &(ReadRecord, Verdict) {
        self.by_id
            .get(id)
            .unwrap_or_else(|| panic!("no patient `{id}` in the generated file"))
    }

    /// `id` has `status`; when ineligible, exactly the criteria `by` ruled
    /// it out; when undetermined, exactly the fields `by` are missing.
    fn expect(&self, id: &str, status: Status, by: &[&str]) {
        let (read, verdict) = self.get(id);
        assert_eq!(
            verdict.status, status,
            "{id}: {verdict:?} {:?}",
            read.errors
        );
        match status {
            Status::Ineligible => {
                let ruled_out: Vec<&str> = verdict
                    .criteria
                    .iter()
                    .filter(|c| match c.section {
                        rulec::syntax::Section::Inclusion => c.outcome == Outcome::NotMet,
                        rulec::syntax::Section::Exclusion => c.outcome == Outcome::Met,
                    })
                    .map(|c| c.id.as_str())
                    .collect();
                assert_eq!(ruled_out, by, "{id}: ruled out by");
            }
            Status::Undetermined => assert_eq!(verdict.missing, by, "{id}: missing"),
            Status::Eligible => assert!(by.is_empty()),
        }
    }

    /// `id` has exactly one data error, on `field`.
    fn data_error(&self, id: &str, field: &str) {
        let (read, _) = self.get(id);
        let fields: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [field], "{id}: data errors");
    }
}

#[test]
fn every_line_is_one_record_with_a_unique_id_or_its_line() {
    let screened = screen();
    assert!(screened.lines >= 200, "{} patients", screened.lines);
    assert_eq!(screened.verdicts, screened.lines);
    // Four records have no id: three cannot be read, one simply has none.
    assert_eq!(screened.by_id.len(), screened.lines - 4);
    let statuses: HashSet<Status> = screened.by_id.values().map(|(_, v)| v.status).collect();
    assert_eq!(statuses.len(), 3, "every status occurs");
}

#[test]
fn boundaries_of_the_inclusions() {
    use Status::{Eligible, Ineligible, Undetermined};
    let s = screen();
    s.expect("baseline", Eligible, &[]);
    // Born 2008-01-15: the 18th birthday is the index date itself, and
    // ">= 18 years" includes it.
    s.expect("age-18-today", Eligible, &[]);
    // One day younger: still 17 on the index date.
    s.expect("age-18-tomorrow", Ineligible, &["adult"]);
    // 30 February is no date: a data error, so the age is unknown.
    s.expect("age-bad-date", Undetermined, &["birth_date"]);
    s.data_error("age-bad-date", "birth_date");
    // "3 months" is not "more than 3 months"; a quarter of a year is
    // exactly 3 months (a month is 1/12 of a year), so not more either;
    // 90 days is less than 3 mean months (91.31 days), 14 weeks more.
    s.expect("survival-at-threshold", Ineligible, &["survival"]);
    s.expect("survival-quarter-year", Ineligible, &["survival"]);
    s.expect("survival-90-days", Ineligible, &["survival"]);
    s.expect("survival-14-weeks", Eligible, &[]);
    // KPS 60 is not "> 60"; 110 is outside 0..100, a data error.
    s.expect("kps-at-threshold", Ineligible, &["performance"]);
    s.expect("kps-out-of-range", Undetermined, &["kps"]);
    s.data_error("kps-out-of-range", "kps");
    // Hb 80 g/L is not more than 80 g/L; 80.1 is.
    s.expect("hb-at-threshold", Ineligible, &["hemoglobin"]);
    s.expect("hb-just-above", Eligible, &[]);
    // 8.0 g/dL is exactly 80 g/L (the conversion is exact), so not more
    // than 80 g/L; 8.1 g/dL is 81 g/L.
    s.expect("hb-gdl-at-threshold", Ineligible, &["hemoglobin"]);
    s.expect("hb-gdl-above", Eligible, &[]);
    // mmol/L cannot become g/L without a molar mass: a data error, never a
    // guessed conversion.
    s.expect("hb-substance-unit", Undetermined, &["hemoglobin"]);
    s.data_error("hb-substance-unit", "hemoglobin");
    // EF ">= 50 %" includes 50; SpO2 ">= 90 %" includes 90.
    s.expect("ef-at-threshold", Eligible, &[]);
    s.expect("spo2-at-threshold", Eligible, &[]);
    // An abnormal ECG decides the cardiac criterion even with EF unknown
    // (false and unknown is false).
    s.expect("ef-missing-ecg-abnormal", Ineligible, &["cardiac"]);
    // Creatinine 225 umol/L with ULN 90 is exactly 2.5 x ULN: not "< 2.5".
    s.expect("cr-at-threshold", Ineligible, &["renal"]);
    s.expect("cr-just-below", Eligible, &[]);
    // Value and range in mg/dL: 2.5 mg/dL over a ULN of 1.0 mg/dL is
    // exactly 2.5 x ULN once both are converted by the same factor.
    s.expect("cr-mgdl-at-threshold", Ineligible, &["renal"]);
    s.expect("cr-mgdl-below", Eligible, &[]);
    // A creatinine without its normal range cannot be compared with a
    // multiple of the ULN: unknown, not a pass.
    s.expect("cr-no-range", Undetermined, &["creatinine"]);
    // ALT 120 with ULN 40 is exactly 3 x ULN: not "< 3 x ULN".
    s.expect("alt-at-threshold", Ineligible, &["hepatic"]);
    // Bilirubin "<= 2.0 mg/dL" includes 2.0; 34.2 umol/L is 1.9995 mg/dL
    // at 584.66 g/mol, 35 umol/L is 2.046 mg/dL.
    s.expect("bili-at-threshold", Eligible, &[]);
    s.expect("bili-umol-below", Eligible, &[]);
    s.expect("bili-umol-above", Ineligible, &["hepatic"]);
    // Consent not given rules out; consent not recorded leaves it open.
    s.expect("consent-no", Ineligible, &["consent"]);
    s.expect("consent-missing", Undetermined, &["informed_consent"]);
}

#[test]
fn boundaries_of_the_exclusions() {
    use Status::{Eligible, Ineligible, Undetermined};
    let s = screen();
    // Fever is >= 38.0 Cel, inclusive; 100.4 [degF] is exactly 38 Cel.
    s.expect("temp-at-threshold", Ineligible, &["infection"]);
    s.expect("temp-just-below", Eligible, &[]);
    s.expect("temp-degf-at-threshold", Ineligible, &["infection"]);
    s.expect("temp-degf-below", Eligible, &[]);
    // Temperature unknown and no active infection: fever may or may not
    // be there.
    s.expect("temp-missing", Undetermined, &["body_temperature"]);
    // An active infection excludes whatever the temperature.
    s.expect("temp-missing-infection-active", Ineligible, &["infection"]);
    // Neutropenia "> 10 days": 10 days (or 240 hours) is not more; two
    // weeks is.
    s.expect("neutropenia-at-threshold", Eligible, &[]);
    s.expect("neutropenia-240-hours", Eligible, &[]);
    s.expect("neutropenia-2-weeks", Ineligible, &["neutropenia"]);
    // Pregnancy needs a woman: a man's (nonsensical) answer is not read.
    s.expect("male-pregnant-answered", Eligible, &[]);
    // Lactating decides the exclusion even with pregnancy unknown.
    s.expect(
        "female-lactating-pregnancy-unknown",
        Ineligible,
        &["pregnancy"],
    );
    // Not pregnant, lactating unknown: the exclusion may still hold.
    s.expect("female-lactating-unknown", Undetermined, &["lactating"]);
    // Sex unknown: whether the pregnancy answers are needed is unknown too.
    s.expect(
        "sex-missing",
        Undetermined,
        &["sex", "pregnant", "lactating"],
    );
    // A failed CAR-T excludes; one that did not fail does not; a prior
    // cell therapy whose outcome is unknown leaves it open.
    s.expect("car-t-failed", Ineligible, &["cell_therapy"]);
    s.expect("car-t-not-failed", Eligible, &[]);
    s.expect("cell-therapy-outcome-unknown", Undetermined, &["therapies"]);
    s.expect("anti-bcma-failed", Ineligible, &["antibodies"]);
    // "> grade 3" on a 0..4 scale: grade 4 excludes, 3 does not, and
    // without an allogeneic transplant the grade is not read.
    s.expect("gvhd-grade-4", Ineligible, &["gvhd"]);
    s.expect("gvhd-grade-3", Eligible, &[]);
    s.expect("gvhd-grade-4-no-transplant", Eligible, &[]);
    s.expect("gvhd-grade-missing", Undetermined, &["gvhd_grade"]);
    // A misspelt key is a data error, and the real field is untouched.
    s.expect("misspelt-field", Eligible, &[]);
    s.data_error("misspelt-field", "hemoglobn");
    s.data_error("therapy-unknown-class", "therapies[0].class");
}
