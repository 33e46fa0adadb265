//! The seed trial's sample patients (`examples/patients/nct03473496.jsonl`),
//! screened on 2026-01-15 with the compiled rules of
//! `examples/nct03473496.rules`.
//!
//! The snapshot in `examples_eval.rs` records every patient's verdict; this
//! test states the boundary cases one by one with the reason each verdict
//! must be what it is, checks that every hand-built patient gets the
//! verdict the generator built it for, and that the committed file is what
//! the generator writes (`cargo run -p rulec --example generate_patients`
//! rewrites it).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rulec::eval::{Status, Verdict};
use rulec::records::{ReadRecord, WHOLE_RECORD};

/// The generator itself, so that the test can compare its output with the
/// committed file without running cargo.
#[path = "../../../examples/patients/generate.rs"]
#[allow(dead_code, reason = "the generator's `main` is not run here")]
mod generate;

use generate::Meant;

const INDEX: jiff::civil::Date = jiff::civil::date(2026, 1, 15);

/// Hand-built patients the evaluator gets wrong today, and why. Each must
/// still get another verdict than the one it was built for, so that a fix
/// shows here: once fixed, take it out of this list and accept the
/// snapshot.
const KNOWN_DEFECTS: &[(&str, &str)] = &[];

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The committed file, every line read and evaluated.
struct Screened {
    text: String,
    /// Every field of the schema, in declaration order.
    fields: Vec<String>,
    /// One per line, in order.
    records: Vec<(ReadRecord, Verdict)>,
}

fn screen() -> Screened {
    let source = std::fs::read_to_string(examples().join("nct03473496.rules")).unwrap();
    let file = rulec::syntax::parse(&source).unwrap();
    let checked = rulec::check::check(&file, &rulec::check::NoImports);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let program = checked.program.unwrap();
    let compiled = rulec::compile::compile(&program);
    let text = std::fs::read_to_string(examples().join("patients/nct03473496.jsonl")).unwrap();
    let records = text
        .lines()
        .enumerate()
        .map(|(n, line)| {
            let mut read = rulec::records::from_json_str(&program, line, n + 1);
            // As `rulec eval` does: a date of birth after the index date
            // is a data error.
            read.check_index_date(&program, INDEX);
            let verdict = compiled.evaluate(&read.record, INDEX).unwrap();
            (read, verdict)
        })
        .collect();
    let fields = program
        .schema
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    Screened {
        text,
        fields,
        records,
    }
}

impl Screened {
    fn get(&self, id: &str) -> &(ReadRecord, Verdict) {
        self.records
            .iter()
            .find(|(read, _)| read.id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no patient `{id}` in the sample file"))
    }

    fn eligible(&self, id: &str) {
        let (read, verdict) = self.get(id);
        assert_eq!(
            verdict.status(),
            Status::Eligible,
            "{id}: {verdict:?} {read:?}"
        );
    }

    /// Ruled out by exactly the criteria `by`.
    fn ineligible(&self, id: &str, by: &[&str]) {
        let (read, verdict) = self.get(id);
        assert_eq!(verdict.status(), Status::Ineligible, "{id}: {read:?}");
        assert_eq!(verdict.ruled_out(), by, "{id}: ruled out by");
    }

    /// Undetermined for want of exactly the fields `missing`.
    fn undetermined(&self, id: &str, missing: &[&str]) {
        let (read, verdict) = self.get(id);
        assert_eq!(verdict.status(), Status::Undetermined, "{id}: {read:?}");
        assert_eq!(verdict.missing(), missing, "{id}: missing");
    }

    /// Exactly one data error, on `field`, whose reason contains `reason`.
    fn data_error(&self, id: &str, field: &str, reason: &str) {
        let (read, _) = self.get(id);
        let [error] = read.errors.as_slice() else {
            panic!("{id}: expected one data error, got {:?}", read.errors);
        };
        assert_eq!(error.field, field, "{id}");
        assert!(
            error.reason.contains(reason),
            "{id}: `{}` does not say `{reason}`",
            error.reason
        );
    }

    /// No data error.
    fn clean(&self, id: &str) {
        let (read, _) = self.get(id);
        assert!(read.errors.is_empty(), "{id}: {:?}", read.errors);
    }
}

#[test]
fn the_committed_file_is_what_the_generator_writes() {
    let screened = screen();
    let fresh = generate::render(&generate::samples());
    assert!(
        screened.text == fresh,
        "examples/patients/nct03473496.jsonl is stale: \
         run `cargo run -p rulec --example generate_patients` and review the snapshot"
    );
}

#[test]
fn every_line_is_one_record_and_ids_are_unique() {
    let screened = screen();
    let lines = screened.text.lines().count();
    assert!(lines >= 200, "{lines} patients");
    assert!(screened.text.lines().all(|line| !line.trim().is_empty()));
    assert_eq!(screened.records.len(), lines, "one verdict per line");
    assert_eq!(generate::samples().len(), lines);

    let ids: Vec<&str> = screened
        .records
        .iter()
        .filter_map(|(read, _)| read.id.as_deref())
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "ids repeat");
    // Eight lines have no id: five cannot be read as records, `{}` has
    // none, one valid record has none and one has an empty id.
    assert_eq!(ids.len(), lines - 8);
}

