//! The reference evaluator on hand-built records: thresholds in other units
//! than the field's, at and either side of the boundary; missing data;
//! calendar dates; normal ranges; lists; the seed trial.

#![expect(
    clippy::unwrap_used,
    clippy::unreachable,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::{Date, date};
use rulec::check::{NoImports, Program, check};
use rulec::eval::{Outcome, Status, evaluate};
use rulec::schema::{FieldValue, Record};
use rulec::syntax::parse;
use rulec::units::{MolarMass, Unit};

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

const INDEX: Date = date(2026, 11, 24);

fn quantity(value: f64) -> FieldValue {
    FieldValue::Quantity {
        value,
        low: None,
        high: None,
    }
}

/// The outcome of the only criterion of `program` for one field value.
fn outcome(program: &Program, field: &str, value: FieldValue) -> Outcome {
    let mut record = Record::new(&program.schema);
    record.set(field, value).unwrap();
    evaluate(program, &record, INDEX)
        .criteria()
        .next()
        .unwrap()
        .outcome
}

/// Every comparison at, just below and just above a threshold written in
/// g/dL on a field stored in g/L, with record values given in g/dL too and
/// converted as any reader of records converts them.
#[test]
fn every_operator_at_and_around_a_threshold_in_another_unit() {
    let to_field = Unit::parse("g/dL")
        .unwrap()
        .conversion_to(&Unit::parse("g/L").unwrap())
        .unwrap();
    for (op, below, at, above) in [
        (">", Outcome::NotMet, Outcome::NotMet, Outcome::Met),
        (">=", Outcome::NotMet, Outcome::Met, Outcome::Met),
        ("<", Outcome::Met, Outcome::NotMet, Outcome::NotMet),
        ("<=", Outcome::Met, Outcome::Met, Outcome::NotMet),
        ("=", Outcome::NotMet, Outcome::Met, Outcome::NotMet),
        ("!=", Outcome::Met, Outcome::NotMet, Outcome::Met),
    ] {
        let p = program(&format!(
            "fields {{ hemoglobin: g/L }} inclusion {{ hb: hemoglobin {op} 8.0 g/dL }}"
        ));
        for (value, want) in [(7.99, below), (8.0, at), (8.01, above)] {
            let got = outcome(&p, "hemoglobin", quantity(to_field.apply(value)));
            assert_eq!(got, want, "{value} g/dL {op} 8.0 g/dL");
        }
    }
}

/// 2.0 mg/dL of bilirubin meets `<= 2.0 mg/dL` on a field stored in µmol/L:
/// threshold and value go through the same conversion.
#[test]
fn bilirubin_at_the_threshold_in_mass_units_on_a_molar_field() {
    let p = program(
        "fields { bilirubin: umol/L, molar mass 584.66 g/mol }
         inclusion { tbil: bilirubin <= 2.0 mg/dL }",
    );
    let mass = MolarMass::new("584.66", &Unit::parse("g/mol").unwrap()).unwrap();
    let to_field = Unit::parse("mg/dL")
        .unwrap()
        .conversion_via_molar_mass(&Unit::parse("umol/L").unwrap(), &mass)
        .unwrap();
    for (mg_dl, want) in [
        (1.99, Outcome::Met),
        (2.0, Outcome::Met),
        (2.01, Outcome::NotMet),
    ] {
        let got = outcome(&p, "bilirubin", quantity(to_field.apply(mg_dl)));
        assert_eq!(got, want, "{mg_dl} mg/dL");
    }
}

