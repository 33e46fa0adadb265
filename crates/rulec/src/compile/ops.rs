//! Operators resolved at compile time: each macro here turns an operator
//! known only at run time of the compiler into a distinct closure type, so
//! the closure built around it is monomorphised for that operator and no
//! `match` on the operator is left for evaluation.
//!
//! The rules themselves live in [`crate::semantics`] (comparison with the
//! tie rule, whole calendar units); these macros only pick, at compile
//! time, the function for the operator or unit at hand. How far a duration
//! moves a date is `check::Duration::span`, shared with the reference
//! evaluator and computed once per duration here.

/// Builds `$body` with `$f` bound to a non-capturing closure
/// `|a: $t, b: $t| -> bool` that applies the comparison `$op`: the
/// function of [`crate::semantics`] for that operator.
macro_rules! with_cmp {
    ($op:expr, $t:ty, $f:ident => $body:expr) => {
        match $op {
            $crate::syntax::CompareOp::Lt => {
                let $f = |a: $t, b: $t| $crate::semantics::lt(a, b);
                $body
            }
            $crate::syntax::CompareOp::Le => {
                let $f = |a: $t, b: $t| $crate::semantics::le(a, b);
                $body
            }
            $crate::syntax::CompareOp::Gt => {
                let $f = |a: $t, b: $t| $crate::semantics::gt(a, b);
                $body
            }
            $crate::syntax::CompareOp::Ge => {
                let $f = |a: $t, b: $t| $crate::semantics::ge(a, b);
                $body
            }
            $crate::syntax::CompareOp::Eq => {
                let $f = |a: $t, b: $t| $crate::semantics::eq(a, b);
                $body
            }
            $crate::syntax::CompareOp::Ne => {
                let $f = |a: $t, b: $t| $crate::semantics::ne(a, b);
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

/// An arithmetic result, unknown when it is not finite (a division by
/// zero, an overflow), as in the reference evaluator.
#[inline]
pub(super) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Builds `$body` with `$f` bound to the `whole_*` function of a calendar
/// unit (a distinct function item per unit, so the closure built around it
/// is monomorphised).
macro_rules! with_calendar {
    ($unit:expr, $f:ident => $body:expr) => {
        match $unit {
            $crate::syntax::CalendarUnit::Years => {
                let $f = $crate::semantics::whole_years;
                $body
            }
            $crate::syntax::CalendarUnit::Months => {
                let $f = $crate::semantics::whole_months;
                $body
            }
            $crate::syntax::CalendarUnit::Weeks => {
                let $f = $crate::semantics::whole_weeks;
                $body
            }
            $crate::syntax::CalendarUnit::Days => {
                let $f = $crate::semantics::whole_days;
                $body
            }
            $crate::syntax::CalendarUnit::Hours => {
                let $f = $crate::semantics::whole_hours;
                $body
            }
        }
    };
}
pub(super) use with_calendar;
