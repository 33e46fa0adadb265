//! Explaining numbers and dates: comparisons with their threshold and
//! margin, values in their unit, and why a value is unknown.

use jiff::civil::Date;

use crate::check::{ArithOp, DateVal, DefineId, FieldRef, Num, Value};
use crate::schema::FieldType;
use crate::syntax::{CalendarUnit, CompareOp, Limit};
use crate::units::{Conversion, Unit};

use super::cond::Explainer;
use super::{
    date_word, digits_apart, duration, format_number, join_and, limit_word, margin, mirror, plural,
    push_unique, qty, qty_with, shown_unit, verb,
};
use crate::schema::FieldValue;
use crate::semantics::{Truth, whole_units};

/// A field's or define's own value, before the conversion a comparison
/// applies to it.
fn unconverted(n: &Num) -> Option<Num> {
    match n {
        Num::Field { field, .. } => Some(Num::Field {
            field: *field,
            conversion: Conversion::IDENTITY,
        }),
        Num::Define { define, .. } => Some(Num::Define {
            define: *define,
            conversion: Conversion::IDENTITY,
        }),
        _ => None,
    }
}

impl Explainer<'_, '_> {
    /// A number with its unit, to the digits of the comparison shown.
    fn qty(&self, v: f64, unit: Option<&str>) -> String {
        qty_with(v, unit, self.digits)
    }

    fn field_unit(&self, f: FieldRef) -> Option<Unit> {
        match self.field(f).map(|f| &f.ty) {
            Some(FieldType::Quantity { unit, .. }) => Some(unit.clone()),
            _ => None,
        }
    }

    /// The unit a number is in, as explanations show it.
    pub(super) fn unit_of(&self, n: &Num) -> Option<String> {
        self.unit(n).flatten().and_then(|u| shown_unit(u.as_str()))
    }

    /// The unit a number is in (`Some(None)` for a bare number), where
    /// the program says it: a field's or a define's own, a constant's, a
    /// calendar unit, or the unit of a sum or product of such; `None` where
    /// it cannot tell.
    pub(super) fn unit(&self, n: &Num) -> Option<Option<Unit>> {
        match n {
            Num::Field { field, conversion } if conversion.is_identity() => {
                match self.field(*field).map(|f| &f.ty) {
                    Some(FieldType::Quantity { unit, .. }) => Some(Some(unit.clone())),
                    Some(FieldType::Integer { .. } | FieldType::Number) => Some(None),
                    _ => None,
                }
            }
            Num::Limit { field, .. } => self.field_unit(*field).map(Some),
            Num::Define { define, conversion } if conversion.is_identity() => {
                match self
                    .program
                    .defines
                    .get(define.0 as usize)
                    .map(|d| &d.value)
                {
                    Some(Value::Num(_, unit)) => Some(unit.clone()),
                    _ => None,
                }
            }
            Num::DateDiff {
                unit, conversion, ..
            } if conversion.is_identity() => Unit::parse(unit.as_str()).ok().map(Some),
            Num::Const(v) => self.written(*v).map(|w| w.unit.clone()),
            Num::Count { .. } => Some(None),
            Num::Choose(_) | Num::Call { .. } | Num::Formula(_) | Num::OverList(_) => {
                self.choice_unit(n)
            }
            Num::Neg(inner) => self.unit(inner),
            Num::Arith { op, lhs, rhs } => match op {
                ArithOp::Add | ArithOp::Sub => self.unit(lhs),
                ArithOp::Mul | ArithOp::Div => {
                    let (l, r) = (self.unit(lhs)?, self.unit(rhs)?);
                    op.product_unit(l.as_ref(), r.as_ref()).ok()
                }
            },
            _ => None,
        }
    }

