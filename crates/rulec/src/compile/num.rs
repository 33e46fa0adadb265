//! Numbers and dates compiled to closures.
//!
//! Constants fold at compile time (`-x`, conversions and arithmetic of
//! constants); identity conversions are left out; each field read, operator
//! and calendar unit gets its own closure. Where the reference evaluator
//! stops early (`a + b` with `a` unknown does not look at `b`), so do these
//! closures, in both passes: which operands are evaluated is observable in
//! the explaining pass, which reports the fields read while missing.

use crate::check::{ArithOp, DateVal, DefineId, FieldRef, Num};
use crate::semantics::Truth;
use crate::syntax::Limit;
use crate::units::Conversion;

use super::cond;
use super::ctx::{Access, Cached, CondFn, DateFn, Frame, NumFn, with_access};
use super::ops::{finite, with_arith, with_calendar};
use crate::check::{Duration, DurationUnit, moved};

/// A number as compiled: a constant known at compile time, or a closure.
pub(super) enum NumNode {
    /// Known without a record (`None`: an overflow of constants).
    Const(Option<f64>),
    /// Computed per record.
    Run(NumFn),
}

impl NumNode {
    /// The closure, whatever the node.
    pub(super) fn into_fn(self) -> NumFn {
        match self {
            NumNode::Const(v) => Box::new(move |_| v),
            NumNode::Run(f) => f,
        }
    }
}

/// The value of a number built from constants only; `None` if it reads
/// the record (see [`Num::constant`]).
pub(super) fn constant(n: &Num) -> Option<Option<f64>> {
    n.constant()
}

/// Compiles a number.
pub(super) fn num(n: &Num) -> NumNode {
    if let Some(v) = constant(n) {
        return NumNode::Const(v);
    }
    NumNode::Run(match n {
        Num::Field { field, conversion } => {
            with_access!(*field, a => field_num(a, *conversion))
        }
        Num::Limit {
            field,
            limit,
            factor,
        } => with_access!(*field, a => limit_of(a, *limit, *factor)),
        Num::Define { define, conversion } => define_num(*define, *conversion),
        Num::Convert { inner, conversion } => convert(num(inner).into_fn(), *conversion),
        Num::Neg(inner) => {
            let inner = num(inner).into_fn();
            Box::new(move |c| inner(c).map(|v| -v))
        }
        Num::Arith { op, lhs, rhs } => arith(*op, num(lhs), num(rhs)),
        Num::Count { list, condition } => count(*list, cond::cond(condition)),
        Num::Choose(choice) => super::choose::choose(choice, |n| num(n).into_fn(), cond::cond),
        Num::Formula(call) => num(&call.body).into_fn(),
        Num::OverList(o) => super::over::over(
            o,
            num(&o.value).into_fn(),
            o.at.as_ref().map(date),
            o.condition.as_ref().map(cond::cond),
            |kind, seen| kind.of_numbers(seen),
        ),
        Num::Call { func, args } => {
            super::choose::call(*func, args.iter().map(|a| num(a).into_fn()).collect())
        }
        Num::DateDiff {
            unit,
            from,
            to,
            conversion,
        } => {
            let (from, to) = (date(from), date(to));
            let diff: NumFn = with_calendar!(*unit, whole => Box::new(move |c| {
                // As in the reference: `to` is not looked at when `from`
                // is unknown.
                let from = from(c)?;
                whole(from, to(c)?)
            }));
            convert(diff, *conversion)
        }
        // Folded above.
        Num::Const(v) => {
            let v = *v;
            Box::new(move |_| Some(v))
        }
    })
}

/// A closure that applies a conversion to a number, or the number's own
/// closure when the conversion changes nothing.
fn convert(inner: NumFn, conversion: Conversion) -> NumFn {
    if conversion.is_identity() {
        inner
    } else {
        Box::new(move |c| inner(c).map(|v| conversion.apply(v)))
    }
}

/// A numeric field, converted.
fn field_num<A: Access>(a: A, conversion: Conversion) -> NumFn {
    if conversion.is_identity() {
        Box::new(move |c| a.number(c))
    } else {
        Box::new(move |c| a.number(c).map(|v| conversion.apply(v)))
    }
}

