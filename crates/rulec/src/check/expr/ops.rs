//! Typing the operators: logic, arithmetic with unit algebra, comparisons
//! with unit conversion, membership tests and list queries.

use super::*;
use crate::syntax::{BinaryOp, MemberTest, Name, Quantifier};

/// A number converted into another unit: constants are converted now,
/// once; fields and defines carry the conversion to their leaf.
pub(super) fn convert(num: Num, conversion: Conversion) -> Num {
    if conversion.is_identity() {
        return num;
    }
    match num {
        Num::Const(v) => Num::Const(conversion.apply(v)),
        Num::Field {
            field,
            conversion: c,
        } if c.is_identity() => Num::Field { field, conversion },
        Num::Define {
            define,
            conversion: c,
        } if c.is_identity() => Num::Define { define, conversion },
        Num::DateDiff {
            unit,
            from,
            to,
            conversion: c,
        } if c.is_identity() => Num::DateDiff {
            unit,
            from,
            to,
            conversion,
        },
        other => Num::Convert {
            inner: Box::new(other),
            conversion,
        },
    }
}

/// A constant operand's number and unit as written.
pub(super) fn written(n: &NumTyped) -> Option<(f64, Option<Unit>)> {
    match (&n.num, &n.origin) {
        (Num::Const(v), Origin::Const(_)) => Some((*v, n.unit.clone())),
        _ => None,
    }
}

/// A number without a unit beside one in a unit that cancels to exactly
/// one (`albumin / creatinine`, `age / 1 a`) is taken in that unit: both
/// are plain ratios, where beside `%` or `mL/dL` a bare number would be
/// ambiguous.
pub(super) fn unify(a: &mut NumTyped, b: &mut NumTyped) {
    let unity = |u: &Unit| {
        Unit::parse("1")
            .ok()
            .filter(|one| u.dimension() == one.dimension() && !u.is_arbitrary())
            .and_then(|one| u.conversion_to(&one).ok())
            .is_some_and(|c| c.is_identity())
    };
    match (&a.unit, &b.unit) {
        (None, Some(v)) if unity(v) => a.unit = Some(v.clone()),
        (Some(u), None) if unity(u) => b.unit = Some(u.clone()),
        _ => {}
    }
}

/// How a number is named in messages: the field, or the literal.
fn name_of(n: &NumTyped) -> String {
    match &n.origin {
        Origin::Field(info) => format!("`{}`", info.name),
        Origin::Const(text) => format!("`{text}`"),
        Origin::Define(name) => format!("`{name}`"),
        Origin::Formula { name, .. } => format!("`{name}(…)`"),
        Origin::Other => "the expression".to_owned(),
    }
}

fn side(n: &NumTyped) -> String {
    match &n.unit {
        Some(u) => format!("{} in `{u}` ({})", name_of(n), u.kind()),
        None => format!("{} (a number without a unit)", name_of(n)),
    }
}

impl<'a> Ctx<'a> {
    /// Keeps how a constant was written and the number, in `unit`, it
    /// became (see [`Program::written`]).
    pub(super) fn keep_written(
        &mut self,
        written: Option<(f64, Option<Unit>)>,
        stored: &Num,
        unit: Option<&Unit>,
    ) {
        if let (Some(written), Num::Const(value)) = (written, stored) {
            self.written.push(Written {
                value: *value,
                unit: unit.cloned(),
                written,
            });
        }
    }

