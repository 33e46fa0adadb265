//! Bulk Data NDJSON: order, grouping, hostile lines.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::super::*;

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn lines(values: &[serde_json::Value]) -> Vec<u8> {
    values
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>()
        .into_bytes()
}

fn obs(id: &str, subject: &str) -> serde_json::Value {
    json!({"resourceType": "Observation", "id": id, "subject": {"reference": subject}})
}

/// A resource's JSON, parsed.
fn value(raw: &Raw) -> serde_json::Value {
    serde_json::from_str(&raw.json).unwrap()
}

fn patient(id: &str) -> serde_json::Value {
    json!({"resourceType": "Patient", "id": id})
}

fn summary(bulk: &Bulk) -> Vec<(Option<String>, bool, Vec<String>)> {
    bulk.patients()
        .map(|p| {
            (
                p.id.clone(),
                p.patient.is_some(),
                p.resources.iter().map(Raw::name).collect(),
            )
        })
        .collect()
}

fn problems(bulk: &Bulk) -> Vec<String> {
    bulk.problems().iter().map(ToString::to_string).collect()
}

#[test]
fn files_in_odd_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a-Observation.ndjson",
        &lines(&[obs("1", "Patient/p2"), obs("2", "Patient/p1")]),
    );
    // The file name lies: each line's resourceType decides.
    write(
        d,
        "Condition.ndjson",
        &lines(&[obs("3", "Patient/p1"), obs("4", "Patient/p9")]),
    );
    write(d, "x-Patient.ndjson", &lines(&[patient("p1")]));
    // The last line without a newline.
    write(d, "y-Patient.ndjson", patient("p2").to_string().as_bytes());
    write(d, "z-Observation.ndjson", &lines(&[obs("5", "Patient/p2")]));
    write(d, "notes.txt", b"not read");
    assert_eq!(detect(d), Some(Kind::Bulk));
    let bulk = Bulk::open(&[d.to_path_buf()]).unwrap();
    assert_eq!(bulk.len(), 3);
    assert_eq!(bulk.files().len(), 5);
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        summary(&bulk),
        [
            (
                Some("p1".into()),
                true,
                s(&["Observation/3", "Observation/2"])
            ),
            (
                Some("p2".into()),
                true,
                s(&["Observation/1", "Observation/5"])
            ),
            (Some("p9".into()), false, s(&["Observation/4"])),
        ]
    );
    let all: Vec<_> = bulk.patients().collect();
    assert_eq!(
        all.iter().map(|p| p.position).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(all[0].problems.is_empty());
    assert_eq!(all[2].problems.len(), 1);
    assert!(all[2].problems[0].reason.contains("no Patient resource"));
    let first = &all[0].resources[0].origin;
    assert_eq!(first.place, Place::Line(1));
    assert!(first.file.ends_with("Condition.ndjson"));
    assert!(bulk.problems().is_empty());

    // Files given one by one, in the order given.
    let files = [
        d.join("z-Observation.ndjson"),
        d.join("y-Patient.ndjson"),
        d.join("x-Patient.ndjson"),
    ];
    let bulk = Bulk::open(&files).unwrap();
    let ids: Vec<_> = bulk.patients().map(|p| p.id.unwrap()).collect();
    assert_eq!(ids, ["p2", "p1"]);
    assert!(Bulk::open(&[d.join("missing.ndjson")]).is_err());
    assert!(Bulk::open(&[tempfile::tempdir().unwrap().path().to_path_buf()]).is_err());
    assert!(Bulk::open(&[]).is_err());
}

