//! Writes the seed trial's sample patients (`examples/patients/nct03473496.jsonl`)
//! as FHIR R4 resources, so that screening them through the trial's FHIR
//! binding can be compared with screening the JSON Lines originals.
//!
//! ```sh
//! # writes examples/patients/fhir/{Patient,Observation,Condition,MedicationStatement}.ndjson
//! cargo run -p rulec --example generate_fhir
//! # writes the Bulk Data files into another folder
//! cargo run -p rulec --example generate_fhir -- /tmp/fhir
//! # writes one collection Bundle per patient (<id>.json); the committed
//! # folder holds the first 3 only
//! cargo run -p rulec --example generate_fhir -- --bundles examples/patients/fhir-bundles 3
//! # writes another JSON Lines file's patients, such as a generated
//! # population (scripts/bench-fhir)
//! cargo run --release -p rulec --example generate_fhir -- --from /tmp/pop.jsonl /tmp/pop-fhir
//! ```
//!
//! The output is the same, byte for byte, on every run: it is committed,
//! and `crates/rulec/tests/seed_fhir.rs` checks that the committed files
//! are what this program writes.
//!
//! Every value is written so that the trial's FHIR binding (issue 17)
//! reads it back as the JSON Lines reader reads the original: a number in
//! the unit the line gives (a bare number in the field's declared unit),
//! the line's reference range as the Observation's, a set member as an
//! active Condition, a therapy as a completed MedicationStatement. A value
//! the line gets wrong on purpose gets the FHIR mistake that matches it
//! where there is one: a unit that is not UCUM as `valueQuantity.code`, a
//! string or a boolean where a quantity belongs (`valueString`,
//! `valueBoolean`), gender `other` for a sex that is no member, the
//! impossible or partial date as `birthDate`. The values of Observations
//! are made in `fhir_values.rs`.
//!
//! A patient whose line FHIR cannot say the same way is left out, with the
//! reason printed on stderr. For the committed sample file they are:
//!
//! | line | id | reason |
//! | --- | --- | --- |
//! | 17 | diagnosis-absent | `diagnosis` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 18 | diagnosis-typo-rrm | `diagnosis` has "rrm", which no code stands for |
//! | 19 | diagnosis-text-not-array | `diagnosis` is not an array |
//! | 25 | markers-unknown-cd20 | `markers` has "CD20", which no code stands for |
//! | 26 | markers-number-member | `markers` has 38, which no code stands for |
//! | 62 | hb-with-normal-range | `hemoglobin` takes no range: the reader refuses one, the binding ignores it |
//! | 66 | hb-misspelt-key | `hemoglobn` is no field: FHIR has no resource the binding would refuse for it |
//! | 67 | hb-key-twice | `hemoglobin` is given twice |
//! | 93 | cr-no-range | `creatinine` has no normal range, so the binding would use its fallback range |
//! | 94 | cr-no-range-text | `creatinine` has no normal range, so the binding would use its fallback range |
//! | 100 | cr-unknown-key-uln | `creatinine` has a key `uln` FHIR has no place for |
//! | 101 | cr-no-value | `creatinine` is an object without `value` |
//! | 107 | alt-no-range | `alt` has no normal range, so the binding would use its fallback range |
//! | 124 | bili-with-normal-range | `bilirubin` takes no range: the reader refuses one, the binding ignores it |
//! | 162 | uncontrolled-absent | `uncontrolled_infections` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 163 | uncontrolled-null | `uncontrolled_infections` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 164 | uncontrolled-parasitic | `uncontrolled_infections` has "parasitic", which no code stands for |
//! | 168 | serology-absent | `positive_serologies` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 169 | serology-hbv-shorthand | `positive_serologies` has "hbv", which no code stands for |
//! | 184 | organ-absent | `organ_insufficiency` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 185 | organ-brain | `organ_insufficiency` has "brain", which no code stands for |
//! | 193 | therapies-none | empty list: the binding reads no MedicationStatement as missing |
//! | 197 | prior-failed-class-unknown | therapies[0] has no class of the list: a medication of another code is `other` to the binding, not refused |
//! | 198 | prior-responded-class-unknown | therapies[0] has no class of the list: a medication of another code is `other` to the binding, not refused |
//! | 199 | prior-class-typo | therapies[0] has no class of the list: a medication of another code is `other` to the binding, not refused |
//! | 200 | prior-class-typo-then-anti-cd38-failed | therapies[0] has no class of the list: a medication of another code is `other` to the binding, not refused |
//! | 201 | prior-failed-text | therapies[0].failed is "yes": a statusReason of another code is missing to the binding, not refused |
//! | 202 | prior-element-unknown-key | therapies[0] has a key `date` FHIR has no place for |
//! | 203 | prior-element-not-object | therapies[0] is not an object |
//! | 212 | (none) | not JSON |
//! | 213 | (none) | not a JSON object |
//! | 214 | (none) | not JSON |
//! | 215 | (none) | not a JSON object |
//! | 216 | (none) | not a JSON object |
//! | 217 | (none) | no id |
//! | 218 | (none) | no id |
//! | 220 | (none) | the id "" is not a FHIR id ([A-Za-z0-9-.]{1,64}) |
//! | 315 | random-095 | `organ_insufficiency` is missing while other Condition-bound sets are given: any Condition makes it known |
//! | 317 | random-097 | `diagnosis` is missing while other Condition-bound sets are given: any Condition makes it known |

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value, json};

