//! The seed trial's rules without units, for the engines that have none:
//! one expression tree, rendered as an infix expression (evalexpr, rhai,
//! CEL) and as JsonLogic, and hand-written as native Rust over a struct.

use serde_json::{Map, Value, json};

/// A patient with every value present, as plain numbers and flags (the
/// peers have neither units nor missing values).
#[derive(Clone, Debug)]
pub struct Patient {
    pub numbers: [f64; NUMBERS.len()],
    pub flags: [bool; FLAGS.len()],
}

/// Numeric fields, in the unit the seed rules store them in.
pub const NUMBERS: [&str; 15] = [
    "age",
    "life_expectancy",
    "kps",
    "hemoglobin",
    "ejection_fraction",
    "spo2",
    "creatinine",
    "creatinine_uln",
    "alt",
    "alt_uln",
    "ast",
    "ast_uln",
    "bilirubin",
    "body_temperature",
    "neutropenia",
];

/// Boolean fields; sets and lists of the seed are flattened to flags.
pub const FLAGS: [&str; 27] = [
    "relapsed",
    "bcma",
    "cd138",
    "cd38",
    "cd56",
    "mrd_positive",
    "ecg_abnormal",
    "apheresis_contraindicated",
    "expert_group_benefit",
    "informed_consent",
    "high_tumour_burden",
    "active_infection",
    "fungal",
    "bacterial",
    "viral",
    "hiv",
    "active_hbv",
    "hcv",
    "female",
    "pregnant",
    "lactating",
    "organ_insufficiency",
    "cell_therapy_failed",
    "antibody_failed",
    "harmful_condition",
    "allogeneic_transplant",
    "gvhd_grade_4",
];

