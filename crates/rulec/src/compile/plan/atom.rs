//! Atoms: the tests the status plan computes into bits, one per record,
//! each read straight from the record's words with no branch on the
//! values.

use crate::check::{ArithOp, Cond, FieldRef, Num};
use crate::schema::{CodeWord, KnownWord, Layout, NumberWord, WordOf};
use crate::semantics::{Ties, tied_with};
use crate::syntax::{CompareOp, Limit};
use crate::units::Conversion;

use super::super::num::constant;

/// A threshold comparison read straight from a record's words:
/// `conversion(value) op rhs`, where `rhs` is `k`, or `factor` times
/// another word of the record, converted (the field's own ULN or LLN, or
/// another field).
///
/// Evaluated without a branch on the values: screened records sit on both
/// sides of every threshold, so a branch on the outcome would be
/// mispredicted half the time.
#[derive(Clone, Copy, Debug)]
pub(super) struct Atom {
    /// The bit the outcome goes to.
    pub(super) bit: u32,
    pub(super) word: NumberWord,
    pub(super) conversion: Conversion,
    /// Which orderings satisfy the operator.
    pub(super) op: Orderings,
    pub(super) rhs: Rhs,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Rhs {
    Const(f64),
    Word {
        factor: f64,
        word: NumberWord,
        conversion: Conversion,
        /// Arithmetic (`k * other`): unknown when not finite, as any
        /// arithmetic result is. A limit (`k x ULN`) is not checked.
        arith: bool,
    },
}

/// An operator as the orderings it accepts, with `semantics::holds`'s
/// ties: `<` is "less and not tied", `<=` "less or tied", `!=` "not tied".
#[derive(Clone, Copy, Debug)]
pub(super) struct Orderings {
    less: bool,
    tied: bool,
    greater: bool,
}

impl Orderings {
    fn of(op: CompareOp) -> Orderings {
        let (less, tied, greater) = match op {
            CompareOp::Lt => (true, false, false),
            CompareOp::Le => (true, true, false),
            CompareOp::Gt => (false, false, true),
            CompareOp::Ge => (false, true, true),
            CompareOp::Eq => (false, true, false),
            CompareOp::Ne => (true, false, true),
        };
        Orderings {
            less,
            tied,
            greater,
        }
    }

    /// Whether `a op b`, for numbers that are not NaN, with the exact
    /// rule for ties.
    #[inline]
    fn holds(self, a: f64, b: f64) -> bool {
        let tied = <f64 as Ties>::ties(&a, &b);
        (self.less & (a < b) & !tied) | (self.tied & tied) | (self.greater & (a > b) & !tied)
    }
}

/// The commonest atom, `field op k` with no conversion, on its own short
/// path: `a op k` holds exactly where `lo <= a <= hi` (or outside that,
/// for `!=`), an interval found once, from the tie rule itself.
#[derive(Clone, Copy, Debug)]
pub(super) struct Threshold {
    pub(super) bit: u32,
    word: NumberWord,
    lo: f64,
    hi: f64,
    /// `!=`: the comparison holds outside `[lo, hi]`.
    outside: bool,
}

impl Threshold {
    /// `None` for a `k` that is not finite, left to the general atom.
    pub(super) fn new(bit: u32, word: NumberWord, op: Orderings, k: f64) -> Option<Threshold> {
        let (lo, hi, outside) = op.interval(k)?;
        Some(Threshold {
            bit,
            word,
            lo,
            hi,
            outside,
        })
    }