use self::values::{Kind, observation_value};

/// How values become FHIR values.
#[path = "fhir_values.rs"]
mod values;

/// The sample patients.
const INPUT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/patients/nct03473496.jsonl"
);

/// Where the Bulk Data files are written when no folder is given.
const DEFAULT_OUTPUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/patients/fhir");

/// When every Observation was taken, and reported an hour later: two days
/// before the index date (2026-01-15), inside the binding's every window.
const EFFECTIVE: &str = "2026-01-13T08:00:00Z";
const ISSUED: &str = "2026-01-13T09:00:00Z";
/// When every Condition began: a year before the index date.
const ONSET: &str = "2025-01-15";
/// The first therapy's date; each next one is a day later, so that the
/// binding's date order is the line's order.
const THERAPY_START: jiff::civil::Date = jiff::civil::date(2025, 6, 1);

const UCUM: &str = "http://unitsofmeasure.org";
const LOINC: &str = "http://loinc.org";
const SNOMED: &str = "http://snomed.info/sct";
const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const ATC: &str = "http://www.whocc.no/atc";
/// The site's own code system of the binding, for what has no standard code.
const SITE: &str = "http://example.org/screening";
const CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

/// The yes/no answers with no standard code: the binding codes each in the
/// site's system by the field's name, spelt with hyphens.
const ANSWERS: &[&str] = &[
    "mrd_positive",
    "high_tumour_burden",
    "ecg_abnormal",
    "active_infection",
    "allogeneic_transplant",
    "lactating",
    "apheresis_contraindicated",
    "expert_group_benefit",
    "harmful_condition",
    "informed_consent",
];

/// The other fields bound to one Observation each: name, code, what it holds.
const OBSERVATIONS: &[(&str, &str, &str, Kind)] = &[
    ("life_expectancy", SITE, "life-expectancy", quantity("mo")),
    ("kps", SITE, "karnofsky", Kind::Integer),
    ("hemoglobin", LOINC, "718-7", quantity("g/L")),
    ("ejection_fraction", LOINC, "10230-1", quantity("%")),
    ("spo2", LOINC, "59408-5", quantity("%")),
    ("creatinine", LOINC, "2160-0", ranged("umol/L")),
    ("alt", LOINC, "1742-6", ranged("U/L")),
    ("ast", LOINC, "1920-8", ranged("U/L")),
    ("bilirubin", LOINC, "1975-2", quantity("mg/dL")),
    ("body_temperature", LOINC, "8310-5", quantity("Cel")),
    ("neutropenia", SITE, "neutropenia-duration", quantity("d")),
    ("gvhd_grade", SITE, "acute-gvhd-grade", Kind::Integer),
    ("pregnant", LOINC, "82810-3", Kind::Pregnancy),
];

const fn quantity(unit: &'static str) -> Kind {
    Kind::Quantity(unit, false)
}

const fn ranged(unit: &'static str) -> Kind {
    Kind::Quantity(unit, true)
}

