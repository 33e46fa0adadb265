//! Comparison with the tie rule, and the operator flip.

use crate::syntax::CompareOp;

/// Two numbers are equal when `|a − b| ≤ 1e-12 × max(|a|, |b|)` (a relative
/// difference, not a count of agreeing digits: 100.7999999996976 is below
/// 3 × 33.6 = 100.80000000000001, though both read 100.800000000). A record's value
/// and a threshold reach the evaluator through binary floating point
/// (`3 x ULN` with a ULN of 33.6 is 100.80000000000001; 2.7 mg/dL and its
/// ULN of 1.08 mg/dL convert to µmol/L separately), so an exact tie
/// written in the protocol's own terms can land a few units in the last
/// place off; no clinical measurement is that precise, so
/// nothing real is lost by calling such values equal. Dates, points in
/// time and whole numbers tie only when equal.
pub trait Ties: PartialOrd {
    /// Whether `a` and `b` compare as equal.
    fn ties(a: &Self, b: &Self) -> bool;
}

/// The relative difference below which two numbers are equal.
pub const TIE: f64 = 1e-12;

impl Ties for f64 {
    #[inline]
    fn ties(a: &f64, b: &f64) -> bool {
        a == b || (a - b).abs() <= TIE * a.abs().max(b.abs())
    }
}

impl Ties for i64 {
    #[inline]
    fn ties(a: &i64, b: &i64) -> bool {
        a == b
    }
}

impl Ties for jiff::civil::Date {
    #[inline]
    fn ties(a: &jiff::civil::Date, b: &jiff::civil::Date) -> bool {
        a == b
    }
}

impl Ties for jiff::civil::DateTime {
    #[inline]
    fn ties(a: &jiff::civil::DateTime, b: &jiff::civil::DateTime) -> bool {
        a == b
    }
}

/// `a < b`: less, and not tied.
#[inline]
pub(crate) fn lt<T: Ties>(a: T, b: T) -> bool {
    a < b && !T::ties(&a, &b)
}

/// `a <= b`: less, or tied.
#[inline]
pub(crate) fn le<T: Ties>(a: T, b: T) -> bool {
    a <= b || T::ties(&a, &b)
}

/// `a > b`: greater, and not tied.
#[inline]
pub(crate) fn gt<T: Ties>(a: T, b: T) -> bool {
    a > b && !T::ties(&a, &b)
}

/// `a >= b`: greater, or tied.
#[inline]
pub(crate) fn ge<T: Ties>(a: T, b: T) -> bool {
    a >= b || T::ties(&a, &b)
}

/// `a = b`: tied.
#[inline]
pub(crate) fn eq<T: Ties>(a: T, b: T) -> bool {
    T::ties(&a, &b)
}

/// `a != b`: not tied.
#[inline]
pub(crate) fn ne<T: Ties>(a: T, b: T) -> bool {
    !T::ties(&a, &b)
}

/// Whether `a op b` holds, with the tie rule of [`Ties`].
#[must_use]
#[inline]
pub fn holds<T: Ties>(op: CompareOp, a: T, b: T) -> bool {
    match op {
        CompareOp::Lt => lt(a, b),
        CompareOp::Le => le(a, b),
        CompareOp::Gt => gt(a, b),
        CompareOp::Ge => ge(a, b),
        CompareOp::Eq => eq(a, b),
        CompareOp::Ne => ne(a, b),
    }
}

/// The operator that gives the same answer with its operands swapped:
/// `k < x` is `x > k` (the tie rule is symmetric, and record values and
/// constants are never NaN).
#[must_use]
pub fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        CompareOp::Eq => CompareOp::Eq,
        CompareOp::Ne => CompareOp::Ne,
    }
}