    /// The comparison's truth and whether it is known, as bits.
    #[inline]
    pub(super) fn eval(&self, words: &[u64]) -> (u64, u64) {
        let a = self.word.read(words);
        let known = !a.is_nan();
        // NaN is inside no interval; `known` keeps it from holding outside.
        let inside = (self.lo <= a) & (a <= self.hi);
        let holds = known & (inside != self.outside);
        (
            u64::from(holds) << (self.bit % 64),
            u64::from(known) << (self.bit % 64),
        )
    }
}

impl Orderings {
    /// The numbers `a` for which `a op k` holds, as `(lo, hi, outside)`:
    /// `lo <= a <= hi`, or outside that when `outside`. `None` for a `k`
    /// that is not finite.
    fn interval(self, k: f64) -> Option<(f64, f64, bool)> {
        let (low, high) = tied_with(k)?;
        Some(match (self.less, self.tied, self.greater) {
            (false, false, false) => (f64::INFINITY, f64::NEG_INFINITY, false),
            (true, false, false) => (f64::NEG_INFINITY, low.next_down(), false),
            (true, true, false) => (f64::NEG_INFINITY, high, false),
            (false, true, false) => (low, high, false),
            (false, true, true) => (low, f64::INFINITY, false),
            (false, false, true) => (high.next_up(), f64::INFINITY, false),
            (true, false, true) => (low, high, true),
            (true, true, true) => (f64::INFINITY, f64::NEG_INFINITY, true),
        })
    }
}

impl Atom {
    /// The comparison's truth and whether it is known, as bits.
    #[inline]
    pub(super) fn eval(&self, words: &[u64]) -> (u64, u64) {
        let value = self.word.read(words);
        let a = self.conversion.apply(value);
        let (b, arith) = match self.rhs {
            Rhs::Const(k) => (k, false),
            Rhs::Word {
                factor,
                word,
                conversion,
                arith,
            } => (factor * conversion.apply(word.read(words)), arith),
        };
        // NaN is a missing value, and a product that is not finite is
        // unknown, as in the reference evaluator.
        let known = !value.is_nan() & !b.is_nan() & (!arith | b.is_finite());
        let holds = known & self.op.holds(a, b);
        (
            u64::from(holds) << (self.bit % 64),
            u64::from(known) << (self.bit % 64),
        )
    }
}

/// `lhs op rhs` as an atom, if `lhs` is a numeric field of the record and
/// `rhs` a constant, its own limit, or a constant times another field.
pub(super) fn atom(layout: &Layout, op: CompareOp, lhs: &Num, rhs: &Num) -> Option<Atom> {
    let Num::Field {
        field: FieldRef { depth: 0, slot },
        conversion,
    } = lhs
    else {
        return None;
    };
    let rhs = match rhs {
        _ if constant(rhs).is_some() => Rhs::Const(constant(rhs).flatten()?),
        Num::Limit {
            field: FieldRef { depth: 0, slot: s },
            limit,
            factor,
        } if s == slot => {
            let (low, high) = layout.limit_words(*slot)?;
            Rhs::Word {
                factor: *factor,
                word: if *limit == Limit::Upper { high } else { low },
                conversion: Conversion::IDENTITY,
                arith: false,
            }
        }
        Num::Arith {
            op: ArithOp::Mul,
            lhs: a,
            rhs: b,
        } => {
            let (k, other) = match (constant(a), constant(b)) {
                (Some(k), None) => (k?, b.as_ref()),
                (None, Some(k)) => (k?, a.as_ref()),
                _ => return None,
            };
            let Num::Field {
                field: FieldRef { depth: 0, slot: o },
                conversion,
            } = other
            else {
                return None;
            };
            Rhs::Word {
                factor: k,
                word: layout.number_word(*o)?,
                conversion: *conversion,
                arith: true,
            }
        }
        _ => return None,
    };
    Some(Atom {
        bit: 0,
        word: layout.number_word(*slot)?,
        conversion: *conversion,
        op: Orderings::of(op),
        rhs,
    })
}

/// A test of one word of the record that is not a comparison: a member
/// test, a set test, or `is known` / `is missing`.
#[derive(Clone, Copy, Debug)]
pub(super) struct WordTest {
    pub(super) bit: u32,
    test: Test,
}

#[derive(Clone, Copy, Debug)]
enum Test {
    /// `e in {…}` (negated: `not in`, `!=`).
    Member {
        at: CodeWord,
        mask: u64,
        negated: bool,
    },
    /// `s has any of {…}` (`all`: `has all of`).
    Has { at: CodeWord, mask: u64, all: bool },
    /// `x is known` (`known`) or `x is missing` of a number.
    NumberKnown { at: NumberWord, known: bool },
    /// The same of a date, member or set.
    CodeKnown { at: CodeWord, known: bool },
    /// The same of a `bool`: its bit in the known word.
    FlagKnown {
        at: KnownWord,
        bit: u32,
        known: bool,
    },
}

impl WordTest {
    /// The test of `c`, if it is one of a field of the record held in a
    /// word.
    pub(super) fn of(layout: &Layout, c: &Cond) -> Option<WordTest> {
        let top = |field: &FieldRef| (field.depth == 0).then_some(field.slot);
        let test = match c {
            Cond::EnumIn {
                field,
                members,
                negated,
            } => Test::Member {
                at: layout.member_word(top(field)?)?,
                mask: Layout::member_mask(members)?,
                negated: *negated,
            },
            Cond::SetHas {
                field,
                members,
                all,
            } => Test::Has {
                at: layout.mask_word(top(field)?)?,
                mask: Layout::member_mask(members)?,
                all: *all,
            },
            Cond::Known { field, known } => match layout.word_of(top(field)?)? {
                WordOf::Number(at) => Test::NumberKnown { at, known: *known },
                WordOf::Code(at) => Test::CodeKnown { at, known: *known },
                WordOf::Flag(at, bit) => Test::FlagKnown {
                    at,
                    bit,
                    known: *known,
                },
            },
            _ => return None,
        };
        Some(WordTest { bit: 0, test })
    }

