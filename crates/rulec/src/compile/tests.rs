//! The full verdict decides planned criteria from the plan, not from their
//! closures: with every planned criterion's closure replaced by one that
//! answers wrongly, `Compiled::evaluate` still gives the reference verdict.

use jiff::civil::date;

use super::{Ctx, compile};
use crate::eval::{Outcome, Status, Truth, evaluate};
use crate::schema::{FieldValue, Record};

const RULES: &str = r#"
fields {
  age: number
  kps: integer 0..100
  creatinine: number
  creatinine_uln: number
  relapsed: bool
  ecg_abnormal: bool
  female: bool
  pregnant: bool
  lactating: bool
  note: text
}
inclusion {
  adult:    age >= 18
  relapsed: relapsed
  fit:      kps > 60 and not ecg_abnormal
  renal:    creatinine < 2.5 * creatinine_uln
  noted:    note = "ok"
}
exclusion {
  pregnancy: female and (pregnant or lactating)
  either:    pregnant or kps < 20
}
"#;

#[test]
fn evaluate_takes_planned_outcomes_from_the_plan_not_the_closures() {
    let file = crate::syntax::parse(RULES).unwrap();
    let program = crate::check::check(&file, &crate::check::NoImports)
        .program
        .unwrap();
    let mut compiled = compile(&program);
    // `noted` (text) is the only criterion left to its closure.
    assert_eq!(compiled.plan.by_closure, [4]);
    for (i, criterion) in compiled.criteria.iter_mut().enumerate() {
        if i != 4 {
            let wrong: super::CondFn = Box::new(|_: &Ctx<'_>| Truth::Unknown);
            criterion.condition = wrong;
        }
    }
    let index = date(2026, 1, 15);
    let mut record = Record::new(&program.schema);
    for (name, value) in [
        ("age", FieldValue::Number(40.0)),
        ("kps", FieldValue::Number(80.0)),
        ("creatinine", FieldValue::Number(100.0)),
        ("creatinine_uln", FieldValue::Number(90.0)),
        ("relapsed", FieldValue::Bool(true)),
        ("ecg_abnormal", FieldValue::Bool(false)),
        ("female", FieldValue::Bool(true)),
        ("pregnant", FieldValue::Bool(false)),
        ("lactating", FieldValue::Bool(false)),
        ("note", FieldValue::Text("ok".to_owned())),
    ] {
        record.set(name, value).unwrap();
    }
    let verdict = compiled.evaluate(&record, index).unwrap();
    assert_eq!(verdict, evaluate(&program, &record, index));
    assert_eq!(verdict.status, Status::Eligible);

    // Decided the other way, and unknown, from the plan too.
    record.set("kps", FieldValue::Number(10.0)).unwrap();
    record.set("lactating", FieldValue::Missing).unwrap();
    let verdict = compiled.evaluate(&record, index).unwrap();
    assert_eq!(verdict, evaluate(&program, &record, index));
    let outcomes: Vec<Outcome> = verdict.criteria.iter().map(|c| c.outcome).collect();
    use Outcome::{Met, NotMet, Unknown};
    assert_eq!(outcomes, [Met, Met, NotMet, Met, Met, Unknown, Met]);
}