/// The least and the greatest number that ties with a finite `k`
/// ([`Ties`]); the compiled thresholds and the SQL back end compare with it, found by bisection between `k` and a number beyond the
/// tie window on either side: the numbers tied with `k` are one interval
/// around it (the tie margin grows by far less than a step between two
/// numbers there). The tests in `compile/plan/atom.rs` hold the interval to the rule.
pub(crate) fn tied_with(k: f64) -> Option<(f64, f64)> {
    if !k.is_finite() {
        return None;
    }
    // Beyond `k ± 3e-12 |k|` nothing ties with `k` (see `Ties`), and one
    // step more keeps a `k` of 0 apart from its bounds.
    let margin = k.abs() * (3.0 * TIE);
    let tied = |a: f64| <f64 as Ties>::ties(&a, &k);
    let low = bisect(k, (k - margin).next_down(), tied)?;
    let high = bisect(k, (k + margin).next_up(), tied)?;
    Some((low, high))
}

/// The last number from `inside` towards `outside` for which `test`
/// holds, given that it holds at `inside` and not at `outside`.
fn bisect(inside: f64, outside: f64, test: impl Fn(f64) -> bool) -> Option<f64> {
    // Numbers as integers in their order (as `f64::total_cmp` takes
    // them): the map flips the bits of a negative number but its sign,
    // and is its own inverse.
    let flip = |bits: i64| bits ^ ((bits >> 63).cast_unsigned() >> 1).cast_signed();
    let key = |x: f64| flip(x.to_bits().cast_signed());
    let number = |key: i64| f64::from_bits(flip(key).cast_unsigned());
    let (mut yes, mut no) = (key(inside), key(outside));
    if !test(inside) || test(outside) || !outside.is_finite() {
        return None;
    }
    while yes.abs_diff(no) > 1 {
        let mid = yes.midpoint(no);
        if test(number(mid)) {
            yes = mid;
        } else {
            no = mid;
        }
    }
    Some(number(yes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPS: [CompareOp; 6] = [
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Eq,
        CompareOp::Ne,
    ];

    /// Values at, just inside and just outside the tie margin of 100.8,
    /// and far from it, with signs and zero.
    fn samples() -> Vec<f64> {
        let k = 100.8;
        vec![
            k,
            3.0 * 33.6,
            k * (1.0 + 0.5 * TIE),
            k * (1.0 - 0.5 * TIE),
            k * (1.0 + 4.0 * TIE),
            k * (1.0 - 4.0 * TIE),
            0.0,
            -0.0,
            -k,
            1e-300,
            1e300,
        ]
    }

    #[test]
    fn the_flip_swaps_operands_for_every_operator_and_value() {
        for op in OPS {
            for a in samples() {
                for b in samples() {
                    assert_eq!(holds(flip(op), b, a), holds(op, a, b), "{a} {op:?} {b}");
                }
            }
            assert_eq!(flip(flip(op)), op);
        }
    }

    #[test]
    fn each_operator_is_its_order_with_ties_as_equal() {
        for a in samples() {
            for b in samples() {
                let tied = f64::ties(&a, &b);
                assert_eq!(holds(CompareOp::Eq, a, b), tied);
                assert_eq!(holds(CompareOp::Ne, a, b), !tied);
                assert_eq!(holds(CompareOp::Le, a, b), tied || a < b);
                assert_eq!(holds(CompareOp::Lt, a, b), !tied && a < b);
                assert_eq!(holds(CompareOp::Ge, a, b), tied || a > b);
                assert_eq!(holds(CompareOp::Gt, a, b), !tied && a > b);
                // Exactly one of <, =, > holds.
                let one = [CompareOp::Lt, CompareOp::Eq, CompareOp::Gt]
                    .iter()
                    .filter(|op| holds(**op, a, b))
                    .count();
                assert_eq!(one, 1, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn the_tie_margin_is_relative() {
        assert!(f64::ties(&(3.0 * 33.6), &100.8));
        assert!(f64::ties(&100.8, &(100.8 * (1.0 + 0.5 * TIE))));
        assert!(!f64::ties(&100.8, &(100.8 * (1.0 + 4.0 * TIE))));
        assert!(f64::ties(&0.0, &-0.0));
        assert!(!f64::ties(&0.0, &1e-300));
        assert!(holds(CompareOp::Lt, 1_i64, 2));
        assert!(!holds(CompareOp::Lt, 2_i64, 2));
    }
}
