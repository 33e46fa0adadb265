//! Bundles, references, detection, and the sample files.

mod bulk;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::*;

fn file() -> Arc<Path> {
    Arc::from(Path::new("test.json"))
}

fn read(value: serde_json::Value) -> Vec<PatientResources> {
    bundle(&value.to_string(), file()).unwrap()
}

fn names(group: &PatientResources) -> Vec<String> {
    group.resources.iter().map(Raw::name).collect()
}

fn reasons(group: &PatientResources) -> Vec<String> {
    group.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn references_by_type_and_id() {
    assert_eq!(type_and_id("Patient/1"), Some(("Patient", "1")));
    assert_eq!(
        type_and_id(" http://h/fhir/Patient/1 "),
        Some(("Patient", "1"))
    );
    assert_eq!(type_and_id("Patient/1/_history/3"), Some(("Patient", "1")));
    assert_eq!(
        type_and_id("http://h/Patient/1?x=y"),
        Some(("Patient", "1"))
    );
    assert_eq!(type_and_id("urn:uuid:1234"), None);
    assert_eq!(type_and_id("#med"), None);
    assert_eq!(type_and_id("patient/1"), None);
    assert_eq!(type_and_id("Patient/"), None);
    assert_eq!(type_and_id(""), None);
    assert_eq!(type_and_id("/"), None);
}

#[test]
fn bundle_by_urn_uuid_with_a_medication() {
    let groups = read(json!({
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:o1", "resource": {"resourceType": "Observation", "id": "o1",
                "subject": {"reference": "urn:uuid:p1"}}},
            {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1"}},
            {"fullUrl": "urn:uuid:m1", "resource": {"resourceType": "Medication", "id": "m1"}},
            {"fullUrl": "urn:uuid:r1", "resource": {"resourceType": "MedicationRequest", "id": "r1",
                "subject": {"reference": "urn:uuid:p1"},
                "medicationReference": {"reference": "urn:uuid:m1"}}},
            {"fullUrl": "urn:uuid:r2", "resource": {"resourceType": "MedicationRequest", "id": "r2",
                "subject": {"reference": "urn:uuid:p1"},
                "medicationReference": {"reference": "urn:uuid:m1"}}},
            {"fullUrl": "urn:uuid:r3", "resource": {"resourceType": "MedicationRequest", "id": "r3",
                "subject": {"reference": "urn:uuid:p1"},
                "medicationReference": {"reference": "urn:uuid:gone"}}},
            {"fullUrl": "urn:uuid:r4", "resource": {"resourceType": "MedicationRequest", "id": "r4",
                "subject": {"reference": "urn:uuid:p1"},
                "medicationReference": {"reference": "#contained"}}},
            {"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "id": "org"}}
        ]
    }));
    assert_eq!(groups.len(), 1);
    let p = &groups[0];
    assert_eq!((p.position, p.id.as_deref()), (1, Some("p1")));
    assert_eq!(p.patient.as_ref().unwrap().origin.place, Place::Entry(2));
    assert_eq!(
        names(p),
        [
            "Observation/o1",
            "MedicationRequest/r1",
            "MedicationRequest/r2",
            "MedicationRequest/r3",
            "MedicationRequest/r4"
        ]
    );
    assert_eq!(p.contained_in.len(), 1);
    assert_eq!(p.contained_in[0].name(), "Medication/m1");
    assert_eq!(p.resolve("urn:uuid:m1").unwrap().name(), "Medication/m1");
    assert_eq!(p.resolve("Medication/m1").unwrap().name(), "Medication/m1");
    assert_eq!(
        p.resolve("urn:uuid:o1").unwrap().full_url.as_deref(),
        Some("urn:uuid:o1")
    );
    assert_eq!(
        reasons(p),
        [
            "MedicationRequest/r3: its medicationReference urn:uuid:gone names no Medication in the \
          Bundle (test.json, entry 6)"
        ]
    );
}

