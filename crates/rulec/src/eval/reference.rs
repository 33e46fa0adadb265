//! The reference evaluator: a plain walk over the checked program.
//!
//! It is written for obviousness, not speed: it is the oracle the compiled
//! closures are tested against, and the semantics of DESIGN §3 in one place.

mod censored;

use std::borrow::Cow;

use jiff::civil::{Date, DateTime};

use crate::check::{
    Choice, Cond, DateVal, DefineId, Duration, FieldRef, ListQuantifier, Num, OverList, Program,
    Value, moved,
};
use crate::syntax::{Direction, GroupKind, Limit};

use crate::schema::{FieldValue, Record};
use crate::semantics::{
    Chosen, Seen, Truth, first_known, group, has_members, holds, if_then_else, is_member, pick,
    whole_units,
};

/// A define's value for the record being evaluated.
#[derive(Clone, Debug)]
enum Cached {
    Truth(Truth),
    Num(Option<f64>),
    Date(Option<DateTime>),
}

/// Evaluation state for one record.
pub(crate) struct Walker<'p, 'r> {
    program: &'p Program,
    index: Date,
    record: &'r Record,
    /// The list elements a `where` clause is looking at, innermost last.
    elements: Vec<&'r Record>,
    /// Defines, evaluated at most once per record, with the record fields
    /// each read while missing (noted again at every use).
    defines: Vec<Option<(Cached, Vec<u32>)>>,
    /// Record fields read while missing, by slot.
    pub(crate) missing: Vec<u32>,
    /// The record's list fields whose elements are in view, outermost
    /// first: a missing element field is reported as its list.
    roots: Vec<u32>,
}

impl<'p, 'r> Walker<'p, 'r> {
    pub(crate) fn new(program: &'p Program, record: &'r Record, index: Date) -> Self {
        Walker {
            program,
            index,
            record,
            elements: Vec::new(),
            defines: vec![None; program.defines.len()],
            missing: Vec::new(),
            roots: Vec::new(),
        }
    }

