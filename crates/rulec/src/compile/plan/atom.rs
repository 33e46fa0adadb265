//! Atoms: the tests the status plan computes into bits, one per record,
//! each read straight from the record's words with no branch on the
//! values.

use crate::check::{ArithOp, Cond, FieldRef, Num};
use crate::schema::{CodeWord, KnownWord, Layout, NumberWord, WordOf};
use crate::semantics::{TIE, Ties};
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

    /// [`Orderings::holds`] when `a` is outside `[low, high]`, a window
    /// around `b` outside which nothing ties with it (see [`window`]): a
    /// comparison without the cost of the tie rule, which is left to the
    /// rare values inside the window.
    #[inline]
    fn holds_outside(self, a: f64, b: f64, (low, high): (f64, f64)) -> bool {
        let (less, greater) = (a < low, a > high);
        if less | greater {
            (self.less & less) | (self.greater & greater)
        } else {
            self.holds(a, b)
        }
    }
}

/// A window around `b` outside which no value ties with it.
///
/// Ties are within 1e-12 of the larger magnitude (`Ties`). A value `a`
/// outside `b ± 3e-12 |b|` is not within that: if `|a| <= 2|b|` the tie
/// window is at most `2e-12 |b|`, and if `|a| > 2|b|` then
/// `|a - b| > |a| / 2`, far more than `1e-12 |a|`.
#[inline]
fn window(b: f64) -> (f64, f64) {
    let margin = b.abs() * (3.0 * TIE);
    (b - margin, b + margin)
}

/// The commonest atom, `field op k` with no conversion, on its own short
/// path.
#[derive(Clone, Copy, Debug)]
pub(super) struct Threshold {
    pub(super) bit: u32,
    word: NumberWord,
    op: Orderings,
    k: f64,
    /// [`window`] of `k`.
    window: (f64, f64),
}

impl Threshold {
    pub(super) fn new(bit: u32, word: NumberWord, op: Orderings, k: f64) -> Threshold {
        Threshold {
            bit,
            word,
            op,
            k,
            window: window(k),
        }
    }

    /// The comparison's truth and whether it is known, as bits.
    #[inline]
    pub(super) fn eval(&self, words: &[u64]) -> (u64, u64) {
        let a = self.word.read(words);
        let known = !a.is_nan();
        let holds = known & self.op.holds_outside(a, self.k, self.window);
        (
            u64::from(holds) << (self.bit % 64),
            u64::from(known) << (self.bit % 64),
        )
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
