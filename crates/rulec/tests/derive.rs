//! `#[derive(rulec::Record)]` and the bound writers: one bind error listing
//! every mismatch, values judged as the readers judge them, and records
//! equal to those read from JSON for the same patient.

#![expect(clippy::unwrap_used, reason = "tests")]

use jiff::civil::{Date, date};
use proptest::prelude::*;
use rulec::check::Program;
use rulec::records::{Bound, Ranged, from_json};
use rulec_derive::Record;

const RULES: &str = r"
fields {
  birth_date: date
  sex:        one of { female, male }
  note:       text
  hemoglobin: g/L
  creatinine: umol/L with normal range, molar mass 113.12 g/mol
  kps:        integer 0..100
  ratio:      number
  pregnant:   bool
  serologies: set of { hiv, hbv, hcv }
  therapies:  list of { class: one of { car_t, other }, failed: bool }
}
define age: years between birth_date and index
inclusion {
  adult: age >= 18 years
  hb:    hemoglobin > 80 g/L
  renal: creatinine < 2.5 x ULN
  fit:   kps >= 60 and ratio < 3
}
exclusion {
  women:    sex = female and pregnant
  hiv:      serologies has any of { hiv }
  car_t:    any therapies where class = car_t and failed
}
";

fn program(source: &str) -> Program {
    let file = rulec::syntax::parse(source).unwrap();
    rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .unwrap()
}

#[derive(Clone, Debug, Record)]
struct Therapy {
    class: String,
    failed: Option<bool>,
}

#[derive(Clone, Debug, Record)]
struct Patient {
    #[rulec(id)]
    id: String,
    #[rulec(rename = "birth_date")]
    born: Option<Date>,
    sex: Option<String>,
    note: Option<String>,
    #[rulec(unit = "g/dL")]
    hemoglobin: Option<f64>,
    #[rulec(unit = "mg/dL")]
    creatinine: Option<Ranged>,
    kps: Option<i64>,
    ratio: Option<f64>,
    pregnant: Option<bool>,
    serologies: Option<Vec<String>>,
    therapies: Option<Vec<Therapy>>,
}

/// The same patient as a JSON object, values in the same units.
fn json(p: &Patient) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    o.insert("id".into(), p.id.clone().into());
    let mut put = |k: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            o.insert(k.into(), v);
        }
    };
    put("birth_date", p.born.map(|d| d.to_string().into()));
    put("sex", p.sex.clone().map(Into::into));
    put("note", p.note.clone().map(Into::into));
    put(
        "hemoglobin",
        p.hemoglobin
            .map(|v| serde_json::json!({"value": v, "unit": "g/dL"})),
    );
    put(
        "creatinine",
        p.creatinine.map(|r| {
            serde_json::json!({"value": r.value, "unit": "mg/dL", "low": r.low, "high": r.high})
        }),
    );
    put("kps", p.kps.map(Into::into));
    put("ratio", p.ratio.map(Into::into));
    put("pregnant", p.pregnant.map(Into::into));
    put("serologies", p.serologies.clone().map(Into::into));
    put(
        "therapies",
        p.therapies.as_ref().map(|ts| {
            ts.iter()
                .map(|t| serde_json::json!({"class": t.class, "failed": t.failed}))
                .collect()
        }),
    );
    serde_json::Value::Object(o)
}

/// Every mismatch between a struct and the rule file comes back in one
/// error, each naming its field.
#[test]
fn one_bind_error_lists_every_mismatch() {
    #[derive(Record)]
    struct Item {
        kind: String,
    }
    #[derive(Record)]
    struct Wrong {
        #[rulec(unit = "mmol/L")]
        hemoglobin: f64,
        creatinine: f64,
        kps: bool,
        pregnent: bool,
        #[rulec(unit = "kg")]
        ratio: f64,
        therapies: Vec<Item>,
        sex: Date,
    }
    let p = program(RULES);
    let error = Bound::<Wrong>::new(&p).err().unwrap();
    let fields: Vec<&str> = error.mismatches.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "hemoglobin",
            "creatinine",
            "kps",
            "pregnent",
            "ratio",
            "therapies.kind",
            "sex"
        ]
    );
    insta::assert_snapshot!(error.to_string());
}

