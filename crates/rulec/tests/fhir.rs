//! FHIR bindings end to end: rule files with a `fhir` block, small Bundles
//! written here, and the records, data errors and sources they give.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers and assertions fail the test on a broken setup"
)]

use std::path::Path;
use std::sync::Arc;

use jiff::civil::{Date, date};
use rulec::check::{NoImports, Program, check};
use rulec::eval::{Outcome, Status, evaluate, explain_sourced};
use rulec::records::ReadRecord;
use rulec::schema::FieldValue;
use serde_json::{Value, json};

const INDEX: Date = date(2026, 1, 15);

fn program(source: &str) -> Program {
    let file = rulec::syntax::parse(source).unwrap();
    let checked = check(&file, &NoImports);
    checked
        .program
        .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics))
}

/// A collection Bundle of a Patient and `resources`, each given a
/// `subject` reference to the patient.
fn bundle(patient: Value, resources: &[Value]) -> String {
    let mut entries = vec![json!({"fullUrl": "urn:uuid:p", "resource": patient})];
    for (n, r) in resources.iter().enumerate() {
        let mut r = r.clone();
        r["subject"] = json!({"reference": "urn:uuid:p"});
        entries.push(json!({"fullUrl": format!("urn:uuid:r{n}"), "resource": r}));
    }
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries}).to_string()
}

fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-03-04"})
}

fn read(program: &Program, text: &str) -> ReadRecord {
    let groups = rulec::fhir::read::bundle(text, Arc::from(Path::new("test.json"))).unwrap();
    assert_eq!(groups.len(), 1);
    rulec::fhir::read_patient(program, &groups[0], INDEX)
}

fn hb(id: &str, value: f64, code: &str, day: &str) -> Value {
    json!({
        "resourceType": "Observation", "id": id, "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": code, "system": "http://unitsofmeasure.org", "code": code}
    })
}

const HB: &str = r#"
fields { hemoglobin: g/L, sex: one of { female, male }, birth_date: date }
inclusion { hb: hemoglobin > 80 g/L }
fhir {
  hemoglobin: Observation loinc "718-7" within 14 days before index
  sex:        Patient.gender
  birth_date: Patient.birthDate
}
"#;

#[test]
fn the_latest_result_in_the_window_is_converted_into_the_fields_unit() {
    let program = program(HB);
    let text = bundle(
        patient(),
        &[
            hb("old", 5.0, "g/dL", "2025-12-01"),
            hb("new", 7.2, "g/dL", "2026-01-10T08:00:00Z"),
            hb("mid", 9.0, "g/dL", "2026-01-05"),
            hb("future", 12.0, "g/dL", "2026-01-16"),
        ],
    );
    let read = read(&program, &text);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.id.as_deref(), Some("p1"));
    assert_eq!(
        read.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Quantity {
            value: 72.0,
            low: None,
            high: None
        }
    );
    assert_eq!(
        read.record.named("sex").unwrap().into_owned(),
        FieldValue::Member(0)
    );
    assert_eq!(
        read.record.named("birth_date").unwrap().into_owned(),
        FieldValue::Date(date(1970, 3, 4))
    );
    let explained = explain_sourced(&program, &read.record, INDEX, &read.sources);
    assert_eq!(
        explained.explanations[0],
        "hemoglobin 72 g/L (Observation/new, 2026-01-10T08:00:00Z, LOINC 718-7, as written 7.2 g/dL) \
         is not > 80 g/L (8 g/L short)"
    );
}

