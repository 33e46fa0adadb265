//! Conversions between units, computed once per pair and applied per value.

use octofhir_ucum::Number;

use super::ratio::Ratio;

/// A conversion from one unit to another, computed once per pair of units:
/// `(value + before) × multiply ÷ divide + after`.
///
/// Factors are kept exact until this point: `multiply` and `divide` are
/// integers whenever the exact factor allows (every conversion between
/// metric prefixes, and the 9/5 of the temperature scales), and of the two
/// offsets the one that is an exact decimal is used. So a value converts to
/// exactly the number a person would write: `1500 /uL` is `1.5 10*9/L`, not
/// `1.5000000000000002`, and `100.4 [degF]` is `38 Cel`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Conversion {
    before: f64,
    multiply: f64,
    divide: f64,
    after: f64,
}

impl Conversion {
    /// The conversion that changes nothing.
    pub const IDENTITY: Conversion = Conversion {
        before: 0.0,
        multiply: 1.0,
        divide: 1.0,
        after: 0.0,
    };

    /// The conversion `v ↦ (v + offset_from) × ratio − offset_to`, or
    /// `None` if a part is beyond the range of an `f64` (`10*400` to `1`).
    pub(crate) fn new(ratio: Ratio, offset_from: Number, offset_to: Number) -> Option<Conversion> {
        let (multiply, divide) = ratio
            .to_exact_integers()
            .unwrap_or_else(|| (ratio.to_f64(), 1.0));
        // (v + a)·r − b = v·r + (a·r − b) = (v + (a − b/r))·r: the same
        // offset, after or before the factor; take the one that is exact.
        let a = Ratio::from_number(offset_from);
        let b = Ratio::from_number(offset_to);
        let after = a.checked_mul(ratio)?.checked_sub(b)?;
        let before = a.checked_sub(b.checked_div(ratio)?)?;
        let (before, after) = if after.is_zero() {
            (0.0, 0.0)
        } else if after.exact_number().is_some() {
            (0.0, after.to_f64())
        } else if let Some(before) = before.exact_number() {
            (before.to_f64(), 0.0)
        } else {
            (0.0, after.to_f64())
        };
        let conversion = Conversion {
            before,
            multiply,
            divide,
            after,
        };
        let parts = [before, multiply, divide, after];
        (parts.iter().all(|x| x.is_finite()) && multiply != 0.0).then_some(conversion)
    }

    /// Converts one value.
    #[inline]
    #[must_use]
    pub fn apply(self, value: f64) -> f64 {
        let scaled = (value + self.before) * self.multiply;
        // Most conversions are a multiply alone; skip the divide for them.
        if self.divide == 1.0 {
            scaled + self.after
        } else {
            scaled / self.divide + self.after
        }
    }

    /// `(before, multiply, divide, after)`: [`Conversion::apply`] computes
    /// `((v + before) × multiply) / divide + after`, skipping the divide
    /// when it is 1; a back end that spells the conversion out (SQL) must
    /// keep that order to round as the closures do.
    pub(crate) fn parts(self) -> (f64, f64, f64, f64) {
        (self.before, self.multiply, self.divide, self.after)
    }

    /// This conversion followed by `v ↦ slope × v + intercept` (a field's
    /// [`Scale`](super::Scale)).
    pub(crate) fn then_linear(self, slope: f64, intercept: f64) -> Conversion {
        Conversion {
            before: self.before,
            multiply: self.multiply * slope,
            divide: self.divide,
            after: self.after * slope + intercept,
        }
    }

    /// Whether the conversion changes nothing.
    #[must_use]
    pub fn is_identity(self) -> bool {
        self == Conversion::IDENTITY
    }
}