#[test]
fn medications_are_shared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let request = |id: &str, who: &str, med: &str| {
        json!({"resourceType": "MedicationRequest", "id": id, "subject": {"reference": who},
               "medicationReference": {"reference": med}})
    };
    write(
        d,
        "MedicationRequest.ndjson",
        &lines(&[
            request("r1", "Patient/a", "Medication/m1"),
            request("r2", "Patient/a", "Medication/m1"),
            request("r3", "Patient/b", "http://h/fhir/Medication/m1"),
            request("r4", "Patient/b", "Medication/none"),
            request("r5", "Patient/b", "#inline"),
        ]),
    );
    write(
        d,
        "Medication.ndjson",
        &lines(&[
            json!({"resourceType": "Medication", "id": "m1", "code": {"text": "one"}}),
            json!({"resourceType": "Medication", "id": "m1", "code": {"text": "again"}}),
            json!({"resourceType": "Medication"}),
            json!({"resourceType": "Organization", "id": "o"}),
        ]),
    );
    write(
        d,
        "Patient.ndjson",
        &lines(&[
            patient("a"),
            patient("b"),
            patient("a"),
            json!({"resourceType": "Patient"}),
        ]),
    );
    let bulk = Bulk::open(&[d.to_path_buf()]).unwrap();
    let all: Vec<_> = bulk.patients().collect();
    assert_eq!(all.len(), 3);
    for p in &all[..2] {
        assert_eq!(p.contained_in.len(), 1);
        assert_eq!(value(&p.contained_in[0])["code"]["text"], "one");
        assert!(p.resolve("Medication/m1").is_some());
    }
    assert_eq!(all[0].problems.len(), 1, "{:?}", all[0].problems);
    assert!(all[0].problems[0].reason.contains("a second Patient"));
    assert_eq!(all[1].problems.len(), 1);
    assert!(
        all[1].problems[0]
            .reason
            .contains("Medication/none names no Medication")
    );
    assert_eq!(all[2].id, None);
    assert!(all[2].patient.is_some());
    assert_eq!(all[2].problems.len(), 1);
    assert_eq!(problems(&bulk).len(), 2, "{:?}", problems(&bulk));
}