#[test]
fn nothing_in_the_window_is_missing_and_says_what_to_order() {
    let program = program(HB);
    let read = read(
        &program,
        &bundle(patient(), &[hb("old", 12.0, "g/dL", "2025-12-01")]),
    );
    assert_eq!(
        read.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Missing
    );
    let verdict = evaluate(&program, &read.record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    let explained = explain_sourced(&program, &read.record, INDEX, &read.sources);
    assert_eq!(
        explained.explanations[0],
        "hemoglobin is missing (no Observation with LOINC 718-7 within 14 days before 2026-01-15 \
         (the latest, Observation/old of 2025-12-01, is older)): unknown"
    );
}

#[test]
fn only_final_amended_or_corrected_results_count() {
    let program = program(HB);
    let mut preliminary = hb("pre", 12.0, "g/dL", "2026-01-14");
    preliminary["status"] = json!("preliminary");
    let mut wrong = hb("err", 13.0, "g/dL", "2026-01-14");
    wrong["status"] = json!("entered-in-error");
    let mut amended = hb("am", 6.0, "g/dL", "2026-01-02");
    amended["status"] = json!("amended");
    let read = read(&program, &bundle(patient(), &[preliminary, wrong, amended]));
    assert_eq!(
        read.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Quantity {
            value: 60.0,
            low: None,
            high: None
        }
    );
}

#[test]
fn a_unit_not_coded_in_ucum_is_a_data_error_never_a_guess() {
    let program = program(HB);
    let mut snomed = hb("s", 7.2, "g/dL", "2026-01-10");
    snomed["valueQuantity"]["system"] = json!("http://snomed.info/sct");
    snomed["valueQuantity"]["code"] = json!("258795003");
    let read1 = read(&program, &bundle(patient(), &[snomed]));
    assert_eq!(
        read1.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert_eq!(read1.errors.len(), 1);
    assert_eq!(read1.errors[0].field, "hemoglobin");
    assert!(
        read1.errors[0].reason.contains("Observation/s"),
        "{}",
        read1.errors[0].reason
    );
    assert!(
        read1.errors[0].reason.contains("not UCUM"),
        "{}",
        read1.errors[0].reason
    );

    let read2 = read(
        &program,
        &bundle(patient(), &[hb("bad", 7.2, "g/dl/", "2026-01-10")]),
    );
    assert_eq!(
        read2.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert!(
        read2.errors[0]
            .reason
            .contains("\"g/dl/\" is not a UCUM unit"),
        "{}",
        read2.errors[0].reason
    );

    let mut text_only = hb("t", 7.2, "g/dL", "2026-01-10");
    text_only["valueQuantity"] = json!({"value": 7.2, "unit": "g/dL"});
    let read3 = read(&program, &bundle(patient(), &[text_only]));
    assert_eq!(
        read3.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert!(
        read3.errors[0].reason.contains("no unit system"),
        "{}",
        read3.errors[0].reason
    );
}

const RANGED: &str = r#"
fields { creatinine: umol/L with normal range, molar mass 113.12 g/mol }
inclusion { renal: creatinine < 2.5 x ULN }
fhir {
  creatinine: Observation loinc "2160-0" within 14 days before index, normal range 45 umol/L..90 umol/L
}
"#;

fn creatinine(value: f64, code: &str, range: Option<(f64, f64)>) -> Value {
    let mut o = json!({
        "resourceType": "Observation", "id": "cr", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
        "effectiveDateTime": "2026-01-12",
        "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": code}
    });
    if let Some((low, high)) = range {
        o["referenceRange"] = json!([{
            "low": {"value": low, "system": "http://unitsofmeasure.org", "code": code},
            "high": {"value": high, "system": "http://unitsofmeasure.org", "code": code}
        }]);
    }
    o
}

#[test]
fn the_datas_reference_range_is_used_and_the_bindings_when_there_is_none() {
    let program = program(RANGED);
    let own = read(
        &program,
        &bundle(patient(), &[creatinine(1.0, "mg/dL", Some((0.5, 1.0)))]),
    );
    let FieldValue::Quantity { value, high, .. } =
        own.record.named("creatinine").unwrap().into_owned()
    else {
        panic!("no quantity");
    };
    assert!((value - 88.402).abs() < 0.01, "{value}");
    assert!((high.unwrap() - 88.402).abs() < 0.01);
    let fallback = read(
        &program,
        &bundle(patient(), &[creatinine(200.0, "umol/L", None)]),
    );
    assert_eq!(
        fallback.record.named("creatinine").unwrap().into_owned(),
        FieldValue::Quantity {
            value: 200.0,
            low: Some(45.0),
            high: Some(90.0)
        }
    );
    let explained = explain_sourced(&program, &fallback.record, INDEX, &fallback.sources);
    assert!(
        explained.explanations[0].contains("normal range 45..90 umol/L from the binding"),
        "{}",
        explained.explanations[0]
    );
    assert_eq!(
        evaluate(&program, &fallback.record, INDEX).status(),
        Status::Eligible
    );
}

#[test]
fn a_component_of_a_panel_is_read() {
    let program = program(
        r#"
fields { systolic: mm[Hg] }
inclusion { bp: systolic < 140 mm[Hg] }
fhir { systolic: Observation loinc "85354-9", "55284-4" component loinc "8480-6" within 30 days before index }
"#,
    );
    let panel = json!({
        "resourceType": "Observation", "id": "bp", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "55284-4"}]},
        "effectiveDateTime": "2026-01-10",
        "component": [
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
             "valueQuantity": {"value": 90, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
             "valueQuantity": {"value": 150, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
        ]
    });
    let read = read(&program, &bundle(patient(), &[panel]));
    assert_eq!(
        read.record.named("systolic").unwrap().into_owned(),
        FieldValue::Quantity {
            value: 150.0,
            low: None,
            high: None
        }
    );
    assert_eq!(
        evaluate(&program, &read.record, INDEX).outcome("bp"),
        Some(Outcome::NotMet)
    );
}

const CONDITIONS: &str = r#"
fields { serologies: set of { hiv, hbv }, myeloma: bool }
exclusion { serology: serologies has any of { hiv, hbv } }
inclusion { mm: myeloma }
fhir {
  codes hiv: icd10cm "B20*", "Z21"
  serologies: Condition { hiv: hiv, hbv: icd10cm "B18.1*" }
  myeloma:    Condition icd10cm "C90*"
}
"#;

fn condition(id: &str, code: &str, clinical: &str, verification: &str) -> Value {
    json!({
        "resourceType": "Condition", "id": id,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": clinical}]},
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]},
        "onsetDateTime": "2020-01-01"
    })
}

