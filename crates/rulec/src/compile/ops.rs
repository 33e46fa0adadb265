//! Operators resolved at compile time: each macro here turns an operator
//! known only at run time of the compiler into a distinct closure type, so
//! the closure built around it is monomorphised for that operator and no
//! `match` on the operator is left for evaluation.
//!
//! How far a duration moves a date is `check::Duration::span`, shared with
//! the reference evaluator and computed once per duration here. The
//! `whole_*` helpers mirror `eval::reference::whole_units_between`, one
//! function per calendar unit so each closure is monomorphised; the oracle
//! test keeps them in step.

use jiff::Unit as DateUnit;
use jiff::civil::DateTime;

use crate::syntax::CompareOp;

/// Builds `$body` with `$f` bound to a non-capturing closure
/// `|a: $t, b: $t| -> bool` that applies the comparison `$op`, with
/// `CompareOp::holds`'s rule for ties ([`crate::syntax::Ties`]).
macro_rules! with_cmp {
    ($op:expr, $t:ty, $f:ident => $body:expr) => {
        match $op {
            $crate::syntax::CompareOp::Lt => {
                let $f = |a: $t, b: $t| a < b && !<$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
            $crate::syntax::CompareOp::Le => {
                let $f = |a: $t, b: $t| a <= b || <$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
            $crate::syntax::CompareOp::Gt => {
                let $f = |a: $t, b: $t| a > b && !<$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
            $crate::syntax::CompareOp::Ge => {
                let $f = |a: $t, b: $t| a >= b || <$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
            $crate::syntax::CompareOp::Eq => {
                let $f = |a: $t, b: $t| <$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
            $crate::syntax::CompareOp::Ne => {
                let $f = |a: $t, b: $t| !<$t as $crate::syntax::Ties>::ties(&a, &b);
                $body
            }
        }
    };
}
pub(super) use with_cmp;

/// Builds `$body` with `$f` bound to a non-capturing closure
/// `|a: f64, b: f64| -> f64` that applies the arithmetic operator `$op`.
macro_rules! with_arith {
    ($op:expr, $f:ident => $body:expr) => {
        match $op {
            $crate::check::ArithOp::Add => {
                let $f = |a: f64, b: f64| a + b;
                $body
            }
            $crate::check::ArithOp::Sub => {
                let $f = |a: f64, b: f64| a - b;
                $body
            }
            $crate::check::ArithOp::Mul => {
                let $f = |a: f64, b: f64| a * b;
                $body
            }
            $crate::check::ArithOp::Div => {
                let $f = |a: f64, b: f64| a / b;
                $body
            }
        }
    };
}
pub(super) use with_arith;

/// The operator that gives the same answer with its operands swapped:
/// `k < x` is `x > k` (exactly so for numbers that are not NaN, and record
/// values and constants never are).
pub(super) fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        CompareOp::Eq => CompareOp::Eq,
        CompareOp::Ne => CompareOp::Ne,
    }
}

/// An arithmetic result, unknown when it is not finite (a division by
/// zero, an overflow), as in the reference evaluator.
#[inline]
pub(super) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Whole calendar years from `from` to `to`, by birthdays.
pub(super) fn whole_years(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Year, to)).ok()?;
    Some(f64::from(span.get_years()))
}

/// Whole calendar months from `from` to `to`, by day of the month.
pub(super) fn whole_months(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Month, to)).ok()?;
    Some(f64::from(span.get_months()))
}

/// Whole weeks from `from` to `to`.
pub(super) fn whole_weeks(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Week, to)).ok()?;
    Some(f64::from(span.get_weeks()))
}

/// Whole days from `from` to `to`.
pub(super) fn whole_days(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Day, to)).ok()?;
    Some(f64::from(span.get_days()))
}

/// Whole hours from `from` to `to` (a multiple of 24 between two dates,
/// which stand at their midnights).
pub(super) fn whole_hours(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Hour, to)).ok()?;
    Some(f64::from(span.get_hours()))
}

/// Builds `$body` with `$f` bound to the `whole_*` function of a calendar
/// unit (a distinct function item per unit, so the closure built around it
/// is monomorphised).
macro_rules! with_calendar {
    ($unit:expr, $f:ident => $body:expr) => {
        match $unit {
            $crate::syntax::CalendarUnit::Years => {
                let $f = $crate::compile::ops::whole_years;
                $body
            }
            $crate::syntax::CalendarUnit::Months => {
                let $f = $crate::compile::ops::whole_months;
                $body
            }
            $crate::syntax::CalendarUnit::Weeks => {
                let $f = $crate::compile::ops::whole_weeks;
                $body
            }
            $crate::syntax::CalendarUnit::Days => {
                let $f = $crate::compile::ops::whole_days;
                $body
            }
            $crate::syntax::CalendarUnit::Hours => {
                let $f = $crate::compile::ops::whole_hours;
                $body
            }
        }
    };
}
pub(super) use with_calendar;
