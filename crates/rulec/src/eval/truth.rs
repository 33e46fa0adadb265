//! Three-valued (Kleene) logic: missing data is unknown, not false.

use std::fmt;

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

    #[test]
    fn de_morgan_holds() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
            }
        }
    }
}