#[test]
fn conditions_count_when_active_and_not_refuted_with_prefix_codes() {
    let program = program(CONDITIONS);
    let read1 = read(
        &program,
        &bundle(
            patient(),
            &[
                condition("a", "B20.1", "active", "confirmed"),
                condition("b", "B18.1", "resolved", "confirmed"),
                condition("c", "C90.02", "relapse", "confirmed"),
            ],
        ),
    );
    assert_eq!(
        read1.record.named("serologies").unwrap().into_owned(),
        FieldValue::Members(vec![0])
    );
    assert_eq!(
        read1.record.named("myeloma").unwrap().into_owned(),
        FieldValue::Bool(true)
    );
    let read2 = read(
        &program,
        &bundle(patient(), &[condition("a", "B20.1", "active", "refuted")]),
    );
    assert_eq!(
        read2.record.named("serologies").unwrap().into_owned(),
        FieldValue::Members(vec![])
    );
    assert_eq!(
        read2.record.named("myeloma").unwrap().into_owned(),
        FieldValue::Bool(false)
    );
    // No Condition on record at all says nothing about conditions.
    let read3 = read(&program, &bundle(patient(), &[]));
    assert_eq!(
        read3.record.named("serologies").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert_eq!(
        evaluate(&program, &read3.record, INDEX).status(),
        Status::Undetermined
    );
}

#[test]
fn every_therapy_becomes_a_list_element_with_its_class_and_reason() {
    let program = program(
        r#"
fields { therapies: list of { class: one of { cd38, other }, failed: bool, date: date } }
exclusion { cd38: any therapies where class = cd38 and failed }
fhir {
  therapies: every MedicationStatement, Procedure before index {
    class: code { cd38: atc "L01FC*", other: any }
    failed: reason { true: "http://example.org/s|failed", false: "http://example.org/s|ok" }
    date: date
  }
}
"#,
    );
    let statement = json!({
        "resourceType": "MedicationStatement", "id": "ms", "status": "completed",
        "medicationReference": {"reference": "#med"},
        "contained": [{"resourceType": "Medication", "id": "med",
                       "code": {"coding": [{"system": "http://www.whocc.no/atc", "code": "L01FC02"}]}}],
        "statusReason": [{"coding": [{"system": "http://example.org/s", "code": "failed"}]}],
        "effectiveDateTime": "2025-06-01"
    });
    let later = json!({
        "resourceType": "Procedure", "id": "pr", "status": "completed",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
        "performedDateTime": "2026-02-01"
    });
    let earlier = json!({
        "resourceType": "Procedure", "id": "pr2", "status": "not-done",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
        "performedDateTime": "2025-01-01"
    });
    let read = read(&program, &bundle(patient(), &[later, statement, earlier]));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let FieldValue::List(list) = read.record.named("therapies").unwrap().into_owned() else {
        panic!("not a list");
    };
    assert_eq!(
        list.len(),
        1,
        "the procedure after index and the one not done are left out"
    );
    assert_eq!(
        list[0].named("class").unwrap().into_owned(),
        FieldValue::Member(0)
    );
    assert_eq!(
        list[0].named("failed").unwrap().into_owned(),
        FieldValue::Bool(true)
    );
    assert_eq!(
        list[0].named("date").unwrap().into_owned(),
        FieldValue::Date(date(2025, 6, 1))
    );
    assert_eq!(
        evaluate(&program, &read.record, INDEX).status(),
        Status::Ineligible
    );
}

#[test]
fn coded_and_boolean_values_map_to_bools() {
    let program = program(
        r#"
fields { pregnant: bool, consent: bool }
exclusion { pregnancy: pregnant }
inclusion { signed: consent }
fhir {
  pregnant: Observation loinc "82810-3" within 30 days before index { true: snomed "77386006", false: snomed "60001007" }
  consent:  Observation "http://example.org/s|consent"
}
"#,
    );
    let status = json!({
        "resourceType": "Observation", "id": "preg", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
        "effectiveDateTime": "2026-01-10",
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "60001007"}]}
    });
    let consent = json!({
        "resourceType": "Observation", "id": "c", "status": "final",
        "code": {"coding": [{"system": "http://example.org/s", "code": "consent"}]},
        "effectiveDateTime": "2025-10-10", "valueBoolean": true
    });
    let read = read(&program, &bundle(patient(), &[status, consent]));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(
        read.record.named("pregnant").unwrap().into_owned(),
        FieldValue::Bool(false)
    );
    assert_eq!(
        read.record.named("consent").unwrap().into_owned(),
        FieldValue::Bool(true)
    );
    assert_eq!(
        evaluate(&program, &read.record, INDEX).status(),
        Status::Eligible
    );
}

