//! Records read from JSON and CSV: every accepted form, every malformed
//! one as a data error naming the record and the field, batches that go on
//! after a bad record, thresholds met exactly by values in the threshold's
//! unit, and inputs that never make a reader panic.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::{Date, date};
use proptest::prelude::*;
use rulec::check::{NoImports, Program, check};
use rulec::eval::{FieldValue, Outcome, evaluate};
use rulec::records::{
    DataError, ReadRecord, RecordName, WHOLE_RECORD, from_csv, from_json, from_json_str,
};
use rulec::syntax::parse;
use rulec::units::{MolarMass, Unit};
use serde_json::{Value, json};

const INDEX: Date = date(2026, 11, 24);

const FIELDS: &str = "
fields {
  hemoglobin: g/L
  creatinine: umol/L with normal range, molar mass 113.12 g/mol
  bilirubin:  umol/L, molar mass 584.66 g/mol
  alt:        U/L with normal range
  kps:        integer 0..100
  ratio:      number
  pregnant:   bool
  birth_date: date
  note:       text
  sex:        one of { female, male }
  serologies: set of { hiv, hbv, hcv }
  therapies:  list of { class: one of { car_t, other }, failed: bool, started: date }
}
";

fn program(source: &str) -> Program {
    let file = parse(source).unwrap();
    let checked = check(&file, &NoImports);
    assert!(
        checked.errors().next().is_none(),
        "{:?}",
        checked.diagnostics
    );
    checked.program.unwrap()
}

fn fields() -> Program {
    program(FIELDS)
}

fn get(program: &Program, read: &ReadRecord, field: &str) -> FieldValue {
    read.record.get(program.schema.slot(field).unwrap()).clone()
}

fn quantity(value: f64) -> FieldValue {
    FieldValue::Quantity {
        value,
        low: None,
        high: None,
    }
}

fn convert(from: &str, to: &str, value: f64) -> f64 {
    Unit::parse(from)
        .unwrap()
        .conversion_to(&Unit::parse(to).unwrap())
        .unwrap()
        .apply(value)
}

fn convert_molar(from: &str, to: &str, molar_mass: &str, value: f64) -> f64 {
    let mass = MolarMass::new(molar_mass, &Unit::parse("g/mol").unwrap()).unwrap();
    Unit::parse(from)
        .unwrap()
        .conversion_via_molar_mass(&Unit::parse(to).unwrap(), &mass)
        .unwrap()
        .apply(value)
}

/// Reads one field from JSON and checks that it is read without errors.
fn read_ok(program: &Program, field: &str, value: Value) -> FieldValue {
    let mut object = serde_json::Map::new();
    object.insert("id".to_owned(), json!("r1"));
    object.insert(field.to_owned(), value);
    let read = from_json(program, &Value::Object(object), 1);
    assert_eq!(read.errors, [], "{field}");
    get(program, &read, field)
}

/// Reads one malformed field from JSON: one error, naming the record and
/// the field, whose reason contains `reason`; the field is missing.
fn read_bad(program: &Program, field: &str, value: Value, reason: &str) -> DataError {
    let mut object = serde_json::Map::new();
    object.insert("id".to_owned(), json!("r7"));
    object.insert(field.to_owned(), value.clone());
    let read = from_json(program, &Value::Object(object), 1);
    assert_eq!(read.errors.len(), 1, "{field}: {value}: {:?}", read.errors);
    let error = read.errors[0].clone();
    assert_eq!(error.record, RecordName::Id("r7".to_owned()));
    assert_eq!(error.field, field);
    assert!(
        error.reason.contains(reason),
        "{field}: {value}: `{}` lacks `{reason}`",
        error.reason
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("record `r7`, field `{field}`: ")),
        "{error}"
    );
    if let Some(slot) = program.schema.slot(field) {
        assert_eq!(read.record.get(slot), &FieldValue::Missing, "{field}");
    }
    error
}

// --- JSON: accepted forms -------------------------------------------------