    /// `hemoglobin 72 g/L is not > 80 g/L (8 g/L short)`.
    pub(super) fn compare_num(
        &mut self,
        truth: Truth,
        op: CompareOp,
        lhs: &Num,
        rhs: &Num,
    ) -> String {
        let threshold = |n: &Num| matches!(n, Num::Const(_) | Num::Limit { .. });
        // The record's value on the left, the threshold on the right.
        let (op, lhs, rhs) = if threshold(lhs) && !threshold(rhs) {
            (mirror(op), rhs, lhs)
        } else {
            (op, lhs, rhs)
        };
        let unit = self.unit_of(lhs).or_else(|| self.unit_of(rhs));
        let unit = unit.as_deref();
        if let Some(text) = self.compare_censored(truth, op, lhs, rhs, unit) {
            return text;
        }
        let (Some(a), Some(b)) = (self.walker.num(lhs), self.walker.num(rhs)) else {
            let mut reasons = self.why_num(lhs);
            push_unique(&mut reasons, self.why_num(rhs));
            return format!("{}: unknown", join_and(&reasons));
        };
        self.digits = digits_apart(a, b);
        let mut left = self.num_text(lhs, a, unit);
        let mut right = self.num_text(rhs, b, unit);
        self.digits = 4;
        if let Num::Limit {
            field: of, limit, ..
        } = rhs
            && let Some(bound) = self.limit(*of, *limit)
        {
            let word = limit_word(*limit);
            let bound_text = qty(bound, unit);
            match lhs {
                // `creatinine 150 umol/L = 1.705 × ULN (ULN 88 umol/L)`.
                Num::Field { field, .. } if field == of && bound != 0.0 => {
                    let ratio = format_number(a / bound);
                    left = format!("{left} = {ratio} × {word} ({word} {bound_text})");
                }
                Num::Field { field, .. } if field == of => {}
                _ => right = format!("{right} ({word} of {} {bound_text})", self.name(*of)),
            }
        }
        let holds = truth == Truth::True;
        let tie = <f64 as crate::semantics::Ties>::ties(&a, &b);
        let verb = verb(op, holds, tie);
        let display = match lhs {
            Num::Define { define, .. } => self.in_display_unit(*define, a).map(|(_, unit)| unit),
            _ => None,
        };
        let shown_in = |unit: &str| display.as_deref() == Some(unit);
        if let Some((a_written, b_written, written_unit)) = self.as_written(lhs, a, rhs) {
            // The threshold as the rule wrote it, the value converted into
            // its unit beside its own (unless a define is already shown in
            // it), and the margin in that unit; whether they tie is the
            // evaluator's (in the value's unit).
            self.digits = digits_apart(a_written, b_written);
            let left = if shown_in(&written_unit) {
                left
            } else {
                format!("{left} ({})", self.qty(a_written, Some(&written_unit)))
            };
            let right = self.qty(b_written, Some(&written_unit));
            self.digits = 4;
            let margin = if tie {
                margin(op, holds, a, b, unit)
            } else {
                margin(op, holds, a_written, b_written, Some(&written_unit))
            };
            return format!("{left} {verb} {right}{margin}");
        }
        format!("{left} {verb} {right}{}", margin(op, holds, a, b, unit))
    }

    /// A comparison with a censored value: `creatinine <44 umol/L (…) <
    /// 220 umol/L whatever its exact value`, or why it may go either way.
    fn compare_censored(
        &mut self,
        truth: Truth,
        op: CompareOp,
        lhs: &Num,
        rhs: &Num,
        unit: Option<&str>,
    ) -> Option<String> {
        let (op, other, (field, censored)) = match self.walker.censored(lhs) {
            Some(c) => (op, rhs, c),
            None => (mirror(op), lhs, self.walker.censored(rhs)?),
        };
        let value = format!(
            "{} {}{}{}",
            self.name(field),
            censored.censor.as_str(),
            self.qty(censored.bound, unit),
            self.from(field)
        );
        let Some(k) = self.walker.num(other) else {
            let reasons = self.why_num(other);
            return Some(format!(
                "{value} is censored, and {}: unknown",
                join_and(&reasons)
            ));
        };
        let right = self.num_text(other, k, unit);
        let symbol = op.as_str();
        Some(match truth {
            Truth::True => format!("{value} {symbol} {right} whatever its exact value"),
            Truth::False => format!("{value} is not {symbol} {right} whatever its exact value"),
            Truth::Unknown => {
                format!(
                    "{value} may or may not be {symbol} {right}: its exact value would decide, unknown"
                )
            }
        })
    }