#[test]
fn bundle_by_relative_and_absolute_references() {
    let groups = read(json!({
        "resourceType": "Bundle", "type": "document",
        "entry": [
            {"fullUrl": "http://h/fhir/Composition/c", "resource": {"resourceType": "Composition",
                "id": "c", "subject": {"reference": "http://h/fhir/Patient/d1"}}},
            {"fullUrl": "http://h/fhir/Patient/d1", "resource": {"resourceType": "Patient", "id": "d1"}},
            // No id: named by the tail of its fullUrl.
            {"fullUrl": "http://other/Patient/y", "resource": {"resourceType": "Patient"}},
            {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/d1"}}},
            {"resource": {"resourceType": "Condition", "id": "c1",
                "subject": {"reference": "http://elsewhere/fhir/Patient/d1"}}},
            {"resource": {"resourceType": "AllergyIntolerance", "id": "a1",
                "patient": {"reference": "Patient/d1/_history/2"}}},
            {"resource": {"resourceType": "Observation", "id": "o2",
                "subject": {"reference": "Patient/y"}}},
            {"resource": {"resourceType": "Observation", "id": "o3",
                "subject": {"reference": "urn:uuid:whatever"}}}
        ]
    }));
    assert_eq!(groups.len(), 2);
    assert_eq!(
        names(&groups[0]),
        [
            "Composition/c",
            "Observation",
            "Condition/c1",
            "AllergyIntolerance/a1"
        ]
    );
    assert_eq!(groups[1].id, None);
    assert!(groups[1].patient.is_some());
    assert_eq!(names(&groups[1]), ["Observation/o2"]);
    assert_eq!(
        reasons(&groups[0]),
        [
            "Observation/o3: its subject urn:uuid:whatever names nothing in the Bundle \
          (test.json, entry 8)"
        ]
    );
    assert!(groups[1].problems.is_empty());
}

#[test]
fn bundle_with_several_patients_and_entries_without_resource() {
    let groups = read(json!({
        "resourceType": "Bundle", "type": "batch",
        "entry": [
            {"request": {"method": "DELETE", "url": "Patient/old"}},
            {"fullUrl": "urn:uuid:a", "resource": {"resourceType": "Patient", "id": "a"}},
            {"request": {"method": "GET", "url": "Patient?name=x"}},
            {"fullUrl": "urn:uuid:b", "resource": {"resourceType": "Patient", "id": "b"}},
            {"resource": {"resourceType": "Observation", "id": "ob", "subject": {"reference": "Patient/b"}}},
            {"resource": {"resourceType": "Observation", "id": "oa", "subject": {"reference": "urn:uuid:a"}}},
            {"fullUrl": "urn:uuid:a2", "resource": {"resourceType": "Patient", "id": "a"}},
            {"resource": {"resourceType": "Observation", "id": "oc", "subject": {"reference": "Patient/c"}}},
            {"resource": {"resourceType": "Observation", "id": "oa2", "subject": {"reference": "urn:uuid:a2"}}}
        ]
    }));
    let ids: Vec<_> = groups
        .iter()
        .map(|g| (g.position, g.id.clone().unwrap()))
        .collect();
    assert_eq!(ids, [(1, "a".into()), (2, "b".into()), (3, "c".into())]);
    assert_eq!(names(&groups[0]), ["Observation/oa", "Observation/oa2"]);
    assert_eq!(names(&groups[1]), ["Observation/ob"]);
    assert_eq!(names(&groups[2]), ["Observation/oc"]);
    assert!(groups[2].patient.is_none());
    assert_eq!(
        reasons(&groups[0]),
        ["Patient/a: a second Patient with this id: ignored (test.json, entry 7)"]
    );
    assert_eq!(groups[2].problems.len(), 1);
    assert!(groups[1].problems.is_empty());
}

#[test]
fn bundle_without_patient() {
    let groups = read(json!({
        "resourceType": "Bundle", "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Observation", "id": "o", "subject": {"reference": "Patient/pat2"}}},
            {"resource": {"resourceType": "DiagnosticReport", "id": "r", "subject": {"reference": "Patient/pat2"}}}
        ]
    }));
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].id.as_deref(), Some("pat2"));
    assert!(groups[0].patient.is_none());
    assert_eq!(names(&groups[0]), ["Observation/o", "DiagnosticReport/r"]);
    assert_eq!(groups[0].problems.len(), 1);

    let groups = read(
        json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Observation", "id": "o"}}]}),
    );
    assert_eq!(groups.len(), 1);
    assert!(groups[0].patient.is_none() && groups[0].id.is_none());
    assert_eq!(
        reasons(&groups[0]),
        [
            "Bundle: no Patient, and no resource names one",
            "Observation/o: no subject or patient reference (test.json, entry 1)"
        ]
    );
    let empty = read(json!({"resourceType": "Bundle", "type": "collection"}));
    assert_eq!(empty.len(), 1);
}

