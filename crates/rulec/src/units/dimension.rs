//! Dimensions: what kind of quantity a unit measures.

use std::fmt;

/// The exponents of the base quantities a unit is made of.
///
/// UCUM's seven base units (length, time, mass, plane angle, temperature,
/// electric charge, luminous intensity) plus amount of substance. UCUM
/// itself counts the mole as a pure number (6.022 × 10²³); rulec gives it a
/// dimension of its own so that a cell count per litre (`10*9/L`) is never
/// commensurable with a substance concentration (`mmol/L`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Dimension(pub(crate) [i8; 8]);

/// Symbols of the base quantities, in the order of the exponents.
const SYMBOLS: [&str; 8] = ["L", "T", "M", "A", "Θ", "Q", "F", "N"];

/// Index of amount of substance among the exponents.
pub(crate) const SUBSTANCE: usize = 7;

/// Quantities rule authors meet, by dimension, named in their words.
const NAMED: &[([i8; 8], &str)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], "dimensionless"),
    ([1, 0, 0, 0, 0, 0, 0, 0], "length"),
    ([2, 0, 0, 0, 0, 0, 0, 0], "area"),
    ([3, 0, 0, 0, 0, 0, 0, 0], "volume"),
    ([0, 1, 0, 0, 0, 0, 0, 0], "time"),
    ([0, -1, 0, 0, 0, 0, 0, 0], "frequency"),
    ([0, 0, 1, 0, 0, 0, 0, 0], "mass"),
    ([0, 0, 0, 0, 1, 0, 0, 0], "temperature"),
    ([0, 0, 0, 0, 0, 0, 0, 1], "amount of substance"),
    ([-3, 0, 1, 0, 0, 0, 0, 0], "mass concentration"),
    ([-3, 0, 0, 0, 0, 0, 0, 1], "substance concentration"),
    ([-3, 0, 0, 0, 0, 0, 0, 0], "number concentration"),
    ([0, 0, -1, 0, 0, 0, 0, 1], "substance content"),
    ([0, 0, 1, 0, 0, 0, 0, -1], "molar mass"),
    ([-2, 0, 1, 0, 0, 0, 0, 0], "mass per area"),
    ([3, -1, 0, 0, 0, 0, 0, 0], "volume flow rate"),
    ([0, -1, 1, 0, 0, 0, 0, 0], "mass rate"),
    ([0, -1, 0, 0, 0, 0, 0, 1], "substance rate"),
    ([-1, -2, 1, 0, 0, 0, 0, 0], "pressure"),
    ([1, -1, 0, 0, 0, 0, 0, 0], "velocity"),
    ([2, -2, 1, 0, 0, 0, 0, 0], "energy"),
    ([0, 0, 0, 1, 0, 0, 0, 0], "plane angle"),
];

impl Dimension {
    /// No dimension: a pure number, `%` or `{cells}`.
    pub const DIMENSIONLESS: Dimension = Dimension([0; 8]);

    /// Whether every exponent is zero.
    #[must_use]
    pub fn is_dimensionless(self) -> bool {
        self == Self::DIMENSIONLESS
    }

    /// The name of the quantity in words (`mass concentration`), if it is
    /// one rule authors commonly meet.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        NAMED.iter().find(|(d, _)| *d == self.0).map(|(_, n)| *n)
    }

    /// The exponent of each base quantity, in the order L T M A Θ Q F N.
    #[must_use]
    pub fn exponents(self) -> [i8; 8] {
        self.0
    }

    /// The product of two dimensions (exponents added), or `None` if an
    /// exponent leaves the range of `i8`.
    #[must_use]
    pub fn checked_mul(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, 1)
    }

    /// The quotient of two dimensions (exponents subtracted).
    #[must_use]
    pub fn checked_div(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, -1)
    }

    /// This dimension to an integer power.
    #[must_use]
    pub fn checked_pow(self, exponent: i32) -> Option<Dimension> {
        let mut out = [0i8; 8];
        for (o, e) in out.iter_mut().zip(self.0) {
            *o = i8::try_from(i32::from(e).checked_mul(exponent)?).ok()?;
        }
        Some(Dimension(out))
    }

    fn combine(self, other: Dimension, sign: i8) -> Option<Dimension> {
        let mut out = self.0;
        for (o, e) in out.iter_mut().zip(other.0) {
            *o = o.checked_add(e.checked_mul(sign)?)?;
        }
        Some(Dimension(out))
    }

    /// The dimension as a formula of base quantities, such as `L⁻³·M`.
    #[must_use]
    pub fn formula(self) -> String {
        if self.is_dimensionless() {
            return "1".to_owned();
        }
        let parts: Vec<String> = SYMBOLS
            .iter()
            .zip(self.0)
            .filter(|(_, e)| *e != 0)
            .map(|(s, e)| {
                if e == 1 {
                    (*s).to_owned()
                } else {
                    format!("{s}{}", superscript(e))
                }
            })
            .collect();
        parts.join("·")
    }
}

fn superscript(n: i8) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

/// In words where the quantity has a common name, else as a formula:
/// `mass concentration`, `L²·T⁻¹`.
impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "a quantity of dimension {}", self.formula()),
        }
    }
}

impl fmt::Debug for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formula())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_formulas() {
        let mass_conc = Dimension([-3, 0, 1, 0, 0, 0, 0, 0]);
        assert_eq!(mass_conc.to_string(), "mass concentration");
        assert_eq!(mass_conc.formula(), "L⁻³·M");
        let odd = Dimension([2, -1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(odd.to_string(), "a quantity of dimension L²·T⁻¹");
    }

    #[test]
    fn algebra() {
        let mass = Dimension([0, 0, 1, 0, 0, 0, 0, 0]);
        let volume = Dimension([3, 0, 0, 0, 0, 0, 0, 0]);
        let conc = mass.checked_div(volume).unwrap();
        assert_eq!(conc.name(), Some("mass concentration"));
        assert_eq!(conc.checked_mul(volume), Some(mass));
        assert_eq!(volume.checked_pow(-1).unwrap().formula(), "L⁻³");
        assert_eq!(Dimension([127, 0, 0, 0, 0, 0, 0, 0]).checked_pow(2), None);
    }
}
