//! Generators: a small schema, rule sources over it, and records for it.

use super::*;
use rulec::schema::CensoredValue;
use rulec::semantics::{Censor, Censored};

/// The field declarations, in a generated order (the order decides the
/// slots and the order of the missing list). `hb` is stored in g/L or
/// g/dL; either way it has a normal range and a molar mass (100 g/mol, so
/// that 1 mmol/L is 0.1 g/L).
pub(super) fn fields() -> impl Strategy<Value = String> {
    let hb_unit = prop::sample::select(vec!["g/L", "g/dL"]);
    hb_unit
        .prop_flat_map(|hb_unit| {
            let decls = vec![
                "flag: bool".to_owned(),
                "score: integer 0..10".to_owned(),
                format!("hb: {hb_unit} with normal range, molar mass 100 g/mol"),
                "chol: mg/dL".to_owned(),
                "day: date".to_owned(),
                "kind: one of { a, b, c }".to_owned(),
                "stage: ordered { 1, 2, 3a, 3b, IV }".to_owned(),
                "tags: set of { a, b, c }".to_owned(),
                "note: text".to_owned(),
                "events: list of { flag: bool, n: integer 0..5, when: date, parts: list of { m: integer 0..3 } }"
                    .to_owned(),
            ];
            Just(decls).prop_shuffle()
        })
        .prop_map(|decls| format!("fields {{\n  {}\n}}", decls.join("\n  ")))
}

pub(super) fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["<", "<=", ">", ">=", "=", "!="])
}

/// Hemoglobin thresholds around 80 g/L and elsewhere, in several units,
/// substance concentrations included (through the molar mass, which only
/// a comparison with the field itself applies).
pub(super) fn hb_molar_const() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        hb_const(),
        prop::sample::select(vec![
            "800 mmol/L",
            "800000 umol/L",
            "799 mmol/L",
            "0.8 mol/L"
        ]),
    ]
}

/// Hemoglobin thresholds around 80 g/L and elsewhere, in mass units.
pub(super) fn hb_const() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "80 g/L",
        "8 g/dL",
        "8.0 g/dL",
        "8000 mg/dL",
        "79.9 g/L",
        "7.99 g/dL",
        "80.1 g/L",
        "0 g/L",
        "0.5 g/dL",
        "120 g/L",
        "12 g/dL",
    ])
}

/// Cholesterol thresholds around 200 mg/dL, in several units.
pub(super) fn chol_const() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "200 mg/dL",
        "2 g/L",
        "0.2 g/dL",
        "199.9 mg/dL",
        "2.001 g/L",
        "8 g/dL",
        "0 mg/dL",
    ])
}

/// A calendar duration, including fractions (no calendar meaning for
/// years and months) and hours.
pub(super) fn duration() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "0", "1", "1.5", "4", "7", "12", "18", "28", "30", "36",
        ]),
        prop::sample::select(vec!["days", "weeks", "months", "years", "hours", "day"]),
    )
        .prop_map(|(n, u)| format!("{n} {u}"))
}

/// A date expression.
pub(super) fn date_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("day".to_owned()),
        Just("index".to_owned()),
        Just("later".to_owned()),
        duration().prop_map(|d| format!("index - {d}")),
        duration().prop_map(|d| format!("day + {d}")),
        duration().prop_map(|d| format!("day - {d}")),
    ]
}

/// A step of the ordered scale `stage`, by name or number.
pub(super) fn stage_step() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["1", "2", "3a", "3b", "IV"])
}

/// A condition on one element of `events` (`flag` there is the element's).
pub(super) fn element_cond() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("flag".to_owned()),
        Just("not flag".to_owned()),
        (op(), 0..=5_u8).prop_map(|(o, k)| format!("n {o} {k}")),
        op().prop_map(|o| format!("n {o} score")),
        Just("n is missing".to_owned()),
        hb_const().prop_map(|c| format!("hb > {c}")),
        (op(), 0..=3_u8).prop_map(|(o, k)| format!("(any parts where m {o} {k})")),
        op().prop_map(|o| format!("(all parts where m {o} n)")),
        (op(), 0..=2_u8).prop_map(|(o, k)| format!("(count parts where m > n) {o} {k}")),
        (op(), 0..=3_u8).prop_map(|(o, k)| format!("mean(m of parts) {o} {k}")),
        (op(), 0..=6_u8).prop_map(|(o, k)| format!("sum(m of parts where m >= n) {o} {k}")),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
        ]
    })
}