#[test]
fn a_resource_that_cannot_be_read_is_a_data_error_and_the_patient_stays() {
    let program = program(HB);
    let mut bad = hb("bad", 7.2, "g/dL", "2026-01-10");
    bad["valueQuantity"]["value"] = json!("seven");
    let mut modified = hb("mod", 7.2, "g/dL", "2026-01-11");
    modified["modifierExtension"] = json!([{"url": "http://example.org/x"}]);
    let mut partial = hb("partial", 7.2, "g/dL", "2026-01");
    partial["effectiveDateTime"] = json!("2026-01");
    let read = read(&program, &bundle(patient(), &[bad, modified, partial]));
    assert_eq!(
        read.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert_eq!(
        read.record.named("sex").unwrap().into_owned(),
        FieldValue::Member(0)
    );
    let reasons: Vec<&str> = read.errors.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons[0].starts_with("Observation/bad cannot be read"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("modifierExtension"), "{reasons:?}");
    assert!(reasons[2].contains("partial date"), "{reasons:?}");
}

#[test]
fn a_censored_value_decides_what_every_value_beyond_its_bound_decides() {
    let program = program(
        r#"
fields { egfr: mL/min/{1.73_m2}, crp: mg/L, creatinine: umol/L with normal range, molar mass 113.12 g/mol }
inclusion {
  kidney:   egfr >= 45 mL/min/{1.73_m2}
  renal:    creatinine < 2.5 x ULN
  measured: crp is known
}
exclusion {
  severe:   egfr < 90 mL/min/{1.73_m2}
  inflamed: crp > 0.3 mg/dL
}
fhir {
  egfr:       Observation loinc "48642-3" within 30 days before index
  crp:        Observation loinc "1988-5" within 30 days before index
  creatinine: Observation loinc "2160-0" within 30 days before index
}
"#,
    );
    let obs = |id: &str, code: &str, comparator: &str, value: f64, unit: &str| {
        json!({
            "resourceType": "Observation", "id": id, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "effectiveDateTime": "2026-01-10",
            "valueQuantity": {"value": value, "comparator": comparator, "unit": unit,
                              "system": "http://unitsofmeasure.org", "code": unit},
            "referenceRange": [{"high": {"value": 1.2, "system": "http://unitsofmeasure.org", "code": "mg/dL"}}]
        })
    };
    let text = bundle(
        patient(),
        &[
            obs("e", "48642-3", ">", 60.0, "mL/min/{1.73_m2}"),
            obs("c", "1988-5", "<", 0.5, "mg/dL"),
            obs("k", "2160-0", "<", 0.4, "mg/dL"),
        ],
    );
    let read = read(&program, &text);
    assert!(
        read.errors.iter().all(|e| !e.field.starts_with("egfr")),
        "{:?}",
        read.errors
    );
    assert!(read.record.has_censored());
    let verdict = evaluate(&program, &read.record, INDEX);
    // >60 is >= 45 whatever it is; <90 is not decided; <0.5 mg/dL might be
    // above 0.3 mg/dL; <0.4 mg/dL is below 2.5 x ULN (ULN 1.2 mg/dL).
    assert_eq!(verdict.outcome("kidney"), Some(Outcome::Met));
    assert_eq!(verdict.outcome("renal"), Some(Outcome::Met));
    assert_eq!(verdict.outcome("measured"), Some(Outcome::Met));
    assert_eq!(verdict.outcome("severe"), Some(Outcome::Unknown));
    assert_eq!(verdict.outcome("inflamed"), Some(Outcome::Unknown));
    assert_eq!(verdict.missing(), ["egfr", "crp"]);
    // The compiled closures give the reference's verdict.
    let compiled = rulec::compile::compile(&program);
    assert_eq!(compiled.evaluate(&read.record, INDEX).unwrap(), verdict);
    assert_eq!(
        compiled.status(&read.record, INDEX).unwrap(),
        Status::Undetermined
    );
    let explained = explain_sourced(&program, &read.record, INDEX, &read.sources);
    assert!(
        explained.explanations[0].starts_with("egfr >60 mL/min/{1.73_m2} (Observation/e")
            && explained.explanations[0]
                .ends_with(">= 45 mL/min/{1.73_m2} whatever its exact value"),
        "{}",
        explained.explanations[0]
    );
    assert!(
        explained.explanations[4].contains("may or may not be > 3 mg/L")
            || explained.explanations[4].contains("may or may not be > 0.3 mg/dL"),
        "{}",
        explained.explanations[4]
    );
}

#[test]
fn bindings_come_from_a_used_file_and_value_sets_from_their_expansion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trial.rules"),
        "use \"site.rules\"\nfields { therapies: list of { class: one of { cell, other } } }\n\
         exclusion { prior: any therapies where class = cell }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("site.rules"),
        "fhir {\n  valueset cell: \"cell.json\"\n  therapies: every Procedure { class: code { cell: cell, other: any } }\n}\n",
    )
    .unwrap();
    let expansion = json!({
        "resourceType": "ValueSet",
        "expansion": {"contains": [
            {"system": "http://snomed.info/sct", "code": "0", "abstract": true, "contains": [
                {"system": "http://snomed.info/sct", "code": "1234"},
                {"system": "http://snomed.info/sct", "code": "5678", "inactive": true}
            ]}
        ]}
    });
    std::fs::write(dir.path().join("cell.json"), expansion.to_string()).unwrap();
    let rules = rulec::Rules::load(dir.path().join("trial.rules")).unwrap();
    let program = rules.program();
    let procedure = |id: &str, code: &str| {
        json!({"resourceType": "Procedure", "id": id, "status": "completed",
               "code": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
               "performedDateTime": "2025-01-01"})
    };
    let inactive = read(
        program,
        &bundle(patient(), &[procedure("a", "5678"), procedure("b", "0")]),
    );
    assert_eq!(
        evaluate(program, &inactive.record, INDEX).status(),
        Status::Eligible
    );
    let active = read(program, &bundle(patient(), &[procedure("a", "1234")]));
    assert_eq!(
        evaluate(program, &active.record, INDEX).status(),
        Status::Ineligible
    );

    // A value set without an expansion is refused when the rules are checked.
    std::fs::write(
        dir.path().join("cell.json"),
        r#"{"resourceType": "ValueSet", "compose": {}}"#,
    )
    .unwrap();
    let error = rulec::Rules::load(dir.path().join("trial.rules"))
        .err()
        .unwrap();
    assert!(format!("{error:?}").contains("no `expansion`"), "{error:?}");
}