#[test]
fn json_reads_every_kind_of_field() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({
            "id": "r1",
            "kps": 90,
            "ratio": 1.25,
            "pregnant": false,
            "birth_date": "1970-05-01",
            "note": "seen by Dr. Who",
            "sex": "female",
            "serologies": ["hcv", "hiv", "hcv"],
            "therapies": [
                {"class": "car_t", "failed": true, "started": "2025-01-31"},
                {"class": "other"},
            ],
        }),
        1,
    );
    assert_eq!(read.errors, []);
    assert_eq!(read.id.as_deref(), Some("r1"));
    assert_eq!(read.name(), RecordName::Id("r1".to_owned()));
    assert_eq!(get(&p, &read, "kps"), FieldValue::Number(90.0));
    assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(1.25));
    assert_eq!(get(&p, &read, "pregnant"), FieldValue::Bool(false));
    assert_eq!(
        get(&p, &read, "birth_date"),
        FieldValue::Date(date(1970, 5, 1))
    );
    assert_eq!(
        get(&p, &read, "note"),
        FieldValue::Text("seen by Dr. Who".to_owned())
    );
    assert_eq!(get(&p, &read, "sex"), FieldValue::Member(0));
    // A set: repeats once, in declaration order.
    assert_eq!(
        get(&p, &read, "serologies"),
        FieldValue::Members(vec![0, 2])
    );
    let FieldValue::List(therapies) = get(&p, &read, "therapies") else {
        panic!("not a list")
    };
    assert_eq!(therapies.len(), 2);
    let FieldType::ListOf(element) = &p.schema.fields[11].ty else {
        panic!("not a list field")
    };
    let slot = |name| element.slot(name).unwrap();
    assert_eq!(therapies[0].get(slot("class")), &FieldValue::Member(0));
    assert_eq!(therapies[0].get(slot("failed")), &FieldValue::Bool(true));
    assert_eq!(
        therapies[0].get(slot("started")),
        &FieldValue::Date(date(2025, 1, 31))
    );
    assert_eq!(therapies[1].get(slot("class")), &FieldValue::Member(1));
    assert_eq!(therapies[1].get(slot("failed")), &FieldValue::Missing);
}

use rulec::check::FieldType;

#[test]
fn json_quantity_forms() {
    let p = fields();
    // A bare number is in the declared unit.
    assert_eq!(read_ok(&p, "hemoglobin", json!(85)), quantity(85.0));
    assert_eq!(read_ok(&p, "hemoglobin", json!(85.5)), quantity(85.5));
    // Text: a number, optional spaces, a unit; or a number alone.
    let in_g_per_l = convert("g/dL", "g/L", 8.5);
    assert_eq!(in_g_per_l, 85.0);
    for text in ["8.5 g/dL", "8.5g/dL", "  8.5   g/dL ", "85 g/L", "85"] {
        assert_eq!(
            read_ok(&p, "hemoglobin", json!(text)),
            quantity(85.0),
            "{text}"
        );
    }
    // An object, with or without a unit.
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 8.5, "unit": "g/dL"})),
        quantity(85.0)
    );
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 85})),
        quantity(85.0)
    );
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 85, "unit": null})),
        quantity(85.0)
    );
    // A null value is missing.
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": null, "unit": "g/dL"})),
        FieldValue::Missing
    );
}

#[test]
fn json_mass_concentrations_convert_through_the_molar_mass() {
    let p = fields();
    let expected = convert_molar("mg/dL", "umol/L", "113.12", 1.0);
    assert_eq!(format!("{expected:.1}"), "88.4");
    assert_eq!(
        read_ok(&p, "creatinine", json!("1 mg/dL")),
        quantity(expected)
    );
    assert_eq!(
        read_ok(&p, "creatinine", json!({"value": 1, "unit": "mg/dL"})),
        quantity(expected)
    );
    // The same substance concentration in another prefix converts exactly.
    assert_eq!(
        read_ok(&p, "creatinine", json!("0.088 mmol/L")),
        quantity(88.0)
    );
}

#[test]
fn json_normal_ranges_are_in_the_unit_of_the_value() {
    let p = fields();
    let c = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": 1.0, "unit": "mg/dL", "low": 0.6, "high": 1.2})
        ),
        FieldValue::Quantity {
            value: c(1.0),
            low: Some(c(0.6)),
            high: Some(c(1.2)),
        }
    );
    assert_eq!(
        read_ok(&p, "alt", json!({"value": 30, "high": 40})),
        FieldValue::Quantity {
            value: 30.0,
            low: None,
            high: Some(40.0),
        }
    );
    // A range only from the object form; text gives none.
    assert_eq!(read_ok(&p, "alt", json!("30 U/L")), quantity(30.0));
}

#[test]
fn json_null_and_absent_fields_are_missing() {
    let p = fields();
    let read = from_json(&p, &json!({"id": "r1", "hemoglobin": null, "sex": null}), 1);
    assert_eq!(read.errors, []);
    for field in &p.schema.fields {
        assert_eq!(get(&p, &read, &field.name), FieldValue::Missing);
    }
}

