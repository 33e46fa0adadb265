//! The functions of numbers: `min`, `max`, `^`, `sqrt`, `cbrt`, the one
//! rule for every evaluator (the SQL back end writes each as the engines'
//! own and is tested against this).

/// A function of numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// The least of its arguments.
    Min,
    /// The greatest of its arguments.
    Max,
    /// `a ^ b`.
    Pow,
    /// The square root.
    Sqrt,
    /// The cube root.
    Cbrt,
}

impl Func {
    /// The function's name as written (`^` for a power).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Pow => "^",
            Func::Sqrt => "sqrt",
            Func::Cbrt => "cbrt",
        }
    }

    /// The function of `args`, all known; `None` where it has no finite
    /// value: a negative number to a fractional power or its square root
    /// (no real value), zero to a negative power, an overflow, or
    /// arguments of the wrong count (which the checker never lets by).
    ///
    /// ```
    /// use rulec::semantics::Func;
    ///
    /// assert_eq!(Func::Max.apply(&[2.0, 7.0, 3.0]), Some(7.0));
    /// assert_eq!(Func::Pow.apply(&[8.0, 1.0 / 3.0]), Some(2.0));
    /// assert_eq!(Func::Cbrt.apply(&[-8.0]), Some(-2.0));
    /// assert_eq!(Func::Pow.apply(&[-8.0, 1.0 / 3.0]), None);
    /// assert_eq!(Func::Sqrt.apply(&[-1.0]), None);
    /// ```
    #[must_use]
    pub fn apply(self, args: &[f64]) -> Option<f64> {
        let value = match (self, args) {
            (Func::Min, [first, rest @ ..]) => rest.iter().fold(*first, |m, v| m.min(*v)),
            (Func::Max, [first, rest @ ..]) => rest.iter().fold(*first, |m, v| m.max(*v)),
            (Func::Pow, [base, exponent]) => base.powf(*exponent),
            (Func::Sqrt, [x]) => x.sqrt(),
            (Func::Cbrt, [x]) => x.cbrt(),
            _ => return None,
        };
        value.is_finite().then_some(value)
    }
}
