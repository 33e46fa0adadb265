//! Explaining conditions: facts about the record, `and`/`or` chains with
//! what decided them, groups and list quantifiers.

use std::collections::HashMap;

use crate::check::{Cond, DefineId, FieldRef, ListQuantifier, Program, Value, Written};
use crate::schema::{Field, FieldType, Schema, Source};
use crate::syntax::GroupKind;
use crate::units::Unit;

use super::super::reference::{Walker, shift};
use super::{duration, is_fact, is_simple, join_and, list_of, push_unique};
use crate::schema::{FieldValue, Record};
use crate::semantics::Truth;

/// The constants of a program by the bits of their number: a constant
/// written in two ways that became the same number is shown as neither,
/// since the explainer cannot tell which one it meets.
fn written_by_value(all: &[Written]) -> HashMap<u64, Option<&Written>> {
    let text = |u: &Option<Unit>| u.as_ref().map(|u| u.as_str().to_owned());
    let same = |a: &Written, b: &Written| {
        text(&a.unit) == text(&b.unit)
            && a.written.0.to_bits() == b.written.0.to_bits()
            && text(&a.written.1) == text(&b.written.1)
    };
    let mut by_value: HashMap<u64, Option<&Written>> = HashMap::new();
    for w in all {
        let entry = by_value.entry(w.value.to_bits()).or_insert(Some(w));
        if entry.is_some_and(|seen| !same(seen, w)) {
            *entry = None;
        }
    }
    by_value
}

/// A failed `or` or `any of`: every alternative failed, each said why,
/// one after the other (`neither alternative holds: a is false; b is
/// false`). `;` ends each, so only one that lists with `;` itself needs
/// brackets.
fn failures(parts: Vec<(&Cond, Truth, String)>) -> String {
    let heading = if parts.len() == 2 {
        "neither alternative holds".to_owned()
    } else {
        format!("none of the {} alternatives holds", parts.len())
    };
    let texts: Vec<String> = (parts.into_iter())
        .map(|(_, _, text)| text)
        .map(|text| {
            if text.contains(';') {
                format!("({text})")
            } else {
                text
            }
        })
        .collect();
    format!("{heading}: {}", texts.join("; "))
}

/// A part's explanation as it stands in a larger one: in brackets unless
/// it states a plain fact.
fn part_text(part: &Cond, truth: Truth, text: String) -> String {
    // A failed negation ends `…, so not x fails`: bracketed, it cannot be
    // read as concluding the whole.
    let concludes = matches!(part, Cond::Not(_)) && truth == Truth::False;
    if is_simple(part) && !concludes {
        text
    } else {
        format!("({text})")
    }
}

/// An explanation in brackets unless it states a plain fact.
fn bracketed(c: &Cond, text: String) -> String {
    if is_simple(c) {
        text
    } else {
        format!("({text})")
    }
}

/// Elements shown in a list's explanation before `… and N more`.
const SHOWN: usize = 5;

/// Walks a criterion beside the reference evaluator's [`Walker`], which
/// gives every truth and value shown.
pub(super) struct Explainer<'p, 'r> {
    pub(super) program: &'p Program,
    pub(super) walker: Walker<'p, 'r>,
    /// The element schemas of the lists being walked, innermost last.
    pub(super) schemas: Vec<&'p Schema>,
    /// Significant digits the values of a comparison are shown with.
    pub(super) digits: i32,
    /// The defines already explained in the current criterion's
    /// explanation: each is explained once, then named, so that a define
    /// built from others used twice (`a1: a0 and a0`, …) explains in
    /// linear, not exponential, length.
    expanded: Vec<bool>,
    /// Why each numeric or date define is unknown, once worked out in the
    /// current criterion (the same reasons serve every use).
    reasons: Vec<Option<Vec<String>>>,
    /// How each constant was written, by the bits of the number it
    /// became; `None` where constants written differently became the
    /// same number.
    written: HashMap<u64, Option<&'p Written>>,
    /// Where the record's values came from (FHIR input), by field.
    sources: &'p [Source],
}