#[test]
fn json_ids_are_strings_or_numbers() {
    let p = fields();
    assert_eq!(from_json(&p, &json!({"id": 7}), 1).id.as_deref(), Some("7"));
    assert_eq!(
        from_json(&p, &json!({"id": "r-7"}), 1).id.as_deref(),
        Some("r-7")
    );
    let read = from_json(&p, &json!({"id": true, "hemoglobin": 80}), 4);
    assert_eq!(read.id, None);
    assert_eq!(read.name(), RecordName::Position(4));
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].field, "id");
    assert_eq!(
        read.errors[0].to_string(),
        "record 4, field `id`: a record id is a non-empty string or a number, not `true`"
    );
    assert_eq!(get(&p, &read, "hemoglobin"), quantity(80.0));
    let read = from_json(&p, &json!({"id": " "}), 5);
    assert_eq!(read.name(), RecordName::Position(5));
    assert_eq!(read.errors[0].field, "id");
}

#[test]
fn json_repeated_keys_keep_the_last_value() {
    let p = fields();
    let read = from_json_str(&p, r#"{"id": "r1", "hemoglobin": 1, "hemoglobin": 90}"#, 1);
    assert_eq!(read.errors, []);
    assert_eq!(get(&p, &read, "hemoglobin"), quantity(90.0));
}

// --- JSON: malformed values ------------------------------------------------

#[test]
fn json_malformed_quantities_are_data_errors() {
    let p = fields();
    for (value, reason) in [
        (json!(true), "expected a number in `g/L`"),
        (json!([85]), "found an array"),
        (json!("8.5 mg/dX"), "unknown unit `dX`"),
        (
            json!("8.5 mmol/L"),
            "cannot convert `mmol/L` (substance concentration) to `g/L` (mass concentration); a mass and a substance concentration convert only through a molar mass",
        ),
        (json!("8.5 g//dL"), "malformed unit `g//dL`"),
        (json!("abc"), "`abc` does not start with a number"),
        (json!(""), "does not start with a number"),
        (json!("NaN g/L"), "does not start with a number"),
        (json!("inf"), "does not start with a number"),
        (json!("1e999 g/L"), "`1e999 g/L` is not a finite number"),
        (json!("8,5 g/dL"), "not a comma"),
        (json!({"value": 8.5, "unit": 5}), "`unit` is text"),
        (json!({"value": "8.5"}), "`value` is a number"),
        (json!({"unit": "g/L"}), "needs a `value`"),
        (json!({"value": 8.5, "units": "g/dL"}), "no key `units`"),
        (
            json!({"value": 85, "low": 1}),
            "`hemoglobin` is not declared `with normal range`",
        ),
    ] {
        read_bad(&p, "hemoglobin", value, reason);
    }
    read_bad(
        &p,
        "creatinine",
        json!({"value": 80, "low": 100, "high": 50}),
        "the lower limit of normal (100) is above the upper (50)",
    );
    read_bad(
        &p,
        "creatinine",
        json!({"value": 80, "high": "1.2 mg/dL"}),
        "`high` is a number in the unit of `value`",
    );
    read_bad(
        &p,
        "alt",
        json!("30 g/L"),
        "arbitrary units (such as `[IU]` and `U`) convert only to the same arbitrary unit",
    );
    // Finite in mg/dL, but not once converted.
    read_bad(
        &p,
        "bilirubin",
        json!("1e307 mg/dL"),
        "is out of range once converted to `umol/L`",
    );
}

#[test]
fn json_malformed_values_of_other_kinds_are_data_errors() {
    let p = fields();
    for (field, value, reason) in [
        (
            "pregnant",
            json!("yes"),
            "expected `true` or `false`, found the text \"yes\"",
        ),
        ("pregnant", json!(1), "found the number 1"),
        (
            "kps",
            json!(110),
            "110 is outside the declared range 0..100",
        ),
        ("kps", json!(-1), "-1 is outside the declared range 0..100"),
        ("kps", json!(85.5), "85.5 is not a whole number"),
        ("kps", json!("85"), "expected a whole number"),
        (
            "ratio",
            json!("1.5"),
            "expected a number, found the text \"1.5\"",
        ),
        (
            "birth_date",
            json!("2026-02-30"),
            "`2026-02-30` is not a day of the calendar",
        ),
        (
            "birth_date",
            json!("24/11/2026"),
            "is not a date written YYYY-MM-DD",
        ),
        (
            "birth_date",
            json!("2026-11-24T10:00"),
            "is not a date written YYYY-MM-DD",
        ),
        (
            "birth_date",
            json!(20_261_124),
            "expected a date as \"YYYY-MM-DD\"",
        ),
        ("note", json!(5), "expected text, found the number 5"),
        (
            "sex",
            json!("Female"),
            "`Female` is not one of {female, male}; did you mean `female`?",
        ),
        (
            "sex",
            json!(["female"]),
            "expected one of {female, male} as text",
        ),
        (
            "serologies",
            json!(["hiv", "hxv"]),
            "`hxv` is not one of {hiv, hbv, hcv}",
        ),
        (
            "serologies",
            json!("hiv"),
            "expected an array of members of {hiv, hbv, hcv}",
        ),
        (
            "serologies",
            json!(["hiv", 1]),
            "element 1 of the array is the number 1",
        ),
        (
            "therapies",
            json!([{"class": "car_t"}, 1]),
            "element 1 is the number 1, not an object",
        ),
        (
            "therapies",
            json!({"class": "car_t"}),
            "expected an array of objects",
        ),
        (
            "hemoglobn",
            json!(80),
            "no field `hemoglobn` is declared; did you mean `hemoglobin`?",
        ),
    ] {
        read_bad(&p, field, value, reason);
    }
}

#[test]
fn json_errors_inside_a_list_name_the_element_and_keep_the_list() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({"id": "r2", "therapies": [
            {"class": "car_t", "failed": true},
            {"class": "car_tt", "failed": "no", "dose": 3},
        ]}),
        1,
    );
    let shown: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "record `r2`, field `therapies[1].class`: `car_tt` is not one of {car_t, other}; did you mean `car_t`?",
            "record `r2`, field `therapies[1].failed`: expected `true` or `false`, found the text \"no\"",
            "record `r2`, field `therapies[1].dose`: no field `dose` is declared",
        ]
    );
    let FieldValue::List(therapies) = get(&p, &read, "therapies") else {
        panic!("the list is kept")
    };
    assert_eq!(therapies.len(), 2);
    assert!(
        therapies[1]
            .get(rulec::check::Slot(0))
            .eq(&FieldValue::Missing)
    );
}