/// A value the readers refuse is refused here too, in their words; the
/// field is left missing and the rest of the record is written.
#[test]
fn values_are_judged_as_the_readers_judge_them() {
    let p = program(RULES);
    let bound = Bound::<Patient>::new(&p).unwrap();
    let patient = Patient {
        id: "p1".into(),
        born: Some(date(1970, 1, 1)),
        sex: Some("Female".into()),
        note: None,
        hemoglobin: Some(-9.2),
        creatinine: Some(Ranged {
            value: 1.0,
            low: Some(1.2),
            high: Some(0.6),
        }),
        kps: Some(101),
        ratio: Some(f64::NAN),
        pregnant: Some(false),
        serologies: Some(vec!["hiv".into(), "hcx".into()]),
        therapies: Some(vec![Therapy {
            class: "cart".into(),
            failed: Some(true),
        }]),
    };
    let mut record = bound.empty();
    let errors: Vec<String> = bound
        .write(&patient, &mut record)
        .iter()
        .map(ToString::to_string)
        .collect();
    let read = from_json(&p, &json(&patient), 1);
    let read: Vec<String> = read
        .errors
        .iter()
        .map(|e| e.to_string().replacen("record `p1`, ", "", 1))
        .collect();
    insta::assert_snapshot!(errors.join("\n"));
    // The same fields are refused as by the JSON reader, in the same
    // words; JSON has no NaN (it writes null, which is missing).
    let judged: Vec<&String> = errors.iter().filter(|e| !e.contains("`ratio`")).collect();
    assert_eq!(judged, read.iter().collect::<Vec<_>>());
    let known = record.get(p.schema.slot("pregnant").unwrap()).into_owned();
    assert_eq!(known, rulec::schema::FieldValue::Bool(false));
    let hb = record
        .get(p.schema.slot("hemoglobin").unwrap())
        .into_owned();
    assert_eq!(hb, rulec::schema::FieldValue::Missing);
}

/// A record written over one of another program is made anew for this
/// one; a record written twice holds only the second patient.
#[test]
fn records_are_reused_whole() {
    let p = program(RULES);
    let bound = Bound::<Patient>::new(&p).unwrap();
    let mut record = rulec::schema::Record::new(&program("fields { x: bool }").schema);
    let full = Patient {
        id: "a".into(),
        born: Some(date(1980, 2, 29)),
        sex: Some("male".into()),
        note: Some("n".into()),
        hemoglobin: Some(9.0),
        creatinine: None,
        kps: Some(80),
        ratio: Some(1.0),
        pregnant: Some(false),
        serologies: Some(vec![]),
        therapies: Some(vec![]),
    };
    assert!(bound.write(&full, &mut record).is_empty());
    assert_eq!(record, bound.record(&full).unwrap());
    let empty = Patient {
        id: "b".into(),
        born: None,
        sex: None,
        note: None,
        hemoglobin: None,
        creatinine: None,
        kps: None,
        ratio: None,
        pregnant: None,
        serologies: None,
        therapies: None,
    };
    assert!(bound.write(&empty, &mut record).is_empty());
    assert_eq!(record, bound.empty());
}