#[test]
fn bundle_resources_that_name_no_patient() {
    let groups = read(json!({
        "resourceType": "Bundle", "type": "history",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p"}},
            {"fullUrl": "urn:uuid:dr", "resource": {"resourceType": "Practitioner", "id": "dr"}},
            {"resource": {"resourceType": "Observation", "id": "1"}},
            {"resource": {"resourceType": "Observation", "id": "2", "subject": {"display": "x"}}},
            {"resource": {"resourceType": "Observation", "id": "3", "subject": {"reference": "Group/g"}}},
            {"resource": {"resourceType": "Observation", "id": "4", "subject": {"reference": "urn:uuid:dr"}}},
            {"resource": {"resourceType": "Observation", "id": "5", "subject": "Patient/p"}},
            {"resource": {"resourceType": "Observation", "id": "6", "subject": {"reference": 7}}},
            {"resource": {"id": "7"}},
            {"resource": "not an object"},
            {"resource": {"resourceType": "Observation", "id": "8", "subject": {"reference": "Patient/p"},
                "hasMember": [{"reference": "Observation/8"}], "derivedFrom": [{"reference": "Observation/9"}]}},
            {"resource": {"resourceType": "Observation", "id": "9", "subject": {"reference": "Patient/p"},
                "hasMember": [{"reference": "Observation/8"}]}},
            {"resource": {"resourceType": "FutureThing", "id": "f", "subject": {"reference": "Patient/p"}}}
        ]
    }));
    assert_eq!(groups.len(), 1);
    assert_eq!(
        names(&groups[0]),
        ["Observation/8", "Observation/9", "FutureThing/f"]
    );
    let reasons = reasons(&groups[0]);
    assert_eq!(
        reasons[0],
        "Bundle: Bundle type history: read as a collection"
    );
    assert_eq!(reasons.len(), 9, "{reasons:#?}");
    assert!(
        reasons[4].contains("is a Practitioner, not a Patient"),
        "{reasons:#?}"
    );
    assert!(reasons[7].starts_with("Bundle entry 9"), "{reasons:#?}");
}

#[test]
fn not_a_bundle() {
    for text in [
        "",
        "not json",
        "{\"resourceType\": \"Bundle\"",
        "[]",
        "{\"resourceType\": \"Patient\", \"id\": \"p\"}",
        "{\"resourceType\": \"Bundle\", \"entry\": {}}",
        "{\"id\": \"x\"}",
    ] {
        assert!(bundle(text, file()).is_err(), "{text}");
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(bundle(&deep, file()).is_err());
    let bom = "\u{feff}{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": []}";
    assert_eq!(bundle(bom, file()).unwrap().len(), 1);
}

