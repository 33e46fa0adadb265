//! Folding a parsed UCUM expression into a factor, a dimension and its
//! arbitrary atoms.
//!
//! octofhir-ucum parses the expression and holds the unit tables; the fold
//! is rulec's own because rulec departs from UCUM in two places: the mole
//! is a base quantity (UCUM counts it as 6.022 × 10²³ of nothing), and the
//! enzyme unit `U` is arbitrary (UCUM defines it as µmol/min, but a lab's
//! `U/L` is not convertible to a substance rate in practice).

use octofhir_ucum::{Case, Number, SpecialKind, UnitExpr, UnitRecord, lookup_unit};

use super::dimension::{Dimension, SUBSTANCE};
use super::ratio::Ratio;

/// The Avogadro constant, exactly as UCUM defines the mole.
static AVOGADRO: std::sync::LazyLock<Number> =
    std::sync::LazyLock::new(|| Number::parse("6.02214076e23").unwrap_or(Number::ONE));

/// Atoms counted in moles: their UCUM factor includes the Avogadro
/// constant, which rulec takes out in favour of a substance dimension.
const MOLAR_ATOMS: [&str; 4] = ["mol", "eq", "osm", "kat"];

/// Atoms UCUM defines as proper units that rulec treats as arbitrary.
const ARBITRARY_ATOMS: [&str; 1] = ["U"];

