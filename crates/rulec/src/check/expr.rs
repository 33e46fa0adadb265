//! Typing expressions: names resolved, units checked and converted, every
//! syntax node turned into its typed form or into a diagnostic.
//!
//! An ill-typed node becomes [`Typed::Error`], which absorbs every further
//! complaint about the expression it stands in, so one mistake is reported
//! once and checking goes on.

use std::collections::{HashMap, HashSet};

use crate::syntax::{self, CompareOp, Expr, ExprKind, Limit, Span, UnaryOp};
use crate::units::{Conversion, MolarMass, Scale, Unit, UnitError};

use super::diagnostic::CheckError;
use super::program::*;
use crate::schema::{Field, FieldType, Schema};
use crate::suggest::closest;
use field::field_typed;

mod choose;
mod field;
mod formula;
mod ops;
mod ordinal;
mod over;

/// What an expression turned out to be.
#[derive(Clone, Debug)]
pub(crate) enum Typed {
    Cond(Cond),
    Num(NumTyped),
    Date(DateVal),
    Enum {
        field: FieldRef,
        name: String,
        members: Vec<String>,
        /// An `ordered` scale: its members compare by their order.
        ordered: bool,
    },
    Set {
        field: FieldRef,
        name: String,
        members: Vec<String>,
    },
    Text {
        field: FieldRef,
    },
    TextLit(String),
    List {
        field: FieldRef,
        name: String,
    },
    Multiple {
        factor: f64,
        limit: Limit,
    },
    /// A name that is no field or define: an enum member if the context
    /// wants one, an unknown name otherwise.
    Unresolved(String),
    Error,
}

/// A duration as typed: a constant, or a number computed per record.
pub(crate) enum DurationTyped {
    Const(Duration),
    Computed(Num, DurationUnit),
}

/// A number with its unit and, for messages and checks, where it came
/// from.
#[derive(Clone, Debug)]
pub(crate) struct NumTyped {
    pub(crate) num: Num,
    pub(crate) unit: Option<Unit>,
    pub(crate) origin: Origin,
}

#[derive(Clone, Debug)]
pub(crate) enum Origin {
    /// A literal, as written.
    Const(String),
    /// A numeric field.
    Field(Box<FieldInfo>),
    /// A define, by name.
    Define(String),
    /// A clinical formula's value, with the molar mass of the analyte it
    /// gives where it is one (corrected calcium).
    Formula {
        /// The formula's name.
        name: &'static str,
        /// The analyte's molar mass.
        molar_mass: Option<MolarMass>,
    },
    /// A computation.
    Other,
}

#[derive(Clone, Debug)]
pub(crate) struct FieldInfo {
    pub(crate) name: String,
    pub(crate) field: FieldRef,
    pub(crate) range: Option<(Option<i64>, Option<i64>)>,
    pub(crate) normal_range: bool,
    pub(crate) molar_mass: Option<MolarMass>,
    pub(crate) scale: Option<Scale>,
}

/// Checker state shared by every expression of a file.
pub(crate) struct Ctx<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) define_asts: HashMap<&'a str, &'a syntax::Define>,
    pub(crate) checked: HashMap<String, DefineId>,
    pub(crate) defines: Vec<Define>,
    pub(crate) visiting: Vec<String>,
    pub(crate) diagnostics: Vec<CheckError>,
    pub(crate) used: HashSet<u32>,
    /// Schemas of the list elements being looked at, innermost last.
    pub(crate) scopes: Vec<&'a Schema>,
    /// Fields whose declaration has an error: uses of them are not
    /// reported again.
    pub(crate) poisoned: HashSet<String>,
    /// Defines already found to have errors: not checked, nor reported,
    /// again.
    pub(crate) failed: HashSet<String>,
    /// How many more did-you-mean suggestions may be looked for.
    pub(crate) suggestions: usize,
    /// See [`Program::written`].
    pub(crate) written: Vec<Written>,
    /// Units already read, by their text: a file writes the same few
    /// units again and again, and reading one takes microseconds.
    pub(crate) units: HashMap<String, Unit>,
    /// While a clinical formula's body is checked, its parameters' values.
    pub(crate) params: Option<Vec<(&'static str, Typed)>>,
}

