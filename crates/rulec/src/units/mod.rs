//! Units: UCUM parsing, dimensions and exact conversion.
//!
//! A [`Unit`] is read once, when a rule file is checked; converting a value
//! is then a [`Conversion`] computed once per pair of units and applied to
//! each value with a multiply, a divide by an exact power of ten and an add.
//!
//! ```
//! use rulec::units::Unit;
//!
//! let g_per_dl = Unit::parse("g/dL")?;
//! let g_per_l = Unit::parse("g/L")?;
//! let to_g_per_l = g_per_dl.conversion_to(&g_per_l)?;
//! // Powers of ten convert exactly: 8.0 g/dL is 80 g/L, not 80.00000000000001.
//! assert_eq!(to_g_per_l.apply(8.0), 80.0);
//!
//! // Units of different kinds do not convert, and the error says why.
//! let err = Unit::parse("mmol/L")?.conversion_to(&g_per_l).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "cannot convert `mmol/L` (substance concentration) to `g/L` (mass concentration)"
//! );
//! # Ok::<(), rulec::units::UnitError>(())
//! ```
//!
//! Parsing and the unit tables come from the `octofhir-ucum` crate, which
//! passes the official UCUM functional tests; see `docs/units.md` for the
//! decision and for where rulec departs from plain UCUM.

mod convert;
mod dimension;
mod error;
mod eval;
mod kind;
mod ratio;
mod scale;
mod spelling;

use std::fmt;

use octofhir_ucum::{Number, SpecialKind};

pub use convert::Conversion;
pub use dimension::Dimension;
pub use error::UnitError;
pub use scale::Scale;

use kind::Kind;
use ratio::Ratio;

use eval::{Failure, Term};

/// A unit of measure, read from how a protocol writes it.
#[derive(Clone, PartialEq)]
pub struct Unit {
    /// As written in the rule file or record, with a spelling that can be
    /// misread in its UCUM form (see [`canonical`]).
    written: String,
    /// The UCUM code it was read as.
    code: String,
    /// The magnitude of one unit in base units.
    factor: Ratio,
    dimension: Dimension,
    /// Arbitrary atoms (`[iU]`, `U`) and their exponents, sorted.
    arbitrary: Vec<(&'static str, i32)>,
    /// For a temperature scale, what is added to a value before the factor
    /// turns it into kelvin (273.15 for `Cel`).
    offset: Option<Number>,
    /// For a dimensionless unit, what it is a ratio of (`mmol/mol`).
    kind: Kind,
}

/// How rulec prints a unit written as `written`: its UCUM code when it was
/// written in a clinician's spelling that can be misread (`mcL` is one
/// letter from `mL`, `K/uL` reads as kelvin), else as written, so that the
/// familiar `years`, `10^9/L` and `mmHg` stay as they are. Text that is not
/// a unit comes back unchanged.
///
/// ```
/// use rulec::units::canonical;
/// assert_eq!(canonical("/mcL"), "/uL");
/// assert_eq!(canonical("K/uL"), "10*3/uL");
/// assert_eq!(canonical("mL/min/1.73 m2"), "mL/min/{1.73_m2}");
/// assert_eq!(canonical("10^9/L"), "10^9/L");
/// assert_eq!(canonical("years"), "years");
/// ```
#[must_use]
pub fn canonical(written: &str) -> String {
    spelling::shown(written)
}

impl fmt::Debug for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Unit({} = {:?} {:?})",
            self.written, self.factor, self.dimension
        )
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