#[test]
fn missing_data_is_unknown_and_named_unless_the_logic_decides_anyway() {
    let p = program(
        "fields { a: bool, b: bool }
         inclusion { both: a and b }
         exclusion { either: a or b }",
    );
    let mut record = Record::new(&p.schema);
    let verdict = evaluate(&p, &record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    assert_eq!(verdict.missing(), ["a", "b"]);
    // false and unknown is false: the inclusion fails whatever b is.
    record.set("a", FieldValue::Bool(false)).unwrap();
    let verdict = evaluate(&p, &record, INDEX);
    assert_eq!(verdict.criteria().next().unwrap().outcome, Outcome::NotMet);
    assert_eq!(verdict.status(), Status::Ineligible);
    assert!(verdict.missing().is_empty());
}

#[test]
fn calendar_months_and_windows() {
    let p = program(
        "fields { surgery: date }
         inclusion {
           month_later: surgery + 1 month = index
           recent: surgery within 4 weeks before index
         }",
    );
    let mut record = Record::new(&p.schema);
    record
        .set("surgery", FieldValue::Date(date(2026, 1, 31)))
        .unwrap();
    // 31 January + 1 month is the last day of February.
    let verdict = evaluate(&p, &record, date(2026, 2, 28));
    assert_eq!(verdict.criteria().next().unwrap().outcome, Outcome::Met);
    assert_eq!(verdict.criteria().nth(1).unwrap().outcome, Outcome::Met);
    // Both ends of the window are included: 28 days before is in, 29 out.
    assert_eq!(
        evaluate(&p, &record, date(2026, 2, 28))
            .criteria()
            .nth(1)
            .unwrap()
            .outcome,
        Outcome::Met
    );
    assert_eq!(
        evaluate(&p, &record, date(2026, 3, 1))
            .criteria()
            .nth(1)
            .unwrap()
            .outcome,
        Outcome::NotMet
    );
}

#[test]
fn multiples_of_the_records_own_upper_limit() {
    let p = program(
        "fields { creatinine: umol/L with normal range }
         inclusion { renal: creatinine < 2.5 x ULN }",
    );
    let ranged = |value, high| FieldValue::Quantity {
        value,
        low: None,
        high,
    };
    assert_eq!(
        outcome(&p, "creatinine", ranged(150.0, Some(88.0))),
        Outcome::Met
    );
    assert_eq!(
        outcome(&p, "creatinine", ranged(220.0, Some(88.0))),
        Outcome::NotMet
    );
    assert_eq!(
        outcome(&p, "creatinine", ranged(150.0, None)),
        Outcome::Unknown
    );
    // Without its range the value cannot decide: the field is named.
    let mut record = Record::new(&p.schema);
    record.set("creatinine", ranged(150.0, None)).unwrap();
    let verdict = evaluate(&p, &record, INDEX);
    assert_eq!(verdict.missing(), ["creatinine"]);
    assert_eq!(
        rulec::compile::compile(&p)
            .evaluate(&record, INDEX)
            .unwrap(),
        verdict
    );
}

#[test]
fn lists_absent_are_unknown_and_empty_are_empty() {
    let p = program(
        "fields { therapies: list of { failed: bool } }
         exclusion { failed_before: any therapies where failed }
         inclusion { counted: (count therapies where failed) < 2 }",
    );
    let element = |failed| {
        let schema = match &p.schema.fields[0].ty {
            rulec::schema::FieldType::ListOf(s) => s.clone(),
            _ => unreachable!(),
        };
        let mut r = Record::new(&schema);
        r.set("failed", FieldValue::Bool(failed)).unwrap();
        r
    };
    let with = |list: Option<Vec<Record>>| {
        let mut record = Record::new(&p.schema);
        if let Some(list) = list {
            record.set("therapies", FieldValue::List(list)).unwrap();
        }
        evaluate(&p, &record, INDEX)
    };
    let absent = with(None);
    assert_eq!(absent.criteria().next().unwrap().outcome, Outcome::Unknown);
    assert_eq!(absent.missing(), ["therapies"]);
    let empty = with(Some(Vec::new()));
    assert_eq!(empty.criteria().next().unwrap().outcome, Outcome::NotMet);
    assert_eq!(empty.status(), Status::Eligible);
    // An element whose field is missing leaves `any` unknown: the list is
    // what to ask about, and the compiled closures say the same.
    let element_schema = match &p.schema.fields[0].ty {
        rulec::schema::FieldType::ListOf(s) => s.clone(),
        _ => unreachable!(),
    };
    let mut record = Record::new(&p.schema);
    record
        .set(
            "therapies",
            FieldValue::List(vec![element(false), Record::new(&element_schema)]),
        )
        .unwrap();
    let verdict = evaluate(&p, &record, INDEX);
    assert_eq!(verdict.criteria().next().unwrap().outcome, Outcome::Unknown);
    assert_eq!(verdict.missing(), ["therapies"]);
    assert_eq!(
        rulec::compile::compile(&p)
            .evaluate(&record, INDEX)
            .unwrap(),
        verdict
    );
    let two_failures = with(Some(vec![element(true), element(false), element(true)]));
    assert_eq!(
        two_failures.criteria().next().unwrap().outcome,
        Outcome::Met
    );
    assert_eq!(
        two_failures.criteria().nth(1).unwrap().outcome,
        Outcome::NotMet
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_refused_with_the_field_named() {
    let p = program("fields { kps: integer 0..100 } inclusion { k: kps > 60 }");
    let mut record = Record::new(&p.schema);
    let error = record.set("kps", FieldValue::Number(160.0)).unwrap_err();
    assert_eq!(error.field, "kps");
    let error = record.set("kps", FieldValue::Bool(true)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "field `kps` holds a whole number, not a yes/no value"
    );
}

/// The seed trial: a patient who meets everything is eligible; the same
/// patient with hemoglobin 72 g/L is not; without an ECG, undetermined.
#[test]
fn the_seed_trial_evaluates() {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nct03473496.rules"
    ))
    .unwrap();
    let p = program(&source);
    let schema = &p.schema;
    let member = |field: &str, name: &str| -> u32 {
        let i = schema.slot(field).unwrap();
        match &schema.field(i).unwrap().ty {
            rulec::schema::FieldType::OneOf(m) | rulec::schema::FieldType::SetOf(m) => {
                m.iter().position(|x| x == name).unwrap() as u32
            }
            _ => unreachable!(),
        }
    };
    let ranged = |value, high| FieldValue::Quantity {
        value,
        low: Some(0.0),
        high: Some(high),
    };
    let mut r = Record::new(schema);
    let set = |r: &mut Record, name: &str, v: FieldValue| r.set(name, v).unwrap();
    set(&mut r, "birth_date", FieldValue::Date(date(1970, 5, 1)));
    set(&mut r, "sex", FieldValue::Member(member("sex", "male")));
    set(
        &mut r,
        "diagnosis",
        FieldValue::Members(vec![member("diagnosis", "rrmm")]),
    );
    set(
        &mut r,
        "markers",
        FieldValue::Members(vec![member("markers", "BCMA")]),
    );
    for (name, value) in [
        ("mrd_positive", true),
        ("high_tumour_burden", false),
        ("ecg_abnormal", false),
        ("active_infection", false),
        ("allogeneic_transplant", false),
        ("pregnant", false),
        ("lactating", false),
        ("apheresis_contraindicated", false),
        ("expert_group_benefit", true),
        ("harmful_condition", false),
        ("informed_consent", true),
    ] {
        set(&mut r, name, FieldValue::Bool(value));
    }
    for (name, value) in [
        ("life_expectancy", 12.0),
        ("hemoglobin", 95.0),
        ("ejection_fraction", 60.0),
        ("spo2", 97.0),
        ("bilirubin", 1.0),
        ("body_temperature", 36.8),
        ("neutropenia", 0.0),
    ] {
        set(&mut r, name, quantity(value));
    }
    set(&mut r, "kps", FieldValue::Number(80.0));
    set(&mut r, "gvhd_grade", FieldValue::Number(0.0));
    set(&mut r, "creatinine", ranged(80.0, 104.0));
    set(&mut r, "alt", ranged(30.0, 40.0));
    set(&mut r, "ast", ranged(28.0, 40.0));
    for name in [
        "organ_insufficiency",
        "uncontrolled_infections",
        "positive_serologies",
    ] {
        set(&mut r, name, FieldValue::Members(Vec::new()));
    }
    set(&mut r, "therapies", FieldValue::List(Vec::new()));
    let verdict = evaluate(&p, &r, INDEX);
    assert_eq!(verdict.status(), Status::Eligible, "{verdict:#?}");

    let mut anaemic = r.clone();
    set(&mut anaemic, "hemoglobin", quantity(72.0));
    assert_eq!(evaluate(&p, &anaemic, INDEX).status(), Status::Ineligible);

    let mut no_ecg = r.clone();
    set(&mut no_ecg, "ecg_abnormal", FieldValue::Missing);
    let verdict = evaluate(&p, &no_ecg, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    assert_eq!(verdict.missing(), ["ecg_abnormal"]);
}

/// A define's missing fields are named for every criterion left unknown
/// through it, not only for the first criterion that computed it.
#[test]
fn missing_fields_read_through_a_define_are_named_whatever_the_order() {
    for criteria in ["first: d or b\n second: d", "second: d\n first: d or b"] {
        let p = program(&format!(
            "fields {{ a: bool, b: bool }}\ndefine d: a\ninclusion {{ {criteria} }}"
        ));
        let mut record = Record::new(&p.schema);
        record.set("b", FieldValue::Bool(true)).unwrap();
        let verdict = evaluate(&p, &record, INDEX);
        assert_eq!(verdict.status(), Status::Undetermined, "{criteria}");
        assert_eq!(verdict.missing(), ["a"], "{criteria}");
        let compiled = rulec::compile::compile(&p);
        assert_eq!(
            compiled.evaluate(&record, INDEX).unwrap(),
            verdict,
            "{criteria}"
        );
    }
}

/// The seed trial from CSV: units in the headers, a reference range in
/// extra columns, sets separated by `;`. A list cannot be written in CSV,
/// so `therapies` stays missing and a patient who meets everything else is
/// undetermined on it; a low hemoglobin decides ineligibility regardless.
#[test]
fn the_seed_trial_evaluates_from_csv() {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nct03473496.rules"
    ))
    .unwrap();
    let p = program(&source);
    let header = "id,birth_date,sex,diagnosis,markers,mrd_positive,high_tumour_burden,\
                  life_expectancy,kps,hemoglobin [g/dL],ejection_fraction,ecg_abnormal,spo2,\
                  creatinine [mg/dL],creatinine.low,creatinine.high,alt,alt.low,alt.high,\
                  ast,ast.low,ast.high,bilirubin,organ_insufficiency,body_temperature,\
                  active_infection,neutropenia,uncontrolled_infections,positive_serologies,\
                  allogeneic_transplant,gvhd_grade,pregnant,lactating,apheresis_contraindicated,\
                  expert_group_benefit,harmful_condition,informed_consent";
    let row = |id: &str, hb: &str| {
        format!(
            "{id},1970-05-01,male,rrmm,BCMA;CD38,yes,no,12,80,{hb},60,no,97,1.0,0.6,1.2,\
             30,7,40,25,8,35,0.8,{{}},36.8,no,0,{{}},{{}},no,0,no,no,no,yes,no,yes"
        )
    };
    let text = format!("{header}\n{}\n{}\n", row("c1", "9.2"), row("c2", "7.2"));
    let records: Vec<_> = rulec::records::from_csv(&p, text.as_bytes())
        .unwrap()
        .collect();
    assert_eq!(records.len(), 2);
    for read in &records {
        assert!(read.errors.is_empty(), "{:?}", read.errors);
    }
    let verdict = evaluate(&p, &records[0].record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined, "{verdict:#?}");
    assert_eq!(verdict.missing(), ["therapies"]);
    assert_eq!(
        evaluate(&p, &records[1].record, INDEX).status(),
        Status::Ineligible
    );
}

