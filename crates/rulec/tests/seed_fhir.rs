//! The seed trial's sample patients as FHIR (`examples/patients/fhir/`,
//! `examples/patients/fhir-bundles/`): the committed files are what the
//! generator writes (`cargo run -p rulec --example generate_fhir` rewrites
//! them), every resource has a FHIR id of its own and refers to a Patient
//! written with it, and the generator's table of the patients it leaves out
//! is the list it prints.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The generator itself, so that the test can compare its output with the
/// committed files without running cargo.
#[path = "../../../examples/patients/fhir.rs"]
#[allow(dead_code, reason = "the generator's `main` is not run here")]
mod fhir;

/// How many patients the committed bundle folder holds.
const BUNDLES: usize = 3;

fn patients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/patients")
}

fn converted() -> fhir::Converted {
    let text = std::fs::read_to_string(patients_dir().join("nct03473496.jsonl")).unwrap();
    fhir::convert(&text)
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[test]
fn the_committed_ndjson_is_what_the_generator_writes() {
    let dir = patients_dir().join("fhir");
    let fresh = fhir::ndjson(&converted().patients);
    assert_eq!(
        file_names(&dir),
        fresh.keys().cloned().collect::<BTreeSet<_>>(),
        "examples/patients/fhir holds other files than the generator writes"
    );
    for (name, text) in &fresh {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            committed == *text,
            "examples/patients/fhir/{name} is stale: \
             run `cargo run -p rulec --example generate_fhir`"
        );
    }
}

#[test]
fn the_committed_bundles_are_what_the_generator_writes() {
    let dir = patients_dir().join("fhir-bundles");
    let converted = converted();
    let first: Vec<&fhir::Patient> = converted.patients.iter().take(BUNDLES).collect();
    assert_eq!(
        file_names(&dir),
        first.iter().map(|p| format!("{}.json", p.id)).collect(),
        "examples/patients/fhir-bundles holds the first {BUNDLES} patients only"
    );
    for patient in first {
        let committed = std::fs::read_to_string(dir.join(format!("{}.json", patient.id))).unwrap();
        assert!(
            committed == fhir::bundle(patient),
            "examples/patients/fhir-bundles/{}.json is stale: run \
             `cargo run -p rulec --example generate_fhir -- --bundles examples/patients/fhir-bundles {BUNDLES}`",
            patient.id
        );
    }
}

fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[test]
fn every_resource_has_its_own_id_and_refers_to_its_patient() {
    let converted = converted();
    let mut seen = BTreeSet::new();
    for patient in &converted.patients {
        let (first, rest) = patient.resources.split_first().unwrap();
        assert_eq!(first["resourceType"], "Patient");
        assert_eq!(first["id"], patient.id.as_str());
        for resource in &patient.resources {
            let ty = resource["resourceType"].as_str().unwrap();
            assert!(fhir::TYPES.contains(&ty), "{ty}");
            let id = resource["id"].as_str().unwrap();
            assert!(is_fhir_id(id), "{id:?} is not a FHIR id");
            assert!(
                seen.insert((ty, id.to_owned())),
                "{ty}/{id} is written twice"
            );
        }
        for resource in rest {
            assert_eq!(
                resource["subject"]["reference"],
                format!("Patient/{}", patient.id)
            );
        }
    }
}

#[test]
fn a_bundle_refers_to_its_patient_by_its_full_url() {
    let converted = converted();
    let patient = converted.patients.first().unwrap();
    let bundle: Value = serde_json::from_str(&fhir::bundle(patient)).unwrap();
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), patient.resources.len());
    let urls: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(urls.len(), entries.len(), "every fullUrl is its own");
    let (first, rest) = entries.split_first().unwrap();
    let patient_url = first["fullUrl"].as_str().unwrap();
    assert!(patient_url.starts_with("urn:uuid:") && patient_url.len() == 45);
    for entry in rest {
        assert_eq!(entry["resource"]["subject"]["reference"], patient_url);
    }
}

/// The doc comment's table of the lines left out is what the generator
/// prints for the committed sample file.
#[test]
fn the_skipped_table_is_the_skipped_list() {
    let source = std::fs::read_to_string(patients_dir().join("fhir.rs")).unwrap();
    let table: Vec<&str> = source
        .lines()
        .filter_map(|line| line.strip_prefix("//! | "))
        .filter(|row| row.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let fresh: Vec<String> = converted()
        .skipped
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {} |",
                s.line,
                s.id.as_deref().unwrap_or("(none)"),
                s.reason
            )
        })
        .collect();
    assert_eq!(
        table, fresh,
        "the table of skipped lines in examples/patients/fhir.rs is stale"
    );
}