    /// The test's truth and whether it is known, as bits.
    #[inline]
    pub(super) fn eval(&self, words: &[u64]) -> (u64, u64) {
        let (holds, known) = match self.test {
            Test::Member { at, mask, negated } => match at.read(words) {
                Some(member) => (((mask >> member.min(63)) & 1 == 1) != negated, true),
                None => (false, false),
            },
            Test::Has { at, mask, all } => match at.read(words) {
                Some(set) if all => (mask & !set == 0, true),
                Some(set) => (set & mask != 0, true),
                None => (false, false),
            },
            Test::NumberKnown { at, known } => (at.read(words).is_nan() != known, true),
            Test::CodeKnown { at, known } => (at.read(words).is_some() == known, true),
            Test::FlagKnown { at, bit, known } => {
                (((at.read(words) >> bit) & 1 == 1) == known, true)
            }
        };
        let holds = known & holds;
        (
            u64::from(holds) << (self.bit % 64),
            u64::from(known) << (self.bit % 64),
        )
    }

    /// The test with its outcome going to `bit`.
    pub(super) fn at(self, bit: u32) -> WordTest {
        WordTest { bit, ..self }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `a op k` by the interval, as [`Threshold::eval`] reads it; `None`
    /// where the plan leaves `k` to the general atom.
    fn by_interval(op: Orderings, k: f64, a: f64) -> Option<bool> {
        let (lo, hi, outside) = op.interval(k)?;
        let inside = (lo <= a) & (a <= hi);
        Some(!a.is_nan() & (inside != outside))
    }

    fn op() -> impl Strategy<Value = CompareOp> {
        prop_oneof![
            Just(CompareOp::Lt),
            Just(CompareOp::Le),
            Just(CompareOp::Gt),
            Just(CompareOp::Ge),
            Just(CompareOp::Eq),
            Just(CompareOp::Ne),
        ]
    }

    fn threshold() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(-0.0),
            (-1000_i32..1000).prop_map(f64::from),
            (-1000_i32..1000).prop_map(|n| f64::from(n) / 10.0),
            any::<f64>().prop_filter("finite", |k| k.is_finite()),
            Just(f64::MIN_POSITIVE),
            Just(f64::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The interval is the tie rule: the same truth as
        /// `Orderings::holds` for values a few steps from the threshold,
        /// at the edge of its tie window, and anywhere.
        #[test]
        fn the_interval_is_the_comparison_with_its_ties(
            op in op(),
            k in threshold(),
            steps in -8_i64..8,
            relative in -4e-12_f64..4e-12,
            anywhere in any::<f64>(),
        ) {
            let op = Orderings::of(op);
            let mut near = k;
            for _ in 0..steps.unsigned_abs() {
                near = if steps < 0 { near.next_down() } else { near.next_up() };
            }
            for a in [k, near, k + k * relative, k - k.abs() * relative, anywhere, f64::NAN, 0.0, -0.0] {
                let want = !a.is_nan() && op.holds(a, k);
                if let Some(got) = by_interval(op, k, a) {
                    prop_assert_eq!(got, want, "a = {:e}, k = {:e}, {:?}", a, k, op);
                }
            }
        }
    }

    #[test]
    fn thresholds_without_an_interval_are_left_to_the_general_atom() {
        let lt = Orderings::of(CompareOp::Lt);
        assert!(lt.interval(f64::INFINITY).is_none());
        assert!(lt.interval(f64::NAN).is_none());
        // Its tie window reaches past the largest number.
        assert!(lt.interval(f64::MAX).is_none());
        // Those that have one: ordinary thresholds, and 0.
        for k in [0.0, -0.0, 80.0, -2.5, 1e-300, 1e300] {
            assert!(lt.interval(k).is_some(), "{k}");
        }
    }
}