#[test]
fn every_observation_in_the_window_is_a_list_element() {
    let program = program(
        r#"
fields { hb_history: list of { value: g/L, date: date } }
inclusion { two_low: count hb_history where value < 80 g/L >= 2 }
fhir { hb_history: every Observation loinc "718-7" within 30 days before index { value: value, date: date } }
"#,
    );
    let text = bundle(
        patient(),
        &[
            hb("a", 7.0, "g/dL", "2026-01-02"),
            hb("b", 75.0, "g/L", "2026-01-09"),
            hb("c", 9.0, "g/dL", "2026-01-12"),
            hb("old", 7.0, "g/dL", "2025-11-01"),
        ],
    );
    let read = read(&program, &text);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let FieldValue::List(list) = read.record.named("hb_history").unwrap().into_owned() else {
        panic!("not a list");
    };
    let values: Vec<FieldValue> = list
        .iter()
        .map(|e| e.named("value").unwrap().into_owned())
        .collect();
    assert_eq!(
        values,
        [70.0, 75.0, 90.0].map(|value| FieldValue::Quantity {
            value,
            low: None,
            high: None
        })
    );
    assert_eq!(
        list[2].named("date").unwrap().into_owned(),
        FieldValue::Date(date(2026, 1, 12))
    );
    assert_eq!(
        evaluate(&program, &read.record, INDEX).status(),
        Status::Eligible
    );
}

