//! Explanations: for every criterion, the values that decided it, in words
//! (their stable JSON form is [`crate::records::VerdictJson`]).
//!
//! The explainer walks each criterion beside the reference evaluator's own
//! walker: every leaf's truth and every value shown is the one the
//! reference computes, and `and`/`or` stop where the reference stops. The
//! verdict itself is [`evaluate`]'s.

mod choose;
mod cond;
mod num;
mod over;

use jiff::civil::Date;

use crate::check::{Cond, DurationUnit, Program};
use crate::syntax::{CompareOp, Limit};

use super::reference::Walker;
use super::{Verdict, evaluate};
use crate::schema::{Record, Source};
use cond::Explainer;

/// A verdict with an explanation for each criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// The verdict, exactly [`evaluate`]'s.
    pub verdict: Verdict,
    /// One explanation per criterion, in the order of
    /// [`Verdict::criteria`]: the values used, in the field's unit, the
    /// threshold and the margin (`hemoglobin 72 g/L is not > 80 g/L (8 g/L
    /// short)`).
    pub explanations: Vec<String>,
}

/// Evaluates `program` for `record` like [`evaluate`], and explains every
/// criterion.
///
/// This is the explaining path: slower than [`evaluate`] and the compiled
/// closures, and meant for the records a person reads. Values are shown in
/// the unit their field is declared in; a threshold written in another
/// unit is shown as written, the value converted into it beside; numbers
/// are rounded by [`format_number`]; `docs/verdicts.md` describes the
/// wording.
///
/// ```
/// use rulec::eval::{explain, Status};
/// use rulec::records::verdict_json;
/// use rulec::schema::{FieldValue, Record};
///
/// let file = rulec::syntax::parse(r#"
/// fields { hemoglobin: g/L, creatinine: umol/L with normal range }
/// inclusion {
///   hb:    hemoglobin > 8 g/dL
///   renal: creatinine < 2.5 x ULN
/// }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let mut record = Record::new(&program.schema);
/// let q = |value, high| FieldValue::Quantity { value, low: None, high };
/// record.set("hemoglobin", q(72.0, None))?;
/// record.set("creatinine", q(150.0, Some(88.0)))?;
///
/// let explained = explain(&program, &record, jiff::civil::date(2026, 11, 24));
/// assert_eq!(explained.verdict.status(), Status::Ineligible);
/// assert_eq!(explained.explanations, [
///     "hemoglobin 72 g/L (7.2 g/dL) is not > 8 g/dL (0.8 g/dL short)",
///     "creatinine 150 umol/L = 1.705 × ULN (ULN 88 umol/L) < 2.5 × ULN = 220 umol/L (70 umol/L below)",
/// ]);
///
/// let json = verdict_json("p1", &explained, &[]);
/// assert_eq!(json["status"], "ineligible");
/// assert_eq!(json["criteria"][0]["outcome"], "not_met");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn explain(program: &Program, record: &Record, index: Date) -> Explained {
    explain_sourced(program, record, index, &[])
}

/// [`explain`] for a record read from FHIR: each value taken from a
/// resource is named with its [`Source`] (`hemoglobin 72 g/L
/// (Observation/9f3, 2026-06-01, LOINC 718-7, as written 7.2 g/dL)`), and
/// a missing one with what was looked for (`hemoglobin is missing (no
/// Observation with LOINC 718-7 within 14 days before 2026-06-15)`).
#[must_use]
pub fn explain_sourced(
    program: &Program,
    record: &Record,
    index: Date,
    sources: &[Source],
) -> Explained {
    let verdict = evaluate(program, record, index);
    let mut explainer = Explainer::new(program, Walker::new(program, record, index), sources);
    let explanations = program
        .criteria
        .iter()
        .map(|c| {
            explainer.walker.missing.clear();
            explainer.start_criterion();
            explainer.cond(&c.condition).1
        })
        .collect();
    Explained {
        verdict,
        explanations,
    }
}

/// A number as explanations show it: rounded to 4 significant digits, but
/// never fewer digits than its whole part has (12345.6 shows as 12346),
/// with trailing zeros dropped (`2`, not `2.000`); numbers too small for 20
/// decimals in scientific notation (`1.5e-25`). Explanations show a value
/// that differs from its threshold with more digits where 4 would make
/// them look equal (`1.9995 mg/dL <= 2 mg/dL`).
#[must_use]
pub fn format_number(x: f64) -> String {
    with_digits(x, 4)
}