impl Unit {
    /// Reads a unit as protocols write it: a UCUM code (`g/L`, `10*9/L`,
    /// `mm[Hg]`, `mL/min/{1.73_m2}`), with `10^9` for `10*9`, `µ` or `u`
    /// for micro, and the words `years`, `months`, `weeks`, `days`,
    /// `hours`, `minutes` (and a few common spellings listed in
    /// `docs/units.md`).
    ///
    /// ```
    /// use rulec::units::Unit;
    /// assert_eq!(Unit::parse("months")?.ucum(), "mo");
    /// assert_eq!(Unit::parse("10^9/L")?.dimension().to_string(), "number concentration");
    /// let err = Unit::parse("mgg/dL").unwrap_err();
    /// assert_eq!(err.to_string(), "unknown unit `mgg` in `mgg/dL`");
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`UnitError`] for a malformed expression, an unknown symbol (with
    /// a suggestion where one is close), or an unsupported special unit.
    pub fn parse(written: &str) -> Result<Unit, UnitError> {
        let spelled = spelling::read(written);
        let code = spelled.code;
        let expr =
            octofhir_ucum::parse_expression(&code).map_err(|e| syntax(written, &code, &e))?;
        let term =
            eval::fold(&expr).map_err(|failure| failure_to_error(written, failure, false))?;
        let shown = if spelled.misreadable { &code } else { written };
        Ok(Unit::from_term(shown, code.clone(), term))
    }

    /// Reads a UCUM code strictly, without the spellings [`Unit::parse`]
    /// accepts besides UCUM (`10^9`, `µ`, `days`, `mmHg`): the entry point
    /// for data that claims to be UCUM, such as FHIR `Quantity.code`, and
    /// for the conformance tests.
    ///
    /// # Errors
    ///
    /// As [`Unit::parse`].
    pub fn parse_ucum(code: &str) -> Result<Unit, UnitError> {
        let expr = octofhir_ucum::parse_expression(code).map_err(|e| syntax(code, code, &e))?;
        let term = eval::fold(&expr).map_err(|failure| failure_to_error(code, failure, true))?;
        Ok(Unit::from_term(code, code.to_owned(), term))
    }

    fn from_term(written: &str, code: String, term: Term) -> Unit {
        let offset = term.special.and_then(|record| match record.special {
            SpecialKind::Celsius => Number::parse("273.15"),
            SpecialKind::Fahrenheit => Number::parse("459.67"),
            _ => None,
        });
        let kind = Kind::of(&term);
        Unit {
            written: written.to_owned(),
            code,
            factor: term.factor,
            dimension: term.dimension,
            arbitrary: term.arbitrary,
            offset,
            kind,
        }
    }

    /// The unit as it was written, with a spelling that can be misread in
    /// its UCUM form (`uL` for `mcL`, as [`canonical`] gives it).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The UCUM code the unit was read as (`mo` for `months`).
    #[must_use]
    pub fn ucum(&self) -> &str {
        &self.code
    }

    /// What the unit measures.
    #[must_use]
    pub fn dimension(&self) -> Dimension {
        self.dimension
    }

    /// Whether the unit is arbitrary (`[IU]/mL`, `U/L`): such units convert
    /// only to units of the same arbitrary atoms.
    #[must_use]
    pub fn is_arbitrary(&self) -> bool {
        !self.arbitrary.is_empty()
    }

    /// The unit of a product of values in these units (`kg` × `m-2`).
    ///
    /// ```
    /// use rulec::units::Unit;
    /// let bmi = Unit::parse("kg")?.divided_by(&Unit::parse("m2")?)?;
    /// assert!(bmi.is_commensurable(&Unit::parse("kg/m2")?));
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`UnitError::SpecialInExpression`] for a temperature scale, whose
    /// offset makes a product meaningless; [`UnitError::Overflow`].
    pub fn times(&self, other: &Unit) -> Result<Unit, UnitError> {
        self.combine(other, '.', Ratio::checked_mul, Dimension::checked_mul, 1)
    }

    /// The unit of a quotient of values in these units (`kg` ÷ `m2`).
    ///
    /// # Errors
    ///
    /// As [`Unit::times`].
    pub fn divided_by(&self, other: &Unit) -> Result<Unit, UnitError> {
        self.combine(other, '/', Ratio::checked_div, Dimension::checked_div, -1)
    }

    fn combine(
        &self,
        other: &Unit,
        operator: char,
        factor: fn(Ratio, Ratio) -> Option<Ratio>,
        dimension: fn(Dimension, Dimension) -> Option<Dimension>,
        sign: i32,
    ) -> Result<Unit, UnitError> {
        let written = match (self.is_unity(), other.is_unity()) {
            // `x / 1 years * 1 years` and the like: a factor of one is
            // left out, so the unit reads as what it measures.
            (_, true) => self.written.clone(),
            (true, false) if operator == '.' => other.written.clone(),
            _ => format!("({}){operator}({})", self.written, other.written),
        };
        for unit in [self, other] {
            if unit.offset.is_some() {
                return Err(UnitError::SpecialInExpression {
                    unit: written,
                    symbol: unit.written.clone(),
                });
            }
        }
        let overflow = || UnitError::Overflow {
            unit: written.clone(),
        };
        let other_arbitrary: Vec<(&'static str, i32)> = other
            .arbitrary
            .iter()
            .map(|(atom, e)| (*atom, e.saturating_mul(sign)))
            .collect();
        let dimension = dimension(self.dimension, other.dimension).ok_or_else(overflow)?;
        let mut unit = Unit {
            code: format!("({}){operator}({})", self.code, other.code),
            factor: factor(self.factor, other.factor).ok_or_else(overflow)?,
            dimension,
            arbitrary: eval::merge(&self.arbitrary, &other_arbitrary),
            offset: None,
            kind: self
                .kind
                .combine(&other.kind, sign, dimension.is_dimensionless()),
            written,
        };
        // A ratio of like units (`years/years`) is a pure number.
        if unit.is_unity() {
            "1".clone_into(&mut unit.written);
        }
        Ok(unit)
    }

    /// Whether this is the unit one: no dimension, no arbitrary atom, a
    /// factor of exactly one.
    fn is_unity(&self) -> bool {
        self.dimension.is_dimensionless()
            && self.arbitrary.is_empty()
            && self.kind.is_plain()
            && self.factor.is_one()
    }

    /// Whether this is a temperature scale with an offset (`Cel`,
    /// `[degF]`): its values are points on a scale, and sums, differences
    /// and multiples of them mean nothing.
    #[must_use]
    pub fn is_affine(&self) -> bool {
        self.offset.is_some()
    }

    /// Whether values in this unit can be converted to `other`: the same
    /// dimension, the same arbitrary atoms and, for a dimensionless unit,
    /// the same kind of ratio (`mmol/mol` converts to `umol/mol`, never to
    /// `%`).
    ///
    /// ```
    /// use rulec::units::Unit;
    /// let ifcc = Unit::parse("mmol/mol")?;
    /// assert!(ifcc.is_commensurable(&Unit::parse("umol/mol")?));
    /// assert!(!ifcc.is_commensurable(&Unit::parse("%")?));
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    #[must_use]
    pub fn is_commensurable(&self, other: &Unit) -> bool {
        self.dimension == other.dimension
            && self.arbitrary == other.arbitrary
            && self.kind == other.kind
    }

    /// What the unit measures, in words, for messages: `mass
    /// concentration`, `arbitrary units ([iU])`, `arbitrary units ([iU])
    /// per volume`.
    #[must_use]
    pub fn kind(&self) -> String {
        if self.arbitrary.is_empty() {
            return self
                .kind
                .describe()
                .unwrap_or_else(|| self.dimension.to_string());
        }
        let atoms: Vec<String> = self
            .arbitrary
            .iter()
            .map(|(atom, e)| {
                if *e == 1 {
                    (*atom).to_owned()
                } else {
                    format!("{atom}^{e}")
                }
            })
            .collect();
        let arbitrary = format!("arbitrary units ({})", atoms.join(", "));
        match self.dimension.checked_pow(-1).and_then(Dimension::name) {
            _ if self.dimension.is_dimensionless() => arbitrary,
            Some(per) => format!("{arbitrary} per {per}"),
            None => format!("{arbitrary} × {}", self.dimension.formula()),
        }
    }

    /// The conversion of values in this unit to `target`.
    ///
    /// ```
    /// use rulec::units::Unit;
    /// let fever = Unit::parse("Cel")?.conversion_to(&Unit::parse("[degF]")?)?;
    /// assert!((fever.apply(38.0) - 100.4).abs() < 1e-9);
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`UnitError::Incommensurable`] when the units measure different
    /// things.
    pub fn conversion_to(&self, target: &Unit) -> Result<Conversion, UnitError> {
        let ratio = self.ratio_to(target, None)?;
        self.conversion_with_ratio(target, ratio)
    }

    /// The conversion of values in this unit to `target`, where one is a
    /// mass and the other an amount of substance (or concentrations of
    /// them) of an analyte with the given molar mass.
    ///
    /// ```
    /// use rulec::units::{MolarMass, Unit};
    /// let creatinine = MolarMass::new("113.12", &Unit::parse("g/mol")?)?;
    /// let to_umol = Unit::parse("mg/dL")?
    ///     .conversion_via_molar_mass(&Unit::parse("umol/L")?, &creatinine)?;
    /// assert_eq!(format!("{:.1}", to_umol.apply(1.0)), "88.4");
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`UnitError::Incommensurable`] when even the molar mass does not
    /// relate the two units.
    pub fn conversion_via_molar_mass(
        &self,
        target: &Unit,
        molar_mass: &MolarMass,
    ) -> Result<Conversion, UnitError> {
        let ratio = self.ratio_to(target, Some(molar_mass))?;
        self.conversion_with_ratio(target, ratio)
    }

    /// The exact factor from this unit to `target`, through a molar mass
    /// where one is given and needed.
    fn ratio_to(
        &self,
        target: &Unit,
        molar_mass: Option<&MolarMass>,
    ) -> Result<Option<Ratio>, UnitError> {
        if self.is_commensurable(target) {
            return Ok(self.factor.checked_div(target.factor));
        }
        let Some(molar_mass) = molar_mass else {
            return Err(self.incommensurable(target));
        };
        if !self.arbitrary.is_empty() || !target.arbitrary.is_empty() {
            return Err(self.incommensurable(target));
        }
        let per_mole = molar_mass.dimension();
        let mass = Ratio::from_number(molar_mass.factor);
        if self.dimension.checked_div(per_mole) == Some(target.dimension) {
            // mass → substance: divide by the molar mass
            Ok(self
                .factor
                .checked_div(mass)
                .and_then(|f| f.checked_div(target.factor)))
        } else if self.dimension.checked_mul(per_mole) == Some(target.dimension) {
            // substance → mass: multiply by the molar mass
            Ok(self
                .factor
                .checked_mul(mass)
                .and_then(|f| f.checked_div(target.factor)))
        } else {
            Err(self.incommensurable(target))
        }
    }

    fn conversion_with_ratio(
        &self,
        target: &Unit,
        ratio: Option<Ratio>,
    ) -> Result<Conversion, UnitError> {
        // base = (v + offset_self) × factor_self; v' = base / factor_target − offset_target
        ratio
            .and_then(|ratio| {
                Conversion::new(
                    ratio,
                    self.offset.unwrap_or(Number::ZERO),
                    target.offset.unwrap_or(Number::ZERO),
                )
            })
            .ok_or_else(|| UnitError::Overflow {
                unit: self.written.clone(),
            })
    }

    fn incommensurable(&self, target: &Unit) -> UnitError {
        let mass_conc = Some("mass concentration");
        let subst_conc = Some("substance concentration");
        let pair = (self.dimension.name(), target.dimension.name());
        let help = if pair == (mass_conc, subst_conc) || pair == (subst_conc, mass_conc) {
            Some(
                "a mass and a substance concentration convert only through a molar mass: declare it after the field's unit, as in `creatinine: umol/L, molar mass 113.12 g/mol`"
                    .to_owned(),
            )
        } else if self.kind != target.kind && self.dimension == target.dimension {
            Some(kind_help(self, target))
        } else if self.arbitrary != target.arbitrary {
            Some(
                "arbitrary units (such as `[IU]` and `U`) convert only to the same arbitrary unit"
                    .to_owned(),
            )
        } else if pair == (subst_conc, Some("number concentration"))
            || pair == (Some("number concentration"), subst_conc)
        {
            Some(
                "rulec counts moles as amount of substance, not as a number of particles: a count per litre is not a substance concentration"
                    .to_owned(),
            )
        } else {
            None
        };
        UnitError::Incommensurable {
            from: self.written.clone(),
            from_dimension: self.kind(),
            to: target.written.clone(),
            to_dimension: target.kind(),
            help,
        }
    }
}