#[test]
fn json_several_errors_in_one_record_are_all_reported() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({"id": "r3", "hemoglobin": "low", "kps": 101, "pregnant": true, "extra": 1}),
        1,
    );
    let fields: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["hemoglobin", "kps", "extra"]);
    assert_eq!(get(&p, &read, "pregnant"), FieldValue::Bool(true));
}

#[test]
fn invalid_json_text_and_non_objects_are_whole_record_errors() {
    let p = fields();
    let read = from_json_str(&p, r#"{"id": "r1", "hemoglobin": 8.5 g/dL}"#, 2);
    assert_eq!(read.id, None);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].field, WHOLE_RECORD);
    assert!(
        read.errors[0]
            .to_string()
            .starts_with("record 2: not valid JSON: "),
        "{}",
        read.errors[0]
    );
    let read = from_json_str(&p, "[1, 2]", 3);
    assert_eq!(
        read.errors[0].to_string(),
        "record 3: a record is a JSON object, not an array"
    );
    // 1e999 is beyond any f64: serde_json refuses the text.
    let read = from_json_str(&p, r#"{"hemoglobin": 1e999}"#, 4);
    assert_eq!(read.errors[0].field, WHOLE_RECORD);
}

#[test]
fn a_batch_goes_on_after_a_bad_record() {
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion { hb: hemoglobin > 80 g/L }",
    );
    let lines = [
        r#"{"id": "a", "hemoglobin": 92}"#,
        r#"{"id": "b", "hemoglobin": "9.2 g/dX"}"#,
        r#"{"id": "c", "hemoglobin": "#,
        r#"{"hemoglobin": {"value": "high"}}"#,
        r#"{"id": "e", "hemoglobin": "7.2 g/dL"}"#,
    ];
    let reads: Vec<ReadRecord> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| from_json_str(&p, line, i + 1))
        .collect();
    assert_eq!(reads.len(), lines.len());
    let outcomes: Vec<Outcome> = reads
        .iter()
        .map(|r| evaluate(&p, &r.record, INDEX).criteria[0].outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Met,
            Outcome::Unknown,
            Outcome::Unknown,
            Outcome::Unknown,
            Outcome::NotMet
        ]
    );
    let errors: Vec<String> = reads
        .iter()
        .flat_map(|r| &r.errors)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("record `b`, field `hemoglobin`: unknown unit `dX`"));
    assert!(errors[1].starts_with("record 3: not valid JSON"));
    // A record without an id is named by its position.
    assert_eq!(
        errors[2],
        "record 4, field `hemoglobin`: `value` is a number in the unit of `value`, not the text \"high\""
    );
}

// --- Thresholds met exactly -----------------------------------------------