/// Did-you-mean suggestions looked for in one file, at most. Each compares
/// a name with every candidate, so a hostile file of many unknown names
/// and many fields would otherwise take quadratic time; a person reads the
/// first few anyway.
pub(crate) const SUGGESTIONS: usize = 100;

fn describe(t: &Typed) -> String {
    match t {
        Typed::Cond(_) => "a condition".to_owned(),
        Typed::Num(n) => match &n.unit {
            Some(u) => format!("a quantity in `{u}` ({})", u.kind()),
            None => "a number without a unit".to_owned(),
        },
        Typed::Date(_) => "a date".to_owned(),
        Typed::Enum {
            name,
            ordered: false,
            ..
        } => format!("`{name}`, one of a list of members"),
        Typed::Enum { name, .. } => format!("`{name}`, a step of an ordered scale"),
        Typed::Set { name, .. } => format!("`{name}`, a set of members"),
        Typed::Text { .. } => "text".to_owned(),
        Typed::TextLit(_) => "a string".to_owned(),
        Typed::List { name, .. } => format!("the list `{name}`"),
        Typed::Multiple { .. } => "a multiple of a normal limit".to_owned(),
        Typed::Unresolved(name) => format!("`{name}`"),
        Typed::Error => "an expression with errors".to_owned(),
    }
}

impl<'a> Ctx<'a> {
    fn error(&mut self, e: CheckError) -> Typed {
        self.diagnostics.push(e);
        Typed::Error
    }

    fn unit_error(&mut self, e: &UnitError, span: Span) -> Typed {
        self.error(super::items::unit_diagnostic(e, span))
    }

    pub(crate) fn parse_unit(&mut self, text: &str, span: Span) -> Option<Unit> {
        if let Some(unit) = self.units.get(text) {
            return Some(unit.clone());
        }
        // Only units that read are kept: an error is reported where each
        // bad unit is written.
        match Unit::parse(text) {
            Ok(u) => {
                self.units.insert(text.to_owned(), u.clone());
                Some(u)
            }
            Err(e) => {
                self.unit_error(&e, span);
                None
            }
        }
    }

    /// A condition, or a diagnostic saying the expression is not one.
    pub(crate) fn cond(&mut self, e: &'a Expr) -> Option<Cond> {
        match self.expr(e) {
            Typed::Cond(c) => Some(c),
            Typed::Error => None,
            Typed::Unresolved(name) => {
                self.unknown_name(&name, e.span);
                None
            }
            other => {
                self.error(CheckError::TypeMismatch {
                    expected: "a condition".to_owned(),
                    found: describe(&other),
                    span: e.span,
                    help: None,
                });
                None
            }
        }
    }