/// A leaf condition over the record.
pub(super) fn leaf() -> impl Strategy<Value = String> {
    let numbers = prop_oneof![
        (op(), 0..=10_u8).prop_map(|(o, k)| format!("score {o} {k}")),
        (op(), 0..=10_u8).prop_map(|(o, k)| format!("{k} {o} score")),
        (0..=10_u8, 0..=10_u8).prop_map(|(a, b)| format!("score between {a} and {b}")),
        (op(), hb_molar_const()).prop_map(|(o, c)| format!("hb {o} {c}")),
        (op(), hb_molar_const()).prop_map(|(o, c)| format!("{c} {o} hb")),
        (hb_const(), hb_const()).prop_map(|(a, b)| format!("hb between {a} and {b}")),
        (op(), chol_const()).prop_map(|(o, c)| format!("chol {o} {c}")),
        (
            op(),
            prop::sample::select(vec!["0.5", "1", "1.5", "2.5"]),
            prop::sample::select(vec!["ULN", "LLN"])
        )
            .prop_map(|(o, f, l)| format!("hb {o} {f} x {l}")),
        (op(), prop::sample::select(vec!["1", "1.5"]))
            .prop_map(|(o, f)| format!("{f} x ULN {o} hb")),
        op().prop_map(|o| format!("hb {o} chol")),
        (op(), hb_const()).prop_map(|(o, c)| format!("hb + chol {o} {c}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("hb - chol {o} {c}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("hb * 2 {o} {c}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("-hb {o} {c}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("(hb + 1 g/dL) / 2 {o} {c}")),
        op().prop_map(|o| format!("score / (score - 5) {o} 1")),
        (op(), 0..=12_u8).prop_map(|(o, k)| format!("score + 1 {o} {k}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("total {o} {c}")),
        op().prop_map(|o| format!("total {o} hb")),
        (op(), 0..=10_u8).prop_map(|(o, k)| format!("double {o} {k}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("first known of (hb, chol) {o} {c}")),
        (op(), hb_const()).prop_map(|(o, c)| format!("(if flag then hb else chol) {o} {c}")),
        (op(), 0..=10_u8).prop_map(|(o, k)| format!("(if kind = a then score else 5) {o} {k}")),
        (op(), 0..=10_u8).prop_map(|(o, k)| format!("first known of (score, 3) {o} {k}")),
        (prop::sample::select(vec!["min", "max"]), op(), hb_const())
            .prop_map(|(f, o, c)| format!("{f}(hb, chol, 1 g/dL) {o} {c}")),
        (op(), 0..=100_u8).prop_map(|(o, k)| format!("score ^ 2 {o} {k}")),
        (op(), 0..=12_u8).prop_map(|(o, k)| format!("(hb / 1 g/L) ^ 0.5 {o} {k}")),
        (op(), 0..=3_u8).prop_map(|(o, k)| format!("sqrt(score - 3) {o} {k}")),
        (op(), 0..=2_u8).prop_map(|(o, k)| format!("cbrt(score - 5) {o} {k}")),
        (op(), 0..=3_u8).prop_map(|(o, k)| format!("(score - 4) ^ (1/3) {o} {k}")),
        (op(), chol_const()).prop_map(|(o, c)| format!("corrected_calcium(chol, hb) {o} {c}")),
        (op(), prop::sample::select(vec!["0", "60", "90", "150"])).prop_map(|(o, k)| {
            format!("egfr_ckd_epi_2021(chol, age, flag) {o} {k} mL/min/{{1.73_m2}}")
        }),
    ]
    .boxed();
    let dates = prop_oneof![
        (date_expr(), op(), date_expr()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
        (
            date_expr(),
            duration(),
            prop::sample::select(vec!["before", "after"]),
            date_expr()
        )
            .prop_map(|(d, w, dir, a)| format!("{d} within {w} {dir} {a}")),
        (
            prop::sample::select(vec!["years", "months", "weeks", "days"]),
            date_expr(),
            date_expr(),
            op(),
            duration()
        )
            .prop_map(|(u, a, b, o, d)| format!("{u} between {a} and {b} {o} {d}")),
        (op(), 0..=20_u8).prop_map(|(o, k)| format!("age {o} {k} years")),
        (op(), date_expr()).prop_map(|(o, d)| format!("first known of (day, later) {o} {d}")),
        duration().prop_map(|w| format!("(if flag then day else index) within {w} before index")),
        (op(), 0..=30_u8).prop_map(|(o, k)| format!("age {o} {k} months")),
    ]
    .boxed();
    let members = prop_oneof![
        prop::sample::select(vec![
            "kind = a",
            "kind != b",
            "c = kind",
            "kind in { a, c }",
            "kind in { b }",
            "tags has a",
            "tags has any of { a, b }",
            "tags has all of { b, c }",
            "tags has all of { a }",
            "note = \"x\"",
            "note != \"\"",
        ])
        .prop_map(str::to_owned),
        (op(), stage_step()).prop_map(|(o, m)| format!("stage {o} {m}")),
        (op(), stage_step()).prop_map(|(o, m)| format!("{m} {o} stage")),
        (stage_step(), stage_step()).prop_map(|(a, b)| format!("stage between {a} and {b}")),
        Just("stage in { 2, IV }".to_owned()),
        Just("first known of (flag, kind = a, score > 5)".to_owned()),
        Just("(if flag then score > 5 else tags has a)".to_owned()),
        Just("(if kind = b then flag else flag)".to_owned()),
        (
            prop::sample::select(vec![
                "flag", "score", "hb", "chol", "day", "kind", "tags", "note", "events", "stage"
            ]),
            prop::sample::select(vec!["known", "missing"])
        )
            .prop_map(|(f, k)| format!("{f} is {k}")),
    ]
    .boxed();
    let over = prop_oneof![
        (
            prop::sample::select(vec!["sum", "mean", "min", "max", "latest", "earliest"]),
            prop::sample::select(vec![
                "",
                " where flag",
                " where n > 1",
                " where when within 6 months before index"
            ]),
            op(),
            0..=10_u8,
        )
            .prop_map(|(f, w, o, k)| format!("{f}(n of events{w}) {o} {k}")),
        (
            prop::sample::select(vec!["latest", "earliest"]),
            op(),
            date_expr()
        )
            .prop_map(|(f, o, d)| format!("{f}(when of events) {o} {d}")),
        (op(), duration()).prop_map(|(o, d)| {
            format!("sum(days between when and index of events where flag) {o} {d}")
        }),
    ]
    .boxed();
    let lists = prop_oneof![
        (
            prop::sample::select(vec!["any", "all", "no"]),
            element_cond()
        )
            .prop_map(|(q, c)| format!("({q} events where {c})")),
        (element_cond(), op(), 0..=3_u8)
            .prop_map(|(c, o, k)| format!("(count events where {c}) {o} {k}")),
    ]
    .boxed();
    prop_oneof![
        2 => prop::sample::select(vec!["flag", "true", "false", "cond", "either"])
            .prop_map(str::to_owned),
        6 => numbers,
        4 => dates,
        3 => members,
        3 => lists,
        2 => over,
    ]
}

/// A condition over the record: leaves joined by every connective.
pub(super) fn cond() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        let items = prop::collection::vec(inner.clone(), 1..4);
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            (
                inner.clone(),
                prop::sample::select(vec!["=", "!="]),
                inner.clone()
            )
                .prop_map(|(a, o, b)| format!("({a}) {o} ({b})")),
            (
                prop::sample::select(vec!["any of", "all of", "none of"]),
                items.clone()
            )
                .prop_map(|(g, v)| format!("{g} ({})", v.join(", "))),
            (0..=4_u8, items).prop_map(|(k, v)| format!("at least {k} of ({})", v.join(", "))),
        ]
    })
}

/// A whole rule file: fields, defines (each used from several criteria
/// through the leaves `cond`, `either`, `age`, `total`, `double` and
/// `later`), and one to five criteria in either section; in half the
/// files, two cohorts, each criterion shared or in one of them.
pub(super) fn source() -> impl Strategy<Value = String> {
    (
        fields(),
        leaf(),
        leaf(),
        duration(),
        prop::collection::vec((prop::bool::ANY, cond(), 0..4_u8), 1..6),
        prop::bool::ANY,
    )
        .prop_map(|(fields, c1, c2, shift, criteria, cohorts)| {
            // Defines may not use defines declared after them, nor
            // themselves: the leaves of these two use only the earlier
            // ones, or fail to check (and are skipped).
            let c1 = c1.replace("either", "flag").replace("cond", "flag");
            let c2 = c2.replace("either", "cond");
            let mut text = format!(
                "{fields}\n\
                 define age: years between day and index\n\
                 define total: hb + chol\n\
                 define double: score * 2\n\
                 define later: day + {shift}\n\
                 define cond: {c1}\n\
                 define either: ({c2}) or cond\n"
            );
            // Cohort 0 is the criteria every cohort shares; without
            // cohorts, all of them.
            let cohort = |k: u8| if cohorts { k.saturating_sub(1) } else { 0 };
            let block = |inclusion: bool, k: u8| {
                criteria
                    .iter()
                    .enumerate()
                    .filter(|(_, (inc, _, c))| *inc == inclusion && cohort(*c) == k)
                    .map(|(i, (_, c, _))| format!("  c{i}: {c}\n"))
                    .collect::<String>()
            };
            text.push_str(&format!("inclusion {{\n{}}}\n", block(true, 0)));
            text.push_str(&format!("exclusion {{\n{}}}\n", block(false, 0)));
            for k in (1..=2).filter(|_| cohorts) {
                text.push_str(&format!(
                    "cohort k{k} {{\ninclusion {{\n{}}}\nexclusion {{\n{}}}\n}}\n",
                    block(true, k),
                    block(false, k)
                ));
            }
            text
        })
}

// ─── Records ────────────────────────────────────────────────────────────

/// A generated record, independent of the slot order.
#[derive(Clone, Debug)]
pub(super) struct Gen {
    pub(super) index: Date,
    pub(super) flag: Option<bool>,
    pub(super) score: Option<u8>,
    /// Value, low and high, as indices into [`HB_VALUES`].
    pub(super) hb: Option<(usize, Option<usize>, Option<usize>)>,
    pub(super) chol: Option<f64>,
    /// Whether `hb` and `chol` are censored: the value is then the bound
    /// of `<`, `<=`, `>` or `>=` (0 to 3).
    pub(super) censor: (Option<usize>, Option<usize>),
    pub(super) day: Option<Date>,
    pub(super) kind: Option<u32>,
    /// A step of `stage`, lowest first.
    pub(super) stage: Option<u32>,
    pub(super) tags: Option<Vec<u32>>,
    pub(super) note: Option<&'static str>,
    pub(super) events: Option<Vec<Event>>,
}

#[derive(Clone, Debug)]
pub(super) struct Event {
    pub(super) flag: Option<bool>,
    pub(super) n: Option<u8>,
    /// A date from a few, so that events tie on it.
    pub(super) when: Option<Date>,
    pub(super) parts: Option<Vec<Option<u8>>>,
}

/// Hemoglobin values in g/L; divided by ten for a field in g/dL.
pub(super) const HB_VALUES: [f64; 8] = [0.0, 5.0, 60.0, 79.9, 80.0, 80.1, 120.0, 160.0];

pub(super) fn maybe<T: std::fmt::Debug>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(0.7, s)
}

pub(super) fn event() -> impl Strategy<Value = Event> {
    (
        maybe(prop::bool::ANY),
        maybe(0..=5_u8),
        maybe(prop::sample::select(vec![
            date(2025, 1, 1),
            date(2025, 6, 1),
            date(2025, 12, 31),
        ])),
        maybe(prop::collection::vec(maybe(0..=3_u8), 0..3)),
    )
        .prop_map(|(flag, n, when, parts)| Event {
            flag,
            n,
            when,
            parts,
        })
}

pub(super) fn index_date() -> impl Strategy<Value = Date> {
    prop::sample::select(vec![
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 1, 31),
        date(2026, 3, 1),
        date(2026, 11, 24),
    ])
}

pub(super) fn record() -> impl Strategy<Value = Gen> {
    let offsets = prop::sample::select(vec![
        -6575_i32, -6574, -400, -366, -365, -364, -31, -30, -29, -28, -27, -7, -1, 0, 1, 7, 28, 31,
        365,
    ]);
    let fixed_days = prop::sample::select(vec![
        date(2008, 2, 29),
        date(2000, 1, 31),
        date(2023, 2, 28),
    ]);
    let hb_index = 0..HB_VALUES.len();
    (
        index_date(),
        (
            maybe(prop::bool::ANY),
            maybe(0..=10_u8),
            maybe((hb_index.clone(), maybe(hb_index.clone()), maybe(hb_index))),
            maybe(prop::sample::select(vec![
                0.0, 150.0, 199.9, 200.0, 200.1, 8000.0,
            ])),
        ),
        prop_oneof![Just(None), offsets.prop_map(Some)],
        (maybe(fixed_days), (maybe(0..4_usize), maybe(0..4_usize))),
        (
            maybe(0..3_u32),
            maybe(prop::collection::vec(0..3_u32, 0..3)),
            maybe(prop::sample::select(vec!["x", "", "y"])),
            maybe(prop::collection::vec(event(), 0..4)),
            maybe(0..5_u32),
        ),
    )
        .prop_map(
            |(
                index,
                (flag, score, hb, chol),
                offset,
                (fixed, censor),
                (kind, tags, note, events, stage),
            )| {
                let day = match (offset, fixed) {
                    (Some(days), _) => index.checked_add(days.days()).ok(),
                    (None, fixed) => fixed,
                };
                Gen {
                    index,
                    flag,
                    score,
                    hb,
                    chol,
                    censor,
                    day,
                    kind,
                    stage,
                    tags,
                    note,
                    events,
                }
            },
        )
}

pub(super) fn list_schema<'s>(schema: &'s Schema, name: &str) -> &'s Schema {
    match &schema.field(schema.slot(name).unwrap()).unwrap().ty {
        FieldType::ListOf(s) => s,
        other => panic!("`{name}` is not a list: {other:?}"),
    }
}

