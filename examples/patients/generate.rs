//! Writes the sample patients of the seed trial, NCT03473496
//! (`examples/nct03473496.rules`), one JSON object per line.
//!
//! ```sh
//! # writes examples/patients/nct03473496.jsonl
//! cargo run -p rulec --example generate_patients
//! # writes another file
//! cargo run -p rulec --example generate_patients -- /tmp/patients.jsonl
//! # prints, for each hand-built patient, the verdict it is built to get
//! cargo run -p rulec --example generate_patients -- --meant
//! ```
//!
//! The output is the same, byte for byte, on every run and every platform:
//! it is committed, and `crates/rulec/tests/seed_patients.rs` checks that
//! the committed file is what this program writes.
//!
//! Dates are written against the index date the sample files are screened
//! on, 2026-01-15 (`crates/rulec/tests/examples_eval.rs`). The file holds,
//! in order:
//!
//! 1. a baseline patient who meets every inclusion criterion and no
//!    exclusion criterion;
//! 2. for every criterion, a family of variants of the baseline that change
//!    only what that criterion reads: exactly at the threshold and just
//!    either side, the value in another unit, the value missing, and the
//!    value malformed (a bad unit, the wrong JSON type, an unknown member,
//!    a day that is not in the calendar);
//! 3. lines that cannot be read as a record at all (not JSON, a JSON array),
//!    and records with an odd id or none;
//! 4. random but realistic patients, their values drawn around the
//!    thresholds, so that the screening funnel has something to show.
//!
//! Every hand-built patient carries the verdict it is built to get
//! ([`Meant`]) and the fields it is built to have data errors in; the test
//! checks each against the evaluator.

use std::error::Error;
use std::fmt;

use serde_json::{Value, json};

/// Where the file is written when no path is given.
const DEFAULT_OUTPUT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/patients/nct03473496.jsonl"
);

/// How many random patients follow the hand-built ones.
const RANDOM_PATIENTS: usize = 100;

/// The seed of the random patients: fixed, so that every run writes the
/// same file (the digits are the trial's number).
const SEED: u64 = 0x0347_3496;

fn main() -> Result<(), Box<dyn Error>> {
    let samples = samples();
    let argument = std::env::args().nth(1);
    if argument.as_deref() == Some("--meant") {
        for (n, sample) in samples.iter().enumerate() {
            if let Some(meant) = &sample.meant {
                println!(
                    "{}: {meant}{}",
                    sample.name(n + 1),
                    errors_note(sample.errors)
                );
            }
        }
        return Ok(());
    }
    let path = argument.unwrap_or_else(|| DEFAULT_OUTPUT.to_owned());
    std::fs::write(&path, render(&samples))?;
    let built = samples.iter().filter(|s| s.meant.is_some()).count();
    eprintln!(
        "wrote {} patients ({built} hand-built, {} random) to {path}",
        samples.len(),
        samples.len() - built
    );
    Ok(())
}

/// The text of the file: every sample's line, each ended by a line break.
#[must_use]
pub fn render(samples: &[Sample]) -> String {
    samples.iter().fold(String::new(), |mut text, sample| {
        text.push_str(&sample.line);
        text.push('\n');
        text
    })
}

/// One line of the file, and what it is built to get.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The line as written, without its line break.
    pub line: String,
    /// The id the record is read with; `None` when the line gives none (it
    /// is then named by its line number).
    pub id: Option<String>,
    /// The verdict the patient is built to get; `None` for random patients.
    pub meant: Option<Meant>,
    /// The fields the patient is built to have a data error in, as data
    /// errors name them (`therapies[0].class`, `(record)` for the whole
    /// record), in the order they are reported.
    pub errors: &'static [&'static str],
}

impl Sample {
    /// How the record is named: its id, or `line N`.
    #[must_use]
    pub fn name(&self, line: usize) -> String {
        self.id.clone().unwrap_or_else(|| format!("line {line}"))
    }

    /// The same sample, built to have data errors in `fields`.
    fn with_errors(self, fields: &'static [&'static str]) -> Sample {
        Sample {
            errors: fields,
            ..self
        }
    }

    /// A line that is not a readable record: undetermined, every field
    /// missing, and a data error for the whole record.
    fn unreadable(line: &str) -> Sample {
        Sample {
            line: line.to_owned(),
            id: None,
            meant: Some(Meant::NothingKnown),
            errors: &["(record)"],
        }
    }
}

/// The verdict a hand-built patient is built to get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meant {
    /// Every inclusion met, no exclusion met.
    Eligible,
    /// Ruled out by exactly these criteria, in the rule file's order.
    Ineligible(&'static [&'static str]),
    /// Undetermined, for want of exactly these fields, in declaration
    /// order.
    Undetermined(&'static [&'static str]),
    /// Undetermined, with every field missing.
    NothingKnown,
}

impl fmt::Display for Meant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Meant::Eligible => write!(f, "eligible"),
            Meant::Ineligible(by) => write!(f, "ineligible by {}", by.join(", ")),
            Meant::Undetermined(missing) => {
                write!(f, "undetermined; missing {}", missing.join(", "))
            }
            Meant::NothingKnown => write!(f, "undetermined; missing every field"),
        }
    }
}

/// `; data errors in a, b`, or nothing.
fn errors_note(fields: &[&str]) -> String {
    if fields.is_empty() {
        String::new()
    } else {
        format!("; data errors in {}", fields.join(", "))
    }
}

/// A patient record being built: its keys in the order they are written,
/// `id` first, then the fields in the rule file's order.
///
/// A `Vec` rather than a JSON map keeps that order (`serde_json` sorts the
/// keys of its maps) and lets a key be written twice on purpose.
#[derive(Clone, Debug)]
struct Patient {
    keys: Vec<(String, Value)>,
}