    pub(super) fn binary(
        &mut self,
        op: BinaryOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
        span: Span,
    ) -> Typed {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let l = self.cond(lhs);
            let r = self.cond(rhs);
            return match (l, r) {
                (Some(l), Some(r)) if op == BinaryOp::And => {
                    Typed::Cond(Cond::And(Box::new(l), Box::new(r)))
                }
                (Some(l), Some(r)) => Typed::Cond(Cond::Or(Box::new(l), Box::new(r))),
                _ => Typed::Error,
            };
        }
        if op == BinaryOp::Pow {
            return self.power(lhs, rhs, span);
        }
        let l = self.expr(lhs);
        let r = self.expr(rhs);
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            _ => ArithOp::Div,
        };
        match (l, r) {
            (Typed::Error, _) | (_, Typed::Error) => Typed::Error,
            (Typed::Date(date), Typed::Num(_)) if matches!(arith, ArithOp::Add | ArithOp::Sub) => {
                let back = arith == ArithOp::Sub;
                match self.duration(rhs) {
                    Some(DurationTyped::Const(mut by)) => {
                        if back {
                            by.amount = -by.amount;
                        }
                        Typed::Date(DateVal::Shift {
                            date: Box::new(date),
                            by,
                        })
                    }
                    Some(DurationTyped::Computed(by, unit)) => Typed::Date(DateVal::ShiftBy {
                        date: Box::new(date),
                        by: Box::new(if back { Num::Neg(Box::new(by)) } else { by }),
                        unit,
                    }),
                    None => Typed::Error,
                }
            }
            (Typed::Date(_), Typed::Date(_)) => self.error(CheckError::TypeMismatch {
                expected: "a date and a duration".to_owned(),
                found: "two dates".to_owned(),
                span,
                help: Some(
                    "count the time between two dates with `days between a and b`".to_owned(),
                ),
            }),
            (Typed::Num(a), Typed::Num(b)) => self.arith(arith, a, b, (lhs.span, rhs.span), span),
            (Typed::Num(_) | Typed::Date(_), other) => self.mismatch("a number", &other, rhs.span),
            (other, _) => self.mismatch("a number", &other, lhs.span),
        }
    }

    fn arith(
        &mut self,
        op: ArithOp,
        mut a: NumTyped,
        mut b: NumTyped,
        (lhs_span, rhs_span): (Span, Span),
        span: Span,
    ) -> Typed {
        if matches!(op, ArithOp::Add | ArithOp::Sub) {
            unify(&mut a, &mut b);
        }
        // `t_now - t_base` in Cel is a difference of 1 K steps, not a
        // temperature: converting it as one would be silently wrong.
        if let Some(scale) = [&a.unit, &b.unit]
            .into_iter()
            .flatten()
            .find(|u| u.is_affine())
        {
            return self.unit_error(
                &UnitError::SpecialInExpression {
                    unit: scale.to_string(),
                    symbol: scale.to_string(),
                },
                span,
            );
        }
        let (left, right) = (written(&a), written(&b));
        self.keep_written(left, &a.num, a.unit.as_ref());
        let (rhs, unit) = match op {
            ArithOp::Add | ArithOp::Sub => match (&a.unit, &b.unit) {
                (None, None) => (b.num, None),
                (Some(u), Some(v)) => match v.conversion_to(u) {
                    Ok(c) => (convert(b.num, c), Some(u.clone())),
                    Err(e) => return self.incommensurable(&a, &b, &e, span, "combine"),
                },
                (Some(_), None) | (None, Some(_)) => {
                    return self.unit_missing(&a, &b, lhs_span, rhs_span);
                }
            },
            ArithOp::Mul | ArithOp::Div => {
                match op.product_unit(a.unit.as_ref(), b.unit.as_ref()) {
                    Ok(unit) => (b.num, unit),
                    Err(e) => return self.unit_error(&e, span),
                }
            }
        };
        let rhs_unit = match op {
            ArithOp::Add | ArithOp::Sub => unit.as_ref(),
            ArithOp::Mul | ArithOp::Div => b.unit.as_ref(),
        };
        self.keep_written(right, &rhs, rhs_unit);
        Typed::Num(NumTyped {
            num: Num::Arith {
                op,
                lhs: Box::new(a.num),
                rhs: Box::new(rhs),
            },
            unit,
            origin: Origin::Other,
        })
    }

    /// Two quantities that do not convert into each other; `verb` says
    /// what was attempted (`compare`, or `combine` for `+` and `-`).
    pub(super) fn incommensurable(
        &mut self,
        a: &NumTyped,
        b: &NumTyped,
        e: &UnitError,
        span: Span,
        verb: &'static str,
    ) -> Typed {
        if !matches!(e, UnitError::Incommensurable { .. }) {
            // Commensurable, but the conversion itself failed (overflow).
            return self.unit_error(e, span);
        }
        let help = miette::Diagnostic::help(e).map(|h| h.to_string());
        self.error(CheckError::Incommensurable {
            verb,
            lhs: side(a),
            rhs: side(b),
            span,
            help,
        })
    }

    /// One side has a unit and the other none; the spans are those of the
    /// two sides.
    pub(super) fn unit_missing(
        &mut self,
        a: &NumTyped,
        b: &NumTyped,
        lhs_span: Span,
        rhs_span: Span,
    ) -> Typed {
        let span = lhs_span.join(rhs_span);
        let (quantity, bare, at) = if a.unit.is_some() {
            (a, b, rhs_span)
        } else {
            (b, a, lhs_span)
        };
        match (&quantity.unit, &bare.origin) {
            (Some(unit), Origin::Const(text)) => self.error(CheckError::BareNumber {
                number: text.clone(),
                what: name_of(quantity),
                kind: unit.kind(),
                unit: unit.to_string(),
                span: at,
                help: bare_number_help(text, unit),
            }),
            _ => self.error(CheckError::Incommensurable {
                verb: "compare",
                lhs: side(a),
                rhs: side(b),
                span,
                help: None,
            }),
        }
    }

    pub(super) fn compare(
        &mut self,
        op: CompareOp,
        l: Typed,
        r: Typed,
        lhs: &'a Expr,
        rhs: &'a Expr,
        span: Span,
    ) -> Typed {
        if let Some(typed) = self.compare_member(op, &l, &r, lhs, rhs, span) {
            return typed;
        }
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        match (l, r) {
            (Typed::Error, _) | (_, Typed::Error) => Typed::Error,
            (Typed::Set { name, .. }, Typed::Unresolved(_)) => self.error(CheckError::TypeMismatch {
                expected: format!("a test of the set `{name}`"),
                found: format!("`{}`", op.as_str()),
                span,
                help: Some(format!("test a set with `has`: `{name} has …`, `{name} has any of {{ … }}`")),
            }),
            (Typed::Enum { name, .. }, Typed::Unresolved(_))
            | (Typed::Unresolved(_), Typed::Enum { name, .. }) => self.error(CheckError::TypeMismatch {
                expected: "`=`, `!=` or `in { … }`".to_owned(),
                found: format!("`{}`", op.as_str()),
                span,
                help: Some(format!("members of `{name}` have no order: test them with `=`, `!=` or `in {{ … }}`")),
            }),
            (Typed::Text { .. }, Typed::TextLit(_)) | (Typed::TextLit(_), Typed::Text { .. })
                if !equality =>
            {
                self.error(CheckError::TypeMismatch {
                    expected: "`=` or `!=` between text and a string".to_owned(),
                    found: format!("`{}`", op.as_str()),
                    span,
                    help: Some("text has no order here; test it with `=` or `!=`".to_owned()),
                })
            }
            (Typed::Text { .. }, Typed::Text { .. }) => self.error(CheckError::TypeMismatch {
                expected: "a string such as `\"home\"`".to_owned(),
                found: "another text field".to_owned(),
                span: rhs.span,
                help: Some("a text field is compared with a string written in the rule".to_owned()),
            }),
            (Typed::Cond(_), Typed::Cond(_)) if !equality => self.error(CheckError::TypeMismatch {
                expected: "`=` or `!=` between two conditions".to_owned(),
                found: format!("`{}`", op.as_str()),
                span,
                help: Some("conditions have no order; combine them with `and`, `or`, `not`".to_owned()),
            }),
            (Typed::Multiple { .. }, Typed::Multiple { .. }) => self.error(CheckError::TypeMismatch {
                expected: "a field declared `with normal range` on one side".to_owned(),
                found: "a multiple of a normal limit on both sides".to_owned(),
                span,
                help: Some("compare the field itself: `alt < 3 x ULN`".to_owned()),
            }),
            (Typed::Unresolved(n), _) => {
                self.unknown_name(&n, lhs.span);
                Typed::Error
            }
            (_, Typed::Unresolved(n)) => {
                self.unknown_name(&n, rhs.span);
                Typed::Error
            }
            (Typed::Num(a), Typed::Num(b)) => self.compare_nums(op, a, b, lhs, rhs, span),
            (Typed::Num(a), Typed::Multiple { factor, limit }) => {
                self.compare_limit(op, a, factor, limit, rhs.span, false)
            }
            (Typed::Multiple { factor, limit }, Typed::Num(b)) => {
                self.compare_limit(op, b, factor, limit, lhs.span, true)
            }
            (Typed::Date(a), Typed::Date(b)) => Typed::Cond(Cond::CompareDate { op, lhs: a, rhs: b }),
            (Typed::Date(_), Typed::Num(n)) | (Typed::Num(n), Typed::Date(_))
                if n.unit.as_ref().is_some_and(|u| u.dimension().name() == Some("time")) =>
            {
                self.error(CheckError::DateVsDuration {
                    span,
                    help: "to compare an age or an interval, count it: `years between birth_date and index >= 18 years`".to_owned(),
                })
            }
            (Typed::Cond(a), Typed::Cond(b)) if equality => Typed::Cond(Cond::CompareBool {
                equal: op == CompareOp::Eq,
                lhs: Box::new(a),
                rhs: Box::new(b),
            }),
            (Typed::Text { field }, Typed::TextLit(text)) | (Typed::TextLit(text), Typed::Text { field })
                if equality =>
            {
                Typed::Cond(Cond::TextEq {
                    field,
                    text,
                    negated: op == CompareOp::Ne,
                })
            }
            (l, r) => {
                let help = match (&l, equality) {
                    (Typed::Enum { .. } | Typed::Cond(_) | Typed::Text { .. }, false) => {
                        Some("only `=` and `!=` compare members, conditions and text".to_owned())
                    }
                    (Typed::Set { .. }, _) => Some("test a set with `has`, `has any of { … }` or `has all of { … }`".to_owned()),
                    _ => None,
                };
                self.error(CheckError::TypeMismatch {
                    expected: format!("a value comparable with {}", describe(&l)),
                    found: describe(&r),
                    span: rhs.span,
                    help,
                })
            }
        }
    }

    fn compare_nums(
        &mut self,
        op: CompareOp,
        mut a: NumTyped,
        mut b: NumTyped,
        lhs: &'a Expr,
        rhs: &'a Expr,
        span: Span,
    ) -> Typed {
        unify(&mut a, &mut b);
        let kept = (written(&a), written(&b));
        // Both sides end in the unit of the side not converted.
        let const_left =
            matches!(a.origin, Origin::Const(_)) && !matches!(b.origin, Origin::Const(_));
        let unit = if const_left {
            b.unit.clone()
        } else {
            a.unit.clone()
        };
        let (l, r) = match (&a.unit, &b.unit) {
            (None, None) => {
                self.range_check(&a, &b, rhs.span);
                self.range_check(&b, &a, lhs.span);
                (a.num, b.num)
            }
            (Some(_), None) | (None, Some(_)) => {
                return self.unit_missing(&a, &b, lhs.span, rhs.span);
            }
            (Some(u), Some(v)) => {
                // Constants are converted into the unit of the field they
                // are compared with; otherwise the right side into the left.
                let convert_left = const_left;
                let (from, to, field) = if convert_left { (u, v, &b) } else { (v, u, &a) };
                // A constant goes through the very conversion a record value
                // in the constant's unit would: a value written in the same
                // unit as a threshold then compares equal to it, whatever
                // unit the field is stored in.
                let conversion = match &field.origin {
                    Origin::Field(info) => {
                        from.conversion_into(to, info.molar_mass.as_ref(), info.scale.as_ref())
                    }
                    Origin::Formula { molar_mass, .. } => {
                        from.conversion_into(to, molar_mass.as_ref(), None)
                    }
                    _ => from.conversion_to(to),
                };
                match conversion {
                    Ok(c) if convert_left => (convert(a.num, c), b.num),
                    Ok(c) => (a.num, convert(b.num, c)),
                    Err(e) => return self.incommensurable(&a, &b, &e, span, "compare"),
                }
            }
        };
        self.keep_written(kept.0, &l, unit.as_ref());
        self.keep_written(kept.1, &r, unit.as_ref());
        Typed::Cond(Cond::CompareNum { op, lhs: l, rhs: r })
    }

    /// An integer field compared with a constant outside its declared range.
    fn range_check(&mut self, field: &NumTyped, constant: &NumTyped, span: Span) {
        let (Origin::Field(info), Num::Const(v)) = (&field.origin, &constant.num) else {
            return;
        };
        let Some((min, max)) = info.range else {
            return;
        };
        #[expect(
            clippy::cast_precision_loss,
            reason = "bounds of clinical scales are small"
        )]
        let outside = min.is_some_and(|m| *v < m as f64) || max.is_some_and(|m| *v > m as f64);
        if outside {
            let text = match &constant.origin {
                Origin::Const(t) => t.clone(),
                _ => v.to_string(),
            };
            self.diagnostics.push(CheckError::OutOfRange {
                value: text,
                field: info.name.clone(),
                min: min.map_or_else(String::new, |m| m.to_string()),
                max: max.map_or_else(String::new, |m| m.to_string()),
                span,
            });
        }
    }

    fn compare_limit(
        &mut self,
        op: CompareOp,
        value: NumTyped,
        factor: f64,
        limit: Limit,
        limit_span: Span,
        limit_on_left: bool,
    ) -> Typed {
        let Origin::Field(info) = &value.origin else {
            return self.limit_without_range(factor, limit, limit_span);
        };
        if !info.normal_range {
            return self.limit_without_range(factor, limit, limit_span);
        }
        let bound = Num::Limit {
            field: info.field,
            limit,
            factor,
        };
        let (lhs, rhs) = if limit_on_left {
            (bound, value.num)
        } else {
            (value.num, bound)
        };
        Typed::Cond(Cond::CompareNum { op, lhs, rhs })
    }

    fn limit_without_range(&mut self, factor: f64, limit: Limit, span: Span) -> Typed {
        let word = if limit == Limit::Upper { "ULN" } else { "LLN" };
        self.error(CheckError::LimitWithoutRange {
            text: format!("{factor} x {word}"),
            span,
        })
    }

    pub(super) fn member_index(
        &mut self,
        field: &str,
        members: &[String],
        member: &str,
        span: Span,
    ) -> Option<u32> {
        if let Some(i) = members.iter().position(|m| m == member) {
            return u32::try_from(i).ok();
        }
        let close = if self.take_suggestion() {
            closest(member, members.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default()
        } else {
            String::new()
        };
        self.error(CheckError::UnknownMember {
            member: member.to_owned(),
            field: field.to_owned(),
            span,
            help: format!("{close}the members of `{field}` are {}", members.join(", ")),
        });
        None
    }

    pub(super) fn member(
        &mut self,
        test: MemberTest,
        subject: &'a Expr,
        members: &'a [Name],
    ) -> Typed {
        let typed = self.expr(subject);
        let resolve = |ctx: &mut Self, name: &str, declared: &[String]| {
            members
                .iter()
                .map(|m| ctx.member_index(name, declared, &m.node, m.span))
                .collect::<Vec<_>>()
                .into_iter()
                .collect::<Option<Vec<u32>>>()
        };
        match (test, typed) {
            (_, Typed::Error) => Typed::Error,
            (
                MemberTest::In,
                Typed::Enum {
                    field,
                    name,
                    members: declared,
                    ..
                },
            ) => match resolve(self, &name, &declared) {
                Some(members) => Typed::Cond(Cond::EnumIn {
                    field,
                    members,
                    negated: false,
                }),
                None => Typed::Error,
            },
            (
                MemberTest::Has | MemberTest::HasAny | MemberTest::HasAll,
                Typed::Set {
                    field,
                    name,
                    members: declared,
                },
            ) => match resolve(self, &name, &declared) {
                Some(members) => Typed::Cond(Cond::SetHas {
                    field,
                    members,
                    all: test == MemberTest::HasAll,
                }),
                None => Typed::Error,
            },
            (_, Typed::Unresolved(n)) => {
                self.unknown_name(&n, subject.span);
                Typed::Error
            }
            (MemberTest::In, other) => self.error(CheckError::TypeMismatch {
                expected: "a `one of` field".to_owned(),
                found: describe(&other),
                span: subject.span,
                help: matches!(other, Typed::Set { .. }).then(|| {
                    "a set holds several members: test it with `has any of { … }`".to_owned()
                }),
            }),
            (_, other) => self.error(CheckError::TypeMismatch {
                expected: "a `set of` field".to_owned(),
                found: describe(&other),
                span: subject.span,
                help: matches!(other, Typed::Enum { .. }).then(|| {
                    "a `one of` field holds one member: test it with `=` or `in { … }`".to_owned()
                }),
            }),
        }
    }

    pub(super) fn list_query(
        &mut self,
        quantifier: Quantifier,
        list: &'a Name,
        condition: &'a Expr,
    ) -> Typed {
        let Some((field, schema)) = self.list_named(list) else {
            return Typed::Error;
        };
        self.scopes.push(schema);
        let cond = self.cond(condition);
        self.scopes.pop();
        let Some(cond) = cond else {
            return Typed::Error;
        };
        let condition = Box::new(cond);
        let quantifier = match quantifier {
            Quantifier::Count => {
                return Typed::Num(NumTyped {
                    num: Num::Count {
                        list: field,
                        condition,
                    },
                    unit: None,
                    origin: Origin::Other,
                });
            }
            Quantifier::Any => ListQuantifier::Any,
            Quantifier::All => ListQuantifier::All,
            Quantifier::No => ListQuantifier::No,
        };
        Typed::Cond(Cond::ListQuery {
            quantifier,
            list: field,
            condition,
        })
    }

    /// The element schema of a list field.
    /// The list a name names, with its elements' schema; a diagnostic
    /// where it names something else.
    pub(super) fn list_named(&mut self, list: &Name) -> Option<(FieldRef, &'a Schema)> {
        let typed = self.name(&list.node);
        let Typed::List { field, .. } = typed else {
            match typed {
                Typed::Error => {}
                Typed::Unresolved(n) => self.unknown_name(&n, list.span),
                other => {
                    self.error(CheckError::TypeMismatch {
                        expected: "a `list of` field".to_owned(),
                        found: describe(&other),
                        span: list.span,
                        help: Some("`where` looks at each element of a list".to_owned()),
                    });
                }
            }
            return None;
        };
        Some((field, self.list_schema(field)?))
    }

    fn list_schema(&self, field: FieldRef) -> Option<&'a Schema> {
        let schema: &'a Schema = if field.depth == 0 {
            self.schema
        } else {
            let index = self.scopes.len().checked_sub(field.depth as usize)?;
            self.scopes.get(index).copied()?
        };
        match &schema.field(field.slot)?.ty {
            FieldType::ListOf(element) => Some(element),
            _ => None,
        }
    }
}