#[test]
fn bilirubin_in_mg_per_dl_meets_a_threshold_in_mg_per_dl_on_a_molar_field() {
    let p = program(
        "fields { bilirubin: umol/L, molar mass 584.66 g/mol }
         inclusion { tbil: bilirubin <= 2.0 mg/dL }",
    );
    for value in [
        json!("2.0 mg/dL"),
        json!("2 mg/dL"),
        json!({"value": 2.0, "unit": "mg/dL"}),
    ] {
        let read = from_json(&p, &json!({"id": "r1", "bilirubin": value}), 1);
        assert_eq!(read.errors, []);
        let verdict = evaluate(&p, &read.record, INDEX);
        assert_eq!(verdict.criteria[0].outcome, Outcome::Met, "{value}");
    }
    let read = from_json(&p, &json!({"bilirubin": "2.01 mg/dL"}), 1);
    assert_eq!(
        evaluate(&p, &read.record, INDEX).criteria[0].outcome,
        Outcome::NotMet
    );
    let csv = "id,bilirubin [mg/dL]\nr1,2.0\nr2,2.01\n";
    let outcomes: Vec<Outcome> = from_csv(&p, csv.as_bytes())
        .unwrap()
        .map(|r| evaluate(&p, &r.record, INDEX).criteria[0].outcome)
        .collect();
    assert_eq!(outcomes, [Outcome::Met, Outcome::NotMet]);
}

#[test]
fn hemoglobin_of_8_g_per_dl_is_not_above_80_g_per_l() {
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion {
           hb: hemoglobin > 80 g/L
           hb_dl: hemoglobin >= 8.0 g/dL
         }",
    );
    let outcomes = |read: &ReadRecord| -> Vec<Outcome> {
        assert_eq!(read.errors, []);
        evaluate(&p, &read.record, INDEX)
            .criteria
            .iter()
            .map(|c| c.outcome)
            .collect()
    };
    for value in [json!("8.0 g/dL"), json!({"value": 8.0, "unit": "g/dL"})] {
        let read = from_json(&p, &json!({"hemoglobin": value}), 1);
        assert_eq!(outcomes(&read), [Outcome::NotMet, Outcome::Met]);
    }
    let read = from_csv(&p, "hemoglobin [g/dL]\n8.0\n".as_bytes())
        .unwrap()
        .next()
        .unwrap();
    assert_eq!(outcomes(&read), [Outcome::NotMet, Outcome::Met]);
}

#[test]
fn times_the_upper_limit_uses_the_records_own_range() {
    let p = program(
        "fields { creatinine: umol/L with normal range, molar mass 113.12 g/mol }
         inclusion { renal: creatinine < 1.5 x ULN }",
    );
    let outcome = |value: Value| {
        let read = from_json(&p, &json!({"creatinine": value}), 1);
        assert_eq!(read.errors, []);
        evaluate(&p, &read.record, INDEX).criteria[0].outcome
    };
    assert_eq!(
        outcome(json!({"value": 1.7, "unit": "mg/dL", "high": 1.2})),
        Outcome::Met
    );
    assert_eq!(
        outcome(json!({"value": 1.8, "unit": "mg/dL", "high": 1.2})),
        Outcome::NotMet
    );
    assert_eq!(outcome(json!("1.7 mg/dL")), Outcome::Unknown);
}

// --- CSV --------------------------------------------------------------------

fn csv(program: &Program, text: &str) -> Vec<ReadRecord> {
    from_csv(program, text.as_bytes()).unwrap().collect()
}

#[test]
fn csv_reads_every_kind_of_cell() {
    let p = fields();
    let text = "\
id,hemoglobin [g/dL],creatinine [mg/dL],creatinine.low,creatinine.high [umol/L],kps,ratio,pregnant,birth_date,note,sex,serologies
p1, 8.5 ,1.0,0.6,106,90,1.25,yes,1970-05-01,seen twice,female,hiv;hcv
p2,,,,,,,No,,,,{}
p3,85 g/L,88 umol/L,,,0,-2,TRUE,2000-02-29,\"a, b\",male, hbv ; hiv
";
    let reads = csv(&p, text);
    assert_eq!(reads.len(), 3);
    for read in &reads {
        assert_eq!(read.errors, [], "{:?}", read.id);
    }
    let c = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    let p1 = &reads[0];
    assert_eq!(p1.id.as_deref(), Some("p1"));
    assert_eq!(get(&p, p1, "hemoglobin"), quantity(85.0));
    assert_eq!(
        get(&p, p1, "creatinine"),
        FieldValue::Quantity {
            value: c(1.0),
            // The low column has no unit: the unit of the creatinine column.
            low: Some(c(0.6)),
            // The high column has its own.
            high: Some(106.0),
        }
    );
    assert_eq!(get(&p, p1, "kps"), FieldValue::Number(90.0));
    assert_eq!(get(&p, p1, "ratio"), FieldValue::Number(1.25));
    assert_eq!(get(&p, p1, "pregnant"), FieldValue::Bool(true));
    assert_eq!(
        get(&p, p1, "birth_date"),
        FieldValue::Date(date(1970, 5, 1))
    );
    assert_eq!(
        get(&p, p1, "note"),
        FieldValue::Text("seen twice".to_owned())
    );
    assert_eq!(get(&p, p1, "sex"), FieldValue::Member(0));
    assert_eq!(get(&p, p1, "serologies"), FieldValue::Members(vec![0, 2]));
    // Empty cells are missing; `{}` is the empty set.
    let p2 = &reads[1];
    assert_eq!(get(&p, p2, "hemoglobin"), FieldValue::Missing);
    assert_eq!(get(&p, p2, "creatinine"), FieldValue::Missing);
    assert_eq!(get(&p, p2, "pregnant"), FieldValue::Bool(false));
    assert_eq!(get(&p, p2, "serologies"), FieldValue::Members(vec![]));
    // A cell's own unit wins over the column's.
    let p3 = &reads[2];
    assert_eq!(get(&p, p3, "hemoglobin"), quantity(85.0));
    assert_eq!(get(&p, p3, "creatinine"), quantity(88.0));
    assert_eq!(get(&p, p3, "kps"), FieldValue::Number(0.0));
    assert_eq!(get(&p, p3, "note"), FieldValue::Text("a, b".to_owned()));
    assert_eq!(get(&p, p3, "serologies"), FieldValue::Members(vec![0, 1]));
}