pub(super) fn set(record: &mut Record, name: &str, value: Option<FieldValue>) {
    if let Some(value) = value {
        record.set(name, value).unwrap();
    }
}

/// The generated record bound to the program's schema.
pub(super) fn build(program: &Program, g: &Gen) -> Record {
    let schema = &program.schema;
    let mut r = Record::new(schema);
    let hb_scale = match &schema.field(schema.slot("hb").unwrap()).unwrap().ty {
        FieldType::Quantity { unit, .. } if unit.to_string() == "g/dL" => 0.1,
        _ => 1.0,
    };
    let hb = |i: usize| HB_VALUES[i] * hb_scale;
    set(&mut r, "flag", g.flag.map(FieldValue::Bool));
    set(
        &mut r,
        "score",
        g.score.map(|s| FieldValue::Number(f64::from(s))),
    );
    set(
        &mut r,
        "hb",
        g.hb.map(|(v, low, high)| {
            // A range is never upside down.
            let (low, high) = match (low, high) {
                (Some(l), Some(h)) => (Some(l.min(h)), Some(l.max(h))),
                other => other,
            };
            FieldValue::Quantity {
                value: hb(v),
                low: low.map(hb),
                high: high.map(hb),
            }
        }),
    );
    set(
        &mut r,
        "chol",
        g.chol.map(|value| FieldValue::Quantity {
            value,
            low: None,
            high: None,
        }),
    );
    // A censored value replaces the plain one: its bound is the value.
    let censors = [
        Censor::Below,
        Censor::AtMost,
        Censor::Above,
        Censor::AtLeast,
    ];
    for (name, which) in [("hb", g.censor.0), ("chol", g.censor.1)] {
        let slot = schema.slot(name).unwrap();
        if let (Some(which), FieldValue::Quantity { value, low, high }) =
            (which, r.get(slot).into_owned())
        {
            let censored = Censored {
                censor: censors[which],
                bound: value,
            };
            r.set_censored(
                name,
                CensoredValue {
                    censored,
                    low,
                    high,
                },
            )
            .unwrap();
        }
    }
    set(&mut r, "day", g.day.map(FieldValue::Date));
    set(&mut r, "kind", g.kind.map(FieldValue::Member));
    set(&mut r, "stage", g.stage.map(FieldValue::Member));
    set(&mut r, "tags", g.tags.clone().map(FieldValue::Members));
    set(
        &mut r,
        "note",
        g.note.map(|t| FieldValue::Text(t.to_owned())),
    );
    let events = list_schema(schema, "events");
    let elements = g.events.as_ref().map(|list| {
        list.iter()
            .map(|e| {
                let mut element = Record::new(events);
                set(&mut element, "flag", e.flag.map(FieldValue::Bool));
                set(
                    &mut element,
                    "n",
                    e.n.map(|n| FieldValue::Number(f64::from(n))),
                );
                set(&mut element, "when", e.when.map(FieldValue::Date));
                let parts = list_schema(events, "parts");
                let list = e.parts.as_ref().map(|ps| {
                    ps.iter()
                        .map(|m| {
                            let mut part = Record::new(parts);
                            set(&mut part, "m", m.map(|m| FieldValue::Number(f64::from(m))));
                            part
                        })
                        .collect()
                });
                set(&mut element, "parts", list.map(FieldValue::List));
                element
            })
            .collect()
    });
    set(&mut r, "events", elements.map(FieldValue::List));
    r
}

// ─── The oracle ─────────────────────────────────────────────────────────
