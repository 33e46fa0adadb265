//! Exact unit factors: a quotient of two exact decimals.
//!
//! UCUM's factors are decimals, but dividing units makes quotients that are
//! not (`[degF]` is 5/9 K, `mL/min` is 1/60 000 000 m³/s). Keeping numerator
//! and denominator apart until a conversion is built lets that conversion
//! be `× 5 ÷ 9` instead of `× 0.5555555555555556`.

use octofhir_ucum::Number;

/// `num / den`, both exact decimals of up to 28 significant digits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ratio {
    num: Number,
    den: Number,
}

/// The largest integer every smaller one of which an `f64` holds exactly.
const EXACT_INTEGER: i128 = 1 << 53;

impl Ratio {
    pub(crate) fn new(num: Number, den: Number) -> Ratio {
        Ratio { num, den }
    }

    pub(crate) fn from_number(n: Number) -> Ratio {
        Ratio::new(n, Number::ONE)
    }

    pub(crate) fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        Some(Ratio {
            num: self.num.checked_mul(other.num)?,
            den: self.den.checked_mul(other.den)?,
        })
    }

    pub(crate) fn checked_div(self, other: Ratio) -> Option<Ratio> {
        if other.num.is_zero() {
            return None;
        }
        self.checked_mul(other.recip())
    }

    pub(crate) fn recip(self) -> Ratio {
        Ratio {
            num: self.den,
            den: self.num,
        }
    }

    pub(crate) fn checked_powi(self, exponent: i32) -> Option<Ratio> {
        let base = if exponent < 0 { self.recip() } else { self };
        let n = i32::try_from(exponent.unsigned_abs()).ok()?;
        Some(Ratio {
            num: base.num.checked_powi(n)?,
            den: base.den.checked_powi(n)?,
        })
    }

    pub(crate) fn checked_sub(self, other: Ratio) -> Option<Ratio> {
        Some(Ratio {
            num: self
                .num
                .checked_mul(other.den)?
                .checked_sub(other.num.checked_mul(self.den)?)?,
            den: self.den.checked_mul(other.den)?,
        })
    }

    /// Whether the ratio is exactly one.
    pub(crate) fn is_one(self) -> bool {
        self.num == self.den
    }

    pub(crate) fn is_zero(self) -> bool {
        self.num.is_zero()
    }

    /// The value as one decimal, rounded to 28 digits if it does not
    /// terminate.
    pub(crate) fn to_number(self) -> Option<Number> {
        self.num.checked_div(self.den)
    }

    /// The value as one decimal if that is exact (`9/5` is `1.8`; `5/9` has
    /// none): the reduced denominator has no prime factors but 2 and 5.
    pub(crate) fn exact_number(self) -> Option<Number> {
        let (_, mut den) = self.reduced()?;
        for p in [2, 5] {
            while den % p == 0 {
                den /= p;
            }
        }
        (den == 1).then(|| self.to_number()).flatten()
    }
    /// The nearest `f64`.
    pub(crate) fn to_f64(self) -> f64 {
        self.to_number().map_or(f64::NAN, Number::to_f64)
    }

    /// Numerator and denominator as integers that an `f64` holds exactly,
    /// reduced (`1000/1000000` is `1/1000`), if they fit.
    pub(crate) fn to_exact_integers(self) -> Option<(f64, f64)> {
        let (num, den) = self.reduced()?;
        let fits = |x: i128| x.unsigned_abs() <= EXACT_INTEGER.unsigned_abs();
        #[expect(clippy::cast_precision_loss, reason = "both are checked to be ≤ 2^53")]
        (fits(num) && fits(den)).then_some((num as f64, den as f64))
    }

    /// Numerator and denominator as integers in lowest terms, the
    /// denominator positive, if they fit in an `i128`.
    fn reduced(self) -> Option<(i128, i128)> {
        let (n_digits, n_exp) = self.num.to_integer_and_exponent();
        let (d_digits, d_exp) = self.den.to_integer_and_exponent();
        let shift = n_exp.checked_sub(d_exp)?;
        let ten = |e: i32| 10i128.checked_pow(e.unsigned_abs());
        let (mut num, mut den) = if shift >= 0 {
            (n_digits.checked_mul(ten(shift)?)?, d_digits)
        } else {
            (n_digits, d_digits.checked_mul(ten(shift)?)?)
        };
        if den == 0 {
            return None;
        }
        let divisor = i128::try_from(gcd(num.unsigned_abs(), den.unsigned_abs())).ok()?;
        if divisor > 1 {
            num /= divisor;
            den /= divisor;
        }
        if den < 0 {
            num = num.checked_neg()?;
            den = den.checked_neg()?;
        }
        Some((num, den))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    #[test]
    fn exact_integers_are_reduced() {
        let r = Ratio::new(n("1e-6"), n("1e-9"));
        assert_eq!(r.to_exact_integers(), Some((1000.0, 1.0)));
        let r = Ratio::new(n("5"), n("9")).recip();
        assert_eq!(r.to_exact_integers(), Some((9.0, 5.0)));
        let r = Ratio::new(n("1e6"), n("1e9"));
        assert_eq!(r.to_exact_integers(), Some((1.0, 1000.0)));
    }

    #[test]
    fn exact_decimals_only_when_they_terminate() {
        assert_eq!(Ratio::new(n("9"), n("5")).exact_number(), Some(n("1.8")));
        assert_eq!(Ratio::new(n("5"), n("9")).exact_number(), None);
    }
}
