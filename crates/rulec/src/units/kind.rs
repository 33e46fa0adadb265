//! Kinds of dimensionless unit: what a ratio whose dimensions cancel is a
//! ratio of.
//!
//! UCUM finds `mmol/mol`, `g/g`, `%` and `1` all dimensionless, so `48
//! mmol/mol` would read as 4.8 %. For HbA1c that is wrong: IFCC units
//! (mmol/mol) and NGSP units (%) are related by the master equation NGSP =
//! 0.09148 × IFCC + 2.152, not by a factor. rulec keeps, beside the
//! dimension, the base quantities that cancelled and the counted things a
//! ratio is per; dimensionless units convert only within one kind.

use super::eval::{FIELD, Term};

/// What a dimensionless unit is a ratio of; `None` for a plain number
/// (`%`, `1`, `10*3`, `[ppm]`) and for every unit with a dimension, which
/// is nearly every unit: boxed, it adds one word to a `Unit`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Kind(Option<Box<Ratio>>);

/// The kind of a ratio; never all empty (that is `Kind(None)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Ratio {
    /// Base quantities cancelled, in the order of `Dimension`'s exponents:
    /// `mmol/mol` cancels amount of substance once, `mL/mL` length thrice.
    cancelled: [u8; 8],
    /// What the ratio is per, with exponents: an annotation in a
    /// denominator (`{WBC}` in `/100{WBC}`) or the microscope field.
    per: Vec<(String, i32)>,
}

/// The plural of each base quantity, in the order of the exponents, for
/// `a ratio of …`.
const PLURALS: [&str; 8] = [
    "lengths",
    "times",
    "masses",
    "plane angles",
    "temperatures",
    "electric charges",
    "luminous intensities",
    "amounts of substance",
];

impl Kind {
    fn new(ratio: Ratio) -> Kind {
        if ratio == Ratio::default() {
            Kind(None)
        } else {
            Kind(Some(Box::new(ratio)))
        }
    }

    /// The kind of a folded term: only a dimensionless term has one.
    pub(crate) fn of(term: &Term) -> Kind {
        if !term.dimension.is_dimensionless() {
            return Kind::default();
        }
        let per = term
            .labels
            .iter()
            .filter(|(label, e)| *e < 0 || label == FIELD)
            .cloned()
            .collect();
        Kind::new(Ratio {
            cancelled: term.cancelled,
            per,
        })
    }

    /// Whether this is a plain number (or a unit with a dimension).
    pub(crate) fn is_plain(&self) -> bool {
        self.0.is_none()
    }

    /// The kind of a product (`sign` 1) or quotient (`sign` -1) of values
    /// of these kinds, whose result is `dimensionless` or not. Arithmetic
    /// on values makes no new kind: a field divided by another of the same
    /// unit is a plain number, comparable with `150 %`.
    pub(crate) fn combine(&self, other: &Kind, sign: i32, dimensionless: bool) -> Kind {
        if !dimensionless || (sign < 0 && self == other) {
            return Kind::default();
        }
        let plain = Ratio::default();
        let (a, b) = (
            self.0.as_deref().unwrap_or(&plain),
            other.0.as_deref().unwrap_or(&plain),
        );
        let mut cancelled = a.cancelled;
        for (c, o) in cancelled.iter_mut().zip(b.cancelled) {
            *c = c.saturating_add(o);
        }
        Kind::new(Ratio {
            cancelled,
            per: super::eval::merge_labels(&a.per, &b.per, sign),
        })
    }

    /// In words, for messages: `a ratio of amounts of substance`, `a
    /// count per {WBC}`; `None` for a plain number.
    pub(crate) fn describe(&self) -> Option<String> {
        let kind = self.0.as_deref()?;
        let mut ratio: Vec<&str> = Vec::new();
        for (i, (c, plural)) in kind.cancelled.iter().zip(PLURALS).enumerate() {
            match (i, c) {
                (_, 0) => {}
                (0, 2) => ratio.push("areas"),
                (0, 3) => ratio.push("volumes"),
                _ => ratio.push(plural),
            }
        }
        let per: Vec<String> = kind
            .per
            .iter()
            .map(|(label, _)| {
                if label == FIELD {
                    "microscope field".to_owned()
                } else {
                    format!("{{{label}}}")
                }
            })
            .collect();
        match (ratio.is_empty(), per.is_empty()) {
            (true, true) => None,
            (false, true) => Some(format!("a ratio of {}", ratio.join(" and "))),
            (true, false) => Some(format!("a count per {}", per.join(" and "))),
            (false, false) => Some(format!(
                "a ratio of {} per {}",
                ratio.join(" and "),
                per.join(" and ")
            )),
        }
    }
}
