//! Three-valued (Kleene) logic: missing data is unknown, not false.

use std::fmt;

use crate::syntax::GroupKind;

/// The truth of a condition for one record.
///
/// Ordered `False < Unknown < True`, so that `and` is the minimum and `or`
/// the maximum, which is exactly Kleene's strong three-valued logic:
/// `false and unknown` is false, `true or unknown` is true, and otherwise
/// unknown propagates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Truth {
    /// Certainly not.
    False,
    /// The record lacks what would decide it.
    Unknown,
    /// Certainly.
    True,
}

impl Truth {
    /// `true` or `false` as a truth.
    #[must_use]
    pub fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    /// A known boolean, or unknown when absent.
    #[must_use]
    pub fn from_option(b: Option<bool>) -> Truth {
        b.map_or(Truth::Unknown, Truth::from_bool)
    }

    /// Kleene conjunction.
    #[must_use]
    pub fn and(self, other: Truth) -> Truth {
        self.min(other)
    }

    /// Kleene disjunction.
    #[must_use]
    pub fn or(self, other: Truth) -> Truth {
        self.max(other)
    }

    /// Kleene negation: unknown stays unknown.
    #[must_use]
    #[expect(
        clippy::should_implement_trait,
        reason = "reads as the language's `not`"
    )]
    pub fn not(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }
}

impl Truth {
    /// `self and rhs`, evaluating `rhs` only when `self` is not false:
    /// the order every evaluator follows, so that a decided `and` reads no
    /// more data (and reports no more missing fields) than it needs.
    #[must_use]
    #[inline]
    pub fn and_then(self, rhs: impl FnOnce() -> Truth) -> Truth {
        if self == Truth::False {
            Truth::False
        } else {
            self.and(rhs())
        }
    }

    /// `self or rhs`, evaluating `rhs` only when `self` is not true.
    #[must_use]
    #[inline]
    pub fn or_else(self, rhs: impl FnOnce() -> Truth) -> Truth {
        if self == Truth::True {
            Truth::True
        } else {
            self.or(rhs())
        }
    }

    /// `a = b` between conditions (`b` negated for `!=` by the caller):
    /// unknown when either side is.
    #[must_use]
    #[inline]
    pub fn equals(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
            (a, b) => Truth::from_bool(a == b),
        }
    }
}

/// `at least n of` `total` conditions, of which `met` are true and
/// `failed` false: true once `n` are met, false once too few can still be,
/// unknown otherwise. `any of` is at least 1, `all of` at least all.
#[must_use]
#[inline]
pub fn at_least(n: usize, met: usize, failed: usize, total: usize) -> Truth {
    if met >= n {
        Truth::True
    } else if total.saturating_sub(failed) < n {
        Truth::False
    } else {
        Truth::Unknown
    }
}

/// A group's truth from its items' (`any of`, `all of`, `none of`,
/// `at least N of`).
#[must_use]
pub fn group(kind: GroupKind, truths: &[Truth]) -> Truth {
    let met = truths.iter().filter(|t| **t == Truth::True).count();
    let failed = truths.iter().filter(|t| **t == Truth::False).count();
    let total = truths.len();
    match kind {
        GroupKind::Any => at_least(1, met, failed, total),
        GroupKind::All => at_least(total, met, failed, total),
        GroupKind::None => at_least(1, met, failed, total).not(),
        GroupKind::AtLeast(n) => at_least(n as usize, met, failed, total),
    }
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Truth::False => "false",
            Truth::Unknown => "unknown",
            Truth::True => "true",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, False, True, Unknown};

    const ALL: [Truth; 3] = [False, Unknown, True];

    /// The truth tables of Kleene's strong logic, written out in full.
    #[test]
    fn kleene_truth_tables() {
        let and = [
            [False, False, False],
            [False, Unknown, Unknown],
            [False, Unknown, True],
        ];
        let or = [
            [False, Unknown, True],
            [Unknown, Unknown, True],
            [True, True, True],
        ];
        for (i, a) in ALL.iter().enumerate() {
            for (j, b) in ALL.iter().enumerate() {
                assert_eq!(a.and(*b), and[i][j], "{a} and {b}");
                assert_eq!(a.or(*b), or[i][j], "{a} or {b}");
            }
        }
        assert_eq!(ALL.map(Truth::not), [True, Unknown, False]);
    }

    /// `at least n of` over every vector of up to four truths, against
    /// its definition: true when n are certainly met, false when n cannot
    /// be met whatever the unknowns turn out to be, unknown otherwise.
    #[test]
    fn groups_agree_with_their_definition_exhaustively() {
        use crate::syntax::GroupKind;
        for len in 0..=4_u32 {
            for code in 0..3_u32.pow(len) {
                let truths: Vec<Truth> = (0..len)
                    .map(|i| ALL[(code / 3_u32.pow(i) % 3) as usize])
                    .collect();
                let met = truths.iter().filter(|t| **t == True).count();
                let could = truths.iter().filter(|t| **t != False).count();
                for n in 0..=len + 1 {
                    let expected = if met >= n as usize {
                        True
                    } else if could < n as usize {
                        False
                    } else {
                        Unknown
                    };
                    assert_eq!(super::group(GroupKind::AtLeast(n), &truths), expected);
                }
                let any = truths.iter().fold(False, |a, t| a.or(*t));
                let all = truths.iter().fold(True, |a, t| a.and(*t));
                assert_eq!(super::group(GroupKind::Any, &truths), any, "{truths:?}");
                assert_eq!(super::group(GroupKind::All, &truths), all, "{truths:?}");
                assert_eq!(super::group(GroupKind::None, &truths), any.not());
            }
        }
    }

    #[test]
    fn lazy_forms_are_the_operators_and_stop_where_decided() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and_then(|| b), a.and(b));
                assert_eq!(a.or_else(|| b), a.or(b));
            }
        }
        assert_eq!(False.and_then(|| panic!("read after false")), False);
        assert_eq!(True.or_else(|| panic!("read after true")), True);
        assert_eq!(True.equals(True), True);
        assert_eq!(False.equals(True), False);
        assert_eq!(Unknown.equals(Unknown), Unknown);
    }

    #[test]
    fn de_morgan_holds() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
            }
        }
    }
}
