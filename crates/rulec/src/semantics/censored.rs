//! Censored values: a result reported only as beyond a limit (`<0.5
//! mg/dL`, `>60 mL/min`), the interval it stands for, and comparisons with
//! it in three-valued logic. A comparison is true or false only when every
//! value of the interval gives the same answer (by the tie rule of
//! [`super::compare`]); otherwise it is unknown.

use super::compare::{ge, gt, le, lt};
use super::truth::Truth;
use crate::syntax::CompareOp;

/// Which side of its bound a censored value lies on: FHIR's `comparator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Censor {
    /// `<`: below the bound.
    Below,
    /// `<=`: at most the bound.
    AtMost,
    /// `>`: above the bound.
    Above,
    /// `>=`: at least the bound.
    AtLeast,
}

impl Censor {
    /// The comparator as FHIR and explanations write it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Censor::Below => "<",
            Censor::AtMost => "<=",
            Censor::Above => ">",
            Censor::AtLeast => ">=",
        }
    }

    /// The censor FHIR's `comparator` names; `None` for another one
    /// (`ad`, "sufficient to achieve", is not an interval).
    #[must_use]
    pub fn from_comparator(text: &str) -> Option<Censor> {
        match text {
            "<" => Some(Censor::Below),
            "<=" => Some(Censor::AtMost),
            ">" => Some(Censor::Above),
            ">=" => Some(Censor::AtLeast),
            _ => None,
        }
    }

    /// The same interval seen through an order-reversing map (a scale
    /// with a negative slope): below becomes above.
    #[must_use]
    pub fn reversed(self) -> Censor {
        match self {
            Censor::Below => Censor::Above,
            Censor::AtMost => Censor::AtLeast,
            Censor::Above => Censor::Below,
            Censor::AtLeast => Censor::AtMost,
        }
    }
}

/// A censored value: every number on one side of `bound`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Censored {
    /// Which side.
    pub censor: Censor,
    /// The reported bound.
    pub bound: f64,
}

impl Censored {
    /// Whether the number `x` is in the interval (the tie rule does not
    /// apply: this is the interval's own definition).
    #[must_use]
    pub fn contains(self, x: f64) -> bool {
        match self.censor {
            Censor::Below => x < self.bound,
            Censor::AtMost => x <= self.bound,
            Censor::Above => x > self.bound,
            Censor::AtLeast => x >= self.bound,
        }
    }

    /// `x op k` for every `x` in the interval: true when all satisfy it,
    /// false when none does, unknown otherwise.
    ///
    /// ```
    /// use rulec::semantics::{Censor, Censored, Truth};
    /// use rulec::syntax::CompareOp;
    ///
    /// let below = Censored { censor: Censor::Below, bound: 0.5 };
    /// assert_eq!(below.compare(CompareOp::Lt, 1.0), Truth::True);
    /// assert_eq!(below.compare(CompareOp::Gt, 1.0), Truth::False);
    /// assert_eq!(below.compare(CompareOp::Lt, 0.3), Truth::Unknown);
    /// ```
    #[must_use]
    pub fn compare(self, op: CompareOp, k: f64) -> Truth {
        let v = self.bound;
        // Whether the whole interval lies below k (so `x < k` for all x),
        // and whether it lies at or below it, by the tie rule on the bound.
        let (all_below, all_at_most, all_above, all_at_least) = match self.censor {
            Censor::Below => (le(v, k), le(v, k), false, false),
            Censor::AtMost => (lt(v, k), le(v, k), false, false),
            Censor::Above => (false, false, ge(v, k), ge(v, k)),
            Censor::AtLeast => (false, false, gt(v, k), ge(v, k)),
        };
        let decided = |true_when: bool, false_when: bool| {
            if true_when {
                Truth::True
            } else if false_when {
                Truth::False
            } else {
                Truth::Unknown
            }
        };
        match op {
            CompareOp::Lt => decided(all_below, all_at_least),
            CompareOp::Le => decided(all_at_most, all_above),
            CompareOp::Gt => decided(all_above, all_at_most),
            CompareOp::Ge => decided(all_at_least, all_below),
            CompareOp::Eq => decided(false, all_below || all_above),
            CompareOp::Ne => decided(all_below || all_above, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::holds;
    use proptest::prelude::*;

    const OPS: [CompareOp; 6] = [
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Eq,
        CompareOp::Ne,
    ];
    const CENSORS: [Censor; 4] = [
        Censor::Below,
        Censor::AtMost,
        Censor::Above,
        Censor::AtLeast,
    ];

    #[test]
    fn the_issues_examples() {
        let below = Censored {
            censor: Censor::Below,
            bound: 0.5,
        };
        assert_eq!(below.compare(CompareOp::Lt, 1.0), Truth::True);
        assert_eq!(below.compare(CompareOp::Gt, 1.0), Truth::False);
        assert_eq!(below.compare(CompareOp::Lt, 0.3), Truth::Unknown);
        // At the bound: `<0.5` is below 0.5, `<=0.5` may be 0.5.
        assert_eq!(below.compare(CompareOp::Lt, 0.5), Truth::True);
        let at_most = Censored {
            censor: Censor::AtMost,
            bound: 0.5,
        };
        assert_eq!(at_most.compare(CompareOp::Lt, 0.5), Truth::Unknown);
        assert_eq!(at_most.compare(CompareOp::Le, 0.5), Truth::True);
        assert_eq!(at_most.compare(CompareOp::Gt, 0.5), Truth::False);
        let egfr = Censored {
            censor: Censor::Above,
            bound: 60.0,
        };
        assert_eq!(egfr.compare(CompareOp::Ge, 60.0), Truth::True);
        assert_eq!(egfr.compare(CompareOp::Ge, 45.0), Truth::True);
        assert_eq!(egfr.compare(CompareOp::Lt, 90.0), Truth::Unknown);
        assert_eq!(egfr.compare(CompareOp::Eq, 60.0), Truth::False);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A decided comparison is what every value of the interval gives,
        /// and an undecided one has values on both sides.
        #[test]
        fn decided_only_when_every_value_agrees(
            censor in 0..4usize, op in 0..6usize,
            bound in -50i32..50, k in -50i32..50, step in 1u32..20,
        ) {
            let c = Censored { censor: CENSORS[censor], bound: f64::from(bound) };
            let op = OPS[op];
            let k = f64::from(k);
            let truth = c.compare(op, k);
            // Points of the interval around the bound and the threshold.
            let offsets = [0.0, 0.5 / f64::from(step), 1.0, f64::from(step), 1e6];
            let mut seen = Vec::new();
            for d in offsets {
                for x in [c.bound + d, c.bound - d, k + d, k - d, k] {
                    if c.contains(x) {
                        seen.push(holds(op, x, k));
                    }
                }
            }
            match truth {
                Truth::True => prop_assert!(seen.iter().all(|b| *b)),
                Truth::False => prop_assert!(seen.iter().all(|b| !*b)),
                Truth::Unknown => prop_assert!(seen.contains(&true) && seen.contains(&false), "{seen:?}"),
            }
        }

        /// At most one of `<`, `=` and `>` is true.
        #[test]
        fn trichotomy(censor in 0..4usize, bound in -50i32..50, k in -50i32..50) {
            let c = Censored { censor: CENSORS[censor], bound: f64::from(bound) };
            let k = f64::from(k);
            let trues = [CompareOp::Lt, CompareOp::Eq, CompareOp::Gt]
                .into_iter()
                .filter(|op| c.compare(*op, k) == Truth::True)
                .count();
            prop_assert!(trues <= 1);
        }
    }
}
