//! Comparisons of a `one of` or `ordered` field with a member written in
//! place: `sex = female`, `ecog <= 1`, `ckd_stage >= 3a`, `nyha > II`.
//!
//! An order comparison on an `ordered` scale becomes the set of members
//! that meet it (`nyha > II` is `nyha in { III, IV }`): one primitive,
//! [`Cond::EnumIn`], which every back end already evaluates, explains and
//! writes as SQL, so the order lives in the checker alone.

use super::*;
use crate::semantics::{flip, holds};

impl<'a> Ctx<'a> {
    /// An operand typed beside the other side of its comparison: a member
    /// written in place (`female`, `II`, `1`, `3a`) beside a field of
    /// members is that member, [`Typed::Unresolved`] with its text, not
    /// looked up nor read as a number — so `define female: sex = female`
    /// does not refer to itself, and `3a` is a step, not 3 years.
    pub(super) fn beside(&mut self, other: &Typed, e: &'a Expr) -> Typed {
        let Typed::Enum { members, .. } = other else {
            return self.expr(e);
        };
        match &e.node {
            ExprKind::Name(n) if members.contains(n) => Typed::Unresolved(n.clone()),
            ExprKind::Number(n) => Typed::Unresolved(n.as_str().to_owned()),
            ExprKind::Quantity(q) => Typed::Unresolved(format!("{}{}", q.value, q.unit.node)),
            _ => self.expr(e),
        }
    }

    /// `field op member` (either way round) when one side is a `one of` or
    /// `ordered` field and the other is written as a member; `None` when
    /// the comparison is not of that form, for the general rules to type.
    pub(super) fn compare_member(
        &mut self,
        op: CompareOp,
        l: &Typed,
        r: &Typed,
        lhs: &'a Expr,
        rhs: &'a Expr,
        span: Span,
    ) -> Option<Typed> {
        // A member named like a field or define, typed first as that
        // (`male = sex` beside a field `male`), is the member too: the
        // scale decides what its names mean.
        let named = |scale: &Typed, e: &Expr| match (scale, &e.node) {
            (Typed::Enum { members, .. }, ExprKind::Name(n)) if members.contains(n) => {
                Some(n.clone())
            }
            _ => None,
        };
        let (scale, text, at, mirrored) = match (l, r) {
            (Typed::Enum { .. }, Typed::Unresolved(text)) => (l, text.clone(), rhs.span, false),
            (Typed::Unresolved(text), Typed::Enum { .. }) => (r, text.clone(), lhs.span, true),
            (Typed::Enum { .. }, _) if named(l, rhs).is_some() => {
                (l, named(l, rhs)?, rhs.span, false)
            }
            (_, Typed::Enum { .. }) if named(r, lhs).is_some() => {
                (r, named(r, lhs)?, lhs.span, true)
            }
            (Typed::Enum { .. }, Typed::Enum { .. }) => {
                return Some(self.two_scales(l, r, rhs.span));
            }
            _ => return None,
        };
        let Typed::Enum {
            field,
            name,
            members,
            ordered,
        } = scale
        else {
            return None;
        };
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        if !equality && !ordered {
            return Some(self.error(CheckError::TypeMismatch {
                expected: "`=`, `!=` or `in { … }`".to_owned(),
                found: format!("`{}`", op.as_str()),
                span,
                help: Some(format!(
                    "members of `{name}` have no order: test them with `=`, `!=` or `in {{ … }}`, or declare it `ordered {{ … }}`, lowest first"
                )),
            }));
        }
        let Some(index) = self.member_index(name, members, &text, at) else {
            return Some(Typed::Error);
        };
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        if equality {
            return Some(Typed::Cond(Cond::EnumIn {
                field: *field,
                members: vec![index],
                negated: op == CompareOp::Ne,
            }));
        }
        // `II < nyha` is `nyha > II`.
        let op = if mirrored { flip(op) } else { op };
        let met = (0..members.len())
            .filter_map(|m| i64::try_from(m).ok())
            .filter(|m| holds(op, *m, i64::from(index)))
            .filter_map(|m| u32::try_from(m).ok())
            .collect();
        Some(Typed::Cond(Cond::EnumIn {
            field: *field,
            members: met,
            negated: false,
        }))
    }

    /// Two fields of members compared with each other: refused, as their
    /// members are names on two scales (or two names of one), and a rule
    /// compares a field with a member of its own.
    fn two_scales(&mut self, l: &Typed, r: &Typed, span: Span) -> Typed {
        let (
            Typed::Enum {
                name: a,
                members: ma,
                ..
            },
            Typed::Enum {
                name: b,
                members: mb,
                ..
            },
        ) = (l, r)
        else {
            return Typed::Error;
        };
        let help = if ma == mb {
            format!(
                "compare each with a member: `{a} = {m}`, `{b} = {m}`",
                m = ma.first().map_or("…", String::as_str)
            )
        } else {
            format!("`{a}` and `{b}` are different scales; compare each with a member of its own")
        };
        self.error(CheckError::TypeMismatch {
            expected: format!("a member of `{a}`"),
            found: format!("the field `{b}`"),
            span,
            help: Some(help),
        })
    }
}

/// `x between lo and hi` on a scale, as checked (two `EnumIn`s joined by
/// `and`): one set, the members both ends admit, so the explanation and
/// the SQL name one test. Anything else is returned as it is.
pub(super) fn between_members(a: Cond, b: Cond) -> Cond {
    match (a, b) {
        (
            Cond::EnumIn {
                field,
                members: low,
                negated: false,
            },
            Cond::EnumIn {
                field: other,
                members: high,
                negated: false,
            },
        ) if field == other => Cond::EnumIn {
            field,
            members: low.into_iter().filter(|m| high.contains(m)).collect(),
            negated: false,
        },
        (a, b) => Cond::And(Box::new(a), Box::new(b)),
    }
}