impl Patient {
    /// The baseline: a 60-year-old woman with relapsed, BCMA-positive,
    /// MRD-positive myeloma who meets every inclusion criterion and no
    /// exclusion criterion, every value comfortably inside its limits.
    fn baseline(id: &str) -> Patient {
        let keys = [
            ("id", json!(id)),
            ("birth_date", json!("1965-06-20")),
            ("sex", json!("female")),
            ("diagnosis", json!(["rrmm"])),
            ("markers", json!(["BCMA", "CD38"])),
            ("mrd_positive", json!(true)),
            ("high_tumour_burden", json!(false)),
            ("life_expectancy", json!(12)),
            ("kps", json!(80)),
            ("hemoglobin", json!(105)),
            ("ejection_fraction", json!(60)),
            ("ecg_abnormal", json!(false)),
            ("spo2", json!(97)),
            ("creatinine", json!({"value": 80, "low": 45, "high": 90})),
            ("alt", json!({"value": 25, "low": 7, "high": 40})),
            ("ast", json!({"value": 22, "low": 8, "high": 35})),
            ("bilirubin", json!(0.7)),
            ("organ_insufficiency", json!([])),
            ("body_temperature", json!(36.8)),
            ("active_infection", json!(false)),
            ("neutropenia", json!(0)),
            ("uncontrolled_infections", json!([])),
            ("positive_serologies", json!([])),
            (
                "therapies",
                json!([
                    {"class": "anti_cd38", "failed": false},
                    {"class": "other", "failed": true}
                ]),
            ),
            ("allogeneic_transplant", json!(false)),
            ("gvhd_grade", json!(0)),
            ("pregnant", json!(false)),
            ("lactating", json!(false)),
            ("apheresis_contraindicated", json!(false)),
            ("expert_group_benefit", json!(true)),
            ("harmful_condition", json!(false)),
            ("informed_consent", json!(true)),
        ];
        Patient {
            keys: keys
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        }
    }

    /// Sets `key` to `value`, in its place if the key is there, at the end
    /// otherwise.
    fn set(mut self, key: &str, value: Value) -> Patient {
        match self.keys.iter_mut().find(|(k, _)| k == key) {
            Some((_, slot)) => *slot = value,
            None => self.keys.push((key.to_owned(), value)),
        }
        self
    }

    /// Leaves `key` out.
    fn remove(mut self, key: &str) -> Patient {
        self.keys.retain(|(k, _)| k != key);
        self
    }

    /// Writes `key` a second time, at the end.
    fn repeat(mut self, key: &str, value: Value) -> Patient {
        self.keys.push((key.to_owned(), value));
        self
    }

    /// The record as one line of JSON, keys in order.
    fn line(&self) -> String {
        let pairs: Vec<String> = self
            .keys
            .iter()
            .map(|(key, value)| format!("{}:{value}", Value::String(key.clone())))
            .collect();
        format!("{{{}}}", pairs.join(","))
    }

    /// The id the record is read with: a non-empty string or a number.
    fn id(&self) -> Option<String> {
        match self.keys.iter().find(|(k, _)| k == "id").map(|(_, v)| v) {
            Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
            Some(Value::Number(id)) => Some(id.to_string()),
            _ => None,
        }
    }

    fn meant(self, meant: Meant) -> Sample {
        Sample {
            line: self.line(),
            id: self.id(),
            meant: Some(meant),
            errors: &[],
        }
    }

    /// Built to be eligible.
    fn eligible(self) -> Sample {
        self.meant(Meant::Eligible)
    }

    /// Built to be ruled out by exactly the criteria `by`.
    fn ineligible(self, by: &'static [&'static str]) -> Sample {
        self.meant(Meant::Ineligible(by))
    }

    /// Built to be undetermined for want of exactly the fields `missing`.
    fn undetermined(self, missing: &'static [&'static str]) -> Sample {
        self.meant(Meant::Undetermined(missing))
    }
}

/// The baseline with the id `id`, ready to be varied.
fn variant(id: &str) -> Patient {
    Patient::baseline(id)
}

/// Every line of the file, in order.
#[must_use]
pub fn samples() -> Vec<Sample> {
    let mut samples = vec![variant("baseline-eligible").eligible()];
    for family in [
        adult,
        relapsed,
        target,
        mrd,
        survival,
        performance,
        hemoglobin,
        cardiac,
        oxygen,
        renal,
        hepatic,
        attested,
        infection,
        neutropenia,
        infections_and_serology,
        pregnancy,
        organ_failure,
        therapies,
        gvhd,
        whole_records,
    ] {
        samples.extend(family());
    }
    let mut rng = SplitMix64(SEED);
    samples.extend((1..=RANDOM_PATIENTS).map(|n| random_patient(&mut rng, n)));
    samples
}

/// `adult`: 18 years or older on the index date, 2026-01-15; the age is
/// the number of birthdays passed.
fn adult() -> Vec<Sample> {
    vec![
        // 18th birthday on the index date itself.
        variant("age-18-on-index-date")
            .set("birth_date", json!("2008-01-15"))
            .eligible(),
        // 18th birthday the day after the index date: still 17.
        variant("age-18-tomorrow")
            .set("birth_date", json!("2008-01-16"))
            .ineligible(&["adult"]),
        variant("age-18-yesterday")
            .set("birth_date", json!("2008-01-14"))
            .eligible(),
        // No upper age limit.
        variant("age-85")
            .set("birth_date", json!("1940-05-05"))
            .eligible(),
        // A birth date after the index date: an age below 18 all the same.
        variant("age-born-after-index")
            .set("birth_date", json!("2026-03-01"))
            .ineligible(&["adult"]),
        variant("age-birth-date-absent")
            .remove("birth_date")
            .undetermined(&["birth_date"]),
        variant("age-birth-date-null")
            .set("birth_date", Value::Null)
            .undetermined(&["birth_date"]),
        variant("age-birth-date-feb-30")
            .set("birth_date", json!("2008-02-30"))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        variant("age-birth-date-day-first")
            .set("birth_date", json!("15/01/2008"))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        variant("age-birth-date-a-number")
            .set("birth_date", json!(2008))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        // The age is unknown, but haemoglobin already rules the patient out.
        variant("age-absent-hb-low")
            .remove("birth_date")
            .set("hemoglobin", json!(70))
            .ineligible(&["hemoglobin"]),
    ]
}

/// `relapsed`: the diagnosis set has `rrmm`.
fn relapsed() -> Vec<Sample> {
    vec![
        variant("diagnosis-mm-not-relapsed")
            .set("diagnosis", json!(["mm"]))
            .ineligible(&["relapsed"]),
        variant("diagnosis-empty")
            .set("diagnosis", json!([]))
            .ineligible(&["relapsed"]),
        variant("diagnosis-rrmm-and-amyloidosis")
            .set("diagnosis", json!(["amyloidosis", "rrmm"]))
            .eligible(),
        // Members may repeat.
        variant("diagnosis-rrmm-twice")
            .set("diagnosis", json!(["rrmm", "rrmm"]))
            .eligible(),
        variant("diagnosis-absent")
            .remove("diagnosis")
            .undetermined(&["diagnosis"]),
        variant("diagnosis-typo-rrm")
            .set("diagnosis", json!(["rrm"]))
            .undetermined(&["diagnosis"])
            .with_errors(&["diagnosis"]),
        variant("diagnosis-text-not-array")
            .set("diagnosis", json!("rrmm"))
            .undetermined(&["diagnosis"])
            .with_errors(&["diagnosis"]),
    ]
}

