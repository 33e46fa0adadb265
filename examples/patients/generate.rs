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
//! # writes a population of a million random patients (benchmarks)
//! cargo run --release -p rulec --example generate_patients -- --population 1000000 /tmp/million.jsonl
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
//! checks each against the evaluator (the few the evaluator gets wrong today
//! are listed there, in `KNOWN_DEFECTS`). The random patients are checked
//! only by the snapshot.

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
    if argument.as_deref() == Some("--population") {
        let count: usize = std::env::args()
            .nth(2)
            .ok_or("--population N PATH")?
            .parse()?;
        let path = std::env::args().nth(3).ok_or("--population N PATH")?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for sample in population(count) {
            use std::io::Write;
            writeln!(out, "{}", sample.line)?;
        }
        eprintln!("wrote {count} random patients to {path}");
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

    /// The finished line, built to get `meant`, with no data error.
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

#[path = "exclusions.rs"]
mod exclusions;
#[path = "inclusions.rs"]
mod inclusions;

use exclusions::*;
use inclusions::*;

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
    samples.extend(population(RANDOM_PATIENTS));
    samples
}

/// `count` random patients, `random-001` onwards: the file's last
/// [`RANDOM_PATIENTS`] are the first of them.
pub fn population(count: usize) -> impl Iterator<Item = Sample> {
    let mut rng = SplitMix64(SEED);
    (1..=count).map(move |n| random_patient(&mut rng, n))
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

    /// With a chance of `percent` in 100, a whole number in the range
    /// `near` (around a threshold); otherwise one in the range `usual`.
    fn near(&mut self, percent: u64, near: (i64, i64), usual: (i64, i64)) -> i64 {
        let (low, high) = if self.chance(percent) { near } else { usual };
        self.between(low, high)
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

/// A random patient: values drawn as a screening clinic might see them.
/// Each value falls near its threshold now and then (and then on either
/// side of it), some are written in another unit, and now and then one was
/// not collected; the rest are comfortably inside the limits, so that about
/// a third of the random patients are eligible.
fn random_patient(rng: &mut SplitMix64, n: usize) -> Sample {
    let mut p = Patient::baseline(&format!("random-{n:03}"));

    // Mostly 35 to 80 years old, now and then around 18.
    let year = rng.near(4, (2006, 2009), (1945, 1990));
    let (month, day) = (rng.between(1, 12), rng.between(1, 28));
    p = p.set("birth_date", json!(format!("{year}-{month:02}-{day:02}")));
    let male = rng.chance(50);
    p = p.set("sex", json!(if male { "male" } else { "female" }));

    let diagnosis = match rng.between(1, 25) {
        1 => json!(["mm"]),
        2 => json!(["amyloidosis", "rrmm"]),
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
        .set("mrd_positive", json!(rng.chance(96)))
        .set("high_tumour_burden", json!(rng.chance(3)))
        .set("life_expectancy", json!(rng.near(6, (2, 4), (6, 36))))
        .set("kps", json!(rng.near(8, (5, 7), (7, 10)) * 10));

    // Haemoglobin in g/L, or in g/dL.
    let hb = rng.near(12, (780, 820), (850, 1400));
    p = p.set(
        "hemoglobin",
        if rng.chance(30) {
            json!(format!("{} g/dL", hundredths(hb)))
        } else {
            json!(tenths(hb))
        },
    );
    p = p
        .set("ejection_fraction", json!(rng.near(8, (48, 52), (53, 70))))
        .set("ecg_abnormal", json!(rng.chance(3)))
        .set("spo2", json!(rng.near(8, (88, 91), (92, 100))));

    // Creatinine with the laboratory's range, in µmol/L or mg/dL; now and
    // then near 2.5 times the upper limit.
    let creatinine = if rng.chance(25) {
        let (low, high) = if male { (0.7, 1.2) } else { (0.5, 1.0) };
        let limit = if male { 300 } else { 250 };
        let value = rng.near(10, (limit - 10, limit + 10), (50, 180));
        json!({"value": hundredths(value), "unit": "mg/dL", "low": low, "high": high})
    } else {
        let (low, high) = if male { (59, 104) } else { (45, 84) };
        let limit = high * 5 / 2;
        let value = rng.near(10, (limit - 5, limit + 5), (40, 180));
        json!({"value": value, "low": low, "high": high})
    };
    p = p.set("creatinine", creatinine);
    let alt = rng.near(8, (115, 125), (8, 60));
    let ast = rng.near(8, (100, 110), (10, 50));
    p = p
        .set("alt", json!({"value": alt, "low": 7, "high": 40}))
        .set("ast", json!({"value": ast, "low": 8, "high": 35}));
    // Bilirubin in mg/dL, or in µmol/L.
    let bilirubin = if rng.chance(20) {
        let umol = tenths(rng.near(10, (335, 350), (30, 300)));
        json!(format!("{umol} umol/L"))
    } else {
        json!(hundredths(rng.near(10, (190, 210), (20, 150))))
    };
    p = p.set("bilirubin", bilirubin);
    if rng.chance(3) {
        let organ = rng.pick(&["heart", "lung", "liver", "kidney", "other"]);
        p = p.set("organ_insufficiency", json!([organ]));
    }

    // Temperature in °C, or in °F.
    let temperature = if rng.chance(20) {
        let fahrenheit = tenths(rng.near(10, (1000, 1008), (968, 999)));
        json!(format!("{fahrenheit} [degF]"))
    } else {
        json!(tenths(rng.near(10, (378, 383), (360, 376))))
    };
    p = p.set("body_temperature", temperature);
    p = p.set("active_infection", json!(rng.chance(3)));
    let neutropenia = if rng.chance(70) {
        0
    } else {
        rng.near(20, (9, 12), (1, 8))
    };
    p = p.set("neutropenia", json!(neutropenia));
    if rng.chance(3) {
        let kind = rng.pick(&["fungal", "bacterial", "viral"]);
        p = p.set("uncontrolled_infections", json!([kind]));
    }
    if rng.chance(3) {
        let kind = rng.pick(&["hiv", "active_hbv", "hcv"]);
        p = p.set("positive_serologies", json!([kind]));
    }

    // One to three prior lines; most are other regimens, which often fail.
    let mut therapies = Vec::new();
    for _ in 0..rng.between(1, 3) {
        let class = rng.pick(&[
            "other",
            "other",
            "other",
            "other",
            "anti_cd38",
            "anti_cd38",
            "anti_bcma",
            "car_t",
            "other_cell_therapy",
        ]);
        let failed = rng.chance(if class == "other" { 70 } else { 8 });
        therapies.push(json!({"class": class, "failed": failed}));
    }
    p = p.set("therapies", json!(therapies));
    let transplant = rng.chance(12);
    let grade = if transplant { rng.between(0, 4) } else { 0 };
    p = p
        .set("allogeneic_transplant", json!(transplant))
        .set("gvhd_grade", json!(grade));

    if male {
        // Men are often not asked.
        if rng.chance(50) {
            p = p.remove("pregnant").remove("lactating");
        }
    } else {
        p = p
            .set("pregnant", json!(rng.chance(2)))
            .set("lactating", json!(rng.chance(2)));
    }
    p = p
        .set("apheresis_contraindicated", json!(rng.chance(3)))
        .set("expert_group_benefit", json!(rng.chance(96)))
        .set("harmful_condition", json!(rng.chance(3)))
        .set("informed_consent", json!(rng.chance(97)));

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
