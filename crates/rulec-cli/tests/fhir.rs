//! FHIR input as a user gives it to `rulec eval` and `rulec explain`: a
//! Bulk Data folder, a folder of Bundles, one Bundle, each told without a
//! flag; provenance in the explanations; hostile files as data errors.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test on a broken setup"
)]

use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;
use serde_json::{Value, json};

const SEED: &str = "../../examples/nct03473496.rules";
const BULK: &str = "../../examples/patients/fhir";
const BUNDLES: &str = "../../examples/patients/fhir-bundles";
const INDEX: &str = "2026-01-15";

fn rulec(args: &[&str]) -> Output {
    Command::new(get_cargo_bin("rulec"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn verdicts(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_bulk_folder_is_read_without_a_flag_one_verdict_per_patient() {
    let output = rulec(&[
        "eval",
        SEED,
        "--records",
        BULK,
        "--index-date",
        INDEX,
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let patients = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(BULK)
            .join("Patient.ndjson"),
    )
    .unwrap()
    .lines()
    .count();
    let verdicts = verdicts(&output);
    assert_eq!(verdicts.len(), patients, "{stderr}");
    assert_eq!(verdicts[0]["id"], "baseline-eligible");
    assert_eq!(verdicts[0]["status"], "eligible");
    // The JSON verdict says where each value came from.
    let sources = verdicts[0]["sources"].as_array().unwrap();
    let hb = sources.iter().find(|s| s["field"] == "hemoglobin").unwrap();
    assert_eq!(hb["code"], "LOINC 718-7");
    assert!(hb["resource"].as_str().unwrap().starts_with("Observation/"));
    assert!(stderr.contains("data error"), "{stderr}");
}

#[test]
fn a_folder_of_bundles_and_one_bundle_give_the_bulk_verdicts() {
    let bulk = verdicts(&rulec(&[
        "eval",
        SEED,
        "--records",
        BULK,
        "--index-date",
        INDEX,
        "--format",
        "json",
    ]));
    let bundles = verdicts(&rulec(&[
        "eval",
        SEED,
        "--records",
        BUNDLES,
        "--index-date",
        INDEX,
        "--format",
        "json",
    ]));
    assert_eq!(bundles.len(), 3);
    for verdict in &bundles {
        let same = bulk.iter().find(|v| v["id"] == verdict["id"]).unwrap();
        assert_eq!(verdict["status"], same["status"]);
        assert_eq!(verdict["criteria"], same["criteria"]);
    }
    let one = format!("{BUNDLES}/baseline-eligible.json");
    let single = verdicts(&rulec(&[
        "eval",
        SEED,
        "--records",
        &one,
        "--index-date",
        INDEX,
        "--format",
        "json",
    ]));
    assert_eq!(single.len(), 1);
    assert_eq!(single[0]["status"], "eligible");
}

#[test]
fn explanations_name_the_resource_each_value_came_from() {
    let one = format!("{BUNDLES}/baseline-eligible.json");
    let output = rulec(&["explain", SEED, "--records", &one, "--index-date", INDEX]);
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("hemoglobin 105 g/L"))
        .unwrap();
    assert!(
        line.contains(
            "(Observation/baseline-eligible-hemoglobin, 2026-01-13T08:00:00Z, LOINC 718-7)"
        ),
        "{line}"
    );
}

/// A Bulk folder of hostile lines beside one good patient.
#[test]
fn hostile_bulk_lines_are_data_errors_and_no_patient_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let patient = |id: &str| json!({"resourceType": "Patient", "id": id, "gender": "female", "birthDate": "1970-01-01"});
    let hb = json!({"resourceType": "Observation", "id": "hb", "status": "final",
                    "subject": {"reference": "Patient/a"},
                    "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                    "effectiveDateTime": "2026-01-10",
                    "valueQuantity": {"value": 10.5, "system": "http://unitsofmeasure.org", "code": "g/dL"}});
    let deep = format!(
        r#"{{"resourceType":"Observation","id":"deep","subject":{{"reference":"Patient/b"}},"x":{}0{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let big = json!({"resourceType": "Observation", "id": "big", "subject": {"reference": "Patient/b"},
                     "note": [{"text": "x".repeat(50 << 20)}]});
    let cycle = json!({"resourceType": "Observation", "id": "cycle", "subject": {"reference": "Patient/b"},
                       "hasMember": [{"reference": "Observation/cycle"}], "derivedFrom": [{"reference": "Observation/cycle"}]});
    let unknown =
        json!({"resourceType": "SomethingNew", "id": "n", "subject": {"reference": "Patient/b"}});
    std::fs::write(
        dir.path().join("Patient.ndjson"),
        format!("{}\n{}\n", patient("a"), patient("b")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Observation.ndjson"),
        format!("{hb}\n{deep}\n{big}\n{cycle}\n{unknown}\n{{\"resourceType\": \"Observation\", \"id\": \"cut\", \"subj"),
    )
    .unwrap();
    let folder = dir.path().to_str().unwrap();
    let output = rulec(&[
        "eval",
        SEED,
        "--records",
        folder,
        "--index-date",
        INDEX,
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let verdicts = verdicts(&output);
    assert_eq!(verdicts.len(), 2, "{stderr}");
    assert_eq!(verdicts[0]["id"], "a");
    assert_eq!(verdicts[1]["id"], "b");
    let deep_error = verdicts[1]["errors"].as_array().unwrap();
    assert!(
        deep_error
            .iter()
            .any(|e| e["reason"].as_str().unwrap().contains("nested deeper")),
        "{deep_error:?}"
    );
    assert!(stderr.contains("Observation.ndjson line 6"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
