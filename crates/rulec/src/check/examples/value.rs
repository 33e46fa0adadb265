//! An example's values: each checked against its field's type and held in
//! the form a record holds it, quantities converted into the field's unit
//! by the rule records are read with.

use std::collections::{HashMap, HashSet};

use super::Given;
use crate::check::diagnostic::CheckError;
use crate::check::program::{Duration, DurationUnit};
use crate::schema::{Field, FieldType, FieldValue, Schema, Slot};
use crate::suggest::closest;
use crate::syntax::{
    BinaryOp, ExampleEntry, ExampleValue, Expr, ExprKind, Plausible, Span, Spanned, UnaryOp,
    print_expr,
};
use crate::units::Unit;

/// The checker of one file's examples.
pub(super) struct Checker<'a> {
    /// Fields whose declaration has an error: values given them are not
    /// checked, the declaration's error says enough.
    pub(super) poisoned: &'a HashSet<String>,
    pub(super) diagnostics: &'a mut Vec<CheckError>,
    /// How many more did-you-mean suggestions may be looked for.
    pub(super) suggestions: usize,
}

/// A constant as written in an example, before it meets its field.
enum Const {
    Number(f64),
    Quantity(f64, Unit),
    Date(Vec<Duration>),
    Text(String),
    Bool(bool),
    Word(String),
}

impl Const {
    fn describe(&self) -> String {
        match self {
            Const::Number(_) => "a number without a unit".to_owned(),
            Const::Quantity(_, unit) => format!("a quantity in `{unit}` ({})", unit.kind()),
            Const::Date(_) => "a date".to_owned(),
            Const::Text(_) => "text".to_owned(),
            Const::Bool(_) => "a yes/no value".to_owned(),
            Const::Word(word) => format!("the name `{word}`"),
        }
    }
}

/// What a field takes, in words: "a quantity in `g/L` (mass concentration)".
fn takes(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "`true` or `false`".to_owned(),
        FieldType::Integer {
            min: Some(min),
            max: Some(max),
        } => format!("a whole number from {min} to {max}"),
        FieldType::Integer { .. } => "a whole number".to_owned(),
        FieldType::Number => "a number without a unit".to_owned(),
        FieldType::Quantity { unit, .. } => format!("a quantity in `{unit}` ({})", unit.kind()),
        FieldType::Date => "a date".to_owned(),
        FieldType::Text => "text in quotes".to_owned(),
        FieldType::OneOf(members) => format!("one of {}", list(members)),
        FieldType::Ordered(steps) => format!("a step of its scale {}", list(steps)),
        FieldType::SetOf(_) => "a set of its members, `{ … }`".to_owned(),
        FieldType::ListOf(_) => "a list of elements, `[ { … }, … ]`".to_owned(),
    }
}

/// `{a, b, c}`, at most twenty members named.
fn list(members: &[String]) -> String {
    let shown = members.get(..20).unwrap_or(members);
    let more = if members.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!("{{ {}{more} }}", shown.join(", "))
}