#[test]
fn csv_unit_in_the_header_and_an_empty_cell() {
    let p = program(
        "fields { hemoglobin: g/L, pregnant: bool }
         inclusion { hb: hemoglobin > 80 g/L }
         exclusion { pregnancy: pregnant }",
    );
    let reads = csv(
        &p,
        "id,hemoglobin [g/dL],pregnant\nr1,9.1,no\nr2,,no\nr3,7.9,\n",
    );
    let verdicts: Vec<_> = reads
        .iter()
        .map(|r| {
            assert_eq!(r.errors, []);
            evaluate(&p, &r.record, INDEX)
        })
        .collect();
    assert_eq!(
        verdicts.iter().map(|v| v.status).collect::<Vec<_>>(),
        [
            rulec::eval::Status::Eligible,
            rulec::eval::Status::Undetermined,
            rulec::eval::Status::Ineligible
        ]
    );
    assert_eq!(verdicts[1].missing, ["hemoglobin"]);
}

#[test]
fn csv_malformed_cells_are_data_errors_and_the_batch_goes_on() {
    let p = fields();
    let text = "\
id,hemoglobin,kps,pregnant,birth_date,sex,serologies,creatinine,creatinine.high
r1,8.5 mmol/L,50,maybe,2026-13-01,Male,hiv;;hcv,80,1.2 g
r2,90,50.5,yes,1970-01-01,male,hiv,80,abc
,90,1e3,yes,1970-01-01,male,hiv,80,100
";
    let reads = csv(&p, text);
    assert_eq!(reads.len(), 3);
    let shown: Vec<Vec<String>> = reads
        .iter()
        .map(|r| r.errors.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        shown[0],
        [
            "record `r1`, field `hemoglobin`: cannot convert `mmol/L` (substance concentration) to `g/L` (mass concentration); a mass and a substance concentration convert only through a molar mass: declare it after the field's unit, as in `creatinine: umol/L, molar mass 113.12 g/mol`",
            "record `r1`, field `creatinine`: upper limit of normal (`creatinine.high`): cannot convert `g` (mass) to `umol/L` (substance concentration)",
            "record `r1`, field `pregnant`: `maybe` is not a yes/no value (true/false, yes/no, 1/0)",
            "record `r1`, field `birth_date`: `2026-13-01` is not a day of the calendar",
            "record `r1`, field `sex`: `Male` is not one of {female, male}; did you mean `male`?",
            "record `r1`, field `serologies`: `hiv;;hcv` has an empty member; separate members with `;`, and write `{}` for none",
        ]
    );
    assert_eq!(
        shown[1],
        [
            "record `r2`, field `creatinine`: upper limit of normal (`creatinine.high`): `abc` does not start with a number",
            "record `r2`, field `kps`: 50.5 is not a whole number",
        ]
    );
    // The third row has no id: it is named by its row.
    assert_eq!(
        shown[2],
        ["record 3, field `kps`: 1000 is outside the declared range 0..100"]
    );
    assert_eq!(reads[2].name(), RecordName::Position(3));
    // What could be read was read.
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(50.0));
    assert_eq!(get(&p, &reads[0], "creatinine"), FieldValue::Missing);
    assert_eq!(
        get(&p, &reads[2], "creatinine"),
        FieldValue::Quantity {
            value: 80.0,
            low: None,
            high: Some(100.0)
        }
    );
}

