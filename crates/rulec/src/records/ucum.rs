//! Quantities from data that claims to be UCUM (a FHIR `Quantity` whose
//! `system` is `http://unitsofmeasure.org`): read strictly, converted and
//! refused by the same rules as every other reader's.

use super::{QuantityField, Reason, show, unit_reason};
use crate::schema::{CensoredValue, Field, FieldValue};
use crate::semantics::{Censor, Censored};
use crate::units::Unit;

/// A value, and its normal range if the data gives one, each with the
/// UCUM code of its unit, as a value of the quantity field `field`.
///
/// The code is read by [`Unit::parse_ucum`], never by the lenient
/// [`Unit::parse`]: a number such as SNOMED's `258813002` is not taken as
/// a dimensionless unit.
pub(crate) fn from_ucum(
    field: &Field,
    value: f64,
    code: &str,
    low: Option<(f64, &str)>,
    high: Option<(f64, &str)>,
) -> Result<FieldValue, Reason> {
    let Some(quantity) = QuantityField::of(field) else {
        return Err(format!("`{}` is not a quantity field", field.name));
    };
    if (low.is_some() || high.is_some()) && !quantity.normal_range {
        return Err(quantity.no_range());
    }
    let convert = |value: f64, code: &str| -> Result<f64, Reason> {
        let unit = Unit::parse_ucum(code)
            .map_err(|e| format!("\"{}\" is not a UCUM unit: {}", show(code), unit_reason(&e)))?;
        let conversion = unit
            .conversion_into(quantity.unit, quantity.molar_mass, quantity.scale)
            .map_err(|e| unit_reason(&e))?;
        quantity.convert(value, conversion, &format!("{value} {code}"))
    };
    let converted = convert(value, code)?;
    let low = low.map(|(v, c)| convert(v, c)).transpose()?;
    let high = high.map(|(v, c)| convert(v, c)).transpose()?;
    quantity.quantity(converted, low, high)
}

/// A censored value (`<0.5 mg/dL`) and its normal range, each with its
/// UCUM code, as a censored value of the quantity field `field`: the
/// bound is converted and refused as a value would be, and the side turns
/// over when the conversion reverses order (a scale with a negative slope).
pub(crate) fn censored_from_ucum(
    field: &Field,
    censor: Censor,
    bound: f64,
    code: &str,
    low: Option<(f64, &str)>,
    high: Option<(f64, &str)>,
) -> Result<CensoredValue, Reason> {
    let FieldValue::Quantity { value, low, high } = from_ucum(field, bound, code, low, high)?
    else {
        return Err(format!("`{}` is not a quantity field", field.name));
    };
    let reverses = Unit::parse_ucum(code)
        .ok()
        .zip(QuantityField::of(field))
        .and_then(|(unit, q)| unit.conversion_into(q.unit, q.molar_mass, q.scale).ok())
        .is_some_and(|c| c.apply(1.0) < c.apply(0.0));
    let censor = if reverses { censor.reversed() } else { censor };
    Ok(CensoredValue {
        censored: Censored {
            censor,
            bound: value,
        },
        low,
        high,
    })
}

/// A whole number read from a dimensionless UCUM quantity (`{score}`, `1`).
pub(crate) fn integer_from_ucum(value: f64, code: &str) -> Result<f64, Reason> {
    let unit = Unit::parse_ucum(code)
        .map_err(|e| format!("\"{}\" is not a UCUM unit: {}", show(code), unit_reason(&e)))?;
    if !unit.dimension().is_dimensionless() {
        return Err(format!(
            "`{value} {code}` is a quantity, not a whole number"
        ));
    }
    let factor = unit
        .conversion_to(&Unit::parse_ucum("1").map_err(|e| unit_reason(&e))?)
        .map_err(|e| unit_reason(&e))?;
    Ok(factor.apply(value))
}