#[test]
fn hostile_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = "x".repeat(50 << 20);
    let mut text = Vec::new();
    text.extend_from_slice(b"\xEF\xBB\xBF");
    text.extend_from_slice(format!("{}\r\n", patient("p")).as_bytes());
    text.extend_from_slice(b"\r\n\n   \n");
    text.extend_from_slice(b"this is not json\n");
    text.extend_from_slice(b"{\"resourceType\": \"Observation\", \"id\": \"cut\", \"subj\n");
    text.extend_from_slice(b"[1, 2]\n\"a string\"\nnull\n{}\n");
    text.extend_from_slice(b"{\"resourceType\": \"Observation\"} trailing\n");
    text.extend_from_slice(b"\xFF\xFE not utf-8\n");
    // Deeper than serde_json's limit of 128, inside an attached resource.
    let deep = format!(
        r#"{{"resourceType": "Observation", "id": "deep", "subject": {{"reference": "Patient/p"}}, "x": {}1{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    text.extend_from_slice(format!("{deep}\n").as_bytes());
    let huge = json!({"resourceType": "Observation", "id": "big",
                      "subject": {"reference": "Patient/p"}, "note": [{"text": big}]});
    text.extend_from_slice(format!("{huge}\r\n").as_bytes());
    drop(huge);
    for line in [
        json!({"resourceType": "FutureThing", "id": "f", "subject": {"reference": "Patient/p"}}),
        obs("group", "Group/g"),
        obs("urn", "urn:uuid:123"),
        json!({"resourceType": "Observation", "id": "none"}),
        json!({"resourceType": "Observation", "id": "display", "subject": {"display": "P"}}),
        json!({"resourceType": "Observation", "id": "odd", "subject": "Patient/p", "patient": 3}),
        json!({"id": "notype", "subject": {"reference": "Patient/p"}}),
        json!({"resourceType": "Observation", "id": "twice", "subject": {"reference": "Patient/p"}}),
        json!({"resourceType": "Observation", "id": "cycle", "subject": {"reference": "Patient/p"},
               "hasMember": [{"reference": "Observation/cycle"}]}),
        json!({"resourceType": "Immunization", "id": "imm", "patient": {"reference": "http://h/fhir/Patient/p/_history/1"}}),
    ] {
        text.extend_from_slice(format!("{line}\n").as_bytes());
    }
    // A key given twice: the first pass places the line by its last
    // subject; the second refuses it, as the JSON Lines reader refuses a
    // record with a key given twice.
    let twice = r#"{"resourceType": "Observation", "id": "x", "id": "twice", "subject": {"reference": "Patient/q"}, "subject": {"reference": "Patient/p"}}"#;
    text.extend_from_slice(format!("{twice}\n").as_bytes());
    text.extend_from_slice(br#"{"resourceType":"Obs\u0065rvation","id":"esc\u0061ped","subject":{"reference":"Patient\/p"}}"#);
    text.extend_from_slice(b"\n");
    // The last line, cut short and without a newline.
    text.extend_from_slice(br#"{"resourceType": "Observation", "id": "last", "subject": {"ref"#);
    let path = write(d, "all.ndjson", &text);
    drop(text);
    assert_eq!(detect(&path), Some(Kind::Bulk));

    let bulk = Bulk::open(&[path]).unwrap();
    let all: Vec<_> = bulk.patients().collect();
    assert_eq!(all.len(), 1);
    let p = &all[0];
    assert_eq!(p.id.as_deref(), Some("p"));
    assert_eq!(p.patient.as_ref().unwrap().origin.place, Place::Line(1));
    let names: Vec<_> = p.resources.iter().map(Raw::name).collect();
    assert_eq!(
        names,
        [
            "Observation/big",
            "FutureThing/f",
            "Observation/twice",
            "Observation/cycle",
            "Immunization/imm",
            "Observation/escaped"
        ]
    );
    assert_eq!(
        value(&p.resources[0])["note"][0]["text"]
            .as_str()
            .map(str::len),
        Some(50 << 20)
    );
    // The deep line passes the first pass (skipped values are not
    // built) and fails the second, where the patient is known; so does the
    // line with a key given twice.
    assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
    assert!(
        p.problems[0].reason.contains("nested deeper than 128"),
        "{:?}",
        p.problems
    );
    assert!(
        p.problems[1].reason.contains("duplicate field"),
        "{:?}",
        p.problems
    );
    let problems = problems(&bulk);
    for problem in &problems {
        eprintln!("{problem}");
    }
    let expected = [
        "all.ndjson line 5: not a FHIR resource",
        "all.ndjson line 6: not a FHIR resource",
        "all.ndjson line 7: not a FHIR resource",
        "all.ndjson line 8: not a FHIR resource",
        "all.ndjson line 9: not a FHIR resource",
        "all.ndjson line 10: no resourceType",
        "all.ndjson line 11: not a FHIR resource",
        "all.ndjson line 12: not a FHIR resource",
        "Observation/group: its subject Group/g does not name a Patient",
        "Observation/urn: its subject urn:uuid:123 does not name a Patient",
        "Observation/none: no subject or patient reference",
        "Observation/display: its subject has no reference",
        "Observation/odd: its subject has no reference",
        "all.ndjson line 21: no resourceType",
        "all.ndjson line 27: not a FHIR resource",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, expected) in problems.iter().zip(expected) {
        assert!(problem.starts_with(expected), "{problem} vs {expected}");
    }
}

#[test]
fn lines_longer_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = obs(&"z".repeat(5000), "Patient/p");
    let text = lines(&[patient("p"), long, obs("after", "Patient/p")]);
    let path = write(d, "x.ndjson", &text);
    let bulk = Bulk::open_limited(std::slice::from_ref(&path), 1000).unwrap();
    let all: Vec<_> = bulk.patients().collect();
    let names: Vec<_> = all[0].resources.iter().map(Raw::name).collect();
    assert_eq!(names, ["Observation/after"]);
    assert_eq!(bulk.problems().len(), 1);
    assert!(bulk.problems()[0].reason.contains("longer than 1000"));
    // At the limit itself, the line is read.
    let limit = text.split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap();
    let bulk = Bulk::open_limited(&[path], limit).unwrap();
    assert_eq!(bulk.patients().next().unwrap().resources.len(), 2);
    assert!(bulk.problems().is_empty());
}

#[test]
fn a_line_longer_than_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "{}", patient("p")).unwrap();
    write!(
        out,
        r#"{{"resourceType": "Observation", "subject": {{"reference": "Patient/p"}}, "x": ""#
    )
    .unwrap();
    let chunk = vec![b'y'; 1 << 20];
    for _ in 0..(MAX_LINE >> 20) + 1 {
        out.write_all(&chunk).unwrap();
    }
    writeln!(out, "\"}}").unwrap();
    writeln!(out, "{}", obs("after", "Patient/p")).unwrap();
    drop(out);
    let bulk = Bulk::open(&[path]).unwrap();
    assert_eq!(bulk.problems().len(), 1);
    assert!(
        bulk.problems()[0]
            .to_string()
            .starts_with("big.ndjson line 2: a line of")
    );
    let p = bulk.patients().next().unwrap();
    assert_eq!(p.resources.len(), 1);
    assert!(p.problems.is_empty());
}