#[test]
fn csv_bad_columns_are_data_errors_in_each_record_that_fills_them() {
    let p = fields();
    let text = "\
id,hemoglobin [mg/dX],hemoglobn,therapies,kps [mg],alt.low,pregnant,pregnant,bilirubin [
r1,80,1,x,5,,yes,no,1
r2,,,,,,,,
";
    let reads = csv(&p, text);
    let shown: Vec<String> = reads[0].errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "record `r1`, field `hemoglobin`: the unit in the header `hemoglobin`: unknown unit `dX` in `mg/dX`; did you mean `d`?",
            "record `r1`, field `hemoglobn`: no field `hemoglobn` is declared; did you mean `hemoglobin`?",
            "record `r1`, field `therapies`: `therapies` is a list, which a CSV cell cannot hold; read records with lists from JSON",
            "record `r1`, field `kps`: `kps` is not a quantity, so its header takes no unit",
            "record `r1`, field `pregnant`: a second column `pregnant` for the same field",
            "record `r1`, field `bilirubin [`: the header `bilirubin [` does not end in a unit in brackets, such as `hemoglobin [g/dL]`",
        ]
    );
    // The first `pregnant` column is read.
    assert_eq!(get(&p, &reads[0], "pregnant"), FieldValue::Bool(true));
    // A bad column with an empty cell says nothing.
    assert_eq!(reads[1].errors, []);
    // A range on a field without one.
    let reads = csv(&p, "hemoglobin,hemoglobin.high\n80,90\n");
    assert_eq!(
        reads[0].errors[0].to_string(),
        "record 1, field `hemoglobin`: `hemoglobin` is not declared `with normal range`, so its values take no lower or upper limit"
    );
    assert_eq!(get(&p, &reads[0], "hemoglobin"), quantity(80.0));
}

#[test]
fn csv_ragged_row_is_a_data_error_for_that_record() {
    let p = fields();
    let reads = csv(
        &p,
        "id,hemoglobin,kps\nr1,80,50\nr2,80\nr3,80,50,7\nr4,90,60\n",
    );
    assert_eq!(reads.len(), 4);
    assert_eq!(reads[0].errors, []);
    assert_eq!(
        reads[1].errors[0].to_string(),
        "record 2: line 3 has 2 cells where the header has 3, so the row is not read"
    );
    assert_eq!(reads[1].errors[0].field, WHOLE_RECORD);
    assert_eq!(get(&p, &reads[1], "hemoglobin"), FieldValue::Missing);
    assert_eq!(
        reads[2].errors[0].to_string(),
        "record 3: line 4 has 4 cells where the header has 3, so the row is not read"
    );
    assert_eq!(reads[3].errors, []);
    assert_eq!(reads[3].id.as_deref(), Some("r4"));
    assert_eq!(get(&p, &reads[3], "hemoglobin"), quantity(90.0));
}

#[test]
fn csv_edge_inputs() {
    let p = fields();
    // Nothing, or a header alone: no records.
    assert_eq!(csv(&p, "").len(), 0);
    assert_eq!(csv(&p, "id,hemoglobin\n").len(), 0);
    // A byte-order mark does not hide the first column's name.
    let reads = csv(&p, "\u{feff}id,hemoglobin\nr1,80\n");
    assert_eq!(reads[0].id.as_deref(), Some("r1"));
    assert_eq!(reads[0].errors, []);
    // A row of empty cells is a record with every field missing.
    let reads = csv(&p, "id,hemoglobin\nr1,80\n,\n");
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[1].name(), RecordName::Position(2));
    // A cell that is not UTF-8.
    let reads: Vec<ReadRecord> = from_csv(&p, &b"id,note\nr1,caf\xe9\n"[..])
        .unwrap()
        .collect();
    assert_eq!(
        reads[0].errors[0].to_string(),
        "record `r1`, field `note`: the cell is not UTF-8 text"
    );
    // CRLF line ends.
    let reads = csv(&p, "id,kps\r\nr1,5\r\n");
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(5.0));
}