/// `x` rounded to `digits` significant digits, never fewer than its whole
/// part has; see [`format_number`].
fn with_digits(x: f64, digits: i32) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the exponent of a finite f64 is within ±400"
    )]
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = usize::try_from((digits - 1 - magnitude).clamp(0, 20)).unwrap_or(0);
    let text = trim_zeros(format!("{x:.decimals$}"));
    match text.as_str() {
        "0" | "-0" => {
            let sci = format!("{x:.*e}", usize::try_from(digits - 1).unwrap_or(0));
            match sci.split_once('e') {
                Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa.to_owned())),
                None => sci,
            }
        }
        _ => text,
    }
}

/// The significant digits (4 or more, up to 17) it takes for two different
/// numbers not to look equal: 5 for `1.9995` beside `2`; 4 for numbers
/// that compare as equal ([`crate::semantics::Ties`]).
fn digits_apart(a: f64, b: f64) -> i32 {
    let mut digits = 4;
    let equal = <f64 as crate::semantics::Ties>::ties(&a, &b);
    while !equal && digits < 17 && with_digits(a, digits) == with_digits(b, digits) {
        digits += 1;
    }
    digits
}

fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A number with its unit, if it has one.
fn qty(v: f64, unit: Option<&str>) -> String {
    qty_with(v, unit, 4)
}

/// A number to `digits` significant digits, with its unit.
fn qty_with(v: f64, unit: Option<&str>, digits: i32) -> String {
    match unit {
        // Calendar words as protocols write them agree with their number:
        // `1 year short`, not `1 years short`.
        Some(u) if v.abs() == 1.0 && CALENDAR_PLURALS.contains(&u) => {
            format!("{} {}", with_digits(v, digits), u.trim_end_matches('s'))
        }
        Some(u) => format!("{} {u}", with_digits(v, digits)),
        None => with_digits(v, digits),
    }
}

/// Plural unit words that read in the singular for one.
const CALENDAR_PLURALS: [&str; 6] = ["years", "months", "weeks", "days", "hours", "minutes"];

/// A unit as explanations show it ([`unit_text`]), or none for the unit
/// `1` of a dimensionless ratio: `2.5`, not `2.5 1`.
fn shown_unit(written: &str) -> Option<String> {
    Some(unit_text(written)).filter(|text| text != "1")
}

/// A unit as explanations show it: as written, but a unit the checker
/// computed (`(kg)/((m).(m))` for `w / (h * h)`) without brackets around
/// single symbols and with a symbol times itself squared: `kg/m2`.
fn unit_text(written: &str) -> String {
    let square = |s: String| match s.split_once('.') {
        Some((a, b)) if a == b && !a.is_empty() && a.chars().all(|c| c.is_ascii_alphabetic()) => {
            format!("{a}2")
        }
        _ => s,
    };
    let mut groups = vec![String::new()];
    for c in written.chars() {
        match c {
            '(' => groups.push(String::new()),
            ')' if groups.len() > 1 => {
                let inner = square(groups.pop().unwrap_or_default());
                let Some(outer) = groups.last_mut() else {
                    break;
                };
                if inner.contains(['.', '/']) {
                    outer.push_str(&format!("({inner})"));
                } else {
                    outer.push_str(&inner);
                }
            }
            c => groups.last_mut().into_iter().for_each(|g| g.push(c)),
        }
    }
    match groups.pop() {
        Some(text) if groups.is_empty() => square(text),
        _ => written.to_owned(),
    }
}

fn list_of(names: &[&str]) -> String {
    format!("{{{}}}", names.join(", "))
}

fn limit_word(limit: Limit) -> &'static str {
    if limit == Limit::Upper { "ULN" } else { "LLN" }
}

/// The operator with its sides swapped: `80 < x` is `x > 80`.
fn mirror(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

/// The distance of `a` from the threshold `b`, in words: `(8 g/L short)`.
fn margin(op: CompareOp, holds: bool, a: f64, b: f64, unit: Option<&str>) -> String {
    let d = (a - b).abs();
    if <f64 as crate::semantics::Ties>::ties(&a, &b) {
        return match op {
            CompareOp::Eq | CompareOp::Ne => String::new(),
            _ => " (at the threshold)".to_owned(),
        };
    }
    let word = match (op, holds) {
        (CompareOp::Gt | CompareOp::Ge, true) => "above",
        (CompareOp::Gt | CompareOp::Ge, false) => "short",
        (CompareOp::Lt | CompareOp::Le, true) => "below",
        (CompareOp::Lt | CompareOp::Le, false) => "over",
        _ if a > b => "above",
        _ => "below",
    };
    format!(" ({} {word})", qty(d, unit))
}

/// `>` when it holds, `is not >` when not; `=` or `!=` as the values are.
fn verb(op: CompareOp, holds: bool, equal: bool) -> String {
    match op {
        CompareOp::Eq | CompareOp::Ne if equal => "=".to_owned(),
        CompareOp::Eq | CompareOp::Ne => "!=".to_owned(),
        _ if holds => op.as_str().to_owned(),
        _ => format!("is not {}", op.as_str()),
    }
}

fn date_word(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Lt => "before",
        CompareOp::Le => "on or before",
        CompareOp::Gt => "after",
        CompareOp::Ge => "on or after",
        CompareOp::Eq | CompareOp::Ne => "on",
    }
}