    /// Whether a suggestion may still be looked for (and counts it).
    pub(crate) fn take_suggestion(&mut self) -> bool {
        let left = self.suggestions > 0;
        self.suggestions = self.suggestions.saturating_sub(1);
        left
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        let help = if self.take_suggestion() {
            let mut names: Vec<&str> = self.schema.fields.iter().map(|f| f.name.as_str()).collect();
            names.extend(self.define_asts.keys().copied());
            for scope in &self.scopes {
                names.extend(scope.fields.iter().map(|f| f.name.as_str()));
            }
            closest(name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"))
        } else {
            None
        };
        self.error(CheckError::UnknownName {
            name: name.to_owned(),
            span,
            help,
        });
    }

    /// Types any expression.
    pub(crate) fn expr(&mut self, e: &'a Expr) -> Typed {
        match &e.node {
            ExprKind::Bool(b) => Typed::Cond(Cond::Literal(*b)),
            ExprKind::Number(n) => match n.to_f64() {
                Some(v) => Typed::Num(NumTyped {
                    num: Num::Const(v),
                    unit: None,
                    origin: Origin::Const(n.to_string()),
                }),
                None => self.error(CheckError::TypeMismatch {
                    expected: "a number an f64 can hold".to_owned(),
                    found: format!("`{n}`"),
                    span: e.span,
                    help: None,
                }),
            },
            ExprKind::Quantity(q) => {
                let Some(unit) = self.parse_unit(&q.unit.node, q.unit.span) else {
                    return Typed::Error;
                };
                match q.value.to_f64() {
                    Some(v) => Typed::Num(NumTyped {
                        num: Num::Const(v),
                        unit: Some(unit),
                        origin: Origin::Const(format!("{} {}", q.value, q.unit.node)),
                    }),
                    None => self.error(CheckError::TypeMismatch {
                        expected: "a number an f64 can hold".to_owned(),
                        found: format!("`{}`", q.value),
                        span: e.span,
                        help: None,
                    }),
                }
            }
            ExprKind::Multiple { factor, limit } => Typed::Multiple {
                factor: factor.to_f64().unwrap_or(f64::NAN),
                limit: *limit,
            },
            ExprKind::Text(t) => Typed::TextLit(t.clone()),
            ExprKind::Index => Typed::Date(DateVal::Index),
            ExprKind::Name(name) => self.name(name),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => match self.cond(operand) {
                    Some(c) => Typed::Cond(Cond::Not(Box::new(c))),
                    None => Typed::Error,
                },
                UnaryOp::Neg => match self.expr(operand) {
                    // A negative constant stays a constant, for range checks
                    // and conversion.
                    Typed::Num(NumTyped {
                        num: Num::Const(v),
                        unit,
                        origin: Origin::Const(text),
                    }) => Typed::Num(NumTyped {
                        num: Num::Const(-v),
                        unit,
                        origin: Origin::Const(format!("-{text}")),
                    }),
                    Typed::Num(n) => Typed::Num(NumTyped {
                        num: Num::Neg(Box::new(n.num)),
                        unit: n.unit,
                        origin: Origin::Other,
                    }),
                    Typed::Error => Typed::Error,
                    other => self.mismatch("a number", &other, operand.span),
                },
            },
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span),
            ExprKind::Compare { op, lhs, rhs } => {
                let (l, r) = self.compare_sides(lhs, rhs);
                self.compare(*op, l, r, lhs, rhs, e.span)
            }
            ExprKind::Between { value, low, high } => {
                let v = match self.expr(value) {
                    Typed::Unresolved(n) => {
                        self.unknown_name(&n, value.span);
                        return Typed::Error;
                    }
                    v => v,
                };
                let lo = self.beside(&v, low);
                let hi = self.beside(&v, high);
                // Each bound's problem is reported at that bound.
                let above = self.compare(CompareOp::Ge, v.clone(), lo, value, low, low.span);
                let below = self.compare(CompareOp::Le, v, hi, value, high, high.span);
                match (above, below) {
                    (Typed::Cond(a), Typed::Cond(b)) => Typed::Cond(ordinal::between_members(a, b)),
                    _ => Typed::Error,
                }
            }
            ExprKind::Member {
                test,
                subject,
                members,
            } => self.member(*test, subject, members),
            ExprKind::Known { subject, known } => match self.expr(subject) {
                Typed::Num(NumTyped {
                    origin: Origin::Field(info),
                    ..
                }) => Typed::Cond(Cond::Known {
                    field: info.field,
                    known: *known,
                }),
                Typed::Enum { field, .. }
                | Typed::Set { field, .. }
                | Typed::Text { field }
                | Typed::List { field, .. } => Typed::Cond(Cond::Known {
                    field,
                    known: *known,
                }),
                Typed::Cond(Cond::Field(field)) | Typed::Date(DateVal::Field(field)) => {
                    Typed::Cond(Cond::Known {
                        field,
                        known: *known,
                    })
                }
                Typed::Error => Typed::Error,
                Typed::Unresolved(name) => {
                    self.unknown_name(&name, subject.span);
                    Typed::Error
                }
                other => self.error(CheckError::NotAField {
                    test: if *known { "is known" } else { "is missing" },
                    found: describe(&other),
                    span: subject.span,
                }),
            },
            ExprKind::Within {
                subject,
                window,
                direction,
                anchor,
            } => {
                let date = self.date(subject);
                let window = self.duration(window);
                let anchor = self.date(anchor);
                match (date, window, anchor) {
                    (Some(date), Some(DurationTyped::Const(window)), Some(anchor)) => {
                        Typed::Cond(Cond::Within {
                            date,
                            window,
                            direction: *direction,
                            anchor,
                        })
                    }
                    // A computed window is its two bounds: the same answer
                    // as `Within` (both ends included), from one comparison
                    // of points in time each.
                    (Some(date), Some(DurationTyped::Computed(by, unit)), Some(anchor)) => {
                        let before = *direction == crate::syntax::Direction::Before;
                        let by = if before { Num::Neg(Box::new(by)) } else { by };
                        let edge = DateVal::ShiftBy {
                            date: Box::new(anchor.clone()),
                            by: Box::new(by),
                            unit,
                        };
                        let (from, to) = if before {
                            (edge, anchor)
                        } else {
                            (anchor, edge)
                        };
                        Typed::Cond(Cond::And(
                            Box::new(Cond::CompareDate {
                                op: CompareOp::Ge,
                                lhs: date.clone(),
                                rhs: from,
                            }),
                            Box::new(Cond::CompareDate {
                                op: CompareOp::Le,
                                lhs: date,
                                rhs: to,
                            }),
                        ))
                    }
                    _ => Typed::Error,
                }
            }
            ExprKind::Group { kind, items } => {
                let conds: Vec<Option<Cond>> = items.iter().map(|i| self.cond(i)).collect();
                match conds.into_iter().collect::<Option<Vec<Cond>>>() {
                    Some(items) => Typed::Cond(Cond::Group { kind: *kind, items }),
                    None => Typed::Error,
                }
            }
            ExprKind::ListQuery {
                quantifier,
                list,
                condition,
            } => self.list_query(*quantifier, list, condition),
            ExprKind::FirstKnown(items) => self.first_known(items),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_then_else(cond, then, otherwise),
            ExprKind::Call { name, args } => self.call(name, args, e.span),
            ExprKind::Aggregate(a) => self.over_list(
                &a.name,
                &a.value,
                a.by.as_ref(),
                &a.list,
                a.condition.as_ref(),
            ),
            ExprKind::DateDiff { unit, from, to } => {
                let from = self.date(from);
                let to = self.date(to);
                let Some(calendar) = self.parse_unit(unit.as_str(), e.span) else {
                    return Typed::Error;
                };
                match (from, to) {
                    (Some(from), Some(to)) => Typed::Num(NumTyped {
                        num: Num::DateDiff {
                            unit: *unit,
                            from: Box::new(from),
                            to: Box::new(to),
                            conversion: Conversion::IDENTITY,
                        },
                        unit: Some(calendar),
                        origin: Origin::Other,
                    }),
                    _ => Typed::Error,
                }
            }
        }
    }

    /// Both sides of a comparison, the one that may be a member written in
    /// place typed after, and beside, the other (see [`Ctx::beside`]): a
    /// number before a name (`1 >= ecog`), then a name (`female = sex`),
    /// the right side when both sides are alike.
    fn compare_sides(&mut self, lhs: &'a Expr, rhs: &'a Expr) -> (Typed, Typed) {
        let rank = |e: &Expr| match e.node {
            ExprKind::Number(_) | ExprKind::Quantity(_) => 2,
            ExprKind::Name(_) => 1,
            _ => 0,
        };
        if rank(lhs) > rank(rhs) {
            let r = self.expr(rhs);
            return (self.beside(&r, lhs), r);
        }
        let l = self.expr(lhs);
        let r = self.beside(&l, rhs);
        (l, r)
    }

    fn mismatch(&mut self, expected: &str, found: &Typed, span: Span) -> Typed {
        if let Typed::Unresolved(name) = found {
            self.unknown_name(name, span);
            return Typed::Error;
        }
        self.error(CheckError::TypeMismatch {
            expected: expected.to_owned(),
            found: describe(found),
            span,
            help: None,
        })
    }

    fn date(&mut self, e: &'a Expr) -> Option<DateVal> {
        match self.expr(e) {
            Typed::Date(d) => Some(d),
            Typed::Error => None,
            other => {
                self.mismatch("a date", &other, e.span);
                None
            }
        }
    }

    /// A duration: a quantity of time, written in place (`3 months`) or
    /// computed (`5 * half_life`).
    fn duration(&mut self, e: &'a Expr) -> Option<DurationTyped> {
        let typed = self.expr(e);
        let Typed::Num(NumTyped {
            num,
            unit: Some(unit),
            ..
        }) = typed
        else {
            if !matches!(typed, Typed::Error) {
                self.error(CheckError::TypeMismatch {
                    expected: "a duration such as `4 weeks`".to_owned(),
                    found: describe(&typed),
                    span: e.span,
                    help: None,
                });
            }
            return None;
        };
        // Years and months keep their calendar meaning, written in place or
        // computed; any other unit of time is an exact length, counted in
        // hours unless it is one of the units a duration is written in.
        let named = DurationUnit::of_ucum(unit.ucum());
        let (num, unit_kind) = match named {
            Some(kind) => (num, kind),
            None => {
                let hours = Unit::parse("h").ok();
                let conversion = hours
                    .as_ref()
                    .filter(|h| unit.dimension() == h.dimension())
                    .and_then(|h| unit.conversion_to(h).ok());
                let Some(conversion) = conversion else {
                    self.error(CheckError::TypeMismatch {
                        expected: "a duration: a quantity of time".to_owned(),
                        found: format!("a quantity in `{unit}` ({})", unit.kind()),
                        span: e.span,
                        help: None,
                    });
                    return None;
                };
                (ops::convert(num, conversion), DurationUnit::Hours)
            }
        };
        Some(match num {
            Num::Const(amount) => DurationTyped::Const(Duration {
                amount,
                unit: unit_kind,
            }),
            num => DurationTyped::Computed(num, unit_kind),
        })
    }

    fn name(&mut self, name: &str) -> Typed {
        // A clinical formula's body sees its parameters and nothing else.
        if let Some(params) = &self.params {
            return params
                .iter()
                .find(|(p, _)| *p == name)
                .map_or_else(|| Typed::Unresolved(name.to_owned()), |(_, t)| t.clone());
        }
        // Innermost list element first, then the record, then defines.
        for (i, scope) in self.scopes.iter().rev().enumerate() {
            if let Some(slot) = scope.slot(name) {
                let depth = u32::try_from(i + 1).unwrap_or(u32::MAX);
                let field = FieldRef { depth, slot };
                if let Some(f) = scope.field(slot) {
                    return field_typed(f, field);
                }
            }
        }
        if let Some(slot) = self.schema.slot(name) {
            self.used.insert(slot.0);
            if self.poisoned.contains(name) {
                return Typed::Error;
            }
            if let Some(f) = self.schema.field(slot) {
                return field_typed(f, FieldRef { depth: 0, slot });
            }
        }
        if self.define_asts.contains_key(name) {
            return self.define_ref(name);
        }
        Typed::Unresolved(name.to_owned())
    }

    /// A reference to a define, checking the define first if need be.
    fn define_ref(&mut self, name: &str) -> Typed {
        let id = match self.checked.get(name) {
            Some(id) => *id,
            None if self.failed.contains(name) => return Typed::Error,
            None => {
                if let Some(start) = self.visiting.iter().position(|v| v == name) {
                    let members: Vec<String> =
                        self.visiting.get(start..).unwrap_or_default().to_vec();
                    self.failed.extend(members.iter().cloned());
                    let mut cycle: Vec<&str> = members.iter().map(String::as_str).collect();
                    cycle.push(name);
                    let span = self
                        .define_asts
                        .get(name)
                        .map(|d| d.span)
                        .unwrap_or_default();
                    return self.error(CheckError::CyclicDefine {
                        name: name.to_owned(),
                        cycle: cycle.join(" → "),
                        span,
                    });
                }
                match self.check_define(name) {
                    Some(id) => id,
                    None => return Typed::Error,
                }
            }
        };
        match self.defines.get(id.0 as usize).map(|d| &d.value) {
            Some(Value::Cond(_)) => Typed::Cond(Cond::Define(id)),
            Some(Value::Num(_, unit)) => Typed::Num(NumTyped {
                num: Num::Define {
                    define: id,
                    conversion: Conversion::IDENTITY,
                },
                unit: unit.clone(),
                origin: Origin::Define(name.to_owned()),
            }),
            Some(Value::Date(_)) => Typed::Date(DateVal::Define(id)),
            None => Typed::Error,
        }
    }

    /// Checks a define once; its id, or `None` if it has errors.
    pub(crate) fn check_define(&mut self, name: &str) -> Option<DefineId> {
        if let Some(id) = self.checked.get(name) {
            return Some(*id);
        }
        if self.failed.contains(name) {
            return None;
        }
        let ast = *self.define_asts.get(name)?;
        self.visiting.push(name.to_owned());
        // A define is checked in the record's scope, whatever list a
        // `where` clause that uses it is looking at.
        let scopes = std::mem::take(&mut self.scopes);
        let typed = self.expr(&ast.expr);
        self.scopes = scopes;
        self.visiting.pop();
        if self.failed.contains(name) {
            return None;
        }
        let value = match typed {
            Typed::Cond(c) => Value::Cond(c),
            Typed::Num(n) => Value::Num(n.num, n.unit),
            Typed::Date(d) => Value::Date(d),
            Typed::Error => {
                self.failed.insert(name.to_owned());
                return None;
            }
            Typed::Unresolved(n) => {
                self.failed.insert(name.to_owned());
                self.unknown_name(&n, ast.expr.span);
                return None;
            }
            other => {
                self.failed.insert(name.to_owned());
                self.error(CheckError::TypeMismatch {
                    expected: "a condition, a number or a date".to_owned(),
                    found: describe(&other),
                    span: ast.expr.span,
                    help: Some("a define names a condition, a number or a date".to_owned()),
                });
                return None;
            }
        };
        let unit = match &ast.unit {
            None => None,
            Some(written) => Some(self.display_unit(name, &value, written)?),
        };
        let id = DefineId(u32::try_from(self.defines.len()).unwrap_or(u32::MAX));
        self.defines.push(Define {
            name: name.to_owned(),
            unit,
            value,
            span: ast.span,
        });
        self.checked.insert(name.to_owned(), id);
        Some(id)
    }
}