#[test]
fn csv_reading_that_fails_part_way_ends_with_a_record_saying_so() {
    struct Failing(&'static [u8]);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let p = fields();
    let reads: Vec<ReadRecord> = from_csv(&p, Failing(b"id,kps\nr1,5\nr2,"))
        .unwrap()
        .collect();
    assert_eq!(reads.len(), 2, "{reads:#?}");
    assert_eq!(reads[0].errors, []);
    assert_eq!(reads[1].errors[0].field, WHOLE_RECORD);
    assert!(
        reads[1].errors[0].reason.contains("disk on fire"),
        "{}",
        reads[1].errors[0]
    );
    let error = from_csv(&p, Failing(b"id,kp")).unwrap_err();
    assert!(error.to_string().contains("disk on fire"), "{error}");
}

#[test]
fn quantities_in_text_split_where_the_unit_starts() {
    let p = program("fields { neutrophils: 10*9/L, dose: mg }");
    for (text, expected) in [
        ("1500 /uL", 1.5),
        ("1500/uL", 1.5),
        ("1.5 10^9/L", 1.5),
        ("1.5 10*9/L", 1.5),
        ("+1.5", 1.5),
        ("15e-1", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
    ] {
        assert_eq!(
            read_ok(&p, "neutrophils", json!(text)),
            quantity(expected),
            "{text}"
        );
    }
    assert_eq!(read_ok(&p, "dose", json!("-.5e-3 g")), quantity(-0.5));
    for text in [".", "-", "e5 mg", "five mg"] {
        read_bad(&p, "dose", json!(text), "does not start with a number");
    }
}

/// serde_json reads this literal 1 ULP off unless its `float_roundtrip`
/// feature is on; the checker reads it exactly.
#[test]
fn json_numbers_are_read_exactly() {
    let p = fields();
    let text = "6.00816342460030e-9";
    let read = from_json_str(
        &p,
        &format!(r#"{{"ratio": {text}, "hemoglobin": {text}}}"#),
        1,
    );
    let literal: f64 = text.parse().unwrap();
    assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(literal));
    assert_eq!(get(&p, &read, "hemoglobin"), quantity(literal));
}

// --- Properties -------------------------------------------------------------

/// Keys a generated record uses: its fields, near misses and others.
const KEYS: &[&str] = &[
    "id",
    "hemoglobin",
    "creatinine",
    "bilirubin",
    "alt",
    "kps",
    "ratio",
    "pregnant",
    "birth_date",
    "note",
    "sex",
    "serologies",
    "therapies",
    "class",
    "failed",
    "started",
    "value",
    "unit",
    "low",
    "high",
    "hemoglobn",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (-200i64..200).prop_map(Value::from),
        prop::sample::select(vec![
            "8.5 g/dL",
            "2.0 mg/dL",
            "1e308 mg/dL",
            "85",
            "g/L",
            "mmol/L",
            "2026-02-29",
            "2024-02-29",
            "female",
            "hiv",
            "car_t",
            "",
            "8,5",
            "-0",
            "1e-400 g/L",
            "\u{0}",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

fn decimal() -> impl Strategy<Value = String> {
    prop_oneof![
        "(0|[1-9][0-9]{0,5})\\.[0-9]{1,8}",
        "[1-9][0-9]{0,16}",
        "[1-9]\\.[0-9]{1,17}e-?[0-9]{1,2}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No JSON value makes the reader panic, and each gives a record bound
    /// to the schema, whose errors all name it.
    #[test]
    fn any_json_value_gives_a_record(value in json_value(), position in 1usize..1000) {
        let p = fields();
        for read in [
            from_json(&p, &value, position),
            from_json_str(&p, &value.to_string(), position),
        ] {
            prop_assert_eq!(read.position, position);
            for error in &read.errors {
                prop_assert_eq!(&error.record, &read.name());
                prop_assert!(!error.reason.is_empty());
            }
            // The record is one of this schema: it evaluates.
            let _ = evaluate(&p, &read.record, INDEX);
        }
    }

    /// No CSV text makes the reader panic; every row gives a record.
    #[test]
    fn any_csv_gives_a_record_per_row(
        header in prop::collection::vec(prop::sample::select(KEYS), 1..6),
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9 ;.\\-/\\[\\]]{0,8}", 0..7), 0..5),
    ) {
        let p = fields();
        let mut text = format!("id,{}", header.join(","));
        for row in &rows {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        text.push('\n');
        let reads: Vec<ReadRecord> = from_csv(&p, text.as_bytes()).unwrap().collect();
        // csv skips empty lines: a row of no cells is no record.
        let expected = rows.iter().filter(|r| !r.join(",").is_empty()).count();
        prop_assert_eq!(reads.len(), expected);
        for read in &reads {
            for error in &read.errors {
                prop_assert_eq!(&error.record, &read.name());
            }
        }
    }

    /// A number in JSON is the `f64` the checker reads from the same
    /// literal in a rule file, so a value written like a threshold
    /// compares equal to it.
    #[test]
    fn json_numbers_are_read_as_rule_literals(text in decimal()) {
        let p = fields();
        let read = from_json_str(&p, &format!(r#"{{"ratio": {text}}}"#), 1);
        let literal: f64 = text.parse().unwrap();
        if literal.is_finite() {
            prop_assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(literal));
        }
    }
}