impl<'p, 'r> Explainer<'p, 'r> {
    pub(super) fn new(program: &'p Program, walker: Walker<'p, 'r>, sources: &'p [Source]) -> Self {
        Explainer {
            sources,
            program,
            walker,
            schemas: Vec::new(),
            digits: 4,
            expanded: vec![false; program.defines.len()],
            reasons: vec![None; program.defines.len()],
            written: written_by_value(&program.written),
        }
    }

    /// How the constant `value` was written, if only one way.
    pub(super) fn written(&self, value: f64) -> Option<&'p Written> {
        self.written.get(&value.to_bits()).copied().flatten()
    }

    /// Starts a criterion's explanation: every define may be explained
    /// again.
    pub(super) fn start_criterion(&mut self) {
        self.expanded.fill(false);
        self.reasons.fill(None);
    }

    /// The reasons a define is unknown, if already worked out.
    pub(super) fn reasons_of(&self, id: DefineId) -> Option<Vec<String>> {
        self.reasons.get(id.0 as usize).cloned().flatten()
    }

    /// Keeps the reasons a define is unknown for its other uses.
    pub(super) fn keep_reasons(&mut self, id: DefineId, reasons: &[String]) {
        if let Some(cell) = self.reasons.get_mut(id.0 as usize) {
            *cell = Some(reasons.to_vec());
        }
    }

    /// Whether the define is to be explained here: the first time it is
    /// met in the current criterion.
    pub(super) fn first_time(&mut self, id: DefineId) -> bool {
        self.expanded
            .get_mut(id.0 as usize)
            .is_some_and(|seen| !std::mem::replace(seen, true))
    }

    pub(super) fn field(&self, f: FieldRef) -> Option<&'p Field> {
        let schema = if f.depth == 0 {
            Some(&self.program.schema)
        } else {
            let at = self.schemas.len().checked_sub(f.depth as usize);
            at.and_then(|i| self.schemas.get(i)).copied()
        };
        schema?.field(f.slot)
    }

    /// The top-level field's source, if the record has one.
    fn source(&self, f: FieldRef) -> Option<&'p Source> {
        if f.depth != 0 || !self.schemas.is_empty() {
            return None;
        }
        self.sources
            .iter()
            .find(|s| s.slot == f.slot && s.element.is_none())
    }

    /// ` (Observation/9f3, 2026-06-01, LOINC 718-7)` after a value taken
    /// from FHIR; empty otherwise.
    pub(super) fn from(&self, f: FieldRef) -> String {
        match self.source(f) {
            Some(s) if s.absent.is_none() && s.resource.is_some() => format!(" ({})", s.describe()),
            _ => String::new(),
        }
    }

    /// ` (no Observation with LOINC 718-7 within 14 days before …)` after
    /// a missing value that FHIR was searched for; empty otherwise.
    pub(super) fn absent(&self, f: FieldRef) -> String {
        match self.source(f).and_then(|s| s.absent.as_ref()) {
            Some(absent) => format!(" ({absent})"),
            None => String::new(),
        }
    }

    pub(super) fn name(&self, f: FieldRef) -> String {
        self.field(f)
            .map_or_else(|| "?".to_owned(), |f| f.name.clone())
    }

    pub(super) fn define_name(&self, id: DefineId) -> String {
        let define = self.program.defines.get(id.0 as usize);
        define.map_or_else(|| "?".to_owned(), |d| d.name.clone())
    }

    fn member_names(&self, f: FieldRef, indices: &[u32]) -> Vec<&'p str> {
        let members: &[String] = match self.field(f).map(|f| &f.ty) {
            Some(FieldType::OneOf(m) | FieldType::Ordered(m) | FieldType::SetOf(m)) => m,
            _ => &[],
        };
        let name = |i: &u32| members.get(*i as usize).map_or("?", String::as_str);
        indices.iter().map(name).collect()
    }

    /// The members of an `ordered` scale a test accepts, in the words of
    /// the test (`at least III`, `at most 1`, `between 2 and 3b`), when
    /// they are one run of steps and not every step; `None` otherwise.
    fn steps(&self, f: FieldRef, accepted: &[u32]) -> Option<String> {
        let Some(FieldType::Ordered(scale)) = self.field(f).map(|f| &f.ty) else {
            return None;
        };
        let (low, high) = (*accepted.iter().min()?, *accepted.iter().max()?);
        let run = usize::try_from(high - low).ok()? + 1 == accepted.len();
        let last = u32::try_from(scale.len().checked_sub(1)?).ok()?;
        let step = |i: u32| scale.get(i as usize).map(String::as_str);
        match (run, low, high) {
            (false, ..) => None,
            (true, 0, h) if h == last => None,
            (true, l, h) if l == h => None,
            (true, 0, h) => Some(format!("at most {}", step(h)?)),
            (true, l, h) if h == last => Some(format!("at least {}", step(l)?)),
            (true, l, h) => Some(format!("between {} and {}", step(l)?, step(h)?)),
        }
    }

    /// The truth of a condition, as the reference evaluator gives it, and
    /// its explanation.
    pub(super) fn cond(&mut self, c: &Cond) -> (Truth, String) {
        if let Cond::And(..) | Cond::Or(..) = c {
            // The chain computes its truth from its parts.
            return self.chain(c);
        }
        let truth = self.walker.cond(c);
        let missing = |this: &Self, f: &FieldRef| {
            format!("{} is missing{}: unknown", this.name(*f), this.absent(*f))
        };
        let text = match c {
            Cond::Literal(b) => b.to_string(),
            Cond::Field(f) if truth == Truth::Unknown => missing(self, f),
            Cond::Field(f) => format!("{} is {truth}{}", self.name(*f), self.from(*f)),
            Cond::Define(id) => {
                let name = self.define_name(*id);
                match self.program.defines.get(id.0 as usize).map(|d| &d.value) {
                    Some(Value::Cond(inner)) if self.first_time(*id) => {
                        format!("{name} is {truth} because {}", self.cond(inner).1)
                    }
                    Some(Value::Cond(_)) => format!("{name} is {truth} (as above)"),
                    _ => format!("{name} is {truth}"),
                }
            }
            Cond::Not(inner) => self.negation(truth, inner),
            Cond::And(..) | Cond::Or(..) => return self.chain(c),
            Cond::CompareNum { op, lhs, rhs } => self.compare_num(truth, *op, lhs, rhs),
            Cond::CompareDate { op, lhs, rhs } => self.compare_date(truth, *op, lhs, rhs),
            Cond::CompareBool { lhs, rhs, .. } => {
                let ((ta, a), (tb, b)) = (self.cond(lhs), self.cond(rhs));
                let same = match truth {
                    Truth::Unknown => "unknown",
                    _ if ta == tb => "the same",
                    _ => "different",
                };
                format!("({a}) and ({b}): {same}")
            }
            Cond::EnumIn { field, members, .. } => match self.walker.value(*field).as_ref() {
                FieldValue::Member(m) => {
                    let name = self.name(*field);
                    let actual = self.member_names(*field, &[*m]).concat();
                    let named = self.member_names(*field, members);
                    let actual = format!("{actual}{}", self.from(*field));
                    if let Some(words) = self.steps(*field, members) {
                        let not = if members.contains(m) { "" } else { "not " };
                        return (truth, format!("{name} is {actual}, {not}{words}"));
                    }
                    match (members.contains(m), named.as_slice()) {
                        (true, [_]) => format!("{name} is {actual}"),
                        (true, _) => format!("{name} is {actual}, one of {}", list_of(&named)),
                        (false, [one]) => format!("{name} is {actual}, not {one}"),
                        (false, _) => format!("{name} is {actual}, not one of {}", list_of(&named)),
                    }
                }
                _ => missing(self, field),
            },
            Cond::SetHas {
                field,
                members,
                all,
            } => self.set_has(*field, members, *all),
            Cond::Choose(choice) => self.choice_cond_text(choice),
            Cond::TextEq { field, text, .. } => match self.walker.value(*field).as_ref() {
                FieldValue::Text(t) if t == text => format!("{} is {t:?}", self.name(*field)),
                FieldValue::Text(t) => format!("{} is {t:?}, not {text:?}", self.name(*field)),
                _ => missing(self, field),
            },
            Cond::Known { field, .. } => match self.walker.value(*field).as_ref() {
                FieldValue::Missing if self.walker.censored_value(*field).is_none() => {
                    format!("{} is missing{}", self.name(*field), self.absent(*field))
                }
                _ => format!("{} is known", self.name(*field)),
            },
            Cond::Within {
                date,
                window,
                direction,
                anchor,
            } => {
                let (d, a) = (self.walker.date(date), self.walker.date(anchor));
                let Some((d, a)) = d.zip(a) else {
                    let mut reasons = self.why_date(date);
                    push_unique(&mut reasons, self.why_date(anchor));
                    return (truth, format!("{}: unknown", join_and(&reasons)));
                };
                let (dir, sign) = match direction {
                    crate::syntax::Direction::Before => ("before", -1.0),
                    crate::syntax::Direction::After => ("after", 1.0),
                };
                let span = duration(window.amount, window.unit);
                let by = window.toward(*direction);
                let (dt, at) = (self.date_text(date, d), self.date_text(anchor, a));
                match shift(a, &by) {
                    None => format!("{span} {dir} {at} is no date in the calendar: unknown"),
                    Some(edge) => {
                        let (from, to) = if sign < 0.0 { (edge, a) } else { (a, edge) };
                        let not = if truth == Truth::True { "" } else { "not " };
                        format!("{dt} is {not}within {span} {dir} {at} ({from} to {to})")
                    }
                }
            }
            Cond::Group { kind, items } => self.group(truth, *kind, items),
            Cond::ListQuery {
                quantifier,
                list,
                condition,
            } => self.list_query(truth, *quantifier, *list, condition),
        };
        (truth, text)
    }

    /// `not X`: X's explanation, and where X holds, that the negation
    /// therefore fails, so that a part which reads as a pass (`hiv_positive
    /// is true`) never stands unexplained beside a failure.
    fn negation(&mut self, truth: Truth, inner: &Cond) -> String {
        let text = self.cond(inner).1;
        match (truth, inner) {
            (Truth::False, Cond::Field(f)) => format!("{text}, so not {} fails", self.name(*f)),
            (Truth::False, Cond::Define(id)) => {
                format!("{text}, so not {} fails", self.define_name(*id))
            }
            (Truth::False, _) => format!("{}, so the negation fails", bracketed(inner, text)),
            // A fact that fails reads as what the negation wants
            // (`ecg_abnormal is false`), as does an unknown one.
            _ if is_fact(inner) => text,
            (Truth::True, _) => format!("{}, so the negation holds", bracketed(inner, text)),
            (Truth::Unknown, _) => text,
        }
    }

    /// `a and b and c`, `a or b`: the parts the reference evaluates, in
    /// order, and where one decided before the end, what was not needed.
    /// An `or` that fails has had every part evaluated and failed: it says
    /// so first (`neither alternative holds: …`), as a list of failures.
    fn chain(&mut self, c: &Cond) -> (Truth, String) {
        let and = matches!(c, Cond::And(..));
        let mut parts = Vec::new();
        c.operands(and, &mut parts);
        let (mut truth, stop) = if and {
            (Truth::True, Truth::False)
        } else {
            (Truth::False, Truth::True)
        };
        let mut texts = Vec::new();
        let mut decided = parts.len();
        for (i, part) in parts.iter().enumerate() {
            let (t, text) = self.cond(part);
            truth = if and { truth.and(t) } else { truth.or(t) };
            texts.push((*part, t, text));
            if t == stop {
                decided = i + 1;
                break;
            }
        }
        if !and && truth == Truth::False {
            return (truth, failures(texts));
        }
        let mut texts: Vec<String> = (texts.into_iter())
            .map(|(part, t, text)| part_text(part, t, text))
            .collect();
        // Two parts unknown for one reason (the two ends of `x between a
        // and b` with `x` missing) say it once.
        texts.dedup();
        let mut text = texts.join(if and { " and " } else { " or " });
        let (shown, skipped) = parts.split_at_checked(decided).unwrap_or((&parts, &[]));
        if !skipped.is_empty() {
            // Name what was not needed, unless the parts shown name it too
            // (`x >= 90 g/L and x <= 120 g/L`).
            let (mut named, mut names) = (Vec::new(), Vec::new());
            shown.iter().for_each(|p| self.names_in(p, &mut named));
            skipped.iter().for_each(|p| self.names_in(p, &mut names));
            names.retain(|n| !named.contains(n));
            text.push_str(", which decides it");
            if !names.is_empty() {
                text.push_str(&format!(" ({} not needed)", join_and(&names)));
            }
        }
        (truth, text)
    }

    /// The fields and defines a condition names, outside `where` clauses.
    pub(super) fn names_in(&self, c: &Cond, names: &mut Vec<String>) {
        match c {
            Cond::Literal(_) => {}
            Cond::Field(f)
            | Cond::EnumIn { field: f, .. }
            | Cond::SetHas { field: f, .. }
            | Cond::TextEq { field: f, .. }
            | Cond::Known { field: f, .. }
            | Cond::ListQuery { list: f, .. } => push_unique(names, [self.name(*f)]),
            Cond::Define(id) => push_unique(names, [self.define_name(*id)]),
            Cond::Not(a) => self.names_in(a, names),
            Cond::And(a, b) | Cond::Or(a, b) | Cond::CompareBool { lhs: a, rhs: b, .. } => {
                self.names_in(a, names);
                self.names_in(b, names);
            }
            Cond::CompareNum { lhs, rhs, .. } => {
                self.num_names(lhs, names);
                self.num_names(rhs, names);
            }
            Cond::CompareDate { lhs, rhs, .. }
            | Cond::Within {
                date: lhs,
                anchor: rhs,
                ..
            } => {
                self.date_names(lhs, names);
                self.date_names(rhs, names);
            }
            Cond::Group { items, .. } => items.iter().for_each(|i| self.names_in(i, names)),
            Cond::Choose(choice) => self.choice_names(choice, names, Self::names_in),
        }
    }

    /// `has m`, `has any of {…}`, `has all of {…}`: which members the set
    /// has of those named, or lacks.
    fn set_has(&mut self, field: FieldRef, members: &[u32], all: bool) -> String {
        let name = self.name(field);
        let value = self.walker.value(field);
        let FieldValue::Members(present) = value.as_ref() else {
            return format!("{name} is missing{}: unknown", self.absent(field));
        };
        let name = format!("{name}{}", self.from(field));
        let named = self.member_names(field, members);
        let (hits, lacks): (Vec<u32>, Vec<u32>) = members.iter().partition(|m| present.contains(m));
        let (hits, lacks) = (
            self.member_names(field, &hits),
            self.member_names(field, &lacks),
        );
        let has = if present.is_empty() {
            "it is empty".to_owned()
        } else {
            format!("it has {}", list_of(&self.member_names(field, present)))
        };
        match (named.as_slice(), all) {
            ([one], _) if hits.is_empty() => format!("{name} does not have {one} ({has})"),
            ([one], _) => format!("{name} has {one}"),
            (_, false) if hits.is_empty() => {
                format!("{name} has none of {} ({has})", list_of(&named))
            }
            (_, false) => format!(
                "{name} has {} (any of {} is enough)",
                join_and(&hits.iter().map(ToString::to_string).collect::<Vec<_>>()),
                list_of(&named)
            ),
            (_, true) if lacks.is_empty() => format!("{name} has all of {}", list_of(&named)),
            (_, true) => format!(
                "{name} does not have {} (all of {} needed)",
                join_and(&lacks.iter().map(ToString::to_string).collect::<Vec<_>>()),
                list_of(&named)
            ),
        }
    }

    /// `any of (…)`, `all of (…)`, `none of (…)`, `at least N of (…)`:
    /// how many parts are met, and each part.
    /// A failed `any of (…)` reads as a failed `or`.
    fn group(&mut self, truth: Truth, kind: GroupKind, items: &[Cond]) -> String {
        let heading = match kind {
            GroupKind::Any => "any of".to_owned(),
            GroupKind::All => "all of".to_owned(),
            GroupKind::None => "none of".to_owned(),
            GroupKind::AtLeast(n) => format!("at least {n} of"),
        };
        let mut counts = [0_usize; 3];
        let mut texts = Vec::new();
        for item in items {
            let (t, text) = self.cond(item);
            if let Some(count) = counts.get_mut(t as usize) {
                *count += 1;
            }
            texts.push((item, t, text));
        }
        if kind == GroupKind::Any && truth == Truth::False {
            return failures(texts);
        }
        let texts: Vec<String> = (texts.into_iter())
            .map(|(item, t, text)| part_text(item, t, text))
            .collect();
        let [not_met, unknown, met] = counts;
        let summary: Vec<String> = [(met, "met"), (not_met, "not met"), (unknown, "unknown")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        format!("{heading} ({}): {}", summary.join(", "), texts.join("; "))
    }

    /// The truth and explanation of a `where` clause for each element of
    /// a list.
    pub(super) fn each(
        &mut self,
        list: FieldRef,
        elements: &'r [Record],
        c: &Cond,
    ) -> Vec<(Truth, String)> {
        let Some(FieldType::ListOf(schema)) = self.field(list).map(|f| &f.ty) else {
            return Vec::new();
        };
        self.schemas.push(schema);
        let mut each = Vec::new();
        for element in elements {
            self.walker.enter(element);
            each.push(self.cond(c));
            self.walker.leave();
        }
        self.schemas.pop();
        each
    }

    /// An element's first values in words (`d 2025-12-01, kind fungal`),
    /// `…` after the third.
    fn values_of(&mut self, list: FieldRef, element: &'r Record) -> String {
        const VALUES: usize = 3;
        let Some(FieldType::ListOf(schema)) = self.field(list).map(|f| &f.ty) else {
            return String::new();
        };
        self.schemas.push(schema);
        self.walker.enter(element);
        let mut values = Vec::new();
        for slot in (0..schema.fields.len()).filter_map(|i| u32::try_from(i).ok()) {
            let field = FieldRef {
                depth: 1,
                slot: crate::schema::Slot(slot),
            };
            if let Some(text) = self.value_text(field) {
                values.push(format!("{} {text}", self.name(field)));
            }
        }
        self.walker.leave();
        self.schemas.pop();
        if values.len() > VALUES {
            values.truncate(VALUES);
            values.push("…".to_owned());
        }
        values.join(", ")
    }

    /// A field's value in words, if it has one to show.
    fn value_text(&mut self, field: FieldRef) -> Option<String> {
        let unit = match self.field(field).map(|f| &f.ty) {
            Some(FieldType::Quantity { unit, .. }) => super::shown_unit(unit.as_str()),
            _ => None,
        };
        Some(match self.walker.value(field).as_ref() {
            FieldValue::Missing | FieldValue::List(_) => return None,
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::Number(x) => super::format_number(*x),
            FieldValue::Quantity { value, .. } => super::qty(*value, unit.as_deref()),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Text(t) => format!("{t:?}"),
            FieldValue::Member(m) => self.member_names(field, &[*m]).concat(),
            FieldValue::Members(m) => list_of(&self.member_names(field, m)),
        })
    }

    /// `any L where c`, `all …`, `no …`: the elements that decide it, each
    /// with its explanation; elements are counted from 0, as in data errors.
    fn list_query(&mut self, truth: Truth, q: ListQuantifier, list: FieldRef, c: &Cond) -> String {
        let name = self.name(list);
        let Some(elements) = self.walker.elements_of(list) else {
            return format!("{name} is missing: unknown");
        };
        if elements.is_empty() {
            let none = if q == ListQuantifier::All {
                "fails"
            } else {
                "meets"
            };
            return format!("{name} is empty: no element {none} it");
        }
        let each = self.each(list, elements, c);
        let pick = |want: Truth| -> Vec<(usize, &String)> {
            let found = each.iter().enumerate().filter(|(_, (t, _))| *t == want);
            found.map(|(i, (_, text))| (i, text)).collect()
        };
        let listing = |items: Vec<(usize, &String)>| {
            let more = items.len().saturating_sub(SHOWN);
            let shown: Vec<String> = items
                .into_iter()
                .take(SHOWN)
                .map(|(i, text)| format!("{name}[{i}]: {text}"))
                .collect();
            let more = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            format!("{}{more}", shown.join("; "))
        };
        let n = each.len();
        // `the one element of L`, `all 3 elements of L`, `1 of the 3 …`.
        let of_n = |k: usize| match (k, n) {
            (1, 1) => format!("the one element of {name}"),
            _ if k == n => format!("all {n} elements of {name}"),
            _ => format!("{k} of the {n} elements of {name}"),
        };
        let (met, not_met) = (pick(Truth::True), pick(Truth::False));
        let (k_met, k_not) = (met.len(), not_met.len());
        let meet = |k: usize| {
            if k == 1 {
                ("meets", "does")
            } else {
                ("meet", "do")
            }
        };
        match (q, truth) {
            // Counter-examples, each named by its values so that a reader
            // finds it in the record.
            (ListQuantifier::No, Truth::False) => {
                let mut shown = Vec::new();
                for (i, text) in met.iter().take(SHOWN) {
                    let values = elements.get(*i).map(|e| self.values_of(list, e));
                    let values = values.filter(|v| !v.is_empty());
                    let values = values.map_or_else(String::new, |v| format!(" ({v})"));
                    shown.push((format!("{name}[{i}]{values}"), *text));
                }
                let rule = format!("the condition no element of {name} may meet");
                match shown.as_slice() {
                    [(element, text)] => format!("{element} meets {rule}: {text}"),
                    _ => {
                        let more = match k_met.saturating_sub(SHOWN) {
                            0 => String::new(),
                            more => format!("; and {more} more"),
                        };
                        let listed: Vec<String> = shown
                            .iter()
                            .map(|(e, text)| format!("{e}: {text}"))
                            .collect();
                        format!("{} meet {rule}: {}{more}", of_n(k_met), listed.join("; "))
                    }
                }
            }
            (_, Truth::Unknown) => {
                let unknown = pick(Truth::Unknown);
                format!(
                    "it is unknown for {}: {}",
                    of_n(unknown.len()),
                    listing(unknown)
                )
            }
            (ListQuantifier::Any | ListQuantifier::No, _) if met.is_empty() && n == 1 => {
                format!("{} does not meet it: {}", of_n(1), listing(not_met))
            }
            (ListQuantifier::Any | ListQuantifier::No, _) if met.is_empty() => {
                format!(
                    "none of the {n} elements of {name} meets it: {}",
                    listing(not_met)
                )
            }
            (ListQuantifier::Any | ListQuantifier::No, _) | (ListQuantifier::All, Truth::True) => {
                format!("{} {} it: {}", of_n(k_met), meet(k_met).0, listing(met))
            }
            (ListQuantifier::All, _) => {
                format!(
                    "{} {} not meet it: {}",
                    of_n(k_not),
                    meet(k_not).1,
                    listing(not_met)
                )
            }
        }
    }
}
