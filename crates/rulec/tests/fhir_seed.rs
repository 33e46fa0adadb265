//! The seed trial through its FHIR binding: the sample patients written as
//! Bulk NDJSON (`examples/patients/fhir`, by `examples/patients/fhir.rs`)
//! get the same verdict, criterion by criterion, as the JSON Lines they
//! were written from; and the real FHIR samples in `../shared` screen
//! without a panic, every problem reported.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers and assertions fail the test on a broken setup"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use rulec::check::Program;
use rulec::eval::{Verdict, evaluate};
use rulec::fhir::{Bulk, read_patient};
use rulec::records::from_json_str;

const INDEX: Date = date(2026, 1, 15);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> Program {
    let rules = rulec::Rules::load(root().join("examples/nct03473496.rules")).unwrap();
    rules.program().clone()
}

fn outcomes(verdict: &Verdict) -> Vec<(String, &'static str)> {
    verdict
        .criteria()
        .map(|c| (c.id.to_owned(), c.outcome.as_str()))
        .collect()
}

#[test]
fn the_sample_patients_as_fhir_get_the_verdicts_of_their_json_lines() {
    let program = seed();
    let mut flat: HashMap<String, Verdict> = HashMap::new();
    let jsonl =
        std::fs::read_to_string(root().join("examples/patients/nct03473496.jsonl")).unwrap();
    for (n, line) in jsonl.lines().enumerate() {
        let mut read = from_json_str(&program, line, n + 1);
        read.check_index_date(&program, INDEX);
        if let Some(id) = read.id.clone() {
            flat.insert(id, evaluate(&program, &read.record, INDEX));
        }
    }
    let bulk = Bulk::open(&[root().join("examples/patients/fhir")]).unwrap();
    assert!(bulk.problems().is_empty(), "{:?}", bulk.problems());
    let patients =
        std::fs::read_to_string(root().join("examples/patients/fhir/Patient.ndjson")).unwrap();
    assert_eq!(bulk.len(), patients.lines().count());
    let mut compared = 0;
    for group in bulk.patients() {
        let mut read = read_patient(&program, &group, INDEX);
        read.check_index_date(&program, INDEX);
        let id = read.id.clone().unwrap();
        let verdict = evaluate(&program, &read.record, INDEX);
        let expected = flat
            .get(&id)
            .unwrap_or_else(|| panic!("{id} is not among the JSON Lines"));
        assert_eq!(
            (verdict.status(), outcomes(&verdict)),
            (expected.status(), outcomes(expected)),
            "{id}: {:?}",
            read.errors
        );
        assert_eq!(verdict.missing(), expected.missing(), "{id}");
        compared += 1;
    }
    // Every sample FHIR can say (the generator lists the others).
    assert!(compared > 250, "only {compared} patients compared");
    eprintln!("{compared} patients: the same verdict through FHIR as through JSON Lines");
}

/// The folder of the shared FHIR samples, when this checkout has one.
fn samples() -> Option<PathBuf> {
    let dir = root().join("../shared/fhir-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/fhir-samples is not here (it is in CI)");
        None
    }
}

#[test]
fn the_synthea_and_hl7_bundles_screen_with_every_problem_reported() {
    let Some(dir) = samples() else {
        return;
    };
    let program = seed();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("synthea-r4"))
        .unwrap()
        .chain(std::fs::read_dir(dir.join("hl7-r4-examples")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| rulec::fhir::detect(p) == Some(rulec::fhir::Kind::Bundle))
        .collect();
    files.sort();
    assert!(files.len() >= 13, "{files:?}");
    let mut patients = 0;
    let mut errors: Vec<String> = Vec::new();
    for file in &files {
        let groups = rulec::fhir::read::bundle_file(file).unwrap();
        for group in groups {
            let mut read = read_patient(&program, &group, date(2018, 12, 31));
            read.check_index_date(&program, date(2018, 12, 31));
            let verdict = evaluate(&program, &read.record, date(2018, 12, 31));
            assert_eq!(verdict.criteria().count(), program.criteria.len());
            patients += 1;
            errors.extend(read.errors.iter().map(ToString::to_string));
        }
    }
    assert!(patients >= 2 + 5, "{patients}");
    // Luna's MedicationRequest names a Medication the Bundle does not hold.
    assert!(
        errors
            .iter()
            .any(|e| e.contains("622c5788") && e.contains("names no Medication")),
        "{errors:#?}"
    );
    eprintln!(
        "{} Bundles, {patients} patients, {} data errors",
        files.len(),
        errors.len()
    );
}

#[test]
fn the_synthea_patients_values_and_sources() {
    let Some(dir) = samples() else {
        return;
    };
    let program = seed();
    let johnnie = std::fs::read_dir(dir.join("synthea-r4"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("Johnnie")
        })
        .unwrap();
    let groups = rulec::fhir::read::bundle_file(&johnnie).unwrap();
    let read = read_patient(&program, &groups[0], date(2015, 3, 20));
    let hb = read
        .sources
        .iter()
        .find(|s| s.field == "hemoglobin")
        .unwrap();
    assert_eq!(
        hb.resource
            .as_deref()
            .map(|r| r.starts_with("Observation/b8b2dd92")),
        Some(true)
    );
    assert_eq!(hb.original.as_deref(), Some("15.045238585614403 g/dL"));
    let value = read.record.named("hemoglobin").unwrap().into_owned();
    assert!(
        matches!(value, rulec::schema::FieldValue::Quantity { value, .. } if (value - 150.452_385_856_144_03).abs() < 1e-9)
    );
    // A week's window misses the 6 March result.
    let later = read_patient(&program, &groups[0], date(2015, 3, 30));
    assert_eq!(
        later.record.named("hemoglobin").unwrap().into_owned(),
        rulec::schema::FieldValue::Missing
    );
}

#[test]
fn docs_fhir_md_shows_the_seed_binding_as_the_rule_file_has_it() {
    let rules = std::fs::read_to_string(root().join("examples/nct03473496.rules")).unwrap();
    let block = &rules[rules.find("fhir {").unwrap()..];
    let docs = std::fs::read_to_string(root().join("docs/fhir.md")).unwrap();
    assert!(
        docs.contains(block.trim_end()),
        "docs/fhir.md must show the seed's fhir block as examples/nct03473496.rules has it"
    );
}