#[test]
fn detection() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let bundle = r#"{"resourceType": "Bundle", "type": "collection", "entry": []}"#;
    let late = format!(
        r#"{{"id": "b", "meta": {{"tag": [{{"code": "{}"}}]}}, "resourceType": "Bundle"}}"#,
        "x".repeat(100)
    );
    assert_eq!(detect(&at("a.json", bundle)), Some(Kind::Bundle));
    assert_eq!(
        detect(&at("b.JSON", &format!("\u{feff}{late}"))),
        Some(Kind::Bundle)
    );
    assert_eq!(
        detect(&at("c.json", r#"{"resourceType": "Patient"}"#)),
        None
    );
    assert_eq!(
        detect(&at("d.json", r#"[{"resourceType": "Bundle"}]"#)),
        None
    );
    assert_eq!(detect(&at("e.json", "")), None);
    let far = format!(
        r#"{{"x": "{}", "resourceType": "Bundle"}}"#,
        "y".repeat(PEEK)
    );
    assert_eq!(detect(&at("f.json", &far)), Some(Kind::Bundle));
    assert_eq!(
        detect(&at(
            "g.ndjson",
            "\n{\"resourceType\": \"Patient\", \"id\": \"1\"}\n"
        )),
        Some(Kind::Bulk)
    );
    assert_eq!(detect(&at("h.ndjson", "{\"id\": 1}\n")), None);
    assert_eq!(detect(&at("i.csv", "id,x\n")), None);
    assert_eq!(detect(&dir.path().join("missing.json")), None);
    assert_eq!(detect(dir.path()), Some(Kind::Bulk));

    let bundles = tempfile::tempdir().unwrap();
    std::fs::write(bundles.path().join("2.json"), bundle).unwrap();
    std::fs::write(bundles.path().join("1.json"), bundle).unwrap();
    assert_eq!(detect(bundles.path()), Some(Kind::Bundles));
    let files = bundle_files(bundles.path()).unwrap();
    assert_eq!(
        files,
        [bundles.path().join("1.json"), bundles.path().join("2.json")]
    );
    std::fs::write(bundles.path().join("3.json"), "{}").unwrap();
    assert_eq!(detect(bundles.path()), None);
    assert_eq!(detect(tempfile::tempdir().unwrap().path()), None);
}

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from("/work/shared/fhir-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is not there", dir.display());
        None
    }
}

#[test]
fn synthea_bundles() {
    let Some(dir) = samples() else { return };
    let files = bundle_files(&dir.join("synthea-r4")).unwrap();
    assert_eq!(files.len(), 2);
    for path in files {
        assert_eq!(detect(&path), Some(Kind::Bundle));
        let groups = bundle_file(&path).unwrap();
        assert_eq!(groups.len(), 1);
        let p = &groups[0];
        assert!(p.patient.is_some() && p.id.is_some());
        // Every entry but the Patient, the Organization and the
        // Practitioner is about the patient.
        let text = std::fs::read_to_string(&path).unwrap();
        let entries = serde_json::from_str::<serde_json::Value>(&text).unwrap()["entry"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(p.resources.len(), entries - 3);
        eprintln!("{}: {} resources", path.display(), p.resources.len());
        for problem in &p.problems {
            eprintln!("  {problem}");
        }
        // Luna's MedicationRequest names a Medication the bundle lacks.
        assert!(p.problems.len() <= 1);
    }
}

#[test]
fn hl7_example_bundles() {
    let Some(dir) = samples() else { return };
    let mut read = 0;
    for path in bundle_files(&dir.join("hl7-r4-examples")).unwrap() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("Bundle-") {
            continue;
        }
        assert_eq!(detect(&path), Some(Kind::Bundle), "{name}");
        let groups = bundle_file(&path).unwrap();
        assert!(!groups.is_empty());
        read += 1;
        eprintln!("{name}: {} patients", groups.len());
        for group in &groups {
            eprintln!(
                "  {} {:?}: patient {}, {} resources, {} medications",
                group.position,
                group.id,
                group.patient.is_some(),
                group.resources.len(),
                group.contained_in.len()
            );
            for problem in &group.problems {
                eprintln!("    {problem}");
            }
        }
        match name.as_str() {
            "Bundle-bundle-transaction.json" => {
                assert_eq!(groups.iter().filter(|g| g.patient.is_some()).count(), 5);
            }
            "Bundle-father.json" => {
                assert_eq!(groups.len(), 1);
                assert!(groups[0].patient.is_some());
                assert!(groups[0].resources.len() >= 5);
            }
            "Bundle-bundle-example.json" => {
                assert!(groups.iter().any(|g| g.contained_in.len() == 1));
            }
            _ => {}
        }
    }
    assert_eq!(read, 11);
}