/// The value of a term: `factor` times the base units of `dimension` times
/// its arbitrary atoms, or a temperature scale on its own.
#[derive(Clone, Debug)]
pub(crate) struct Term {
    pub(crate) factor: Ratio,
    pub(crate) dimension: Dimension,
    /// Sorted by atom.
    pub(crate) arbitrary: Vec<(&'static str, i32)>,
    /// A temperature scale (`Cel`, `[degF]`), which takes no part in
    /// products or powers.
    pub(crate) special: Option<&'static UnitRecord>,
}

/// Why a fold failed; the caller turns it into a `UnitError` with the
/// unit's text.
#[derive(Debug)]
pub(crate) enum Failure {
    Unknown(String),
    Unsupported(String),
    SpecialInExpression(String),
    Overflow,
}

impl Term {
    fn number(factor: Number) -> Self {
        Term {
            factor: Ratio::from_number(factor),
            dimension: Dimension::DIMENSIONLESS,
            arbitrary: Vec::new(),
            special: None,
        }
    }
}

/// Folds an expression. Recursion depth is bounded by the parser's own
/// nesting limit.
pub(crate) fn fold(expr: &UnitExpr) -> Result<Term, Failure> {
    match expr {
        UnitExpr::Symbol(code) => symbol(code),
        UnitExpr::Numeric(n) => Ok(Term::number(*n)),
        UnitExpr::Annotation(_) => Ok(Term::number(Number::ONE)),
        UnitExpr::Annotated(inner, _) => fold(inner),
        UnitExpr::Power(inner, exponent) => power(fold(inner)?, *exponent),
        UnitExpr::Product(items) => items
            .iter()
            .try_fold(Term::number(Number::ONE), |acc, item| {
                multiply(acc, fold(item)?)
            }),
        UnitExpr::Quotient(numerator, denominator) => {
            multiply(fold(numerator)?, power(fold(denominator)?, -1)?)
        }
        UnitExpr::Reciprocal(inner) => power(fold(inner)?, -1),
    }
}

fn symbol(code: &str) -> Result<Term, Failure> {
    let (prefix, record) =
        lookup_unit(code, Case::Sensitive).ok_or_else(|| Failure::Unknown(code.to_owned()))?;
    let prefix_factor = prefix.map_or(Number::ONE, |p| p.factor);
    match record.special {
        SpecialKind::None | SpecialKind::Arbitrary => {}
        SpecialKind::Celsius | SpecialKind::Fahrenheit if prefix.is_none() => {
            // The tables hold 5/9 rounded; the exact quotient keeps
            // Fahrenheit conversions exact.
            let factor = if record.special == SpecialKind::Fahrenheit {
                Ratio::new(Number::from(5), Number::from(9))
            } else {
                Ratio::from_number(record.factor)
            };
            return Ok(Term {
                factor,
                dimension: dimension_of(record),
                arbitrary: Vec::new(),
                special: Some(record),
            });
        }
        _ => return Err(Failure::Unsupported(code.to_owned())),
    }
    if ARBITRARY_ATOMS.contains(&record.code) {
        return Ok(Term {
            factor: Ratio::from_number(prefix_factor),
            dimension: Dimension::DIMENSIONLESS,
            arbitrary: vec![(record.code, 1)],
            special: None,
        });
    }
    let mut factor = prefix_factor
        .checked_mul(record.factor)
        .ok_or(Failure::Overflow)?;
    let mut dimension = dimension_of(record);
    if MOLAR_ATOMS.contains(&record.code) {
        factor = factor.checked_div(*AVOGADRO).ok_or(Failure::Overflow)?;
        if let Some(n) = dimension.0.get_mut(SUBSTANCE) {
            *n += 1;
        }
    }
    let mut arbitrary = record.arbitrary.to_vec();
    arbitrary.sort_unstable();
    Ok(Term {
        factor: Ratio::from_number(factor),
        dimension,
        arbitrary,
        special: None,
    })
}

fn dimension_of(record: &UnitRecord) -> Dimension {
    let mut exponents = [0i8; 8];
    for (e, d) in exponents.iter_mut().zip(record.dim.0) {
        *e = d;
    }
    Dimension(exponents)
}

fn no_special(term: &Term) -> Result<(), Failure> {
    match term.special {
        Some(record) => Err(Failure::SpecialInExpression(record.code.to_owned())),
        None => Ok(()),
    }
}

fn multiply(a: Term, b: Term) -> Result<Term, Failure> {
    no_special(&a)?;
    no_special(&b)?;
    Ok(Term {
        factor: a.factor.checked_mul(b.factor).ok_or(Failure::Overflow)?,
        dimension: a
            .dimension
            .checked_mul(b.dimension)
            .ok_or(Failure::Overflow)?,
        arbitrary: merge(&a.arbitrary, &b.arbitrary),
        special: None,
    })
}

fn power(term: Term, exponent: i32) -> Result<Term, Failure> {
    no_special(&term)?;
    Ok(Term {
        factor: term
            .factor
            .checked_powi(exponent)
            .ok_or(Failure::Overflow)?,
        dimension: term
            .dimension
            .checked_pow(exponent)
            .ok_or(Failure::Overflow)?,
        arbitrary: term
            .arbitrary
            .iter()
            .map(|(atom, e)| (*atom, e.saturating_mul(exponent)))
            .collect(),
        special: None,
    })
}

/// Adds the exponents of two sorted lists of arbitrary atoms, dropping
/// those that cancel (`[IU]/[IU]` is a number).
pub(crate) fn merge(
    a: &[(&'static str, i32)],
    b: &[(&'static str, i32)],
) -> Vec<(&'static str, i32)> {
    let mut out: Vec<(&'static str, i32)> = a.to_vec();
    for (atom, e) in b {
        match out.iter_mut().find(|(x, _)| x == atom) {
            Some((_, total)) => *total = total.saturating_add(*e),
            None => out.push((atom, *e)),
        }
    }
    out.retain(|(_, e)| *e != 0);
    out.sort_unstable();
    out
}

/// Known unit symbols close to `symbol`, for a did-you-mean. In `strict`
/// UCUM the protocol spellings are not units, so a spelling suggests its
/// UCUM code (`mmHg` → `mm[Hg]`) and is never suggested itself.
pub(crate) fn suggest(symbol: &str, strict: bool) -> Option<String> {
    if strict && let Some(code) = super::spelling::code_of(symbol) {
        return Some(code.to_owned());
    }
    let lower = symbol.to_lowercase();
    let atoms = octofhir_ucum::get_all_units().iter().map(|u| u.code);
    let prefixed = ["m", "u", "n", "k", "d", "c", "p"]
        .into_iter()
        .flat_map(|p| {
            ["g", "L", "l", "mol", "s", "m", "U", "[IU]", "eq"]
                .into_iter()
                .map(move |a| format!("{p}{a}"))
        });
    let candidates = atoms.map(str::to_owned).chain(prefixed).chain(
        super::spelling::words()
            .filter(|_| !strict)
            .map(str::to_owned),
    );
    let mut best: Option<(usize, String)> = None;
    for candidate in candidates {
        // The same letters in another case are the likeliest slip (`MG`).
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            crate::suggest::edit_distance(symbol, &candidate)
        };
        if best.as_ref().is_none_or(|(d, _)| distance < *d) {
            best = Some((distance, candidate));
        }
    }
    let limit = if symbol.chars().count() <= 3 { 1 } else { 2 };
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("MG", false).as_deref(), Some("mg"));
        assert_eq!(suggest("mmol", false).as_deref(), Some("mmol"));
        assert_eq!(suggest("mmHg", true).as_deref(), Some("mm[Hg]"));
        assert_eq!(suggest("years", true).as_deref(), Some("a"));
        for (typo, want) in [
            ("mgg", "mg"),
            ("umoll", "umol"),
            ("mmHG", "mmHg"),
            ("dayz", "day"),
        ] {
            assert_eq!(suggest(typo, false).as_deref(), Some(want), "{typo}");
        }
        assert_eq!(suggest("zzzzzz", false), None);
    }
}