impl Ctx<'_> {
    /// The unit a define is shown in (`define bmi in kg/m2: …`): a unit its
    /// value converts to, so an explanation can show it there.
    fn display_unit(
        &mut self,
        name: &str,
        value: &Value,
        written: &syntax::Spanned<String>,
    ) -> Option<Unit> {
        let shown = match Unit::parse(&written.node) {
            Ok(unit) => unit,
            Err(e) => {
                self.failed.insert(name.to_owned());
                self.error(super::items::unit_diagnostic(&e, written.span));
                return None;
            }
        };
        let own = match value {
            Value::Num(_, unit) => unit.as_ref(),
            _ => None,
        };
        match own.map(|own| own.conversion_to(&shown)) {
            Some(Ok(_)) => Some(shown),
            Some(Err(e)) => {
                self.failed.insert(name.to_owned());
                let help = miette::Diagnostic::help(&e).map(|h| h.to_string());
                let own = own.map_or_else(String::new, |u| format!("in `{u}`, {}", u.kind()));
                self.error(CheckError::Incommensurable {
                    verb: "show",
                    lhs: format!("`{name}` ({own})"),
                    rhs: format!("`{shown}` ({})", shown.kind()),
                    span: written.span,
                    help,
                });
                None
            }
            None => {
                self.failed.insert(name.to_owned());
                self.error(CheckError::TypeMismatch {
                    expected: "a quantity with a unit".to_owned(),
                    found: format!("`{name}`, which has no unit"),
                    span: written.span,
                    help: Some(
                        "`define name in unit: …` gives the unit a quantity is shown in".to_owned(),
                    ),
                });
                None
            }
        }
    }
}
