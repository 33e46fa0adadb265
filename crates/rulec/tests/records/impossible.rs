//! Impossible values are data errors (issue 13, point 6), and a ranged
//! value may carry its unit in its text (point 4).

use super::*;
use rulec::eval::Status;
use rulec::records::{FieldError, RecordBuilder, check_index_date};

const SIGNS: &str = "
fields {
  hemoglobin:  g/L
  neutrophils: 10*9/L
  dose:        mg
  stay:        d
  lvef:        %
  alt:         U/L with normal range
  creatinine:  umol/L with normal range, molar mass 113.12 g/mol
  temperature: Cel
  fahrenheit:  [degF]
  kelvin:      K
  axis:        deg
  st:          mV
  change:      number
  score:       integer -10..10
}
";

/// Every value below zero that no measurement of its kind can take, in
/// each form a JSON record can give it.
#[test]
fn negative_amounts_are_data_errors() {
    let p = program(SIGNS);
    for (field, value) in [
        ("hemoglobin", json!("-5 g/L")),
        ("hemoglobin", json!(-5)),
        ("hemoglobin", json!("-0.5 g/dL")),
        ("hemoglobin", json!({"value": -5, "unit": "g/L"})),
        ("neutrophils", json!("-1500 /uL")),
        ("dose", json!("-1 mg")),
        ("stay", json!("-2 wk")),
        ("lvef", json!(-45)),
        ("alt", json!({"value": -3, "high": 40})),
        ("kelvin", json!(-1)),
        ("kelvin", json!("-300 Cel")),
    ] {
        let error = read_bad(&p, field, value.clone(), " is negative, and a value in `");
        assert!(error.reason.contains("cannot be"), "{value}: {error}");
    }
    assert_eq!(
        read_bad(&p, "hemoglobin", json!("-0.5 g/dL"), "").reason,
        "-5 g/L is negative, and a value in `g/L` (mass concentration) cannot be"
    );
}

/// Temperatures, angles and electric quantities may be below zero, and
/// plain numbers and integers follow their declaration.
#[test]
fn signed_kinds_keep_their_negative_values() {
    let p = program(SIGNS);
    assert_eq!(read_ok(&p, "temperature", json!("-2 Cel")), quantity(-2.0));
    assert_eq!(read_ok(&p, "fahrenheit", json!(-4)), quantity(-4.0));
    assert_eq!(
        read_ok(&p, "temperature", json!("14 [degF]")),
        quantity(-10.0)
    );
    assert_eq!(read_ok(&p, "axis", json!("-30 deg")), quantity(-30.0));
    assert_eq!(read_ok(&p, "st", json!("-0.1 mV")), quantity(-0.1));
    assert_eq!(
        read_ok(&p, "change", json!(-26.5)),
        FieldValue::Number(-26.5)
    );
    assert_eq!(read_ok(&p, "score", json!(-5)), FieldValue::Number(-5.0));
    // Zero is a measurement, whatever its sign bit.
    assert_eq!(read_ok(&p, "hemoglobin", json!(-0.0)), quantity(0.0));
    read_bad(
        &p,
        "score",
        json!(-11),
        "outside the declared range -10..10",
    );
}