/// `target`: the markers have any of BCMA, CD138, CD38, CD56.
fn target() -> Vec<Sample> {
    vec![
        variant("markers-cd19-only")
            .set("markers", json!(["CD19"]))
            .ineligible(&["target"]),
        variant("markers-empty")
            .set("markers", json!([]))
            .ineligible(&["target"]),
        variant("markers-cd56-only")
            .set("markers", json!(["CD56"]))
            .eligible(),
        variant("markers-cd138-only")
            .set("markers", json!(["CD138"]))
            .eligible(),
        variant("markers-absent")
            .remove("markers")
            .undetermined(&["markers"]),
        // One unknown member leaves the whole set missing, BCMA included.
        variant("markers-unknown-cd20")
            .set("markers", json!(["BCMA", "CD20"]))
            .undetermined(&["markers"])
            .with_errors(&["markers"]),
        variant("markers-number-member")
            .set("markers", json!(["BCMA", 38]))
            .undetermined(&["markers"])
            .with_errors(&["markers"]),
    ]
}

/// `mrd`: MRD positive.
fn mrd() -> Vec<Sample> {
    vec![
        variant("mrd-negative")
            .set("mrd_positive", json!(false))
            .ineligible(&["mrd"]),
        variant("mrd-absent")
            .remove("mrd_positive")
            .undetermined(&["mrd_positive"]),
        variant("mrd-text-yes")
            .set("mrd_positive", json!("yes"))
            .undetermined(&["mrd_positive"])
            .with_errors(&["mrd_positive"]),
        variant("mrd-number-1")
            .set("mrd_positive", json!(1))
            .undetermined(&["mrd_positive"])
            .with_errors(&["mrd_positive"]),
    ]
}

/// `survival`: a life expectancy of more than 3 months (UCUM `mo`, the
/// mean Julian month of 30.4375 days).
fn survival() -> Vec<Sample> {
    vec![
        variant("survival-3-months")
            .set("life_expectancy", json!(3))
            .ineligible(&["survival"]),
        variant("survival-3.1-months")
            .set("life_expectancy", json!(3.1))
            .eligible(),
        variant("survival-2.9-months")
            .set("life_expectancy", json!(2.9))
            .ineligible(&["survival"]),
        // A year is 12 months exactly: 0.25 a is 3 mo, not more.
        variant("survival-quarter-year")
            .set("life_expectancy", json!("0.25 a"))
            .ineligible(&["survival"]),
        // 92 d is 3.02 mo; 91 d is 2.99 mo.
        variant("survival-92-days")
            .set("life_expectancy", json!("92 d"))
            .eligible(),
        variant("survival-91-days")
            .set("life_expectancy", json!("91 d"))
            .ineligible(&["survival"]),
        variant("survival-14-weeks-object")
            .set("life_expectancy", json!({"value": 14, "unit": "wk"}))
            .eligible(),
        // Text without a unit is a number in the field's unit.
        variant("survival-number-as-text")
            .set("life_expectancy", json!("6"))
            .eligible(),
        variant("survival-absent")
            .remove("life_expectancy")
            .undetermined(&["life_expectancy"]),
        variant("survival-mass-unit")
            .set("life_expectancy", json!("6 mg"))
            .undetermined(&["life_expectancy"])
            .with_errors(&["life_expectancy"]),
    ]
}

/// `performance`: KPS more than 60 (an integer from 0 to 100).
fn performance() -> Vec<Sample> {
    vec![
        variant("kps-60")
            .set("kps", json!(60))
            .ineligible(&["performance"]),
        variant("kps-61").set("kps", json!(61)).eligible(),
        variant("kps-59")
            .set("kps", json!(59))
            .ineligible(&["performance"]),
        variant("kps-70").set("kps", json!(70)).eligible(),
        // 70.0 is a whole number.
        variant("kps-70-point-0").set("kps", json!(70.0)).eligible(),
        variant("kps-absent").remove("kps").undetermined(&["kps"]),
        variant("kps-110-out-of-range")
            .set("kps", json!(110))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-negative")
            .set("kps", json!(-10))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-65.5-not-whole")
            .set("kps", json!(65.5))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-text")
            .set("kps", json!("80"))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
    ]
}