/// A Synthea bundle split into one NDJSON file per type (subjects made
/// `Patient/<id>`, as Bulk Data writes them) reads as the bundle does.
#[test]
fn synthea_split_into_ndjson() {
    let Some(samples) = super::samples() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (n, path) in bundle_files(&samples.join("synthea-r4"))
        .unwrap()
        .iter()
        .enumerate()
    {
        let from_bundle = bundle_file(path).unwrap().remove(0);
        let id = from_bundle.id.clone().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let text = text.replace(&format!("urn:uuid:{id}"), &format!("Patient/{id}"));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        for entry in value["entry"].as_array().unwrap() {
            let resource = &entry["resource"];
            let name = format!("{n}-{}.ndjson", resource["resourceType"].as_str().unwrap());
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.path().join(name))
                .unwrap();
            writeln!(file, "{resource}").unwrap();
        }
    }
    let bulk = Bulk::open(&[dir.path().to_path_buf()]).unwrap();
    assert!(bulk.problems().is_empty(), "{:?}", bulk.problems());
    let all: Vec<_> = bulk.patients().collect();
    assert_eq!(all.len(), 2);
    for (p, path) in all
        .iter()
        .zip(bundle_files(&samples.join("synthea-r4")).unwrap())
    {
        let from_bundle = bundle_file(&path).unwrap().remove(0);
        assert_eq!(p.id, from_bundle.id);
        assert_eq!(p.resources.len(), from_bundle.resources.len());
        assert_eq!(
            p.problems.len(),
            from_bundle.problems.len(),
            "{:?}",
            p.problems
        );
    }
}

#[test]
fn a_file_changed_between_the_passes() {
    let dir = tempfile::tempdir().unwrap();
    let mut values = vec![patient("p")];
    values.extend((0..50).map(|n| obs(&n.to_string(), "Patient/p")));
    let path = write(dir.path(), "x.ndjson", &lines(&values));
    let bulk = Bulk::open(std::slice::from_ref(&path)).unwrap();
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let p = bulk.patients().next().unwrap();
    assert!(p.patient.is_some());
    assert!(!p.resources.is_empty() && p.resources.len() < 50);
    assert_eq!(p.resources.len() + p.problems.len(), 50);
    assert!(
        p.problems.iter().all(|p| p.reason.contains("shorter")),
        "{:?}",
        p.problems
    );
    std::fs::remove_file(&path).unwrap();
    let p = bulk.patients().next().unwrap();
    assert!(p.patient.is_none());
    assert_eq!(p.problems.len(), 51);
    assert!(p.problems[0].reason.contains("cannot read it again"));
}