/// A count of calendar units in words: `1 month`, `4 weeks`.
pub(crate) fn duration(amount: f64, unit: DurationUnit) -> String {
    let word = match unit {
        DurationUnit::Years => "year",
        DurationUnit::Months => "month",
        DurationUnit::Weeks => "week",
        DurationUnit::Days => "day",
        DurationUnit::Hours => "hour",
    };
    plural(amount, word)
}

/// `1 day`, `2 days`, `0.5 days`.
fn plural(amount: f64, word: &str) -> String {
    let s = if amount.abs() == 1.0 { "" } else { "s" };
    format!("{} {word}{s}", format_number(amount))
}

/// A condition whose explanation states a plain fact, needing no brackets
/// when it is part of a larger one.
fn is_simple(c: &Cond) -> bool {
    match c {
        Cond::Not(inner) => is_fact(inner) && is_simple(inner),
        Cond::And(..) | Cond::Or(..) | Cond::Group { .. } | Cond::ListQuery { .. } => false,
        Cond::Define(_) | Cond::CompareBool { .. } => false,
        _ => true,
    }
}

/// A condition whose explanation states the record's value or its own
/// truth outright (`x is false`, `fever is true because …`), so its
/// negation reads the same.
fn is_fact(c: &Cond) -> bool {
    matches!(
        c,
        Cond::Literal(_)
            | Cond::Field(_)
            | Cond::Define(_)
            | Cond::Known { .. }
            | Cond::EnumIn { .. }
            | Cond::SetHas { .. }
            | Cond::TextEq { .. }
    )
}

fn push_unique(into: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Outcome;

    const INDEX: Date = jiff::civil::date(2026, 11, 24);

    fn program(source: &str) -> Option<Program> {
        let file = crate::syntax::parse(source).ok()?;
        crate::check::check(&file, &crate::check::NoImports).program
    }

    /// Asserts that the explainer's own truth of every criterion is the
    /// reference evaluator's outcome for a JSON record.
    fn assert_same_outcomes(program: &Program, json: &str) {
        let read = crate::records::from_json_str(program, json, 1);
        let verdict = evaluate(program, &read.record, INDEX);
        let mut explainer = Explainer::new(program, Walker::new(program, &read.record, INDEX), &[]);
        for (criterion, outcome) in program.criteria.iter().zip(verdict.criteria()) {
            let truth = explainer.cond(&criterion.condition).0;
            assert_eq!(
                Outcome::from(truth),
                outcome.outcome,
                "{json}: {}",
                criterion.id
            );
        }
    }

    /// On the seed trial, with and without data.
    #[test]
    fn the_explainer_walks_to_the_reference_outcomes() {
        let source = include_str!("../../../../examples/nct03473496.rules");
        let program = program(source).expect("the seed trial checks");
        for json in [
            r#"{}"#,
            r#"{"sex": "female", "pregnant": false, "hemoglobin": 72, "therapies": [{"class": "anti_bcma"}]}"#,
            r#"{"sex": "male", "birth_date": "2009-01-01", "alt": {"value": 30, "high": 40}, "therapies": []}"#,
        ] {
            assert_same_outcomes(&program, json);
        }
    }

    /// On every evaluation fixture (`tests/fixtures/eval`), which between
    /// them use every form of the language.
    #[test]
    fn the_explainer_walks_to_the_reference_outcomes_on_the_fixtures() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/eval");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut checked = 0;
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            let records = std::fs::read_to_string(path.with_extension("jsonl"));
            let source = std::fs::read_to_string(&path);
            let (Ok(source), Ok(records)) = (source, records) else {
                continue;
            };
            let Some(program) =
                program(&source).filter(|_| path.extension().is_some_and(|e| e == "rules"))
            else {
                continue;
            };
            let lines = records.lines().map(str::trim);
            for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
                assert_same_outcomes(&program, line);
                checked += 1;
            }
        }
        // The fixtures exist (the directory does): some records were checked.
        assert!(checked > 0, "no fixture record in {dir}");
    }
}