    /// A define's value `raw` (in the unit its expression produces) in the
    /// unit the define is shown in (`define bmi in kg/m2: …`), with that
    /// unit as shown.
    fn in_display_unit(&self, define: DefineId, raw: f64) -> Option<(f64, String)> {
        let define = self.program.defines.get(define.0 as usize)?;
        let (Value::Num(_, Some(own)), Some(display)) = (&define.value, &define.unit) else {
            return None;
        };
        let conversion = own.conversion_to(display).ok()?;
        Some((conversion.apply(raw), shown_unit(display.as_str())?))
    }

    /// For a constant threshold written in another unit than the value
    /// `a` of `lhs` is in: the value in the threshold's unit, the threshold
    /// as written and that unit as shown.
    fn as_written(&self, lhs: &Num, a: f64, rhs: &Num) -> Option<(f64, f64, String)> {
        let Num::Const(b) = rhs else {
            return None;
        };
        let written = self.written(*b)?;
        let (from, (b_written, Some(to))) = (written.unit.as_ref()?, &written.written) else {
            return None;
        };
        let shown = shown_unit(to.as_str())?;
        // The molar mass that let the checker convert the threshold. A
        // field's scale (`Unit::conversion_into`) reads values into the
        // field's unit only, so a threshold on the scale's side is shown
        // converted, as the checker stored it.
        let molar = match lhs {
            Num::Field { field, .. } => match self.field(*field).map(|f| &f.ty) {
                Some(FieldType::Quantity { molar_mass, .. }) => molar_mass.as_ref(),
                _ => None,
            },
            _ => None,
        };
        let conversion = match molar {
            Some(m) => from.conversion_via_molar_mass(to, m),
            None => from.conversion_to(to),
        };
        // A unit spelt otherwise (`mcL`, `uL`) gives the same numbers: one
        // is enough.
        let conversion = conversion.ok().filter(|c| !c.is_identity())?;
        Some((conversion.apply(a), *b_written, shown))
    }

    /// The record's reference limit for a field.
    fn limit(&mut self, field: FieldRef, limit: Limit) -> Option<f64> {
        match self.walker.value(field).as_ref() {
            FieldValue::Quantity { low, high, .. } => match limit {
                Limit::Upper => *high,
                Limit::Lower => *low,
            },
            _ => None,
        }
    }