#[test]
fn every_hand_built_patient_gets_what_it_was_built_for() {
    let screened = screen();
    let samples = generate::samples();
    let mut checked = 0;
    for (n, (sample, (read, verdict))) in samples.iter().zip(&screened.records).enumerate() {
        let name = sample.name(n + 1);
        assert_eq!(read.id, sample.id, "{name}: id as read");
        let errors: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(errors, sample.errors, "{name}: data errors");
        let Some(meant) = sample.meant else {
            continue;
        };
        checked += 1;
        if let Some((_, why)) = KNOWN_DEFECTS.iter().find(|(id, _)| *id == name) {
            let right = match meant {
                Meant::Ineligible(by) => {
                    verdict.status() == Status::Ineligible && verdict.ruled_out() == by
                }
                _ => panic!("{name}: known defects are built to be ineligible"),
            };
            assert!(
                !right,
                "{name} is fixed ({why}): remove it from KNOWN_DEFECTS"
            );
            continue;
        }
        match meant {
            Meant::Eligible => assert_eq!(verdict.status(), Status::Eligible, "{name}"),
            Meant::Ineligible(by) => {
                assert_eq!(verdict.status(), Status::Ineligible, "{name}");
                assert_eq!(verdict.ruled_out(), by, "{name}: ruled out by");
            }
            Meant::Undetermined(missing) => {
                assert_eq!(verdict.status(), Status::Undetermined, "{name}");
                assert_eq!(verdict.missing(), missing, "{name}: missing");
            }
            Meant::NothingKnown => {
                assert_eq!(verdict.status(), Status::Undetermined, "{name}");
                assert_eq!(verdict.missing(), screened.fields, "{name}: missing");
            }
        }
    }
    assert!(checked >= 150, "{checked} hand-built patients");
}

#[test]
fn the_random_patients_reach_every_status() {
    let screened = screen();
    let statuses: HashSet<Status> = screened
        .records
        .iter()
        .filter(|(read, _)| {
            read.id
                .as_deref()
                .is_some_and(|id| id.starts_with("random-"))
        })
        .map(|(_, verdict)| verdict.status())
        .collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
}