/// `factor x ULN` or `factor x LLN` of a ranged field: unknown when the
/// record gives no range.
fn limit_of<A: Access>(a: A, limit: Limit, factor: f64) -> NumFn {
    match limit {
        Limit::Upper => Box::new(move |c| match a.quantity(c) {
            Some((_, _, Some(h))) => Some(factor * h),
            Some((_, _, None)) => {
                a.note_undecided(c);
                None
            }
            None => None,
        }),
        Limit::Lower => Box::new(move |c| match a.quantity(c) {
            Some((_, Some(l), _)) => Some(factor * l),
            Some((_, None, _)) => {
                a.note_undecided(c);
                None
            }
            None => None,
        }),
    }
}

/// A numeric define, computed once per record, converted.
fn define_num(define: DefineId, conversion: Conversion) -> NumFn {
    let id = define.0 as usize;
    let read: NumFn = Box::new(move |c| match c.define(id) {
        Cached::Num(v) => v,
        _ => None,
    });
    convert(read, conversion)
}

/// `a + b`, `a - b`, `a * b`, `a / b`, with a constant operand captured as
/// a plain `f64`.
fn arith(op: ArithOp, lhs: NumNode, rhs: NumNode) -> NumFn {
    with_arith!(op, f => match (lhs, rhs) {
        (NumNode::Const(Some(a)), NumNode::Run(r)) => Box::new(move |c| finite(f(a, r(c)?))),
        (NumNode::Run(l), NumNode::Const(Some(b))) => Box::new(move |c| finite(f(l(c)?, b))),
        (NumNode::Run(l), NumNode::Run(r)) => Box::new(move |c| {
            let a = l(c)?;
            finite(f(a, r(c)?))
        }),
        // An unknown constant operand (an overflow): unknown, after the
        // left operand has been looked at as the reference does.
        (lhs, rhs) => {
            let (l, r) = (lhs.into_fn(), rhs.into_fn());
            Box::new(move |c| {
                let a = l(c)?;
                finite(f(a, r(c)?))
            })
        }
    })
}

/// `count L where c`: known only when every element's condition is; stops
/// at the first unknown element (except in the explaining pass).
fn count(list: FieldRef, condition: CondFn) -> NumFn {
    with_access!(list, a => Box::new(move |c| {
        let elements = a.list(c)?;
        let mut met = 0_usize;
        let mut unknown = false;
        for element in elements {
            let frame = Frame {
                element,
                parent: c.frame,
                root: c.frame.map_or(a.root(), |p| p.root),
            };
            match condition(&c.with_frame(&frame)) {
                Truth::True => met += 1,
                Truth::False => {}
                Truth::Unknown => {
                    unknown = true;
                    if !c.eager() {
                        break;
                    }
                }
            }
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "lists are far shorter than 2^53"
        )]
        (!unknown).then_some(met as f64)
    }))
}

/// Compiles a date.
pub(super) fn date(d: &DateVal) -> DateFn {
    match d {
        DateVal::Field(field) => with_access!(*field, a => date_field(a)),
        DateVal::Index => Box::new(|c| Some(jiff::civil::DateTime::from(c.index))),
        DateVal::Choose(choice) => super::choose::choose(choice, date, cond::cond),
        DateVal::OverList(o) => super::over::over(
            o,
            date(&o.value),
            o.at.as_ref().map(date),
            o.condition.as_ref().map(cond::cond),
            crate::semantics::pick,
        ),
        DateVal::Define(id) => {
            let id = id.0 as usize;
            Box::new(move |c| match c.define(id) {
                Cached::Date(d) => d,
                _ => None,
            })
        }
        DateVal::Shift { date: inner, by } => {
            let inner = date(inner);
            match by.span() {
                Some(span) => Box::new(move |c| moved(inner(c)?, span)),
                // No calendar meaning: unknown, after looking at the date
                // as the reference does.
                None => Box::new(move |c| {
                    if c.eager() {
                        let _ = inner(c);
                    }
                    None
                }),
            }
        }
        DateVal::ShiftBy {
            date: inner,
            by,
            unit,
        } => shift_by(date(inner), num(by).into_fn(), *unit),
    }
}

/// A date moved by a computed duration; the number is not looked at when
/// the date is unknown, as in the reference.
fn shift_by(inner: DateFn, by: NumFn, unit: DurationUnit) -> DateFn {
    Box::new(move |c| {
        let at = inner(c)?;
        let amount = by(c)?;
        moved(at, Duration { amount, unit }.span()?)
    })
}

/// A `date` field.
fn date_field<A: Access>(a: A) -> DateFn {
    Box::new(move |c| a.date(c).map(jiff::civil::DateTime::from))
}