    pub(crate) fn value(&mut self, field: FieldRef) -> Cow<'r, FieldValue> {
        let record = if field.depth == 0 {
            self.record
        } else {
            let index = self.elements.len().checked_sub(field.depth as usize);
            match index.and_then(|i| self.elements.get(i)) {
                Some(element) => element,
                None => return Cow::Owned(FieldValue::Missing),
            }
        };
        let value = record.get(field.slot);
        if field.depth > 0
            && matches!(*value, FieldValue::Missing)
            && let Some(root) = self.roots.first().copied()
            && !self.missing.contains(&root)
        {
            self.missing.push(root);
        }
        if field.depth == 0
            && matches!(*value, FieldValue::Missing)
            && !self.missing.contains(&field.slot.0)
        {
            self.missing.push(field.slot.0);
        }
        value
    }

    fn define(&mut self, id: DefineId) -> Option<Cached> {
        if let Some(Some((cached, missing))) = self.defines.get(id.0 as usize) {
            let (cached, missing) = (cached.clone(), missing.clone());
            for slot in missing {
                if !self.missing.contains(&slot) {
                    self.missing.push(slot);
                }
            }
            return Some(cached);
        }
        let define = self.program.defines.get(id.0 as usize)?;
        // Defines are checked in the record's scope: no list element is in
        // view while one is evaluated.
        let elements = std::mem::take(&mut self.elements);
        let outer_missing = std::mem::take(&mut self.missing);
        let cached = match &define.value {
            Value::Cond(c) => Cached::Truth(self.cond(c)),
            Value::Num(n, _) => Cached::Num(self.num(n)),
            Value::Date(d) => Cached::Date(self.moment(d)),
        };
        self.elements = elements;
        let read_missing = std::mem::replace(&mut self.missing, outer_missing);
        for slot in &read_missing {
            if !self.missing.contains(slot) {
                self.missing.push(*slot);
            }
        }
        if let Some(cell) = self.defines.get_mut(id.0 as usize) {
            *cell = Some((cached.clone(), read_missing));
        }
        Some(cached)
    }

    pub(crate) fn cond(&mut self, c: &Cond) -> Truth {
        match c {
            Cond::Literal(b) => Truth::from_bool(*b),
            Cond::Field(f) => match self.value(*f).as_ref() {
                FieldValue::Bool(b) => Truth::from_bool(*b),
                _ => Truth::Unknown,
            },
            Cond::Define(id) => match self.define(*id) {
                Some(Cached::Truth(t)) => t,
                _ => Truth::Unknown,
            },
            Cond::Not(inner) => self.cond(inner).not(),
            Cond::And(a, b) => self.cond(a).and_then(|| self.cond(b)),
            Cond::Or(a, b) => self.cond(a).or_else(|| self.cond(b)),
            Cond::CompareNum { op, lhs, rhs } => {
                if let Some(truth) = self.compare_censored(*op, lhs, rhs) {
                    return truth;
                }
                let (a, b) = (self.num(lhs), self.num(rhs));
                Truth::from_option(a.zip(b).map(|(a, b)| holds(*op, a, b)))
            }
            Cond::CompareDate { op, lhs, rhs } => {
                let (a, b) = (self.moment(lhs), self.moment(rhs));
                Truth::from_option(a.zip(b).map(|(a, b)| holds(*op, a, b)))
            }
            Cond::CompareBool { equal, lhs, rhs } => {
                let (a, b) = (self.cond(lhs), self.cond(rhs));
                let same = a.equals(b);
                if *equal { same } else { same.not() }
            }
            Cond::EnumIn {
                field,
                members,
                negated,
            } => match self.value(*field).as_ref() {
                FieldValue::Member(m) => Truth::from_bool(is_member(*m, members, *negated)),
                _ => Truth::Unknown,
            },
            Cond::SetHas {
                field,
                members,
                all,
            } => match self.value(*field).as_ref() {
                FieldValue::Members(present) => {
                    Truth::from_bool(has_members(members, *all, |m| present.contains(&m)))
                }
                _ => Truth::Unknown,
            },
            Cond::TextEq {
                field,
                text,
                negated,
            } => match self.value(*field).as_ref() {
                FieldValue::Text(t) => Truth::from_bool((t == text) != *negated),
                _ => Truth::Unknown,
            },
            Cond::Known { field, known } => {
                // A censored value is known: only its exact value is not.
                let present = self.censored_value(*field).is_some()
                    || !matches!(*self.value(*field), FieldValue::Missing);
                Truth::from_bool(present == *known)
            }
            Cond::Within {
                date,
                window,
                direction,
                anchor,
            } => {
                let (d, a) = (self.moment(date), self.moment(anchor));
                let Some((d, a)) = d.zip(a) else {
                    return Truth::Unknown;
                };
                let by = window.toward(*direction);
                let Some(edge) = by.span().and_then(|span| moved(a, span)) else {
                    return Truth::Unknown;
                };
                let (from, to) = if *direction == Direction::Before {
                    (edge, a)
                } else {
                    (a, edge)
                };
                Truth::from_bool(from <= d && d <= to)
            }
            Cond::Group { kind, items } => {
                let truths: Vec<Truth> = items.iter().map(|i| self.cond(i)).collect();
                group(*kind, &truths)
            }
            Cond::Choose(choice) => self.choose(choice, Self::cond),
            Cond::ListQuery {
                quantifier,
                list,
                condition,
            } => {
                let Some(elements) = self.elements_of(*list) else {
                    return Truth::Unknown;
                };
                let truths = self.each(*list, elements, condition);
                let kind = match quantifier {
                    ListQuantifier::Any => GroupKind::Any,
                    ListQuantifier::All => GroupKind::All,
                    ListQuantifier::No => GroupKind::None,
                };
                group(kind, &truths)
            }
        }
    }

    /// Puts a list element in view as the innermost (depth 1), for the
    /// explainer, which walks a `where` clause itself; [`Walker::leave`]
    /// takes it out of view again.
    pub(crate) fn enter(&mut self, element: &'r Record) {
        self.elements.push(element);
    }

    /// Takes the innermost list element out of view.
    pub(crate) fn leave(&mut self) {
        self.elements.pop();
    }

    pub(crate) fn elements_of(&mut self, list: FieldRef) -> Option<&'r [Record]> {
        match self.value(list) {
            Cow::Borrowed(FieldValue::List(elements)) => Some(elements),
            _ => None,
        }
    }

    /// The condition's truth for each element of the list `list`.
    fn each(&mut self, list: FieldRef, elements: &'r [Record], condition: &Cond) -> Vec<Truth> {
        let root = list.depth == 0;
        if root {
            self.roots.push(list.slot.0);
        }
        let truths = elements
            .iter()
            .map(|element| {
                self.elements.push(element);
                let t = self.cond(condition);
                self.elements.pop();
                t
            })
            .collect();
        if root {
            self.roots.pop();
        }
        truths
    }

    pub(crate) fn num(&mut self, n: &Num) -> Option<f64> {
        match n {
            Num::Const(v) => Some(*v),
            Num::Field { field, conversion } => match self.value(*field).as_ref() {
                FieldValue::Number(v) => Some(conversion.apply(*v)),
                FieldValue::Quantity { value, .. } => Some(conversion.apply(*value)),
                _ => None,
            },
            Num::Limit {
                field,
                limit,
                factor,
            } => match self.value(*field).as_ref() {
                FieldValue::Quantity { low, high, .. } => {
                    let bound = if *limit == Limit::Upper { high } else { low };
                    if bound.is_none() && field.depth == 0 && !self.missing.contains(&field.slot.0)
                    {
                        // The value is there but its reference range, which
                        // would decide, is not: the field is what to ask for.
                        self.missing.push(field.slot.0);
                    }
                    bound.map(|b| factor * b)
                }
                _ => None,
            },
            Num::Define { define, conversion } => match self.define(*define) {
                Some(Cached::Num(v)) => v.map(|v| conversion.apply(v)),
                _ => None,
            },
            Num::Convert { inner, conversion } => self.num(inner).map(|v| conversion.apply(v)),
            Num::Neg(inner) => self.num(inner).map(|v| -v),
            Num::Arith { op, lhs, rhs } => {
                let (a, b) = (self.num(lhs)?, self.num(rhs)?);
                op.apply(a, b)
            }
            Num::Choose(choice) => self.choose(choice, Self::num),
            Num::Formula(call) => self.num(&call.body),
            Num::OverList(over) => {
                let seen = self.seen(over, Self::num)?;
                over.kind.of_numbers(&seen)
            }
            Num::Call { func, args } => {
                // Each argument in turn, none after the first unknown one.
                let values = args
                    .iter()
                    .map(|a| self.num(a))
                    .collect::<Option<Vec<f64>>>()?;
                func.apply(&values)
            }
            Num::Count { list, condition } => {
                let elements = self.elements_of(*list)?;
                let truths = self.each(*list, elements, condition);
                // A count is known only when every element's condition is.
                if truths.contains(&Truth::Unknown) {
                    return None;
                }
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "lists are far shorter than 2^53"
                )]
                Some(truths.iter().filter(|t| **t == Truth::True).count() as f64)
            }
            Num::DateDiff {
                unit,
                from,
                to,
                conversion,
            } => {
                let (from, to) = (self.moment(from)?, self.moment(to)?);
                let whole = whole_units(*unit, from, to)?;
                Some(conversion.apply(whole))
            }
        }
    }

    /// A value chosen by `first known of` or `if`, each operand valued by
    /// `value`, by the one rule of [`crate::semantics`].
    pub(crate) fn choose<T, V: Chosen>(
        &mut self,
        choice: &Choice<T>,
        value: fn(&mut Self, &T) -> V,
    ) -> V {
        match choice {
            Choice::FirstKnown(items) => first_known(self, items, value),
            Choice::If {
                cond,
                then,
                otherwise,
            } => {
                let truth = self.cond(cond);
                if_then_else(self, truth, |w| value(w, then), |w| value(w, otherwise))
            }
        }
    }

    /// Each element of a list as a function of its elements sees it: its
    /// condition, then (where it may count) its date and its value; `None`
    /// when the list is missing.
    pub(crate) fn seen<T, V>(
        &mut self,
        over: &OverList<T>,
        value: fn(&mut Self, &T) -> Option<V>,
    ) -> Option<Vec<Seen<V>>> {
        let elements = self.elements_of(over.list)?;
        let root = over.list.depth == 0;
        if root {
            self.roots.push(over.list.slot.0);
        }
        let mut seen = Vec::with_capacity(elements.len());
        for element in elements {
            self.elements.push(element);
            let counts = over
                .condition
                .as_ref()
                .map_or(Truth::True, |c| self.cond(c));
            let (at, v) = if counts == Truth::False {
                (None, None)
            } else {
                let at = over.at.as_ref().and_then(|d| self.moment(d));
                (at, value(self, &over.value))
            };
            self.elements.pop();
            seen.push(Seen {
                counts,
                value: v,
                at,
            });
        }
        if root {
            self.roots.pop();
        }
        Some(seen)
    }

    /// The calendar day a date value falls on (for explanations, which
    /// show days).
    pub(crate) fn date(&mut self, d: &DateVal) -> Option<Date> {
        self.moment(d).map(|m| m.date())
    }

    /// A date value as a point in time: a date is its midnight, and exact
    /// durations may move it to another time of day.
    pub(crate) fn moment(&mut self, d: &DateVal) -> Option<DateTime> {
        match d {
            DateVal::Field(f) => match self.value(*f).as_ref() {
                FieldValue::Date(d) => Some(DateTime::from(*d)),
                _ => None,
            },
            DateVal::Index => Some(DateTime::from(self.index)),
            DateVal::Define(id) => match self.define(*id) {
                Some(Cached::Date(d)) => d,
                _ => None,
            },
            DateVal::Choose(choice) => self.choose(choice, Self::moment),
            DateVal::OverList(over) => {
                let seen = self.seen(over, Self::moment)?;
                pick(over.kind, &seen)
            }
            DateVal::Shift { date, by } => moved(self.moment(date)?, by.span()?),
            DateVal::ShiftBy { date, by, unit } => {
                let at = self.moment(date)?;
                let amount = self.num(by)?;
                let by = Duration {
                    amount,
                    unit: *unit,
                };
                moved(at, by.span()?)
            }
        }
    }
}

/// The days a window of `by` from `date` reaches, for explanations: the
/// last whole day the window covers (a window of 36 hours after a date
/// covers that day and the next), found on the time line
/// [`Duration::span`] defines.
pub(crate) fn shift(date: Date, by: &Duration) -> Option<Date> {
    let edge = moved(DateTime::from(date), by.span()?)?;
    let day = edge.date();
    if by.amount < 0.0 && edge != DateTime::from(day) {
        // A window back to noon of some day covers only the days after it.
        day.tomorrow().ok()
    } else {
        Some(day)
    }
}
