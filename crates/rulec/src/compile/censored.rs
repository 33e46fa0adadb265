//! Censored values in the compiled closures: a comparison of a field with
//! a number, and `is known`, look first at whether the field holds a
//! censored value, and decide it as the reference evaluator does, by
//! [`crate::semantics::Censored::compare`] on the interval
//! [`crate::schema::CensoredValue::converted`] gives. A record without
//! one pays a branch.

use crate::check::{FieldRef, Num};
use crate::semantics::{Truth, flip};
use crate::syntax::{CompareOp, Limit};
use crate::units::Conversion;

use super::ctx::{Access, CondFn, Ctx, NumFn, with_access};
use super::num::num;

/// What the censored field is compared with.
enum Other {
    /// `x ULN` of the field itself, whose range a censored value keeps.
    Limit(Limit, f64),
    /// A constant.
    Const(f64),
    /// Any other number.
    Num(NumFn),
}

/// `plain`, the comparison `lhs op rhs` compiled for numbers, made to
/// decide it for a censored field on either side (the left one first, as
/// the reference evaluator looks); `plain` itself when neither side reads
/// a field.
pub(super) fn compare(op: CompareOp, lhs: &Num, rhs: &Num, plain: CondFn) -> CondFn {
    let mut f = plain;
    if let Num::Field { field, conversion } = rhs {
        f = censored_side(*field, *conversion, flip(op), lhs, f);
    }
    if let Num::Field { field, conversion } = lhs {
        f = censored_side(*field, *conversion, op, rhs, f);
    }
    f
}

/// `field op other`, decided when `field` holds a censored value, else
/// `plain`.
fn censored_side(
    field: FieldRef,
    conversion: Conversion,
    op: CompareOp,
    other: &Num,
    plain: CondFn,
) -> CondFn {
    let other = match other {
        Num::Limit {
            field: of,
            limit,
            factor,
        } if *of == field => Other::Limit(*limit, *factor),
        // The common case, a threshold: nothing more to compile.
        Num::Const(k) => Other::Const(*k),
        _ => Other::Num(num(other).into_fn()),
    };
    with_access!(field, a => decide(a, conversion, op, other, plain))
}

fn decide<A: Access>(
    a: A,
    conversion: Conversion,
    op: CompareOp,
    other: Other,
    plain: CondFn,
) -> CondFn {
    Box::new(move |c: &Ctx<'_>| {
        let censored = a
            .holder(c)
            .filter(|r| r.has_censored())
            .and_then(|r| r.censored(a.slot()).copied());
        let Some(value) = censored else {
            return plain(c);
        };
        let k = match &other {
            Other::Limit(limit, factor) => value.limit(*limit, *factor),
            Other::Const(k) => Some(*k),
            Other::Num(f) => f(c),
        };
        let truth = match (value.converted(&conversion), k) {
            (Some(interval), Some(k)) => interval.compare(op, k),
            _ => Truth::Unknown,
        };
        if truth == Truth::Unknown {
            // The exact value would decide: the field is what to ask for.
            a.note_missing(c);
        }
        truth
    })
}

/// `field is known` / `is missing`, `plain` made to count a censored
/// value as known.
pub(super) fn known(field: FieldRef, known: bool, plain: CondFn) -> CondFn {
    with_access!(field, a => Box::new(move |c: &Ctx<'_>| {
        let censored = a
            .holder(c)
            .is_some_and(|r| r.has_censored() && r.censored(a.slot()).is_some());
        if censored {
            Truth::from_bool(known)
        } else {
            plain(c)
        }
    }) as CondFn)
}