#[test]
fn a_status_option_replaces_the_default_statuses() {
    let program = program(
        r#"
fields { hemoglobin: g/L }
inclusion { hb: hemoglobin > 80 g/L }
fhir { hemoglobin: Observation loinc "718-7" within 14 days before index, status { final, preliminary } }
"#,
    );
    let mut preliminary = hb("pre", 9.0, "g/dL", "2026-01-14");
    preliminary["status"] = json!("preliminary");
    let mut amended = hb("am", 6.0, "g/dL", "2026-01-13");
    amended["status"] = json!("amended");
    let read = read(&program, &bundle(patient(), &[preliminary, amended]));
    assert_eq!(
        read.record.named("hemoglobin").unwrap().into_owned(),
        FieldValue::Quantity {
            value: 90.0,
            low: None,
            high: None
        }
    );
}

#[test]
fn condition_and_medication_lists_carry_dates_ends_and_statuses() {
    let program = program(
        r#"
fields {
  infections: list of { onset: date, resolved: date, status: one of { active, recurrence, relapse } }
  drugs:      list of { started: date, status: text }
}
exclusion {
  recent: any infections where onset within 30 days before index and resolved is missing
  ongoing: any drugs where status = "active"
}
fhir {
  infections: every Condition icd10cm "A41*" { onset: date, resolved: end, status: status }
  drugs:      every MedicationStatement rxnorm "1" { started: date, status: status }
}
"#,
    );
    let mut resolved = condition("old", "A41.9", "active", "confirmed");
    resolved["onsetDateTime"] = json!("2026-01-01");
    resolved["abatementDateTime"] = json!("2026-01-08");
    let mut open = condition("new", "A41.0", "recurrence", "confirmed");
    open["onsetDateTime"] = json!("2026-01-10");
    let drug = json!({
        "resourceType": "MedicationStatement", "id": "d", "status": "completed",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1"}]},
        "effectivePeriod": {"start": "2025-12-01", "end": "2025-12-20"}
    });
    let read = read(&program, &bundle(patient(), &[resolved, open, drug]));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let FieldValue::List(infections) = read.record.named("infections").unwrap().into_owned() else {
        panic!("not a list");
    };
    assert_eq!(infections.len(), 2);
    assert_eq!(
        infections[0].named("resolved").unwrap().into_owned(),
        FieldValue::Date(date(2026, 1, 8))
    );
    assert_eq!(
        infections[1].named("resolved").unwrap().into_owned(),
        FieldValue::Missing
    );
    assert_eq!(
        infections[1].named("status").unwrap().into_owned(),
        FieldValue::Member(1)
    );
    let FieldValue::List(drugs) = read.record.named("drugs").unwrap().into_owned() else {
        panic!("not a list");
    };
    assert_eq!(
        drugs[0].named("status").unwrap().into_owned(),
        FieldValue::Text("completed".to_owned())
    );
    assert_eq!(
        drugs[0].named("started").unwrap().into_owned(),
        FieldValue::Date(date(2025, 12, 1))
    );
    let verdict = evaluate(&program, &read.record, INDEX);
    assert_eq!(verdict.outcome("recent"), Some(Outcome::Met));
    assert_eq!(verdict.outcome("ongoing"), Some(Outcome::NotMet));
}