/// The fix for a bare number beside a quantity in `unit`. A computed unit
/// such as `(kg)/((m).(m))` or the ratio `1` cannot follow a number in a
/// rule file, so suggesting it would suggest another error.
fn bare_number_help(text: &str, unit: &Unit) -> String {
    let written = unit.to_string();
    if writable(text, &written) {
        return format!("write the unit, for example `{text} {written}`");
    }
    let ratio = Unit::parse("{ratio}").ok();
    let pure_ratio = ratio
        .as_ref()
        .and_then(|r| unit.conversion_to(r).ok())
        .is_some_and(Conversion::is_identity);
    if pure_ratio {
        format!(
            "a plain number has no unit, and the expression is a ratio in `{written}`: write \
             the number as a ratio, for example `{text} {{ratio}}`"
        )
    } else {
        format!(
            "write the number with a unit that measures {}; the expression's unit `{written}` \
             cannot be written after a number",
            unit.kind()
        )
    }
}

/// Whether `number unit` reads back as that quantity in a rule file.
fn writable(number: &str, unit: &str) -> bool {
    let number = number.trim_start_matches('-');
    let Ok(file) = crate::syntax::parse(&format!("define probe: {number} {unit}")) else {
        return false;
    };
    file.items.iter().any(|item| {
        matches!(item, crate::syntax::Item::Define(d)
            if matches!(&d.expr.node, ExprKind::Quantity(q) if q.unit.node == unit))
    })
}