/// `hemoglobin`: more than 80 g/L.
fn hemoglobin() -> Vec<Sample> {
    vec![
        variant("hb-80-at-threshold")
            .set("hemoglobin", json!(80))
            .ineligible(&["hemoglobin"]),
        variant("hb-80.1-above")
            .set("hemoglobin", json!(80.1))
            .eligible(),
        variant("hb-79.9-below")
            .set("hemoglobin", json!(79.9))
            .ineligible(&["hemoglobin"]),
        // 8.0 g/dL is exactly 80 g/L.
        variant("hb-8.0-gdl-at-threshold")
            .set("hemoglobin", json!("8.0 g/dL"))
            .ineligible(&["hemoglobin"]),
        variant("hb-8.01-gdl-above")
            .set("hemoglobin", json!("8.01 g/dL"))
            .eligible(),
        variant("hb-7.99-gdl-below")
            .set("hemoglobin", json!("7.99 g/dL"))
            .ineligible(&["hemoglobin"]),
        variant("hb-gdl-object")
            .set("hemoglobin", json!({"value": 8.5, "unit": "g/dL"}))
            .eligible(),
        // UCUM has both `L` and `l` for the litre.
        variant("hb-gdl-lowercase-l")
            .set("hemoglobin", json!("8.5 g/dl"))
            .eligible(),
        // Haemoglobin in mmol/L needs a molar mass the field does not declare.
        variant("hb-mmol-no-molar-mass")
            .set("hemoglobin", json!("5.5 mmol/L"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-bad-unit-trailing-slash")
            .set("hemoglobin", json!("80 g/dl/"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-decimal-comma")
            .set("hemoglobin", json!("8,5 g/dL"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-with-normal-range")
            .set("hemoglobin", json!({"value": 100, "low": 120, "high": 160}))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-bool")
            .set("hemoglobin", json!(true))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-absent")
            .remove("hemoglobin")
            .undetermined(&["hemoglobin"]),
        variant("hb-null")
            .set("hemoglobin", Value::Null)
            .undetermined(&["hemoglobin"]),
        // A misspelt key is a data error, and the field it meant is missing.
        variant("hb-misspelt-key")
            .remove("hemoglobin")
            .set("hemoglobn", json!(95))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobn"]),
        // A key written twice: the last value is read.
        variant("hb-key-twice-last-wins")
            .set("hemoglobin", json!(70))
            .repeat("hemoglobin", json!(95))
            .eligible(),
        // Haemoglobin unknown, but MRD negative already rules out.
        variant("hb-absent-mrd-negative")
            .remove("hemoglobin")
            .set("mrd_positive", json!(false))
            .ineligible(&["mrd"]),
    ]
}

/// `cardiac`: ejection fraction of 50 % or more, and an ECG without
/// abnormality.
fn cardiac() -> Vec<Sample> {
    vec![
        variant("ef-50-at-threshold")
            .set("ejection_fraction", json!(50))
            .eligible(),
        variant("ef-49.9-below")
            .set("ejection_fraction", json!(49.9))
            .ineligible(&["cardiac"]),
        // A ratio of 0.5 is 50 %.
        variant("ef-ratio-0.5")
            .set("ejection_fraction", json!("0.5 1"))
            .eligible(),
        variant("ef-ratio-0.49")
            .set("ejection_fraction", json!("0.49 1"))
            .ineligible(&["cardiac"]),
        variant("ef-percent-text")
            .set("ejection_fraction", json!("55 %"))
            .eligible(),
        variant("ecg-abnormal")
            .set("ecg_abnormal", json!(true))
            .ineligible(&["cardiac"]),
        variant("ecg-absent")
            .remove("ecg_abnormal")
            .undetermined(&["ecg_abnormal"]),
        // false and unknown is false.
        variant("ecg-absent-ef-45")
            .remove("ecg_abnormal")
            .set("ejection_fraction", json!(45))
            .ineligible(&["cardiac"]),
        variant("ef-absent")
            .remove("ejection_fraction")
            .undetermined(&["ejection_fraction"]),
        variant("ef-absent-ecg-abnormal")
            .remove("ejection_fraction")
            .set("ecg_abnormal", json!(true))
            .ineligible(&["cardiac"]),
        variant("ecg-text")
            .set("ecg_abnormal", json!("normal"))
            .undetermined(&["ecg_abnormal"])
            .with_errors(&["ecg_abnormal"]),
    ]
}

/// `oxygen`: SpO2 of 90 % or more.
fn oxygen() -> Vec<Sample> {
    vec![
        variant("spo2-90-at-threshold")
            .set("spo2", json!(90))
            .eligible(),
        variant("spo2-89.9-below")
            .set("spo2", json!(89.9))
            .ineligible(&["oxygen"]),
        // A fraction written as a bare number is read in the field's unit:
        // 0.95 %, far below 90 %.
        variant("spo2-fraction-without-unit")
            .set("spo2", json!(0.95))
            .ineligible(&["oxygen"]),
        variant("spo2-absent")
            .remove("spo2")
            .undetermined(&["spo2"]),
        variant("spo2-mmhg")
            .set("spo2", json!("95 mmHg"))
            .undetermined(&["spo2"])
            .with_errors(&["spo2"]),
    ]
}

/// `renal`: creatinine below 2.5 times the upper limit of normal (the
/// baseline's is 90 µmol/L, so below 225 µmol/L).
fn renal() -> Vec<Sample> {
    let cr = |value: Value| json!({"value": value, "low": 45, "high": 90});
    let cr_mg = |value: f64| json!({"value": value, "unit": "mg/dL", "low": 0.6, "high": 1.2});
    vec![
        variant("cr-2.5-uln-at-threshold")
            .set("creatinine", cr(json!(225)))
            .ineligible(&["renal"]),
        variant("cr-224.9-below")
            .set("creatinine", cr(json!(224.9)))
            .eligible(),
        variant("cr-225.1-above")
            .set("creatinine", cr(json!(225.1)))
            .ineligible(&["renal"]),
        // In mg/dL with the range in mg/dL: 3.0 is 2.5 × 1.2 exactly.
        variant("cr-mgdl-2.5-uln-at-threshold")
            .set("creatinine", cr_mg(3.0))
            .ineligible(&["renal"]),
        variant("cr-mgdl-below")
            .set("creatinine", cr_mg(2.9))
            .eligible(),
        variant("cr-mgdl-above")
            .set("creatinine", cr_mg(3.1))
            .ineligible(&["renal"]),
        variant("cr-mmol-per-l")
            .set(
                "creatinine",
                json!({"value": 0.08, "unit": "mmol/L", "low": 0.045, "high": 0.09}),
            )
            .eligible(),
        // A value without its normal range cannot be compared with the ULN.
        variant("cr-no-range")
            .set("creatinine", json!(80))
            .undetermined(&["creatinine"]),
        variant("cr-no-range-text")
            .set("creatinine", json!("80 umol/L"))
            .undetermined(&["creatinine"]),
        variant("cr-only-low-limit")
            .set("creatinine", json!({"value": 80, "low": 45}))
            .undetermined(&["creatinine"]),
        variant("cr-only-high-limit")
            .set("creatinine", json!({"value": 80, "high": 90}))
            .eligible(),
        variant("cr-value-null")
            .set("creatinine", json!({"value": null, "low": 45, "high": 90}))
            .undetermined(&["creatinine"]),
        variant("cr-absent")
            .remove("creatinine")
            .undetermined(&["creatinine"]),
        variant("cr-low-above-high")
            .set("creatinine", json!({"value": 80, "low": 100, "high": 90}))
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-unknown-key-uln")
            .set(
                "creatinine",
                json!({"value": 80, "low": 45, "high": 90, "uln": 90}),
            )
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-no-value")
            .set("creatinine", json!({"low": 45, "high": 90}))
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-amount-not-concentration")
            .set(
                "creatinine",
                json!({"value": 1, "unit": "mmol", "low": 0.5, "high": 1.2}),
            )
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
    ]
}

/// `hepatic`: ALT and AST below 3 times their upper limits of normal (the
/// baseline's are 40 and 35 U/L, so below 120 and 105 U/L), and total
/// bilirubin at most 2.0 mg/dL.
fn hepatic() -> Vec<Sample> {
    let alt = |value: f64| json!({"value": value, "low": 7, "high": 40});
    let ast = |value: f64| json!({"value": value, "low": 8, "high": 35});
    vec![
        variant("alt-3-uln-at-threshold")
            .set("alt", alt(120.0))
            .ineligible(&["hepatic"]),
        variant("alt-119.9-below").set("alt", alt(119.9)).eligible(),
        // U/mL is 1000 U/L exactly: 0.12 and 0.04 U/mL are 120 and 40 U/L.
        variant("alt-u-per-ml-3-uln-at-threshold")
            .set(
                "alt",
                json!({"value": 0.12, "unit": "U/mL", "low": 0.007, "high": 0.04}),
            )
            .ineligible(&["hepatic"]),
        // rulec never converts U into katal (assay-specific units).
        variant("alt-ukat-per-l")
            .set(
                "alt",
                json!({"value": 0.5, "unit": "ukat/L", "low": 0.12, "high": 0.67}),
            )
            .undetermined(&["alt"])
            .with_errors(&["alt"]),
        variant("alt-no-range")
            .set("alt", json!(30))
            .undetermined(&["alt"]),
        variant("alt-absent").remove("alt").undetermined(&["alt"]),
        variant("ast-3-uln-at-threshold")
            .set("ast", ast(105.0))
            .ineligible(&["hepatic"]),
        variant("ast-104.9-below").set("ast", ast(104.9)).eligible(),
        variant("ast-absent").remove("ast").undetermined(&["ast"]),
        variant("alt-and-ast-absent")
            .remove("alt")
            .remove("ast")
            .undetermined(&["alt", "ast"]),
        // ALT unknown, but bilirubin already fails the criterion.
        variant("alt-absent-bilirubin-high")
            .remove("alt")
            .set("bilirubin", json!(2.5))
            .ineligible(&["hepatic"]),
        variant("bili-2.0-at-threshold")
            .set("bilirubin", json!(2.0))
            .eligible(),
        variant("bili-2.01-above")
            .set("bilirubin", json!(2.01))
            .ineligible(&["hepatic"]),
        variant("bili-1.99-below")
            .set("bilirubin", json!(1.99))
            .eligible(),
        // 1 µmol/L is 0.058466 mg/dL at 584.66 g/mol: 2.0 mg/dL is
        // 34.2079 µmol/L. 34.2 µmol/L is 1.99954 mg/dL, 34.3 is 2.00538.
        variant("bili-umol-34.2-below")
            .set("bilirubin", json!("34.2 umol/L"))
            .eligible(),
        variant("bili-umol-34.3-above")
            .set("bilirubin", json!("34.3 umol/L"))
            .ineligible(&["hepatic"]),
        variant("bili-umol-34.207-below")
            .set("bilirubin", json!("34.207 umol/L"))
            .eligible(),
        variant("bili-umol-34.208-above")
            .set("bilirubin", json!("34.208 umol/L"))
            .ineligible(&["hepatic"]),
        variant("bili-umol-micro-sign")
            .set("bilirubin", json!("34.2 µmol/L"))
            .eligible(),
        // 20 mg/L is 2.0 mg/dL exactly.
        variant("bili-20-mg-per-l-at-threshold")
            .set("bilirubin", json!("20 mg/L"))
            .eligible(),
        variant("bili-with-normal-range")
            .set("bilirubin", json!({"value": 1.0, "low": 0.1, "high": 1.2}))
            .undetermined(&["bilirubin"])
            .with_errors(&["bilirubin"]),
        variant("bili-amount-not-concentration")
            .set("bilirubin", json!("34 umol"))
            .undetermined(&["bilirubin"])
            .with_errors(&["bilirubin"]),
        variant("bili-absent")
            .remove("bilirubin")
            .undetermined(&["bilirubin"]),
    ]
}

/// The attested answers: `apheresis`, `benefit`, `consent` (inclusion),
/// `tumour_burden` and `harmful` (exclusion).
fn attested() -> Vec<Sample> {
    vec![
        variant("apheresis-contraindicated")
            .set("apheresis_contraindicated", json!(true))
            .ineligible(&["apheresis"]),
        variant("apheresis-unanswered")
            .remove("apheresis_contraindicated")
            .undetermined(&["apheresis_contraindicated"]),
        variant("benefit-no")
            .set("expert_group_benefit", json!(false))
            .ineligible(&["benefit"]),
        variant("benefit-unanswered")
            .remove("expert_group_benefit")
            .undetermined(&["expert_group_benefit"]),
        variant("consent-not-signed")
            .set("informed_consent", json!(false))
            .ineligible(&["consent"]),
        variant("consent-unanswered")
            .remove("informed_consent")
            .undetermined(&["informed_consent"]),
        variant("consent-text-yes")
            .set("informed_consent", json!("yes"))
            .undetermined(&["informed_consent"])
            .with_errors(&["informed_consent"]),
        variant("tumour-burden-high")
            .set("high_tumour_burden", json!(true))
            .ineligible(&["tumour_burden"]),
        variant("tumour-burden-unanswered")
            .remove("high_tumour_burden")
            .undetermined(&["high_tumour_burden"]),
        variant("harmful-condition")
            .set("harmful_condition", json!(true))
            .ineligible(&["harmful"]),
        variant("harmful-unanswered")
            .remove("harmful_condition")
            .undetermined(&["harmful_condition"]),
    ]
}

/// `infection`: an active infection, or fever (38.0 °C or more).
fn infection() -> Vec<Sample> {
    vec![
        variant("temp-38.0-at-threshold")
            .set("body_temperature", json!(38.0))
            .ineligible(&["infection"]),
        variant("temp-37.9-below")
            .set("body_temperature", json!(37.9))
            .eligible(),
        variant("temp-38.1-above")
            .set("body_temperature", json!(38.1))
            .ineligible(&["infection"]),
        // 100.4 °F is 38 °C exactly.
        variant("temp-100.4-degf-at-threshold")
            .set("body_temperature", json!("100.4 [degF]"))
            .ineligible(&["infection"]),
        variant("temp-100.3-degf-below")
            .set("body_temperature", json!("100.3 [degF]"))
            .eligible(),
        // `degF` is read as `[degF]`.
        variant("temp-degf-without-brackets")
            .set("body_temperature", json!("100.4 degF"))
            .ineligible(&["infection"]),
        variant("temp-311.15-kelvin")
            .set("body_temperature", json!("311.15 K"))
            .ineligible(&["infection"]),
        // `C` is the coulomb in UCUM, not the degree Celsius.
        variant("temp-c-is-coulomb")
            .set("body_temperature", json!("38 C"))
            .undetermined(&["body_temperature"])
            .with_errors(&["body_temperature"]),
        variant("temp-absent")
            .remove("body_temperature")
            .undetermined(&["body_temperature"]),
        // true or unknown is true.
        variant("temp-absent-active-infection")
            .remove("body_temperature")
            .set("active_infection", json!(true))
            .ineligible(&["infection"]),
        variant("active-infection")
            .set("active_infection", json!(true))
            .ineligible(&["infection"]),
        variant("active-infection-unanswered")
            .remove("active_infection")
            .undetermined(&["active_infection"]),
        variant("active-infection-unanswered-fever")
            .remove("active_infection")
            .set("body_temperature", json!(38.5))
            .ineligible(&["infection"]),
        variant("infection-and-temp-absent")
            .remove("active_infection")
            .remove("body_temperature")
            .undetermined(&["body_temperature", "active_infection"]),
    ]
}

/// `neutropenia`: neutropenia lasting more than 10 days.
fn neutropenia() -> Vec<Sample> {
    vec![
        variant("neutropenia-10-days-at-threshold")
            .set("neutropenia", json!(10))
            .eligible(),
        variant("neutropenia-11-days")
            .set("neutropenia", json!(11))
            .ineligible(&["neutropenia"]),
        // 240 h is 10 d exactly.
        variant("neutropenia-240-hours")
            .set("neutropenia", json!("240 h"))
            .eligible(),
        variant("neutropenia-2-weeks")
            .set("neutropenia", json!("2 wk"))
            .ineligible(&["neutropenia"]),
        variant("neutropenia-11-days-in-words")
            .set("neutropenia", json!("11 days"))
            .ineligible(&["neutropenia"]),
        variant("neutropenia-absent")
            .remove("neutropenia")
            .undetermined(&["neutropenia"]),
        variant("neutropenia-cells-per-litre")
            .set("neutropenia", json!("0.4 10^9/L"))
            .undetermined(&["neutropenia"])
            .with_errors(&["neutropenia"]),
    ]
}

/// `uncontrolled` and `serology`: uncontrolled infections, positive
/// serologies.
fn infections_and_serology() -> Vec<Sample> {
    vec![
        variant("uncontrolled-fungal")
            .set("uncontrolled_infections", json!(["fungal"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-bacterial-and-viral")
            .set("uncontrolled_infections", json!(["bacterial", "viral"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-viral-twice")
            .set("uncontrolled_infections", json!(["viral", "viral"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-absent")
            .remove("uncontrolled_infections")
            .undetermined(&["uncontrolled_infections"]),
        variant("uncontrolled-null")
            .set("uncontrolled_infections", Value::Null)
            .undetermined(&["uncontrolled_infections"]),
        variant("uncontrolled-parasitic")
            .set("uncontrolled_infections", json!(["parasitic"]))
            .undetermined(&["uncontrolled_infections"])
            .with_errors(&["uncontrolled_infections"]),
        variant("serology-hiv")
            .set("positive_serologies", json!(["hiv"]))
            .ineligible(&["serology"]),
        variant("serology-active-hbv")
            .set("positive_serologies", json!(["active_hbv"]))
            .ineligible(&["serology"]),
        variant("serology-hcv")
            .set("positive_serologies", json!(["hcv"]))
            .ineligible(&["serology"]),
        variant("serology-absent")
            .remove("positive_serologies")
            .undetermined(&["positive_serologies"]),
        variant("serology-hbv-shorthand")
            .set("positive_serologies", json!(["hbv"]))
            .undetermined(&["positive_serologies"])
            .with_errors(&["positive_serologies"]),
    ]
}

/// `pregnancy`: a woman who is pregnant or lactating (the baseline is a
/// woman who is neither).
fn pregnancy() -> Vec<Sample> {
    vec![
        variant("pregnant")
            .set("pregnant", json!(true))
            .ineligible(&["pregnancy"]),
        variant("lactating")
            .set("lactating", json!(true))
            .ineligible(&["pregnancy"]),
        variant("pregnancy-unanswered")
            .remove("pregnant")
            .remove("lactating")
            .undetermined(&["pregnant", "lactating"]),
        variant("lactating-unanswered")
            .remove("lactating")
            .undetermined(&["lactating"]),
        // true or unknown is true.
        variant("pregnancy-unanswered-lactating")
            .remove("pregnant")
            .set("lactating", json!(true))
            .ineligible(&["pregnancy"]),
        // A man needs neither answer.
        variant("man-pregnancy-unanswered")
            .set("sex", json!("male"))
            .remove("pregnant")
            .remove("lactating")
            .eligible(),
        variant("man-recorded-pregnant")
            .set("sex", json!("male"))
            .set("pregnant", json!(true))
            .eligible(),
        // unknown and false is false: neither pregnant nor lactating decides.
        variant("sex-absent-not-pregnant").remove("sex").eligible(),
        variant("sex-absent-pregnant")
            .remove("sex")
            .set("pregnant", json!(true))
            .undetermined(&["sex"]),
        // A data error in `sex` leaves it missing; the answers still decide.
        variant("sex-capitalised-not-pregnant")
            .set("sex", json!("Female"))
            .eligible()
            .with_errors(&["sex"]),
        variant("sex-capitalised-lactating")
            .set("sex", json!("Female"))
            .set("lactating", json!(true))
            .undetermined(&["sex"])
            .with_errors(&["sex"]),
    ]
}

/// `organ_failure`: severe insufficiency of an organ.
fn organ_failure() -> Vec<Sample> {
    vec![
        variant("organ-heart")
            .set("organ_insufficiency", json!(["heart"]))
            .ineligible(&["organ_failure"]),
        variant("organ-kidney-and-liver")
            .set("organ_insufficiency", json!(["kidney", "liver"]))
            .ineligible(&["organ_failure"]),
        variant("organ-other")
            .set("organ_insufficiency", json!(["other"]))
            .ineligible(&["organ_failure"]),
        variant("organ-absent")
            .remove("organ_insufficiency")
            .undetermined(&["organ_insufficiency"]),
        variant("organ-brain")
            .set("organ_insufficiency", json!(["brain"]))
            .undetermined(&["organ_insufficiency"])
            .with_errors(&["organ_insufficiency"]),
    ]
}

/// `cell_therapy` and `antibodies`: the list of prior therapies.
fn therapies() -> Vec<Sample> {
    let one = |class: &str, failed: bool| json!([{"class": class, "failed": failed}]);
    vec![
        variant("prior-car-t-failed")
            .set("therapies", one("car_t", true))
            .ineligible(&["cell_therapy"]),
        variant("prior-car-t-responded")
            .set("therapies", one("car_t", false))
            .eligible(),
        variant("prior-other-cell-therapy-failed")
            .set("therapies", one("other_cell_therapy", true))
            .ineligible(&["cell_therapy"]),
        variant("prior-anti-bcma-failed")
            .set("therapies", one("anti_bcma", true))
            .ineligible(&["antibodies"]),
        variant("prior-anti-cd38-failed")
            .set("therapies", one("anti_cd38", true))
            .ineligible(&["antibodies"]),
        variant("prior-other-failed-only")
            .set("therapies", one("other", true))
            .eligible(),
        variant("prior-car-t-and-anti-bcma-failed")
            .set(
                "therapies",
                json!([
                    {"class": "anti_bcma", "failed": true},
                    {"class": "car_t", "failed": true}
                ]),
            )
            .ineligible(&["cell_therapy", "antibodies"]),
        variant("therapies-none")
            .set("therapies", json!([]))
            .eligible(),
        variant("therapies-absent")
            .remove("therapies")
            .undetermined(&["therapies"]),
        variant("therapies-null")
            .set("therapies", Value::Null)
            .undetermined(&["therapies"]),
        variant("prior-car-t-outcome-unknown")
            .set("therapies", json!([{"class": "car_t"}]))
            .undetermined(&["therapies"]),
        variant("prior-failed-class-unknown")
            .set("therapies", json!([{"failed": true}]))
            .undetermined(&["therapies"]),
        // unknown and false is false, in both criteria.
        variant("prior-responded-class-unknown")
            .set("therapies", json!([{"failed": false}]))
            .eligible(),
        variant("prior-class-typo")
            .set("therapies", json!([{"class": "cart", "failed": true}]))
            .undetermined(&["therapies"])
            .with_errors(&["therapies[0].class"]),
        // The first element is unreadable, the second decides.
        variant("prior-class-typo-then-anti-cd38-failed")
            .set(
                "therapies",
                json!([
                    {"class": "cart", "failed": true},
                    {"class": "anti_cd38", "failed": true}
                ]),
            )
            .ineligible(&["antibodies"])
            .with_errors(&["therapies[0].class"]),
        variant("prior-failed-text")
            .set(
                "therapies",
                json!([{"class": "anti_bcma", "failed": "yes"}]),
            )
            .undetermined(&["therapies"])
            .with_errors(&["therapies[0].failed"]),
        // An unknown key in an element is an error; the element is read.
        variant("prior-element-unknown-key")
            .set(
                "therapies",
                json!([{"class": "car_t", "failed": false, "date": "2024-03-01"}]),
            )
            .eligible()
            .with_errors(&["therapies[0].date"]),
        // An element that is not an object leaves the whole list missing.
        variant("prior-element-not-object")
            .set("therapies", json!(["car_t"]))
            .undetermined(&["therapies"])
            .with_errors(&["therapies"]),
    ]
}

/// `gvhd`: an allogeneic transplant with acute GVHD of grade more than 3.
fn gvhd() -> Vec<Sample> {
    let transplant = |id: &str, grade: Value| {
        variant(id)
            .set("allogeneic_transplant", json!(true))
            .set("gvhd_grade", grade)
    };
    vec![
        transplant("gvhd-grade-3", json!(3)).eligible(),
        transplant("gvhd-grade-4", json!(4)).ineligible(&["gvhd"]),
        variant("gvhd-grade-4-no-transplant")
            .set("gvhd_grade", json!(4))
            .eligible(),
        variant("gvhd-transplant-grade-absent")
            .set("allogeneic_transplant", json!(true))
            .remove("gvhd_grade")
            .undetermined(&["gvhd_grade"]),
        variant("gvhd-no-transplant-grade-absent")
            .remove("gvhd_grade")
            .eligible(),
        variant("gvhd-transplant-unknown-grade-0")
            .remove("allogeneic_transplant")
            .eligible(),
        variant("gvhd-transplant-unknown-grade-4")
            .remove("allogeneic_transplant")
            .set("gvhd_grade", json!(4))
            .undetermined(&["allogeneic_transplant"]),
        transplant("gvhd-grade-5-out-of-range", json!(5))
            .undetermined(&["gvhd_grade"])
            .with_errors(&["gvhd_grade"]),
    ]
}

/// Lines that are not readable records, and records with an odd id.
fn whole_records() -> Vec<Sample> {
    vec![
        Sample::unreadable("this line is not JSON"),
        Sample::unreadable(r#"["array-not-object", 80, "g/L"]"#),
        Sample::unreadable(r#"{"id": "truncated-line", "birth_date": "1965-06-20", "kps""#),
        Sample::unreadable(r#""baseline-eligible""#),
        Sample::unreadable("null"),
        // An empty object is a record that knows nothing.
        Sample {
            line: "{}".to_owned(),
            id: None,
            meant: Some(Meant::NothingKnown),
            errors: &[],
        },
        // Without an id, a record is named by its line.
        variant("").remove("id").eligible(),
        variant("").set("id", json!(7001)).eligible(),
        variant("")
            .set("id", json!(""))
            .eligible()
            .with_errors(&["id"]),
    ]
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed generator
/// whose whole definition is the three lines of [`SplitMix64::next`]. The
/// sample file must come out the same on every run and platform, and
/// std has no seedable generator; a crate's generator could change its
/// stream between versions, this one cannot.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number from `low` to `high`, both included. The modulo's
    /// bias is below 2⁻⁵⁰ for these small ranges.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = high.abs_diff(low).saturating_add(1);
        low.saturating_add_unsigned(self.next() % span)
    }

    /// `true` with a chance of `percent` in 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A number from `low` to `high` in steps of a tenth, given in tenths.
    fn tenths(&mut self, low: i64, high: i64) -> f64 {
        tenths(self.between(low, high))
    }

    /// One of `items` (the default value when there are none).
    fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        let n = u64::try_from(items.len()).unwrap_or(u64::MAX).max(1);
        let at = usize::try_from(self.next() % n).unwrap_or(0);
        items.get(at).copied().unwrap_or_default()
    }
}

/// `n` tenths as a number: 801 is 80.1, the `f64` nearest to it.
#[expect(
    clippy::cast_precision_loss,
    reason = "the numbers are small: every one is exact in an f64"
)]
fn tenths(n: i64) -> f64 {
    n as f64 / 10.0
}

/// `n` hundredths as a number.
#[expect(
    clippy::cast_precision_loss,
    reason = "the numbers are small: every one is exact in an f64"
)]
fn hundredths(n: i64) -> f64 {
    n as f64 / 100.0
}

/// A random patient: values drawn as a screening clinic sees them, about a
/// quarter of the labs near their thresholds, some in other units, and now
/// and then a value missing.
fn random_patient(rng: &mut SplitMix64, n: usize) -> Sample {
    let mut p = Patient::baseline(&format!("random-{n:03}"));

    // Mostly 35 to 80 years old, sometimes around 18.
    let year = if rng.chance(8) {
        rng.between(2006, 2009)
    } else {
        rng.between(1945, 1990)
    };
    let (month, day) = (rng.between(1, 12), rng.between(1, 28));
    p = p.set("birth_date", json!(format!("{year}-{month:02}-{day:02}")));
    let male = rng.chance(50);
    p = p.set("sex", json!(if male { "male" } else { "female" }));

    let diagnosis = match rng.between(1, 20) {
        1 | 2 => json!(["mm"]),
        3 => json!(["amyloidosis", "rrmm"]),
        _ => json!(["rrmm"]),
    };
    p = p.set("diagnosis", diagnosis);
    let mut markers = Vec::new();
    for (marker, percent) in [
        ("BCMA", 85),
        ("CD138", 40),
        ("CD38", 55),
        ("CD56", 25),
        ("CD19", 10),
    ] {
        if rng.chance(percent) {
            markers.push(marker);
        }
    }
    p = p
        .set("markers", json!(markers))
        .set("mrd_positive", json!(rng.chance(92)))
        .set("high_tumour_burden", json!(rng.chance(6)));

    p = p.set(
        "life_expectancy",
        json!(rng.pick(&[2, 3, 4, 6, 6, 12, 12, 24])),
    );
    p = p.set("kps", json!(rng.between(5, 10) * 10));

    // Haemoglobin in g/L, or in g/dL with one decimal.
    let hb = if rng.chance(25) {
        rng.between(780, 820)
    } else {
        rng.between(700, 1400)
    };
    p = p.set(
        "hemoglobin",
        if rng.chance(30) {
            json!(format!("{} g/dL", hundredths(hb)))
        } else {
            json!(tenths(hb))
        },
    );

    p = p
        .set("ejection_fraction", json!(rng.between(45, 70)))
        .set("ecg_abnormal", json!(rng.chance(7)))
        .set("spo2", json!(rng.between(88, 100)));

    // Creatinine with the laboratory's range, in µmol/L or mg/dL.
    let creatinine = if rng.chance(25) {
        let high = if male { 1.2 } else { 1.0 };
        json!({
            "value": hundredths(rng.between(50, 320)),
            "unit": "mg/dL",
            "low": if male { 0.7 } else { 0.5 },
            "high": high,
        })
    } else {
        let (low, high) = if male { (59, 104) } else { (45, 84) };
        let value = if rng.chance(20) {
            rng.between(200, 270)
        } else {
            rng.between(50, 180)
        };
        json!({"value": value, "low": low, "high": high})
    };
    p = p.set("creatinine", creatinine);
    let alt = if rng.chance(15) {
        rng.between(100, 140)
    } else {
        rng.between(8, 60)
    };
    let ast = if rng.chance(15) {
        rng.between(90, 120)
    } else {
        rng.between(10, 50)
    };
    p = p
        .set("alt", json!({"value": alt, "low": 7, "high": 40}))
        .set("ast", json!({"value": ast, "low": 8, "high": 35}));
    // Bilirubin in mg/dL, or in µmol/L with one decimal.
    p = p.set(
        "bilirubin",
        if rng.chance(20) {
            json!(format!("{} umol/L", rng.tenths(50, 450)))
        } else if rng.chance(20) {
            json!(hundredths(rng.between(180, 220)))
        } else {
            json!(hundredths(rng.between(20, 150)))
        },
    );
    if rng.chance(6) {
        let organ = rng.pick(&["heart", "lung", "liver", "kidney", "other"]);
        p = p.set("organ_insufficiency", json!([organ]));
    }

    // Temperature in °C, or in °F with one decimal.
    p = p.set(
        "body_temperature",
        if rng.chance(20) {
            json!(format!("{} [degF]", rng.tenths(968, 1013)))
        } else {
            json!(rng.tenths(360, 386))
        },
    );
    p = p.set("active_infection", json!(rng.chance(6)));
    p = p.set(
        "neutropenia",
        json!(if rng.chance(60) {
            0
        } else {
            rng.between(1, 16)
        }),
    );
    if rng.chance(5) {
        let kind = rng.pick(&["fungal", "bacterial", "viral"]);
        p = p.set("uncontrolled_infections", json!([kind]));
    }
    if rng.chance(5) {
        let kind = rng.pick(&["hiv", "active_hbv", "hcv"]);
        p = p.set("positive_serologies", json!([kind]));
    }

    let mut therapies = Vec::new();
    for _ in 0..rng.between(1, 3) {
        let class = rng.pick(&[
            "other",
            "other",
            "other",
            "anti_cd38",
            "anti_bcma",
            "car_t",
            "other_cell_therapy",
        ]);
        let failed = rng.chance(if class == "other" { 70 } else { 20 });
        therapies.push(json!({"class": class, "failed": failed}));
    }
    p = p.set("therapies", json!(therapies));
    let transplant = rng.chance(15);
    p = p.set("allogeneic_transplant", json!(transplant)).set(
        "gvhd_grade",
        json!(if transplant { rng.between(0, 4) } else { 0 }),
    );

    if male {
        // Men are often not asked.
        if rng.chance(50) {
            p = p.remove("pregnant").remove("lactating");
        }
    } else {
        p = p
            .set("pregnant", json!(rng.chance(3)))
            .set("lactating", json!(rng.chance(3)));
    }
    p = p
        .set("apheresis_contraindicated", json!(rng.chance(4)))
        .set("expert_group_benefit", json!(rng.chance(94)))
        .set("harmful_condition", json!(rng.chance(4)))
        .set("informed_consent", json!(rng.chance(96)));

    // Now and then a value was not collected.
    let keys: Vec<String> = p.keys.iter().map(|(k, _)| k.clone()).collect();
    for key in keys.iter().filter(|k| *k != "id") {
        if rng.chance(1) {
            p = p.remove(key);
        }
    }
    Sample {
        line: p.line(),
        id: p.id(),
        meant: None,
        errors: &[],
    }
}