/// The rule for `missing` written in docs/verdicts.md ("Which fields
/// `missing` lists"), case by case, on the reference evaluator and the
/// compiled closures.
#[test]
fn missing_follows_the_written_rule() {
    let p = program(
        "fields { a: number, b: number, x: number, y: number, p: bool, q: bool, r: bool, z: bool }
         inclusion {
           arith: a + b > 5
           both_sides: x > y
           decided_and: (p and q) or r
         }
         exclusion { ex: z }",
    );
    let compiled = rulec::compile::compile(&p);
    let verdicts = |record: &Record| {
        let reference = evaluate(&p, record, INDEX);
        assert_eq!(compiled.evaluate(record, INDEX).unwrap(), reference);
        reference
    };
    let mut record = Record::new(&p.schema);
    record.set("p", FieldValue::Bool(false)).unwrap();
    // Rule 3: arithmetic stops at its first missing operand (a, not b);
    // a comparison reads both sides (x and y). Rule 2: `p and q` is false
    // at p, so q is not read; r is. Rule 1: z, of an unknown exclusion.
    assert_eq!(verdicts(&record).missing(), ["a", "x", "y", "r", "z"]);

    // Rule 1: a decided verdict lists nothing, and a decided criterion
    // contributes nothing.
    record.set("r", FieldValue::Bool(false)).unwrap();
    let verdict = verdicts(&record);
    assert_eq!(verdict.status(), Status::Ineligible);
    assert!(verdict.missing().is_empty());
    record.set("r", FieldValue::Bool(true)).unwrap();
    for (field, v) in [("a", 9.0), ("b", 1.0), ("x", 2.0), ("y", 1.0)] {
        record.set(field, FieldValue::Number(v)).unwrap();
    }
    assert_eq!(verdicts(&record).missing(), ["z"]);
}