impl Checker<'_> {
    /// Reports an example error.
    pub(super) fn report(&mut self, message: String, span: Span, help: Option<String>) {
        self.diagnostics.push(CheckError::Example {
            message,
            span,
            help,
        });
    }

    /// "did you mean `x`?", while suggestions last.
    pub(super) fn suggest<'n>(
        &mut self,
        name: &str,
        candidates: impl Iterator<Item = &'n str>,
    ) -> Option<String> {
        if self.suggestions == 0 {
            return None;
        }
        self.suggestions -= 1;
        closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
    }

    /// The values of a record of `schema` (of the elements of the list
    /// `list`, when there is one), by slot.
    pub(super) fn record(
        &mut self,
        schema: &Schema,
        list: Option<&str>,
        entries: &[ExampleEntry],
    ) -> Vec<(Slot, Given)> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut values = Vec::new();
        for entry in entries {
            let name = &entry.field;
            if let Some(first) = seen.get(name.node.as_str()) {
                self.diagnostics.push(CheckError::Duplicate {
                    what: "value for the field",
                    name: name.node.clone(),
                    span: name.span,
                    first: *first,
                });
                continue;
            }
            seen.insert(&name.node, name.span);
            let Some(slot) = schema.slot(&name.node) else {
                let fields = schema.fields.iter().map(|f| f.name.as_str());
                let help = self.suggest(&name.node, fields);
                let of = list.map_or_else(String::new, |l| format!(" of the elements of `{l}`"));
                self.report(
                    format!("`{}` is not a field{of}", name.node),
                    name.span,
                    help,
                );
                continue;
            };
            let Some(field) = schema.field(slot) else {
                continue;
            };
            if self.poisoned.contains(&field.name) {
                continue;
            }
            if let Some(given) = self.value(field, entry) {
                values.push((slot, given));
            }
        }
        values
    }

    fn value(&mut self, field: &Field, entry: &ExampleEntry) -> Option<Given> {
        let span = entry.value.span;
        let ranged = matches!(
            field.ty,
            FieldType::Quantity {
                normal_range: true,
                ..
            }
        );
        if let (Some(range), false) = (&entry.range, ranged) {
            self.report(
                format!(
                    "`{}` is not declared `with normal range`, so its values take no normal range",
                    field.name
                ),
                range.span,
                None,
            );
            return None;
        }
        match (&field.ty, &entry.value.node) {
            (FieldType::SetOf(members), ExampleValue::Members(names)) => {
                let mut indices = Vec::new();
                for name in names {
                    indices.push(self.member(field, members, name)?);
                }
                indices.sort_unstable();
                indices.dedup();
                Some(Given::Value(FieldValue::Members(indices)))
            }
            (FieldType::ListOf(schema), ExampleValue::List(elements)) => {
                let elements = elements
                    .iter()
                    .map(|element| self.record(schema, Some(&field.name), &element.node))
                    .collect();
                Some(Given::List(elements))
            }
            (FieldType::OneOf(members) | FieldType::Ordered(members), ExampleValue::Expr(e)) => {
                // A member is written as a word, which may read as a
                // number (`1`) or a number with a unit (`3a`): it is the
                // member all the same, as beside the field in a rule.
                let word = match &e.node {
                    ExprKind::Name(name) => name.clone(),
                    ExprKind::Number(n) => n.as_str().to_owned(),
                    ExprKind::Quantity(q) => format!("{}{}", q.value, q.unit.node),
                    ExprKind::Index => "index".to_owned(),
                    ExprKind::Bool(b) => b.to_string(),
                    ExprKind::Text(text) if members.contains(text) => {
                        let help = format!("write the member without quotes: `{text}`");
                        self.mismatch(field, "text", span, Some(help));
                        return None;
                    }
                    _ => {
                        let found = self.constant(e)?.describe();
                        self.mismatch(field, &found, span, None);
                        return None;
                    }
                };
                let name = Spanned::new(word, span);
                let index = self.member(field, members, &name)?;
                Some(Given::Value(FieldValue::Member(index)))
            }
            (_, ExampleValue::Expr(e)) => {
                let constant = self.constant(e)?;
                self.fit(field, constant, e, entry.range.as_ref())
            }
            (_, ExampleValue::Members(_)) => {
                self.mismatch(field, "a set of members", span, None);
                None
            }
            (_, ExampleValue::List(_)) => {
                self.mismatch(field, "a list", span, None);
                None
            }
        }
    }

    /// A constant for a field that is not a `one of`, `set of` or `list of`.
    fn fit(
        &mut self,
        field: &Field,
        constant: Const,
        written: &Expr,
        range: Option<&Spanned<Plausible>>,
    ) -> Option<Given> {
        let span = written.span;
        let value = match (&field.ty, constant) {
            (FieldType::Bool, Const::Bool(b)) => Ok(FieldValue::Bool(b)),
            (FieldType::Integer { min, max }, Const::Number(v)) => {
                crate::schema::integer_value(v, *min, *max)
            }
            (FieldType::Number, Const::Number(v)) => Ok(FieldValue::Number(v)),
            (FieldType::Text, Const::Text(text)) => Ok(FieldValue::Text(text)),
            (FieldType::Date, Const::Text(text)) => {
                crate::schema::parse_date(&text).map(FieldValue::Date)
            }
            (FieldType::Date, Const::Date(shifts)) => return Some(Given::FromIndex(shifts)),
            (FieldType::Quantity { .. }, Const::Quantity(v, unit)) => {
                let value = self.convert(field, v, &unit, span)?;
                let range = match range {
                    None => None,
                    Some(range) => Some((
                        self.limit(field, &range.node.low)?,
                        self.limit(field, &range.node.high)?,
                    )),
                };
                // Whether a record could hold the value (below zero, out
                // of the plausible range) is judged when the example is
                // run, by the rule records are read with.
                Ok(FieldValue::Quantity {
                    value,
                    low: range.map(|r| r.0),
                    high: range.map(|r| r.1),
                })
            }
            (FieldType::Quantity { unit, .. }, Const::Number(_)) => {
                let number = print_expr(written);
                self.report(
                    format!(
                        "`{number}` has no unit, but `{}` is a quantity ({}) in `{unit}`",
                        field.name,
                        unit.kind()
                    ),
                    span,
                    Some(format!("write the unit, for example `{number} {unit}`")),
                );
                return None;
            }
            (_, Const::Word(word)) => {
                let help = match &field.ty {
                    FieldType::SetOf(members) if members.contains(&word) => {
                        format!("write the members of a set in braces: `{{ {word} }}`")
                    }
                    _ => {
                        "an example gives values: a field or define cannot stand for one".to_owned()
                    }
                };
                self.mismatch(field, &format!("the name `{word}`"), span, Some(help));
                return None;
            }
            (_, other) => {
                let help = matches!(field.ty, FieldType::Date)
                    .then(|| "write a date as `index - 17 years` or `\"2025-11-03\"`".to_owned());
                self.mismatch(field, &other.describe(), span, help);
                return None;
            }
        };
        match value {
            Ok(value) => Some(Given::Value(value)),
            Err(reason) => {
                self.report(format!("`{}`: {reason}", field.name), span, None);
                None
            }
        }
    }

    /// A value written in `unit`, in the field's unit.
    fn convert(&mut self, field: &Field, value: f64, unit: &Unit, span: Span) -> Option<f64> {
        let FieldType::Quantity {
            unit: to,
            molar_mass,
            scale,
            ..
        } = &field.ty
        else {
            return None;
        };
        match unit.conversion_into(to, molar_mass.as_ref(), scale.as_ref()) {
            Ok(conversion) => Some(conversion.apply(value)),
            Err(error) => {
                let help = miette::Diagnostic::help(&error).map(|h| h.to_string());
                self.report(format!("`{}`: {error}", field.name), span, help);
                None
            }
        }
    }

    /// An end of a normal range: a quantity, or a number in the field's unit.
    fn limit(&mut self, field: &Field, end: &Expr) -> Option<f64> {
        match self.constant(end)? {
            Const::Number(v) => Some(v),
            Const::Quantity(v, unit) => self.convert(field, v, &unit, end.span),
            other => {
                let found = other.describe();
                self.mismatch(field, &found, end.span, None);
                None
            }
        }
    }

    fn mismatch(&mut self, field: &Field, found: &str, span: Span, help: Option<String>) {
        let message = format!("`{}` takes {}, not {found}", field.name, takes(&field.ty));
        self.report(message, span, help);
    }

    fn member(&mut self, field: &Field, members: &[String], name: &Spanned<String>) -> Option<u32> {
        if let Some(i) = members.iter().position(|m| *m == name.node) {
            return u32::try_from(i).ok();
        }
        let close = self
            .suggest(&name.node, members.iter().map(String::as_str))
            .map(|c| format!("{c} "))
            .unwrap_or_default();
        self.diagnostics.push(CheckError::UnknownMember {
            member: name.node.clone(),
            field: field.name.clone(),
            span: name.span,
            help: format!(
                "{close}the members of `{}` are {}",
                field.name,
                members.join(", ")
            ),
        });
        None
    }

    /// The constant an expression writes, or an error saying it is none.
    fn constant(&mut self, e: &Expr) -> Option<Const> {
        let number = |this: &mut Self, n: &crate::syntax::Number| {
            let value = n.to_f64();
            if value.is_none() {
                this.report(format!("`{n}` is too large a number"), e.span, None);
            }
            value
        };
        match &e.node {
            ExprKind::Number(n) => number(self, n).map(Const::Number),
            ExprKind::Quantity(q) => {
                let unit = match Unit::parse(&q.unit.node) {
                    Ok(unit) => unit,
                    Err(error) => {
                        let span = q.unit.span;
                        self.diagnostics
                            .push(crate::check::items::unit_diagnostic(&error, span));
                        return None;
                    }
                };
                Some(Const::Quantity(number(self, &q.value)?, unit))
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => match self.constant(operand)? {
                Const::Number(v) => Some(Const::Number(-v)),
                Const::Quantity(v, unit) => Some(Const::Quantity(-v, unit)),
                other => {
                    let found = other.describe();
                    self.report(format!("`-` before {found}"), e.span, None);
                    None
                }
            },
            ExprKind::Bool(b) => Some(Const::Bool(*b)),
            ExprKind::Text(text) => Some(Const::Text(text.clone())),
            ExprKind::Index => Some(Const::Date(Vec::new())),
            ExprKind::Name(name) => Some(Const::Word(name.clone())),
            ExprKind::Binary {
                op: op @ (BinaryOp::Add | BinaryOp::Sub),
                lhs,
                rhs,
            } => {
                let Const::Date(mut shifts) = self.constant(lhs)? else {
                    self.not_constant(e.span);
                    return None;
                };
                let by = match self.constant(rhs)? {
                    Const::Quantity(v, unit) => self.duration(v, &unit, rhs.span)?,
                    other => {
                        let found = other.describe();
                        let message = format!("a date moves by a duration, not by {found}");
                        self.report(message, rhs.span, Some(DURATION_HELP.to_owned()));
                        return None;
                    }
                };
                let sign = if *op == BinaryOp::Sub { -1.0 } else { 1.0 };
                shifts.push(Duration {
                    amount: sign * by.amount,
                    unit: by.unit,
                });
                Some(Const::Date(shifts))
            }
            _ => {
                self.not_constant(e.span);
                None
            }
        }
    }

    fn not_constant(&mut self, span: Span) {
        self.report(
            "an example gives each field a value, not a computation".to_owned(),
            span,
            Some(
                "write a number, a quantity, a date (`index - 17 years`, `\"2025-11-03\"`), \
                 text, `true`, `false` or a member"
                    .to_owned(),
            ),
        );
    }

    /// A quantity of time as the duration a date moves by: years and
    /// months in the calendar, shorter units as lengths of time.
    fn duration(&mut self, amount: f64, unit: &Unit, span: Span) -> Option<Duration> {
        let named = DurationUnit::of_ucum(unit.ucum());
        let duration = match named {
            Some(unit) => Duration { amount, unit },
            None => {
                let hours = Unit::parse("h").ok()?;
                match unit.conversion_to(&hours) {
                    Ok(conversion) => Duration {
                        amount: conversion.apply(amount),
                        unit: DurationUnit::Hours,
                    },
                    Err(_) => {
                        let message = format!(
                            "a date moves by a duration, not by a quantity in `{unit}` ({})",
                            unit.kind()
                        );
                        self.report(message, span, Some(DURATION_HELP.to_owned()));
                        return None;
                    }
                }
            }
        };
        if duration.span().is_none() {
            self.report(
                "a date moves by a whole number of years or months".to_owned(),
                span,
                Some("write `18 months` rather than `1.5 years`".to_owned()),
            );
            return None;
        }
        Some(duration)
    }
}

const DURATION_HELP: &str = "write a duration such as `17 years`, `3 months` or `10 days`";