/// The molar mass of an analyte, which relates its mass and its amount of
/// substance.
#[derive(Clone, Debug, PartialEq)]
pub struct MolarMass {
    /// In base units: grams per mole.
    factor: Number,
}

impl MolarMass {
    /// A molar mass from its value as written (`113.12`) and its unit.
    ///
    /// # Errors
    ///
    /// [`UnitError::NotMolarMass`] if the unit is not mass per amount of
    /// substance; [`UnitError::InvalidMolarMass`] if the value is not a
    /// positive number.
    pub fn new(value: &str, unit: &Unit) -> Result<MolarMass, UnitError> {
        let expected = Dimension([0, 0, 1, 0, 0, 0, 0, -1]);
        if unit.dimension != expected || unit.is_arbitrary() || unit.offset.is_some() {
            return Err(UnitError::NotMolarMass {
                unit: unit.written.clone(),
                dimension: unit.dimension,
            });
        }
        let invalid = |reason: &str| UnitError::InvalidMolarMass {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let number = Number::parse(value).ok_or_else(|| invalid("it is not a number"))?;
        if number.is_zero() || number.is_negative() {
            return Err(invalid("a molar mass is greater than zero"));
        }
        let factor = Ratio::from_number(number)
            .checked_mul(unit.factor)
            .and_then(Ratio::to_number)
            .filter(|f| {
                let grams_per_mole = f.to_f64();
                grams_per_mole.is_finite() && grams_per_mole > 0.0
            })
            .ok_or_else(|| invalid("it is out of range"))?;
        Ok(MolarMass { factor })
    }

    fn dimension(&self) -> Dimension {
        Dimension([0, 0, 1, 0, 0, 0, 0, -1])
    }
}

/// Why two dimensionless units of different kinds do not convert.
fn kind_help(from: &Unit, to: &Unit) -> String {
    let ratio = |unit: &Unit| {
        unit.kind
            .describe()
            .unwrap_or_else(|| "a plain number".to_owned())
    };
    format!(
        "`{}` is {} and `{}` {}: UCUM finds both dimensionless, but a ratio converts only to a ratio of the same things (`mmol/mol` to `umol/mol`); HbA1c in IFCC units (mmol/mol) and NGSP units (%) are related by an equation (NGSP = 0.09148 × IFCC + 2.152), not a factor: declare it on the field, as in `hba1c: %, scale mmol/mol as 0.09148 x + 2.152`",
        from.written,
        ratio(from),
        to.written,
        ratio(to)
    )
}

/// `strict` for UCUM read without rulec's spellings, whose suggestions must
/// be UCUM codes too.
fn failure_to_error(written: &str, failure: Failure, strict: bool) -> UnitError {
    match failure {
        Failure::Unknown(symbol) => UnitError::Unknown {
            at: written.find(&symbol).map(|i| (i, symbol.len()).into()),
            help: eval::suggest(&symbol, strict).map(|s| format!("did you mean `{s}`?")),
            unit: written.to_owned(),
            symbol,
        },
        Failure::Unsupported(symbol) => UnitError::Unsupported {
            unit: written.to_owned(),
            symbol,
        },
        Failure::SpecialInExpression(symbol) => UnitError::SpecialInExpression {
            unit: written.to_owned(),
            symbol,
        },
        Failure::Overflow => UnitError::Overflow {
            unit: written.to_owned(),
        },
    }
}

/// Messages start in lowercase, like every other diagnostic of rulec.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

fn syntax(written: &str, code: &str, error: &octofhir_ucum::UcumError) -> UnitError {
    let (reason, position) = match &error.kind {
        octofhir_ucum::ErrorKind::InvalidExpression {
            reason, position, ..
        } => (reason.clone(), *position),
        _ => (error.message.clone(), None),
    };
    // A position in the UCUM code is one in the text as written only when
    // no spelling rule changed it.
    let at = position
        .filter(|_| code == written)
        .map(|p| (p.min(written.len()), 0).into());
    UnitError::Syntax {
        unit: written.to_owned(),
        reason: lowercase_first(if reason.is_empty() {
            "not a UCUM expression"
        } else {
            &reason
        }),
        at,
    }
}
