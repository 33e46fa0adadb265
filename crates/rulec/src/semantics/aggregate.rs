//! Functions of a list's elements: `sum`, `mean`, `min`, `max` of their
//! values, and `latest`, `earliest`: the value of the one with the latest
//! or earliest date. The one rule for every evaluator (the SQL back end is
//! tested against it).
//!
//! An element counts when its condition holds (every element, without
//! one). The result is unknown when it could depend on what the record
//! lacks: an element whose condition is unknown (it may or may not
//! count), a counted element without its value (or, for `latest` and
//! `earliest`, its date), the elements that tie for the latest date with
//! different values. With no element counted, `sum` is 0 and the others
//! are unknown (the mean of nothing is not a number).

use jiff::civil::DateTime;

use super::Truth;

/// Which function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// The sum of the values.
    Sum,
    /// Their mean.
    Mean,
    /// The least.
    Min,
    /// The greatest.
    Max,
    /// The value of the element with the latest date.
    Latest,
    /// The value of the element with the earliest date.
    Earliest,
}

/// One element as an aggregate sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seen<T> {
    /// Whether it counts: its condition's truth.
    pub counts: Truth,
    /// Its value (`None`: unknown, or not looked at).
    pub value: Option<T>,
    /// Its date, for `latest` and `earliest`.
    pub at: Option<DateTime>,
}

impl Aggregate {
    /// The function by the name a rule calls it.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Aggregate> {
        Some(match name {
            "sum" => Aggregate::Sum,
            "mean" => Aggregate::Mean,
            "min" => Aggregate::Min,
            "max" => Aggregate::Max,
            "latest" => Aggregate::Latest,
            "earliest" => Aggregate::Earliest,
            _ => return None,
        })
    }

    /// The name a rule calls it by.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Latest => "latest",
            Aggregate::Earliest => "earliest",
        }
    }

    /// Whether it orders the elements by date (`latest`, `earliest`).
    #[must_use]
    pub fn dated(self) -> bool {
        matches!(self, Aggregate::Latest | Aggregate::Earliest)
    }

    /// The function of numbers over the elements seen.
    ///
    /// ```
    /// use rulec::semantics::{Aggregate, Seen, Truth};
    ///
    /// let seen = |counts, value| Seen { counts, value, at: None };
    /// let qtc = [seen(Truth::True, Some(440.0)), seen(Truth::True, Some(452.0)), seen(Truth::False, None)];
    /// assert_eq!(Aggregate::Mean.of_numbers(&qtc), Some(446.0));
    /// // An element that may count leaves the mean unknown.
    /// let unsure = [seen(Truth::True, Some(440.0)), seen(Truth::Unknown, None)];
    /// assert_eq!(Aggregate::Mean.of_numbers(&unsure), None);
    /// assert_eq!(Aggregate::Sum.of_numbers(&[]), Some(0.0));
    /// ```
    #[must_use]
    pub fn of_numbers(self, seen: &[Seen<f64>]) -> Option<f64> {
        if self.dated() {
            return pick(self, seen);
        }
        let mut values = Vec::with_capacity(seen.len());
        for s in seen {
            match s.counts {
                Truth::False => {}
                Truth::Unknown => return None,
                Truth::True => values.push(s.value?),
            }
        }
        let value = match (self, values.as_slice()) {
            (Aggregate::Sum, _) => values.iter().sum(),
            (_, []) => return None,
            #[expect(
                clippy::cast_precision_loss,
                reason = "lists are far shorter than 2^53"
            )]
            (Aggregate::Mean, _) => values.iter().sum::<f64>() / values.len() as f64,
            (Aggregate::Min, [first, rest @ ..]) => rest.iter().fold(*first, |m, v| m.min(*v)),
            (_, [first, rest @ ..]) => rest.iter().fold(*first, |m, v| m.max(*v)),
        };
        value.is_finite().then_some(value)
    }
}

/// `latest` or `earliest` over values of any kind: the value of the
/// counted element with the latest (earliest) date.
///
/// ```
/// use jiff::civil::date;
/// use rulec::semantics::{Aggregate, Seen, Truth, pick};
///
/// let at = |d: jiff::civil::Date| Some(d.into());
/// let weights = [
///     Seen { counts: Truth::True, value: Some(71.0), at: at(date(2025, 9, 1)) },
///     Seen { counts: Truth::True, value: Some(68.5), at: at(date(2025, 12, 1)) },
/// ];
/// assert_eq!(pick(Aggregate::Latest, &weights), Some(68.5));
/// assert_eq!(pick(Aggregate::Earliest, &weights), Some(71.0));
/// ```
#[must_use]
pub fn pick<T: PartialEq + Copy>(kind: Aggregate, seen: &[Seen<T>]) -> Option<T> {
    let mut best: Option<(DateTime, Option<T>)> = None;
    let mut tied = false;
    for s in seen {
        match s.counts {
            Truth::False => continue,
            Truth::Unknown => return None,
            Truth::True => {}
        }
        let at = s.at?;
        let better = match best {
            None => true,
            Some((b, _)) if kind == Aggregate::Latest => at > b,
            Some((b, _)) => at < b,
        };
        match best {
            Some((b, value)) if b == at => tied |= value != s.value,
            _ if better => {
                best = Some((at, s.value));
                tied = false;
            }
            _ => {}
        }
    }
    if tied {
        return None;
    }
    best.and_then(|(_, value)| value)
}
