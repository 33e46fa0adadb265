//! Choosing a value: `first known of (…)` and `if … then … else …`, the
//! one rule for every evaluator (the reference, the closures and the
//! explainer; the SQL back end is tested against it).
//!
//! Both look at their operands in order, each through a callback that
//! may note what it read: which operands are looked at is part of the
//! rule, as it decides which missing fields a verdict names.

use super::Truth;

/// A value that may be unknown: a condition's [`Truth`], or a number or
/// date that is `None` when unknown.
pub trait Chosen: Sized {
    /// Whether the value is known.
    fn is_known(&self) -> bool;
    /// Whether two known values are the same.
    fn same(&self, other: &Self) -> bool;
    /// The unknown value.
    fn unknown() -> Self;
}

impl Chosen for Truth {
    fn is_known(&self) -> bool {
        *self != Truth::Unknown
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
    fn unknown() -> Self {
        Truth::Unknown
    }
}

impl<T: PartialEq> Chosen for Option<T> {
    fn is_known(&self) -> bool {
        self.is_some()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
    fn unknown() -> Self {
        None
    }
}

/// `if c then a else b`: `a` where `c` holds, `b` where it does not.
/// Where `c` is unknown both are looked at, and the value is theirs when
/// they are known and the same (`if female then 1 else 1` needs no sex),
/// unknown otherwise: an unknown condition is unknown only where it
/// matters.
///
/// ```
/// use rulec::semantics::{Truth, if_then_else};
///
/// let pick = |c, a: Option<f64>, b: Option<f64>| if_then_else(&mut (), c, |_| a, |_| b);
/// assert_eq!(pick(Truth::True, Some(0.85), Some(1.0)), Some(0.85));
/// assert_eq!(pick(Truth::Unknown, Some(0.85), Some(1.0)), None);
/// assert_eq!(pick(Truth::Unknown, Some(1.0), Some(1.0)), Some(1.0));
/// ```
pub fn if_then_else<C, V: Chosen>(
    ctx: &mut C,
    cond: Truth,
    then: impl FnOnce(&mut C) -> V,
    otherwise: impl FnOnce(&mut C) -> V,
) -> V {
    match cond {
        Truth::True => then(ctx),
        Truth::False => otherwise(ctx),
        Truth::Unknown => {
            let a = then(ctx);
            let b = otherwise(ctx);
            if a.is_known() && a.same(&b) {
                a
            } else {
                V::unknown()
            }
        }
    }
}

/// `first known of (a, b, …)`: the first operand that is known, looking
/// no further; unknown when none is.
///
/// ```
/// use rulec::semantics::first_known;
///
/// let values = [None, Some(48.0), Some(6.5)];
/// assert_eq!(first_known(&mut (), &values, |_, v| *v), Some(48.0));
/// assert_eq!(first_known(&mut (), &[None, None], |_, v: &Option<f64>| *v), None);
/// ```
pub fn first_known<C, I, V: Chosen>(
    ctx: &mut C,
    items: &[I],
    mut eval: impl FnMut(&mut C, &I) -> V,
) -> V {
    for item in items {
        let value = eval(ctx, item);
        if value.is_known() {
            return value;
        }
    }
    V::unknown()
}