/// The impossible value decides nothing: the criterion that reads it is
/// unknown, where the value would have made the patient ineligible.
#[test]
fn a_negative_value_leaves_its_criteria_unknown() {
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion { hb: hemoglobin > 80 g/L }",
    );
    let read = from_json_str(&p, r#"{"id": "p1", "hemoglobin": "-90 g/L"}"#, 1);
    assert_eq!(read.errors.len(), 1);
    let verdict = evaluate(&p, &read.record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    assert_eq!(verdict.criteria().next().unwrap().outcome, Outcome::Unknown);
}

#[test]
fn negative_reference_limits_are_data_errors() {
    let p = program(SIGNS);
    read_bad(
        &p,
        "alt",
        json!({"value": 30, "low": -1, "high": 40}),
        "the lower limit of normal -1 U/L is negative",
    );
    read_bad(
        &p,
        "creatinine",
        json!({"value": 1.0, "unit": "mg/dL", "high": -1.2}),
        "the upper limit of normal -106.08",
    );
}

#[test]
fn csv_refuses_negative_values_and_limits() {
    let p = program(SIGNS);
    let csv = "\
id,hemoglobin [g/dL],alt,alt.low,alt.high,temperature,change
c1,-0.5,30,7,40,-1,-3
c2,9,30,-7,40,,
c3,9,-30 U/L,7,40,,
";
    let records: Vec<_> = from_csv(&p, csv.as_bytes()).unwrap().collect();
    let reasons: Vec<Vec<String>> = records
        .iter()
        .map(|r| r.errors.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        reasons,
        [
            vec![
                "record `c1`, field `hemoglobin`: -5 g/L is negative, and a value in `g/L` \
                 (mass concentration) cannot be"
            ],
            vec![
                "record `c2`, field `alt`: the lower limit of normal -7 U/L is negative, and a \
                 value in `U/L` (arbitrary units (U) per volume) cannot be"
            ],
            vec![
                "record `c3`, field `alt`: -30 U/L is negative, and a value in `U/L` \
                 (arbitrary units (U) per volume) cannot be"
            ],
        ]
    );
    assert_eq!(get(&p, &records[0], "temperature"), quantity(-1.0));
    assert_eq!(get(&p, &records[0], "change"), FieldValue::Number(-3.0));
    for (record, field) in [(0, "hemoglobin"), (1, "alt"), (2, "alt")] {
        assert_eq!(get(&p, &records[record], field), FieldValue::Missing);
    }
}

#[test]
fn the_record_builder_refuses_negative_values_and_limits() {
    let p = program(SIGNS);
    let error = |result: Result<RecordBuilder<'_>, FieldError>| result.unwrap_err().to_string();
    assert_eq!(
        error(RecordBuilder::new(&p).quantity("hemoglobin", -0.5, "g/dL")),
        "field `hemoglobin`: -5 g/L is negative, and a value in `g/L` (mass concentration) \
         cannot be"
    );
    assert!(
        error(RecordBuilder::new(&p).quantity_with_range("alt", 30.0, "U/L", -1.0, 40.0))
            .contains("the lower limit of normal -1 U/L is negative")
    );
    assert!(
        RecordBuilder::new(&p)
            .quantity("temperature", -2.0, "Cel")
            .is_ok()
    );
}

/// `{"value": "119 U/L", "low": 7, "high": 40}`: the limits are in the
/// unit the value's text gives.
#[test]
fn a_ranged_value_may_carry_its_unit_in_its_text() {
    let p = fields();
    let ranged = |value, low, high| FieldValue::Quantity {
        value,
        low: Some(low),
        high: Some(high),
    };
    assert_eq!(
        read_ok(&p, "alt", json!({"value": "119 U/L", "low": 7, "high": 40})),
        ranged(119.0, 7.0, 40.0)
    );
    assert_eq!(
        read_ok(
            &p,
            "alt",
            json!({"value": "0.119 U/mL", "low": 0.007, "high": 0.04})
        ),
        ranged(119.0, 7.0, 40.0)
    );
    let mg = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    let expected = ranged(mg(1.1), mg(0.6), mg(1.2));
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": "1.1 mg/dL", "low": 0.6, "high": 1.2})
        ),
        expected
    );
    // The unit given twice, the same unit both times.
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": "1.1 mg/dL", "unit": "mg/dL", "low": 0.6, "high": 1.2})
        ),
        expected
    );
    // Two spellings of one unit agree.
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": "1.1 mg/dl", "unit": "mg/dL", "low": 0.6, "high": 1.2})
        ),
        expected
    );
    // A number in text, in the unit of `unit` or else the field's.
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": "1.1", "unit": "mg/dL", "low": 0.6, "high": 1.2})
        ),
        expected
    );
    assert_eq!(
        read_ok(&p, "alt", json!({"value": "119", "high": 40})),
        FieldValue::Quantity {
            value: 119.0,
            low: None,
            high: Some(40.0)
        }
    );
    // Two different units for one value: which one the limits are in is
    // anyone's guess.
    read_bad(
        &p,
        "creatinine",
        json!({"value": "1.1 mg/dL", "unit": "umol/L", "high": 1.2}),
        "`value` is in `mg/dL` but `unit` says `umol/L`; give the unit once",
    );
    read_bad(
        &p,
        "creatinine",
        json!({"value": "1.1 mg/dX", "high": 1.2}),
        "unknown unit `dX`",
    );
}

