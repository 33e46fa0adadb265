//! Two scales of one analyte related by an equation, not a factor.
//!
//! HbA1c is reported in NGSP `%` and in IFCC `mmol/mol`; the two are
//! related by the master equation NGSP = 0.09148 × IFCC + 2.152. No unit
//! conversion relates them (a percentage and a ratio of amounts of
//! substance are different kinds of number), so a field declares the
//! equation: `hba1c: %, scale mmol/mol as 0.09148 x + 2.152`.

use super::{Conversion, MolarMass, Unit, UnitError};

/// A second scale of a field: values in `unit` (or a unit of its kind)
/// read as `slope × value + intercept` in the field's unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    unit: Box<Unit>,
    slope: f64,
    intercept: f64,
}

impl Scale {
    /// The scale in `unit` of a field stored in `field`, from its slope and
    /// intercept as written.
    ///
    /// ```
    /// use rulec::units::{Scale, Unit};
    /// let percent = Unit::parse("%")?;
    /// let ifcc = Scale::new(Unit::parse("mmol/mol")?, "0.09148", Some("2.152"), &percent)?;
    /// let to_ngsp = Unit::parse("mmol/mol")?.conversion_into(&percent, None, Some(&ifcc))?;
    /// assert_eq!(format!("{:.2}", to_ngsp.apply(48.0)), "6.54");
    /// # Ok::<(), rulec::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`UnitError::InvalidScale`] when the units already convert into each
    /// other by a factor, when either is a temperature scale, or when the
    /// slope is zero or a number is not finite.
    pub fn new(
        unit: Unit,
        slope: &str,
        intercept: Option<&str>,
        field: &Unit,
    ) -> Result<Scale, UnitError> {
        let invalid = |reason: String| UnitError::InvalidScale {
            unit: unit.to_string(),
            reason,
        };
        if unit.is_commensurable(field) {
            return Err(invalid(format!(
                "`{unit}` already converts to `{field}` by a factor, so an equation would contradict it"
            )));
        }
        if unit.is_affine() || field.is_affine() {
            return Err(invalid(
                "a temperature scale already has its own conversion".to_owned(),
            ));
        }
        let number = |text: &str| text.parse::<f64>().ok().filter(|v| v.is_finite());
        let slope = number(slope)
            .filter(|s| *s != 0.0)
            .ok_or_else(|| invalid(format!("the slope `{slope}` is not a non-zero number")))?;
        let intercept = match intercept {
            None => 0.0,
            Some(text) => number(text)
                .ok_or_else(|| invalid(format!("the intercept `{text}` is not a number")))?,
        };
        Ok(Scale {
            unit: Box::new(unit),
            slope,
            intercept,
        })
    }

    /// The unit of the other scale.
    #[must_use]
    pub fn unit(&self) -> &Unit {
        &self.unit
    }
}

impl Unit {
    /// The conversion of values in this unit into a field stored in
    /// `field`: through the field's scale when this unit is of the scale's
    /// kind, through its molar mass between mass and substance, or by the
    /// plain factor. The one rule records and thresholds share.
    ///
    /// # Errors
    ///
    /// [`UnitError::Incommensurable`] when nothing relates the units.
    pub fn conversion_into(
        &self,
        field: &Unit,
        molar_mass: Option<&MolarMass>,
        scale: Option<&Scale>,
    ) -> Result<Conversion, UnitError> {
        if let Some(scale) = scale.filter(|s| self.is_commensurable(&s.unit)) {
            let to_scale = self.conversion_to(&scale.unit)?;
            return Ok(to_scale.then_linear(scale.slope, scale.intercept));
        }
        match molar_mass {
            Some(molar_mass) => self.conversion_via_molar_mass(field, molar_mass),
            None => self.conversion_to(field),
        }
    }
}