#[test]
fn ages_and_dates() {
    let s = screen();
    s.eligible("baseline-eligible");
    s.clean("baseline-eligible");
    // Born 2008-01-15: the 18th birthday is the index date itself, and
    // ">= 18 years" includes it.
    s.eligible("age-18-on-index-date");
    // Born one day later: still 17 on the index date (an age counts
    // birthdays passed, not days / 365.25).
    s.ineligible("age-18-tomorrow", &["adult"]);
    // A birth date after the index date is impossible: a data error for
    // that field, which is then missing, so the age is unknown.
    s.undetermined("age-born-after-index", &["birth_date"]);
    s.data_error(
        "age-born-after-index",
        "birth_date",
        "the date of birth 2026-03-01 is after the index date 2026-01-15",
    );
    // 30 February is not a day of the calendar: a data error for that
    // field, which is then missing, so the age is unknown.
    s.undetermined("age-birth-date-feb-30", &["birth_date"]);
    s.data_error(
        "age-birth-date-feb-30",
        "birth_date",
        "not a day of the calendar",
    );
    // Only YYYY-MM-DD is a date; a day-first date is refused, not guessed.
    s.data_error("age-birth-date-day-first", "birth_date", "YYYY-MM-DD");
    // The age is unknown, but Hb 70 g/L already rules the patient out:
    // one criterion not met is enough, whatever the unknown ones.
    s.ineligible("age-absent-hb-low", &["hemoglobin"]);
}

#[test]
fn thresholds_at_and_either_side() {
    let s = screen();
    // "> 3 months": 3 is not more; 3.1 is.
    s.ineligible("survival-3-months", &["survival"]);
    s.eligible("survival-3.1-months");
    // A month is a twelfth of a year in UCUM, so 0.25 a is exactly 3 mo:
    // not more than 3 months.
    s.ineligible("survival-quarter-year", &["survival"]);
    // A month is 30.4375 days: 91 days is 2.99 months, 92 days 3.02.
    s.ineligible("survival-91-days", &["survival"]);
    s.eligible("survival-92-days");
    // "KPS > 60": 60 is not more, 61 is.
    s.ineligible("kps-60", &["performance"]);
    s.eligible("kps-61");
    // "Hb > 80 g/L": 80 is not more than 80; 80.1 is; 79.9 is not.
    s.ineligible("hb-at-threshold", &["hemoglobin"]);
    s.eligible("hb-80.1-above");
    s.ineligible("hb-79.9-below", &["hemoglobin"]);
    // "EF >= 50 %" and "SpO2 >= 90 %" include the threshold.
    s.eligible("ef-50-at-threshold");
    s.ineligible("ef-49.9-below", &["cardiac"]);
    s.eligible("spo2-90-at-threshold");
    s.ineligible("spo2-89.9-below", &["oxygen"]);
    // Creatinine 225 µmol/L with a ULN of 90 is exactly 2.5 x ULN: not
    // "< 2.5 x ULN". 224.9 is below; 225.1 above.
    s.ineligible("cr-2.5-uln-at-threshold", &["renal"]);
    s.eligible("cr-224.9-below");
    s.ineligible("cr-225.1-above", &["renal"]);
    // ALT 120 U/L with a ULN of 40 is exactly 3 x ULN: not "< 3 x ULN";
    // AST 105 with a ULN of 35 likewise.
    s.ineligible("alt-3-uln-at-threshold", &["hepatic"]);
    s.eligible("alt-119.9-below");
    s.ineligible("ast-3-uln-at-threshold", &["hepatic"]);
    // "TBil <= 2.0 mg/dL" includes 2.0; 2.01 is above.
    s.eligible("bili-2.0-at-threshold");
    s.ineligible("bili-2.01-above", &["hepatic"]);
    // Fever is ">= 38.0 Cel", inclusive: 38.0 is fever, 37.9 is not.
    s.ineligible("temp-38.0-at-threshold", &["infection"]);
    s.eligible("temp-37.9-below");
    // "Neutropenia > 10 days": 10 days is not more; 11 is.
    s.eligible("neutropenia-10-days-at-threshold");
    s.ineligible("neutropenia-11-days", &["neutropenia"]);
    // "Acute GVHD > grade 3" on a 0..4 scale: only grade 4 excludes, and
    // only after an allogeneic transplant.
    s.eligible("gvhd-grade-3");
    s.ineligible("gvhd-grade-4", &["gvhd"]);
    s.eligible("gvhd-grade-4-no-transplant");
}