    /// A number's explanation, its value `v` being in `unit`.
    pub(super) fn num_text(&mut self, n: &Num, v: f64, unit: Option<&str>) -> String {
        let shown = self.qty(v, unit);
        let converted = |text: String, conversion: &Conversion| {
            if conversion.is_identity() {
                text
            } else {
                format!("{text} = {shown}")
            }
        };
        let own = |this: &mut Self, n: &Num| {
            let bare = unconverted(n)?;
            Some((this.walker.num(&bare)?, this.unit_of(&bare)))
        };
        match n {
            Num::Const(_) => self.qty(v, unit),
            Num::Field { field, conversion } => {
                let (raw, raw_unit) = own(self, n).unwrap_or((v, None));
                let text = format!(
                    "{} {}{}",
                    self.name(*field),
                    self.qty(raw, raw_unit.as_deref()),
                    self.from(*field)
                );
                converted(text, conversion)
            }
            Num::Define { define, conversion } => {
                let (raw, raw_unit) = own(self, n).unwrap_or((v, None));
                let name = self.define_name(*define);
                let value = match self.in_display_unit(*define, raw) {
                    Some((value, unit)) => self.qty(value, Some(&unit)),
                    None => self.qty(raw, raw_unit.as_deref()),
                };
                converted(format!("{name} {value}"), conversion)
            }
            Num::Limit { limit, factor, .. } => {
                let word = limit_word(*limit);
                format!(
                    "{} × {word} = {}",
                    format_number(*factor),
                    self.qty(v, unit)
                )
            }
            Num::DateDiff {
                unit: calendar,
                from,
                to,
                conversion,
            } => match (self.walker.date(from), self.walker.date(to)) {
                (Some(f), Some(t)) => {
                    let whole = whole_units(*calendar, f.into(), t.into()).unwrap_or(v);
                    let text = format!(
                        "{} between {} and {} = {}",
                        calendar.as_str(),
                        self.date_text(from, f),
                        self.date_text(to, t),
                        self.qty(whole, Some(calendar.as_str()))
                    );
                    converted(text, conversion)
                }
                _ => self.qty(v, unit),
            },
            Num::Convert { inner, .. } => {
                let inner_unit = self.unit_of(inner);
                match self.walker.num(inner) {
                    Some(x) => {
                        let inner_text = self.num_text(inner, x, inner_unit.as_deref());
                        format!("{inner_text} = {}", self.qty(v, unit))
                    }
                    None => self.qty(v, unit),
                }
            }
            Num::Neg(inner) => match (inner.as_ref(), self.walker.num(inner)) {
                (Num::Const(_), _) | (_, None) => self.qty(v, unit),
                (_, Some(x)) => format!("minus ({})", self.num_text(inner, x, unit)),
            },
            Num::Arith { op, lhs, rhs } => {
                let (Some(a), Some(b)) = (self.walker.num(lhs), self.walker.num(rhs)) else {
                    return self.qty(v, unit);
                };
                let left_unit = self.unit_of(lhs);
                let right_unit = match op {
                    // The right side was converted into the left's unit.
                    ArithOp::Add | ArithOp::Sub => left_unit.clone(),
                    // `weight / 1 kg`, a formula's way to a plain number,
                    // where another constant 1 hides how this one was
                    // written (constants are found by value): nobody
                    // divides by a bare 1, so it is in the left's unit.
                    ArithOp::Div
                        if matches!(**rhs, Num::Const(k) if k == 1.0)
                            && self.unit(rhs).is_none() =>
                    {
                        left_unit.clone()
                    }
                    ArithOp::Mul | ArithOp::Div => self.unit_of(rhs),
                };
                let symbol = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "×",
                    ArithOp::Div => "/",
                };
                let l = self.num_text(lhs, a, left_unit.as_deref());
                let r = self.num_text(rhs, b, right_unit.as_deref());
                format!("({l} {symbol} {r} = {})", self.qty(v, unit))
            }
            Num::Choose(choice) => self.choice_num_text(choice, v, unit),
            Num::Formula(call) => self.formula_text(call, v, unit),
            Num::OverList(over) => self.over_num_text(over, v, unit),
            Num::Call { func, args } => self.call_text(*func, args, v, unit),
            Num::Count { list, .. } => {
                let n = self.walker.elements_of(*list).map_or(0, <[_]>::len);
                format!(
                    "the count of {} {} (of {n})",
                    self.name(*list),
                    self.qty(v, unit)
                )
            }
        }
    }

    /// `start_date 2026-10-01 is before index 2026-11-24 (54 days earlier)`.
    pub(super) fn compare_date(
        &mut self,
        truth: Truth,
        op: CompareOp,
        lhs: &DateVal,
        rhs: &DateVal,
    ) -> String {
        let (Some(a), Some(b)) = (self.walker.date(lhs), self.walker.date(rhs)) else {
            let mut reasons = self.why_date(lhs);
            push_unique(&mut reasons, self.why_date(rhs));
            return format!("{}: unknown", join_and(&reasons));
        };
        let not = match op {
            CompareOp::Eq | CompareOp::Ne if a == b => "",
            CompareOp::Eq | CompareOp::Ne => "not ",
            _ if truth == Truth::True => "",
            _ => "not ",
        };
        let days = whole_units(CalendarUnit::Days, b.into(), a.into()).unwrap_or(0.0);
        let apart = if days < 0.0 {
            format!(" ({} earlier)", plural(-days, "day"))
        } else if days > 0.0 {
            format!(" ({} later)", plural(days, "day"))
        } else {
            String::new()
        };
        let (l, r) = (self.date_text(lhs, a), self.date_text(rhs, b));
        format!("{l} is {not}{} {r}{apart}", date_word(op))
    }

    /// `birth_date 1970-05-01`, `index 2026-11-24`, `index 2026-11-24 - 1
    /// months = 2026-10-24`.
    pub(super) fn date_text(&mut self, d: &DateVal, value: Date) -> String {
        match d {
            DateVal::Field(f) => format!("{} {value}{}", self.name(*f), self.from(*f)),
            DateVal::Index => format!("index {value}"),
            DateVal::Define(id) => format!("{} {value}", self.define_name(*id)),
            DateVal::Choose(choice) => self.choice_date_text(choice, value),
            DateVal::OverList(over) => self.over_date_text(over, value),
            DateVal::Shift { date, by } => {
                let inner = match self.walker.date(date) {
                    Some(x) => self.date_text(date, x),
                    None => "?".to_owned(),
                };
                let sign = if by.amount < 0.0 { "-" } else { "+" };
                let by = duration(by.amount.abs(), by.unit);
                format!("{inner} {sign} {by} = {value}")
            }
            DateVal::ShiftBy { date, by, unit } => {
                let inner = match self.walker.date(date) {
                    Some(x) => self.date_text(date, x),
                    None => "?".to_owned(),
                };
                let amount = self.walker.num(by).unwrap_or(f64::NAN);
                let sign = if amount < 0.0 { "-" } else { "+" };
                let by = duration(amount.abs(), *unit);
                // The moved point in time, which may fall within a day.
                let at = match self.walker.moment(d) {
                    Some(m) if m != jiff::civil::DateTime::from(value) => m.to_string(),
                    _ => value.to_string(),
                };
                format!("{inner} {sign} {by} = {at}")
            }
        }
    }

    /// Why a number is unknown: `alt is missing`, `creatinine 150 umol/L has
    /// no ULN in the record`, `birth_date is missing (for age)`.
    pub(super) fn why_num(&mut self, n: &Num) -> Vec<String> {
        if self.walker.num(n).is_some() {
            return Vec::new();
        }
        match n {
            Num::Const(_) => Vec::new(),
            Num::Field { field, .. } => vec![self.missing(*field)],
            Num::Limit { field, limit, .. } => match self.walker.value(*field).as_ref() {
                FieldValue::Quantity { value, .. } => {
                    let unit = self.field_unit(*field).and_then(|u| shown_unit(u.as_str()));
                    let value = qty(*value, unit.as_deref());
                    let word = limit_word(*limit);
                    vec![format!(
                        "{} {value} has no {word} in the record",
                        self.name(*field)
                    )]
                }
                _ => vec![self.missing(*field)],
            },
            Num::Define { define, .. } => {
                if let Some(known) = self.reasons_of(*define) {
                    return known;
                }
                let name = self.define_name(*define);
                let reasons = match self
                    .program
                    .defines
                    .get(define.0 as usize)
                    .map(|d| &d.value)
                {
                    Some(Value::Num(inner, _)) => self.why_num(inner),
                    _ => Vec::new(),
                };
                let reasons: Vec<String> = reasons
                    .into_iter()
                    .map(|r| format!("{r} (for {name})"))
                    .collect();
                self.keep_reasons(*define, &reasons);
                reasons
            }
            Num::Convert { inner, .. } | Num::Neg(inner) => self.why_num(inner),
            Num::Arith { op, lhs, rhs } => {
                let mut reasons = self.why_num(lhs);
                push_unique(&mut reasons, self.why_num(rhs));
                if reasons.is_empty() {
                    let what = if *op == ArithOp::Div {
                        "a division by zero"
                    } else {
                        "an overflow"
                    };
                    reasons.push(format!("{what} gives no number"));
                }
                reasons
            }
            Num::Count { list, condition } => {
                let Some(elements) = self.walker.elements_of(*list) else {
                    return vec![self.missing(*list)];
                };
                let name = self.name(*list);
                let each = self.each(*list, elements, condition);
                let unknown: Vec<String> = (each.iter().enumerate())
                    .filter(|(_, (t, _))| *t == Truth::Unknown)
                    .map(|(i, (_, text))| {
                        let text = text.strip_suffix(": unknown").unwrap_or(text);
                        format!("{name}[{i}]: {text}")
                    })
                    .collect();
                vec![format!(
                    "the count of {name} is unknown ({})",
                    unknown.join("; ")
                )]
            }
            Num::DateDiff { from, to, .. } => {
                let mut reasons = self.why_date(from);
                push_unique(&mut reasons, self.why_date(to));
                reasons
            }
            Num::Choose(choice) => self.why_choice(choice, Self::why_num),
            Num::Formula(call) => self.why_formula(call),
            Num::OverList(over) => self.why_over(over, |this, n| this.walker.num(n), Self::why_num),
            Num::Call { func, args } => self.why_call(*func, args),
        }
    }

    /// Why a date is unknown.
    pub(super) fn why_date(&mut self, d: &DateVal) -> Vec<String> {
        if self.walker.date(d).is_some() {
            return Vec::new();
        }
        match d {
            DateVal::Field(f) => vec![self.missing(*f)],
            DateVal::Index => Vec::new(),
            DateVal::Choose(choice) => self.why_choice(choice, Self::why_date),
            DateVal::OverList(over) => {
                self.why_over(over, |this, d| this.walker.moment(d), Self::why_date)
            }
            DateVal::Define(id) => {
                if let Some(known) = self.reasons_of(*id) {
                    return known;
                }
                let name = self.define_name(*id);
                let reasons = match self.program.defines.get(id.0 as usize).map(|d| &d.value) {
                    Some(Value::Date(inner)) => self.why_date(inner),
                    _ => Vec::new(),
                };
                let reasons: Vec<String> = reasons
                    .into_iter()
                    .map(|r| format!("{r} (for {name})"))
                    .collect();
                self.keep_reasons(*id, &reasons);
                reasons
            }
            DateVal::Shift { date, by } => {
                let reasons = self.why_date(date);
                if reasons.is_empty() {
                    vec![format!(
                        "{} is not a calendar move",
                        duration(by.amount, by.unit)
                    )]
                } else {
                    reasons
                }
            }
            DateVal::ShiftBy { date, by, unit } => {
                let mut reasons = self.why_date(date);
                if reasons.is_empty() {
                    reasons = self.why_num(by);
                }
                if reasons.is_empty() {
                    let amount = self.walker.num(by).unwrap_or(f64::NAN);
                    reasons.push(format!(
                        "{} is not a calendar move",
                        duration(amount, *unit)
                    ));
                }
                reasons
            }
        }
    }

    fn missing(&self, f: FieldRef) -> String {
        match self.walker.censored_value(f) {
            Some(c) => format!(
                "{} is censored ({}{}{}), which only a comparison with a number can use",
                self.name(f),
                c.censored.censor.as_str(),
                format_number(c.censored.bound),
                self.field_unit(f)
                    .map_or_else(String::new, |u| format!(" {u}"))
            ),
            None => format!("{} is missing{}", self.name(f), self.absent(f)),
        }
    }

    pub(super) fn num_names(&self, n: &Num, names: &mut Vec<String>) {
        match n {
            Num::Const(_) => {}
            Num::Field { field, .. }
            | Num::Limit { field, .. }
            | Num::Count { list: field, .. } => {
                push_unique(names, [self.name(*field)]);
            }
            Num::Define { define, .. } => push_unique(names, [self.define_name(*define)]),
            Num::Convert { inner, .. } | Num::Neg(inner) => self.num_names(inner, names),
            Num::Arith { lhs, rhs, .. } => {
                self.num_names(lhs, names);
                self.num_names(rhs, names);
            }
            Num::DateDiff { from, to, .. } => {
                self.date_names(from, names);
                self.date_names(to, names);
            }
            Num::Choose(choice) => self.choice_names(choice, names, Self::num_names),
            Num::Call { args, .. } => args.iter().for_each(|a| self.num_names(a, names)),
            Num::Formula(call) => self.formula_names(call, names),
            Num::OverList(over) => self.over_names(over, names),
        }
    }

    pub(super) fn date_names(&self, d: &DateVal, names: &mut Vec<String>) {
        match d {
            DateVal::Field(f) => push_unique(names, [self.name(*f)]),
            DateVal::Index => {}
            DateVal::Define(id) => push_unique(names, [self.define_name(*id)]),
            DateVal::Choose(choice) => self.choice_names(choice, names, Self::date_names),
            DateVal::OverList(over) => self.over_names(over, names),
            DateVal::Shift { date, .. } => self.date_names(date, names),
            DateVal::ShiftBy { date, by, .. } => {
                self.date_names(date, names);
                self.num_names(by, names);
            }
        }
    }
}
