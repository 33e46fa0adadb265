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
    /// How many times each base quantity cancelled out in a quotient of
    /// like quantities: `mmol/mol` cancels amount of substance once. See
    /// [`super::kind`].
    pub(crate) cancelled: [u8; 8],
    /// Annotations (`{WBC}` in `/100{WBC}`) and the microscope field
    /// (`[HPF]`, `[LPF]`), with their exponents, sorted.
    pub(crate) labels: Vec<(String, i32)>,
}

/// The label of the microscope's field of view: UCUM makes `[HPF]` the
/// number 1 and `[LPF]` 100, so without it `5 /[HPF]` would be 500 %.
pub(crate) const FIELD: &str = "[HPF]";

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
            cancelled: [0; 8],
            labels: Vec::new(),
        }
    }

    fn labelled(mut self, label: &str) -> Self {
        self.labels = merge_labels(&self.labels, &[(label.to_owned(), 1)], 1);
        self
    }
}

/// Folds an expression. Recursion depth is bounded by the parser's own
/// nesting limit.
pub(crate) fn fold(expr: &UnitExpr) -> Result<Term, Failure> {
    match expr {
        UnitExpr::Symbol(code) => symbol(code),
        UnitExpr::Numeric(n) => Ok(Term::number(*n)),
        UnitExpr::Annotation(text) => Ok(Term::number(Number::ONE).labelled(text)),
        UnitExpr::Annotated(inner, text) => Ok(fold(inner)?.labelled(text)),
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
                cancelled: [0; 8],
                labels: Vec::new(),
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
            cancelled: [0; 8],
            labels: Vec::new(),
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
    let labels = if matches!(record.code, "[HPF]" | "[LPF]") {
        vec![(FIELD.to_owned(), 1)]
    } else {
        Vec::new()
    };
    Ok(Term {
        factor: Ratio::from_number(factor),
        dimension,
        arbitrary,
        special: None,
        cancelled: [0; 8],
        labels,
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
    let mut cancelled = [0u8; 8];
    for (i, c) in cancelled.iter_mut().enumerate() {
        let (x, y) = (dim_at(&a, i), dim_at(&b, i));
        // Exponents of opposite signs cancel as far as the smaller goes.
        let cancels = if x.signum() * y.signum() < 0 {
            x.unsigned_abs().min(y.unsigned_abs())
        } else {
            0
        };
        *c = cancels
            .saturating_add(a.cancelled.get(i).copied().unwrap_or(0))
            .saturating_add(b.cancelled.get(i).copied().unwrap_or(0));
    }
    Ok(Term {
        cancelled,
        labels: merge_labels(&a.labels, &b.labels, 1),
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
        cancelled: term.cancelled.map(|c| {
            let times = u8::try_from(exponent.unsigned_abs()).unwrap_or(u8::MAX);
            c.saturating_mul(times)
        }),
        labels: merge_labels(&[], &term.labels, exponent),
    })
}

fn dim_at(term: &Term, i: usize) -> i8 {
    term.dimension.0.get(i).copied().unwrap_or(0)
}

/// `a` plus `b` times `sign`, for labels: exponents added, those that
/// cancel dropped (`{RBC}/{RBC}` is a number), sorted.
pub(crate) fn merge_labels(
    a: &[(String, i32)],
    b: &[(String, i32)],
    sign: i32,
) -> Vec<(String, i32)> {
    let mut out: Vec<(String, i32)> = a.to_vec();
    for (label, e) in b {
        let e = e.saturating_mul(sign);
        match out.iter_mut().find(|(x, _)| x == label) {
            Some((_, total)) => *total = total.saturating_add(e),
            None => out.push((label.clone(), e)),
        }
    }
    out.retain(|(_, e)| *e != 0);
    out.sort_unstable();
    out
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
///
/// A suggestion never changes a prefix: `mcL` is one letter from `mL`
/// but a thousand times larger, so a candidate that reads the written
/// symbol with another prefix (or none) is never offered.
pub(crate) fn suggest(symbol: &str, strict: bool) -> Option<String> {
    if strict && let Some(code) = super::spelling::code_of(symbol) {
        return Some(code);
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
        } else if changes_prefix(symbol, &candidate) {
            continue;
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

/// Whether `candidate` reads `written` with another prefix: some way of
/// splitting `written` into a prefix and a rest puts a rest within one
/// edit of the candidate's own atom, and every such way has a prefix of
/// another size than the candidate's (`mcLL` against `mL`: the rest `LL`
/// after micro is near `L`, and micro is not milli).
fn changes_prefix(written: &str, candidate: &str) -> bool {
    let (candidate_prefix, candidate_atom) = split_prefix(candidate);
    let mut near = false;
    for (prefix, rest) in readings(written) {
        let close =
            crate::suggest::edit_distance(&rest.to_lowercase(), &candidate_atom.to_lowercase())
                <= 1;
        if close {
            if same_prefix(prefix, candidate_prefix) {
                return false;
            }
            near = true;
        }
    }
    near
}

/// The candidate's prefix and atom, as UCUM reads it (a protocol word
/// through its UCUM code: `mmHg` is milli and `mHg`).
fn split_prefix(candidate: &str) -> (&str, &str) {
    let code = super::spelling::to_ucum(candidate);
    let prefix = lookup_unit(&code, Case::Sensitive)
        .and_then(|(prefix, _)| prefix)
        .map_or("", |p| p.symbol);
    match candidate.strip_prefix(prefix) {
        Some(atom) if !prefix.is_empty() => (prefix, atom),
        _ => ("", candidate),
    }
}

/// Each way of reading `written` as a prefix (possibly none, or the
/// pharmacy's `mc` for micro) and a rest.
fn readings(written: &str) -> impl Iterator<Item = (&str, &str)> {
    let prefixes = octofhir_ucum::get_all_prefixes()
        .iter()
        .map(|p| p.symbol)
        .chain(["mc"]);
    std::iter::once(("", written)).chain(prefixes.filter_map(move |p| {
        written
            .strip_prefix(p)
            .filter(|rest| !rest.is_empty())
            .map(|rest| (p, rest))
    }))
}

/// Prefixes of the same size: equal, `mc` and `u` both micro, and a
/// difference of case only (a slip the case rule above already allows).
fn same_prefix(a: &str, b: &str) -> bool {
    fn micro(p: &str) -> &str {
        if p == "mc" { "u" } else { p }
    }
    micro(a).eq_ignore_ascii_case(micro(b))
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

    #[test]
    fn suggestions_never_change_a_prefix() {
        // One or two letters from `mL`, `L` or `mol`, but micro is not
        // milli: a suggestion a thousand times off is worse than none.
        for written in ["mcLL", "mcLz", "mcmoll", "mcgg", "ucL"] {
            let suggested = suggest(written, false);
            assert!(
                !matches!(
                    suggested.as_deref(),
                    Some("mL" | "L" | "l" | "ml" | "mol" | "mmol" | "g" | "mg" | "cL")
                ),
                "{written} suggests {suggested:?}"
            );
        }
        // A typo that keeps the prefix is still fixed.
        assert_eq!(suggest("ucL", false).as_deref(), Some("uL"));
        assert_eq!(suggest("mgg", false).as_deref(), Some("mg"));
    }
}