#[test]
fn values_in_other_units() {
    let s = screen();
    // 8.0 g/dL is exactly 80 g/L (a power-of-ten conversion, done
    // exactly), and the protocol says more than 80: not met.
    s.ineligible("hb-gdl-at-threshold", &["hemoglobin"]);
    s.clean("hb-gdl-at-threshold");
    // 8.01 g/dL is 80.1 g/L: met.
    s.eligible("hb-8.01-gdl-above");
    // UCUM spells the litre `L` or `l`: 8.5 g/dl is 85 g/L.
    s.eligible("hb-gdl-lowercase-l");
    // A ratio of 0.5 (unit `1`) is 50 %: ">= 50 %" is met.
    s.eligible("ef-ratio-0.5");
    // Creatinine and its range both in mg/dL (3.0 over a ULN of 1.2) go
    // through the same factor into µmol/L: exactly 2.5 x ULN, not below.
    s.ineligible("cr-mgdl-2.5-uln-at-threshold", &["renal"]);
    s.eligible("cr-mgdl-below");
    // U/mL is 1000 U/L: ALT 0.12 U/mL over a ULN of 0.04 U/mL is 120 over
    // 40, exactly 3 x ULN.
    s.ineligible("alt-u-per-ml-3-uln-at-threshold", &["hepatic"]);
    // At 584.66 g/mol, 1 µmol/L of bilirubin is 0.058466 mg/dL, so
    // 2.0 mg/dL is 34.2079 µmol/L: 34.2 µmol/L (1.99954 mg/dL) is within
    // the limit, 34.3 (2.00538 mg/dL) is not; 34.207 and 34.208 straddle it.
    s.eligible("bili-umol-34.2-below");
    s.ineligible("bili-umol-34.3-above", &["hepatic"]);
    s.eligible("bili-umol-34.207-below");
    s.ineligible("bili-umol-34.208-above", &["hepatic"]);
    // The micro sign is read as `u`.
    s.eligible("bili-umol-micro-sign");
    // 20 mg/L is exactly 2.0 mg/dL: "<= 2.0 mg/dL" is met.
    s.eligible("bili-20-mg-per-l-at-threshold");
    // 100.4 [degF] is exactly 38 Cel ((100.4 - 32) x 5/9): fever. 100.3
    // [degF] is 37.94 Cel: no fever.
    s.ineligible("temp-100.4-degf-at-threshold", &["infection"]);
    s.eligible("temp-100.3-degf-below");
    // 311.15 K is 38 Cel: fever.
    s.ineligible("temp-311.15-kelvin", &["infection"]);
    // 240 hours is exactly 10 days: not more than 10 days.
    s.eligible("neutropenia-240-hours");
    // Two weeks is 14 days: more than 10.
    s.ineligible("neutropenia-2-weeks", &["neutropenia"]);
}

#[test]
fn missing_values_and_three_valued_logic() {
    let s = screen();
    // A key left out and a key set to null are both missing: unknown,
    // never a pass.
    s.undetermined("hb-absent", &["hemoglobin"]);
    s.undetermined("hb-null", &["hemoglobin"]);
    s.clean("hb-null");
    // A creatinine without its normal range cannot be compared with a
    // multiple of the ULN: the field is what to ask for.
    s.undetermined("cr-no-range", &["creatinine"]);
    // Only the upper limit is needed for x ULN.
    s.eligible("cr-only-high-limit");
    // EF 45 % fails the cardiac criterion whatever the ECG: false and
    // unknown is false.
    s.ineligible("ecg-absent-ef-45", &["cardiac"]);
    // An active infection excludes whatever the temperature: true or
    // unknown is true.
    s.ineligible("temp-absent-active-infection", &["infection"]);
    // Neither known: both are asked for, in declaration order.
    s.undetermined(
        "infection-and-temp-absent",
        &["body_temperature", "active_infection"],
    );
    // A man needs no pregnancy answer.
    s.eligible("man-pregnancy-unanswered");
    // Sex unknown, but neither pregnant nor lactating: the exclusion is
    // false whatever the sex.
    s.eligible("sex-absent-not-pregnant");
    // Sex unknown and pregnant: only the sex is missing.
    s.undetermined("sex-absent-pregnant", &["sex"]);
    // A woman not pregnant whose lactation was not recorded.
    s.undetermined("lactating-unanswered", &["lactating"]);
    // A prior CAR-T whose outcome is unknown leaves the cell-therapy
    // exclusion open; the list is what to ask about.
    s.undetermined("prior-car-t-outcome-unknown", &["therapies"]);
    // A prior therapy that did not fail excludes nothing, whatever its
    // class.
    s.eligible("prior-responded-class-unknown");
    // Transplant unknown with grade 0: "> grade 3" is false, so the
    // conjunction is false.
    s.eligible("gvhd-transplant-unknown-grade-0");
    s.undetermined(
        "gvhd-transplant-unknown-grade-4",
        &["allogeneic_transplant"],
    );
}