/// An expression of the unit-free rules.
pub enum E {
    Flag(&'static str),
    Num(&'static str),
    Lit(f64),
    Cmp(&'static str, Box<E>, Box<E>),
    Mul(f64, Box<E>),
    And(Vec<E>),
    Or(Vec<E>),
    Not(Box<E>),
}

fn flag(name: &'static str) -> E {
    E::Flag(name)
}

fn cmp(op: &'static str, field: &'static str, value: f64) -> E {
    E::Cmp(op, Box::new(E::Num(field)), Box::new(E::Lit(value)))
}

fn below_uln(field: &'static str, uln: &'static str, factor: f64) -> E {
    E::Cmp(
        "<",
        Box::new(E::Num(field)),
        Box::new(E::Mul(factor, Box::new(E::Num(uln)))),
    )
}

fn not(e: E) -> E {
    E::Not(Box::new(e))
}

/// Eligible: every inclusion and no exclusion, as in
/// `examples/nct03473496.rules`.
pub fn rules() -> E {
    E::And(vec![
        cmp(">=", "age", 18.0),
        flag("relapsed"),
        E::Or(vec![
            flag("bcma"),
            flag("cd138"),
            flag("cd38"),
            flag("cd56"),
        ]),
        flag("mrd_positive"),
        cmp(">", "life_expectancy", 3.0),
        cmp(">", "kps", 60.0),
        cmp(">", "hemoglobin", 80.0),
        cmp(">=", "ejection_fraction", 50.0),
        not(flag("ecg_abnormal")),
        cmp(">=", "spo2", 90.0),
        below_uln("creatinine", "creatinine_uln", 2.5),
        below_uln("alt", "alt_uln", 3.0),
        below_uln("ast", "ast_uln", 3.0),
        cmp("<=", "bilirubin", 2.0),
        not(flag("apheresis_contraindicated")),
        flag("expert_group_benefit"),
        flag("informed_consent"),
        not(E::Or(vec![
            flag("high_tumour_burden"),
            flag("active_infection"),
            cmp(">=", "body_temperature", 38.0),
            cmp(">", "neutropenia", 10.0),
            E::Or(vec![flag("fungal"), flag("bacterial"), flag("viral")]),
            E::Or(vec![flag("hiv"), flag("active_hbv"), flag("hcv")]),
            E::And(vec![
                flag("female"),
                E::Or(vec![flag("pregnant"), flag("lactating")]),
            ]),
            flag("organ_insufficiency"),
            flag("cell_therapy_failed"),
            flag("antibody_failed"),
            flag("harmful_condition"),
            E::And(vec![flag("allogeneic_transplant"), flag("gvhd_grade_4")]),
        ])),
    ])
}

/// The rules as an infix expression: `&&`, `||`, `!`, numbers with a
/// decimal point (CEL does not compare a double with an int).
pub fn infix(e: &E) -> String {
    match e {
        E::Flag(name) | E::Num(name) => (*name).to_owned(),
        E::Lit(x) => format!("{x:.1}"),
        E::Cmp(op, a, b) => format!("{} {op} {}", infix(a), infix(b)),
        E::Mul(k, a) => format!("{k:.1} * {}", infix(a)),
        E::And(items) => format!("({})", join(items, " && ")),
        E::Or(items) => format!("({})", join(items, " || ")),
        E::Not(a) => format!("!{}", infix(a)),
    }
}

fn join(items: &[E], sep: &str) -> String {
    items.iter().map(infix).collect::<Vec<_>>().join(sep)
}

/// The rules as JsonLogic.
pub fn json_logic(e: &E) -> Value {
    match e {
        E::Flag(name) | E::Num(name) => json!({ "var": name }),
        E::Lit(x) => json!(x),
        E::Cmp(op, a, b) => json!({ *op: [json_logic(a), json_logic(b)] }),
        E::Mul(k, a) => json!({ "*": [k, json_logic(a)] }),
        E::And(items) => json!({ "and": items.iter().map(json_logic).collect::<Vec<_>>() }),
        E::Or(items) => json!({ "or": items.iter().map(json_logic).collect::<Vec<_>>() }),
        E::Not(a) => json!({ "!": [json_logic(a)] }),
    }
}

/// The same rules by hand: the native limit.
#[inline(never)]
pub fn native(p: &Patient) -> bool {
    let n = |i: usize| p.numbers.get(i).copied().unwrap_or(f64::NAN);
    let f = |i: usize| p.flags.get(i).copied().unwrap_or(false);
    n(0) >= 18.0
        && f(0)
        && (f(1) || f(2) || f(3) || f(4))
        && f(5)
        && n(1) > 3.0
        && n(2) > 60.0
        && n(3) > 80.0
        && n(4) >= 50.0
        && !f(6)
        && n(5) >= 90.0
        && n(6) < 2.5 * n(7)
        && n(8) < 3.0 * n(9)
        && n(10) < 3.0 * n(11)
        && n(12) <= 2.0
        && !f(7)
        && f(8)
        && f(9)
        && !(f(10)
            || f(11)
            || n(13) >= 38.0
            || n(14) > 10.0
            || f(12)
            || f(13)
            || f(14)
            || f(15)
            || f(16)
            || f(17)
            || (f(18) && (f(19) || f(20)))
            || f(21)
            || f(22)
            || f(23)
            || f(24)
            || (f(25) && f(26)))
}

/// The patient as a JSON object (for JsonLogic, and for rulec's JSON
/// reader).
pub fn to_json(p: &Patient) -> Value {
    let mut map = Map::new();
    for (name, x) in NUMBERS.iter().zip(p.numbers) {
        map.insert((*name).to_owned(), json!(x));
    }
    for (name, b) in FLAGS.iter().zip(p.flags) {
        map.insert((*name).to_owned(), json!(b));
    }
    Value::Object(map)
}

/// The same rules in rulec, fields without units (`number`, `bool`).
pub fn rulec_source() -> String {
    let mut fields = String::new();
    for name in NUMBERS {
        fields.push_str(&format!("  {name}: number\n"));
    }
    for name in FLAGS {
        fields.push_str(&format!("  {name}: bool\n"));
    }
    format!(
        "fields {{\n{fields}}}\n\n{}",
        r"inclusion {
  adult:       age >= 18
  relapsed:    relapsed
  target:      bcma or cd138 or cd38 or cd56
  mrd:         mrd_positive
  survival:    life_expectancy > 3
  performance: kps > 60
  hb:          hemoglobin > 80
  cardiac:     ejection_fraction >= 50 and not ecg_abnormal
  oxygen:      spo2 >= 90
  renal:       creatinine < 2.5 * creatinine_uln
  hepatic:     alt < 3 * alt_uln and ast < 3 * ast_uln and bilirubin <= 2.0
  apheresis:   not apheresis_contraindicated
  benefit:     expert_group_benefit
  consent:     informed_consent
}

exclusion {
  burden:      high_tumour_burden
  infection:   active_infection or body_temperature >= 38
  neutropenia: neutropenia > 10
  uncontrolled: fungal or bacterial or viral
  serology:    hiv or active_hbv or hcv
  pregnancy:   female and (pregnant or lactating)
  organs:      organ_insufficiency
  cells:       cell_therapy_failed
  antibodies:  antibody_failed
  harmful:     harmful_condition
  gvhd:        allogeneic_transplant and gvhd_grade_4
}
"
    )
}