/// Bound handles write straight to their field's place in the record;
/// one resolved for another program's fields is not followed into a
/// field of another kind: a flag handle whose slot holds a number here
/// leaves that number as it was (it used to be wiped).
#[test]
fn a_handle_of_another_program_writes_nothing_into_another_kind_of_field() {
    use rulec::records::{Binder, Writer};
    use rulec::schema::{FieldValue, Record};

    let flags =
        program("fields { pregnant: bool, kps: number, born: date, sex: one of { female, male } }");
    let numbers = program("fields { ratio: number, lactating: bool, hb: number, cells: number }");
    let mut binder = Binder::new(&flags);
    let pregnant = binder.flag("pregnant");
    let kps = binder.number("kps");
    let born = binder.date("born");
    let sex = binder.string("sex");
    let male = binder.member("sex", "male");
    binder.finish().unwrap();
    let date = jiff::civil::date(2000, 1, 1);

    let mut record = Record::new(&numbers.schema);
    record.set("ratio", FieldValue::Number(1.5)).unwrap();
    record.set("lactating", FieldValue::Bool(true)).unwrap();
    record.set("hb", FieldValue::Number(9.0)).unwrap();
    record.set("cells", FieldValue::Number(3.0)).unwrap();
    let before = record.clone();
    let mut writer = Writer::new(&numbers.schema, &mut record);
    writer.flag(pregnant, Some(false));
    writer.number(kps, Some(70.0)).unwrap();
    writer.date(born, Some(date)).unwrap();
    writer.string(sex, Some("female")).unwrap();
    writer.member(male);
    assert_eq!(record, before);

    // Through its own program's record, the same handles write.
    let mut own = Record::new(&flags.schema);
    let mut writer = Writer::new(&flags.schema, &mut own);
    writer.flag(pregnant, Some(false));
    writer.number(kps, Some(70.0)).unwrap();
    writer.date(born, Some(date)).unwrap();
    writer.member(male);
    let mut expected = Record::new(&flags.schema);
    expected.set("pregnant", FieldValue::Bool(false)).unwrap();
    expected.set("kps", FieldValue::Number(70.0)).unwrap();
    expected.set("born", FieldValue::Date(date)).unwrap();
    expected.set("sex", FieldValue::Member(1)).unwrap();
    assert_eq!(own, expected);
}

fn member() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop::sample::select(vec!["female", "male"]).prop_map(String::from))
}

prop_compose! {
    fn patient()(
        born in proptest::option::of((1900i16..2025, 1i8..13, 1i8..29)),
        sex in member(),
        note in proptest::option::of("[a-z ]{0,8}"),
        hemoglobin in proptest::option::of(0.0f64..20.0),
        creatinine in proptest::option::of((0.0f64..5.0, proptest::option::of(0.3f64..0.7), proptest::option::of(0.8f64..1.5))),
        kps in proptest::option::of(0i64..=100),
        ratio in proptest::option::of(-5.0f64..5.0),
        pregnant in proptest::option::of(any::<bool>()),
        serologies in proptest::option::of(prop::sample::subsequence(vec!["hiv", "hbv", "hcv"], 0..3)),
        therapies in proptest::option::of(prop::collection::vec(
            (prop::sample::select(vec!["car_t", "other"]), proptest::option::of(any::<bool>())), 0..3)),
    ) -> Patient {
        Patient {
            id: "p".into(),
            born: born.map(|(y, m, d)| date(y, m, d)),
            sex,
            note,
            hemoglobin,
            creatinine: creatinine.map(|(value, low, high)| Ranged { value, low, high }),
            kps,
            ratio,
            pregnant,
            serologies: serologies.map(|s| s.into_iter().map(String::from).collect()),
            therapies: therapies.map(|ts| ts.into_iter().map(|(c, f)| Therapy { class: c.into(), failed: f }).collect()),
        }
    }
}

proptest! {
    /// A derived struct gives the very record, and so the very verdict,
    /// that the JSON reader gives for the same patient.
    #[test]
    fn derived_records_equal_json_records(p in patient()) {
        let program = program(RULES);
        let compiled = rulec::compile::compile(&program);
        let bound = Bound::<Patient>::new(&program).unwrap();
        let record = bound.record(&p).unwrap();
        let read = from_json(&program, &json(&p), 1);
        prop_assert!(read.errors.is_empty(), "{:?}", read.errors);
        prop_assert_eq!(&record, &read.record);
        let index = date(2026, 1, 15);
        prop_assert_eq!(
            compiled.evaluate(&record, index).unwrap(),
            compiled.evaluate(&read.record, index).unwrap()
        );
        prop_assert_eq!(rulec::records::Bind::id(&p), Some("p"));
    }
}