/// In CSV, limit cells without a unit of their own are in the unit of the
/// value's cell when it gives one, before the unit of the value's column.
#[test]
fn csv_limits_follow_the_unit_of_the_value_cell() {
    let p = fields();
    let csv = "\
id,alt,alt.low,alt.high,creatinine [umol/L],creatinine.low,creatinine.high [umol/L]
a1,119 U/L,7,40,1.1 mg/dL,0.6,106.08
a2,0.119 U/mL,0.007,40 U/L,97,53,106
";
    let records: Vec<_> = from_csv(&p, csv.as_bytes()).unwrap().collect();
    for record in &records {
        assert_eq!(record.errors, [], "{}", record.position);
    }
    let ranged = |value, low, high| FieldValue::Quantity {
        value,
        low: Some(low),
        high: Some(high),
    };
    let mg = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    assert_eq!(get(&p, &records[0], "alt"), ranged(119.0, 7.0, 40.0));
    assert_eq!(get(&p, &records[1], "alt"), ranged(119.0, 7.0, 40.0));
    // The upper limit's header gives its own unit, which wins.
    assert_eq!(
        get(&p, &records[0], "creatinine"),
        ranged(mg(1.1), mg(0.6), 106.08)
    );
    assert_eq!(
        get(&p, &records[1], "creatinine"),
        ranged(97.0, 53.0, 106.0)
    );
}

const BORN: &str = "
fields {
  birth_date:     date
  diagnosis_date: date
}
define age: years between birth_date and index
inclusion { adult: age >= 18 years }
";

/// A date of birth after the index date is a data error once the index
/// date is known; the age it would give decides nothing.
#[test]
fn a_birth_date_after_the_index_date_is_a_data_error() {
    let p = program(BORN);
    let json = r#"{"id": "p1", "birth_date": "2027-01-01", "diagnosis_date": "2027-02-01"}"#;
    let mut read = from_json_str(&p, json, 1);
    assert_eq!(read.errors, []);
    // Read as data, the impossible age rules the patient out.
    assert_eq!(
        evaluate(&p, &read.record, INDEX).status(),
        Status::Ineligible
    );
    read.check_index_date(&p, INDEX);
    let errors: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "record `p1`, field `birth_date`: the date of birth 2027-01-01 is after the index date 2026-11-24"
        ]
    );
    assert_eq!(get(&p, &read, "birth_date"), FieldValue::Missing);
    // Other dates may lie after the index date.
    assert_eq!(
        get(&p, &read, "diagnosis_date"),
        FieldValue::Date(date(2027, 2, 1))
    );
    let verdict = evaluate(&p, &read.record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    assert_eq!(verdict.missing(), ["birth_date"]);

    // Born on the index date is a newborn, not an error.
    let mut read = from_json_str(&p, r#"{"birth_date": "2026-11-24"}"#, 2);
    read.check_index_date(&p, INDEX);
    assert_eq!(read.errors, []);
    assert_eq!(
        evaluate(&p, &read.record, INDEX).status(),
        Status::Ineligible
    );
}

#[test]
fn every_birth_date_name_is_checked_and_records_built_in_rust_too() {
    for name in ["birth_date", "date_of_birth", "birthdate", "dob", "DOB"] {
        let p = program(&format!("fields {{ {name}: date }}"));
        let mut record = RecordBuilder::new(&p)
            .date(name, date(2030, 1, 1))
            .unwrap()
            .build();
        let errors = check_index_date(&p, &mut record, INDEX);
        assert_eq!(errors.len(), 1, "{name}");
        assert_eq!(errors[0].field, name);
        assert_eq!(
            *record.get(p.schema.slot(name).unwrap()),
            FieldValue::Missing
        );
    }
    let p = program("fields { birth: date, birth_date_text: text }");
    let mut record = RecordBuilder::new(&p)
        .date("birth", date(2030, 1, 1))
        .unwrap()
        .build();
    assert_eq!(check_index_date(&p, &mut record, INDEX), []);
}