#[test]
fn malformed_values_and_records() {
    let s = screen();
    // A malformed unit is a data error naming the record and the field,
    // and the field is missing.
    s.undetermined("hb-bad-unit-trailing-slash", &["hemoglobin"]);
    s.data_error(
        "hb-bad-unit-trailing-slash",
        "hemoglobin",
        "malformed unit `g/dl/`",
    );
    // mmol/L cannot become g/L without a molar mass: refused, not guessed.
    s.undetermined("hb-mmol-no-molar-mass", &["hemoglobin"]);
    s.data_error("hb-mmol-no-molar-mass", "hemoglobin", "molar mass");
    // A decimal comma is refused with the fix.
    s.data_error("hb-decimal-comma", "hemoglobin", "not a comma");
    // `C` is the coulomb in UCUM, not Celsius.
    s.undetermined("temp-c-is-coulomb", &["body_temperature"]);
    s.data_error(
        "temp-c-is-coulomb",
        "body_temperature",
        "cannot convert `C`",
    );
    // A whole number outside the declared 0..100.
    s.undetermined("kps-110-out-of-range", &["kps"]);
    s.data_error(
        "kps-110-out-of-range",
        "kps",
        "outside the declared range 0..100",
    );
    // The wrong JSON type.
    s.data_error("mrd-text-yes", "mrd_positive", "expected `true` or `false`");
    // A member that is not declared, with the near miss suggested.
    s.data_error(
        "sex-capitalised-not-pregnant",
        "sex",
        "did you mean `female`?",
    );
    // ... and the record is still eligible: unknown sex, not pregnant,
    // not lactating.
    s.eligible("sex-capitalised-not-pregnant");
    // A range whose lower limit is above the upper.
    s.data_error("cr-low-above-high", "creatinine", "above the upper");
    // An error inside a list names the element; the other element decides.
    s.ineligible("prior-class-typo-then-anti-cd38-failed", &["antibodies"]);
    s.data_error(
        "prior-class-typo-then-anti-cd38-failed",
        "therapies[0].class",
        "did you mean `car_t`?",
    );
    // A misspelt key is a data error, and the field it meant is missing.
    s.undetermined("hb-misspelt-key", &["hemoglobin"]);
    s.data_error("hb-misspelt-key", "hemoglobn", "did you mean `hemoglobin`?");

    // Lines that are not records (not JSON, a JSON array) are still one
    // record each: every field missing, and one data error for the whole
    // record.
    let unreadable: Vec<&(ReadRecord, Verdict)> = s
        .records
        .iter()
        .filter(|(read, _)| read.errors.iter().any(|e| e.field == WHOLE_RECORD))
        .collect();
    assert_eq!(unreadable.len(), 5);
    for (read, verdict) in unreadable {
        let line = read.position;
        assert_eq!(read.id, None, "line {line}");
        assert_eq!(read.errors.len(), 1, "line {line}");
        assert_eq!(verdict.status(), Status::Undetermined, "line {line}");
        assert_eq!(verdict.missing(), s.fields, "line {line}");
    }
}