/// A member and the code written for it.
type Coded = (&'static str, &'static str, &'static str);

/// The sets bound to Conditions. Where the binding gives a prefix (`E85*`)
/// the code is a billable one under it.
const CONDITION_SETS: &[(&str, &[Coded])] = &[
    (
        "diagnosis",
        &[
            ("rrmm", ICD10CM, "C90.02"),
            ("mm", ICD10CM, "C90.00"),
            ("amyloidosis", ICD10CM, "E85.9"),
        ],
    ),
    (
        "organ_insufficiency",
        &[
            ("heart", SNOMED, "84114007"),
            ("lung", SNOMED, "409622000"),
            ("liver", SNOMED, "59927004"),
            ("kidney", SNOMED, "42399005"),
            ("other", SITE, "organ-insufficiency-other"),
        ],
    ),
    (
        "uncontrolled_infections",
        &[
            ("fungal", ICD10CM, "B37.9"),
            ("bacterial", ICD10CM, "A40.9"),
            ("viral", ICD10CM, "B25.9"),
        ],
    ),
    (
        "positive_serologies",
        &[
            ("hiv", ICD10CM, "B20"),
            ("active_hbv", ICD10CM, "B18.0"),
            ("hcv", ICD10CM, "B18.2"),
        ],
    ),
];

/// The Condition of a patient whose Condition-bound sets are all empty:
/// the binding reads a set as missing when there is no Condition at all.
/// Essential hypertension matches no member of any set.
const UNRELATED_CONDITION: (&str, &str) = (SNOMED, "38341003");

/// The markers, each its own Observation with a boolean answer.
const MARKERS: &[&str] = &["BCMA", "CD138", "CD38", "CD56", "CD19"];

/// The therapy classes and the medication written for each; `other` is a
/// drug no other class matches (RxNorm, where the binding's `any` takes it).
const THERAPY_CLASSES: &[Coded] = &[
    ("car_t", SITE, "car-t"),
    ("other_cell_therapy", SITE, "cell-therapy"),
    ("anti_bcma", SITE, "anti-bcma"),
    ("anti_cd38", ATC, "L01FC02"),
    ("other", RXNORM, "197696"),
];

/// The longest id FHIR allows.
const ID_LIMIT: usize = 64;

/// The resource types written, each to `<type>.ndjson`.
pub const TYPES: &[&str] = &["Patient", "Observation", "Condition", "MedicationStatement"];

fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--from FILE`: another JSON Lines file, such as a generated
    // population (`generate_patients --population N FILE`), for benchmarks.
    let input = match args.first().map(String::as_str) {
        Some("--from") => {
            let path = args.get(1).ok_or("--from FILE [DIR]")?.clone();
            args.drain(..2);
            path
        }
        _ => INPUT.to_owned(),
    };
    let converted = convert(&std::fs::read_to_string(&input)?);
    for s in &converted.skipped {
        let id = s.id.as_deref().unwrap_or("no id");
        eprintln!("skipped line {} ({id}): {}", s.line, s.reason);
    }
    let patients = &converted.patients;
    let (dir, files): (&str, Vec<(String, String)>) = match args.first().map(String::as_str) {
        Some("--bundles") => {
            let dir = args.get(1).ok_or("--bundles DIR [COUNT]")?;
            let count = args.get(2).map_or(Ok(patients.len()), |n| n.parse())?;
            let bundles = patients.iter().take(count);
            (
                dir,
                bundles
                    .map(|p| (format!("{}.json", p.id), bundle(p)))
                    .collect(),
            )
        }
        dir => (
            dir.unwrap_or(DEFAULT_OUTPUT),
            ndjson(patients).into_iter().collect(),
        ),
    };
    std::fs::create_dir_all(dir)?;
    for (name, text) in &files {
        std::fs::write(std::path::Path::new(dir).join(name), text)?;
    }
    eprintln!("wrote {} files to {dir}", files.len());
    Ok(())
}

/// One patient's resources: the Patient first, then the rest in the order
/// the Bulk Data files and the Bundle list them.
#[derive(Debug)]
pub struct Patient {
    /// The Patient's id: the sample's.
    pub id: String,
    /// Every resource, the Patient first.
    pub resources: Vec<Value>,
}

/// A line left out, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The line, counted from 1.
    pub line: usize,
    /// The sample's id, when it has a usable one.
    pub id: Option<String>,
    /// Why FHIR cannot say what the line says.
    pub reason: String,
}

/// The sample file, converted.
#[derive(Debug)]
pub struct Converted {
    /// The patients written, in the file's order.
    pub patients: Vec<Patient>,
    /// The lines left out, in the file's order.
    pub skipped: Vec<Skipped>,
}

/// Converts every line of the sample file.
#[must_use]
pub fn convert(text: &str) -> Converted {
    let (mut patients, mut skipped) = (Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        match convert_line(line) {
            (_, Ok(patient)) => patients.push(patient),
            (id, Err(reason)) => skipped.push(Skipped {
                line: n + 1,
                id,
                reason,
            }),
        }
    }
    Converted { patients, skipped }
}

/// The Bulk Data files: for each type of [`TYPES`], its file name and
/// text, one resource a line, by patient in the sample file's order.
#[must_use]
pub fn ndjson(patients: &[Patient]) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = TYPES
        .iter()
        .map(|ty| (format!("{ty}.ndjson"), String::new()))
        .collect();
    for resource in patients.iter().flat_map(|p| &p.resources) {
        let ty = resource
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(text) = files.get_mut(&format!("{ty}.ndjson")) {
            text.push_str(&resource.to_string());
            text.push('\n');
        }
    }
    files
}

/// A patient as one `collection` Bundle: every resource an entry named by a
/// `urn:uuid:` made from the patient's id and the entry's place, which the
/// other resources refer to the Patient by.
#[must_use]
pub fn bundle(patient: &Patient) -> String {
    let patient_url = uuid_url(&patient.id, 0);
    let entries: Vec<Value> = patient
        .resources
        .iter()
        .enumerate()
        .map(|(n, resource)| {
            let mut resource = resource.clone();
            if let Some(subject) = resource.get_mut("subject").and_then(Value::as_object_mut) {
                subject.insert("reference".to_owned(), json!(patient_url));
            }
            json!({"fullUrl": uuid_url(&patient.id, n), "resource": resource})
        })
        .collect();
    let bundle = json!({
        "resourceType": "Bundle",
        "id": patient.id,
        "type": "collection",
        "entry": entries,
    });
    let mut text = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    text.push('\n');
    text
}

/// `urn:uuid:` and a version-4-shaped UUID from two hashes of the
/// patient's id and `n`: the same on every run, with no crate.
fn uuid_url(id: &str, n: usize) -> String {
    let key = format!("{id}#{n}");
    let high = mix(fnv1a(0xcbf2_9ce4_8422_2325, &key));
    let low = mix(fnv1a(high, &key));
    let hex = format!(
        "{high:016x}{:016x}",
        (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
    );
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or_default();
    let (a, b, c, d, e) = (
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(16, 20),
        part(20, 32),
    );
    format!("urn:uuid:{a}-{b}-4{c}-{d}-{e}")
}

/// SplitMix64's finaliser: FNV-1a alone leaves keys that differ in their
/// last byte with hashes that differ in their low bits only.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv1a(seed: u64, text: &str) -> u64 {
    text.bytes().fold(seed, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One line: the sample's id when it has a usable one, and its resources
/// or why it is left out.
fn convert_line(line: &str) -> (Option<String>, Result<Patient, String>) {
    let id = match line_id(line) {
        Ok(id) => id,
        Err(reason) => return (None, Err(reason)),
    };
    let result = twice_given(line)
        .and_then(|()| serde_json::from_str(line).map_err(|e| e.to_string()))
        .and_then(|record| patient(&id, &record));
    (Some(id), result)
}

/// The id of the line's record, if it is one with an id FHIR takes.
fn line_id(line: &str) -> Result<String, String> {
    let record = serde_json::from_str::<Value>(line).map_err(|_| "not JSON")?;
    let id = match record.as_object().ok_or("not a JSON object")?.get("id") {
        None | Some(Value::Null) => return Err("no id".to_owned()),
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        Some(_) => return Err("an id that is neither text nor a number".to_owned()),
    };
    if !is_fhir_id(&id) {
        return Err(format!(
            "the id {id:?} is not a FHIR id ([A-Za-z0-9-.]{{1,{ID_LIMIT}}})"
        ));
    }
    Ok(id)
}

fn is_fhir_id(id: &str) -> bool {
    (1..=ID_LIMIT).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A key given twice: the JSON Lines reader refuses it, while a FHIR
/// resource cannot hold one field twice.
fn twice_given(line: &str) -> Result<(), String> {
    match serde_json::from_str::<Keys>(line) {
        Ok(Keys(Some(key))) => Err(format!("`{key}` is given twice")),
        _ => Ok(()),
    }
}

/// The first key an object gives twice, if any.
struct Keys(Option<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut seen = BTreeSet::new();
                let mut twice = None;
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    if !seen.insert(key.clone()) && twice.is_none() {
                        twice = Some(key);
                    }
                }
                Ok(Keys(twice))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// The resources of one sample, or why FHIR cannot say what it says.
fn patient(id: &str, record: &Map<String, Value>) -> Result<Patient, String> {
    if let Some(key) = record.keys().find(|key| !is_field(key)) {
        return Err(format!(
            "`{key}` is no field: FHIR has no resource the binding would refuse for it"
        ));
    }
    let given = |field: &str| record.get(field).filter(|v| !v.is_null());
    let mut resources = vec![patient_resource(id, given("birth_date"), given("sex"))?];
    let answers = ANSWERS
        .iter()
        .map(|f| (*f, SITE, f.replace('_', "-"), Kind::Bool));
    let others = OBSERVATIONS
        .iter()
        .map(|(f, s, c, k)| (*f, *s, (*c).to_owned(), *k));
    for (field, system, code, kind) in answers.chain(others) {
        let Some(raw) = given(field) else { continue };
        if let Some(value) = observation_value(field, raw, kind)? {
            resources.push(merged(
                observation(id, resource_id(id, field), system, &code),
                value,
            ));
        }
    }
    if let Some(raw) = given("markers") {
        let present = members("markers", raw, MARKERS)?;
        for marker in MARKERS {
            let resource = observation(
                id,
                resource_id(id, &format!("marker-{marker}")),
                SITE,
                marker,
            );
            let value = json!({"valueBoolean": present.contains(marker)});
            resources.push(merged(resource, value));
        }
    }
    resources.extend(conditions(id, &given)?);
    if let Some(raw) = given("therapies") {
        resources.extend(therapies(id, raw)?);
    }
    let id = id.to_owned();
    Ok(Patient { id, resources })
}

fn is_field(key: &str) -> bool {
    matches!(key, "id" | "birth_date" | "sex" | "markers" | "therapies")
        || ANSWERS.contains(&key)
        || OBSERVATIONS.iter().any(|(field, ..)| *field == key)
        || CONDITION_SETS.iter().any(|(field, _)| *field == key)
}

/// A resource id `<patient>-<what>`, within FHIR's 64 characters: where a
/// patient's id is too long for that, its hash stands for it.
fn resource_id(patient: &str, what: &str) -> String {
    let what = what.replace('_', "-");
    let id = format!("{patient}-{what}");
    if id.len() <= ID_LIMIT {
        return id;
    }
    format!("{:016x}-{what}", fnv1a(0xcbf2_9ce4_8422_2325, patient))
}

fn patient_resource(id: &str, birth: Option<&Value>, sex: Option<&Value>) -> Result<Value, String> {
    let birth = match birth {
        None => json!({}),
        Some(Value::String(date)) => json!({"birthDate": date}),
        // A year alone: FHIR's partial date, which the binding refuses.
        Some(Value::Number(year)) => json!({"birthDate": year.to_string()}),
        Some(_) => return Err("`birth_date` is neither text nor a number".to_owned()),
    };
    let gender = match sex {
        None => json!({}),
        Some(Value::String(sex)) if sex == "female" || sex == "male" => json!({"gender": sex}),
        Some(Value::String(_)) => json!({"gender": "other"}),
        Some(_) => return Err("`sex` is not text".to_owned()),
    };
    let patient = json!({"resourceType": "Patient", "id": id});
    Ok(merged(merged(patient, birth), gender))
}

/// `resource` with the keys of `extra` added.
fn merged(mut resource: Value, extra: Value) -> Value {
    if let (Some(map), Value::Object(extra)) = (resource.as_object_mut(), extra) {
        map.extend(extra);
    }
    resource
}

/// An Observation of the patient, without its value.
fn observation(patient: &str, id: String, system: &str, code: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "code": coded(system, code),
        "subject": patient_reference(patient),
        "effectiveDateTime": EFFECTIVE,
        "issued": ISSUED,
    })
}

fn coded(system: &str, code: &str) -> Value {
    json!({"coding": [{"system": system, "code": code}]})
}

fn patient_reference(patient: &str) -> Value {
    json!({"reference": format!("Patient/{patient}")})
}

/// The members a set field gives, each once; an element that is not a
/// member has no FHIR code to stand for it.
fn members<'m>(field: &str, raw: &Value, declared: &[&'m str]) -> Result<Vec<&'m str>, String> {
    let Value::Array(items) = raw else {
        return Err(format!("`{field}` is not an array"));
    };
    let mut present = Vec::new();
    for item in items {
        let member = item
            .as_str()
            .and_then(|name| declared.iter().find(|m| **m == name))
            .ok_or_else(|| format!("`{field}` has {item}, which no code stands for"))?;
        if !present.contains(member) {
            present.push(*member);
        }
    }
    Ok(present)
}

/// The Conditions of the Condition-bound sets: none when every set is
/// missing, one unrelated when every set is empty.
fn conditions<'r>(
    patient: &str,
    given: &impl Fn(&str) -> Option<&'r Value>,
) -> Result<Vec<Value>, String> {
    let missing: Vec<&str> = CONDITION_SETS
        .iter()
        .map(|(field, _)| *field)
        .filter(|field| given(field).is_none())
        .collect();
    if missing.len() == CONDITION_SETS.len() {
        return Ok(Vec::new());
    }
    if let Some(field) = missing.first() {
        return Err(format!(
            "`{field}` is missing while other Condition-bound sets are given: \
             any Condition makes it known"
        ));
    }
    let mut resources = Vec::new();
    for (field, codes) in CONDITION_SETS {
        let Some(raw) = given(field) else { continue };
        let names: Vec<&str> = codes.iter().map(|(member, ..)| *member).collect();
        for member in members(field, raw, &names)? {
            if let Some((_, system, code)) = codes.iter().find(|(m, ..)| *m == member) {
                let id = resource_id(patient, &format!("{field}-{member}"));
                resources.push(condition(patient, id, system, code));
            }
        }
    }
    if resources.is_empty() {
        let ((system, code), id) = (UNRELATED_CONDITION, resource_id(patient, "hypertension"));
        resources.push(condition(patient, id, system, code));
    }
    Ok(resources)
}

fn condition(patient: &str, id: String, system: &str, code: &str) -> Value {
    json!({
        "resourceType": "Condition",
        "id": id,
        "clinicalStatus": coded(CLINICAL, "active"),
        "verificationStatus": coded(VERIFICATION, "confirmed"),
        "code": coded(system, code),
        "subject": patient_reference(patient),
        "onsetDateTime": ONSET,
    })
}

/// One completed MedicationStatement per therapy, a day apart in the
/// line's order.
fn therapies(patient: &str, raw: &Value) -> Result<Vec<Value>, String> {
    let Value::Array(items) = raw else {
        return Err("`therapies` is not an array".to_owned());
    };
    if items.is_empty() {
        return Err("empty list: the binding reads no MedicationStatement as missing".to_owned());
    }
    let mut resources = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let Value::Object(element) = item else {
            return Err(format!("therapies[{n}] is not an object"));
        };
        if let Some(key) = element.keys().find(|k| *k != "class" && *k != "failed") {
            return Err(format!(
                "therapies[{n}] has a key `{key}` FHIR has no place for"
            ));
        }
        let class = element.get("class").and_then(Value::as_str);
        let Some((_, system, code)) = THERAPY_CLASSES.iter().find(|(c, ..)| Some(*c) == class)
        else {
            return Err(format!(
                "therapies[{n}] has no class of the list: a medication of another code \
                 is `other` to the binding, not refused"
            ));
        };
        let days = i64::try_from(n).map_err(|e| e.to_string())?;
        let date = THERAPY_START
            .checked_add(jiff::Span::new().days(days))
            .map_err(|e| e.to_string())?;
        let reason = match element.get("failed") {
            None | Some(Value::Null) => json!({}),
            Some(Value::Bool(failed)) => {
                let code = if *failed {
                    "treatment-failed"
                } else {
                    "treatment-not-failed"
                };
                json!({"statusReason": [coded(SITE, code)]})
            }
            Some(other) => {
                return Err(format!(
                    "therapies[{n}].failed is {other}: a statusReason of another code \
                     is missing to the binding, not refused"
                ));
            }
        };
        let resource = json!({
            "resourceType": "MedicationStatement",
            "id": resource_id(patient, &format!("therapy-{n}")),
            "status": "completed",
            "medicationCodeableConcept": coded(system, code),
            "subject": patient_reference(patient),
            "effectiveDateTime": date.to_string(),
        });
        resources.push(merged(resource, reason));
    }
    Ok(resources)
}
