//! Unit errors as data.
//!
//! They carry no location in the rule file: the checker attaches one where
//! it meets the unit. Positions, where given, are byte offsets in the unit
//! as written.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::Dimension;

/// A unit that cannot be read, or two units that cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum UnitError {
    /// The unit is not a well-formed UCUM expression.
    #[error("malformed unit `{unit}`: {reason}")]
    #[diagnostic(
        code(rulec::units::syntax),
        help(
            "units are UCUM expressions such as `g/L`, `mg/dL`, `10*9/L`, `mm[Hg]` or `mL/min/{{1.73_m2}}`"
        )
    )]
    Syntax {
        /// The unit as written.
        #[source_code]
        unit: String,
        /// What is wrong.
        reason: String,
        /// Where in the unit, if known.
        #[label("{reason}")]
        at: Option<SourceSpan>,
    },

    /// A symbol that is not a unit.
    #[error("unknown unit `{symbol}` in `{unit}`")]
    #[diagnostic(code(rulec::units::unknown))]
    Unknown {
        /// The unit as written.
        #[source_code]
        unit: String,
        /// The symbol that is not a unit.
        symbol: String,
        /// Where the symbol is in the unit.
        #[label("not a unit")]
        at: Option<SourceSpan>,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A special unit other than the temperature scales (`[pH]`, `dB`, `B`).
    #[error("the unit `{symbol}` is not supported")]
    #[diagnostic(
        code(rulec::units::unsupported),
        help(
            "rulec converts proper units and the temperature scales `Cel` and `[degF]`; logarithmic and other special units are not supported — record the value as a plain `number`"
        )
    )]
    Unsupported {
        /// The unit as written.
        unit: String,
        /// The special unit.
        symbol: String,
    },

    /// A temperature scale combined with other units (`Cel/h`).
    #[error("`{symbol}` cannot be combined with other units in `{unit}`")]
    #[diagnostic(
        code(rulec::units::special_in_expression),
        help(
            "temperature scales such as `Cel` have an offset; use them alone, or use `K` in a product or quotient"
        )
    )]
    SpecialInExpression {
        /// The unit as written.
        unit: String,
        /// The special unit.
        symbol: String,
    },

    /// Two units of different dimensions, or arbitrary units that differ.
    #[error("cannot convert `{from}` ({from_dimension}) to `{to}` ({to_dimension})")]
    #[diagnostic(code(rulec::units::incommensurable))]
    Incommensurable {
        /// The unit converted from.
        from: String,
        /// What it measures, in words.
        from_dimension: String,
        /// The unit converted to.
        to: String,
        /// What it measures, in words.
        to_dimension: String,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A factor too large or too small to represent.
    #[error("the unit `{unit}` is out of range for conversion")]
    #[diagnostic(code(rulec::units::overflow))]
    Overflow {
        /// The unit as written.
        unit: String,
    },

    /// A molar mass that is not a positive number.
    #[error("invalid molar mass `{value}`: {reason}")]
    #[diagnostic(
        code(rulec::units::invalid_molar_mass),
        help("write a molar mass as a positive number with its unit, such as `113.12 g/mol`")
    )]
    InvalidMolarMass {
        /// The value as written.
        value: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A molar mass whose unit is not mass per amount of substance.
    #[error("`{unit}` is not a unit of molar mass ({dimension})")]
    #[diagnostic(
        code(rulec::units::not_molar_mass),
        help("write a molar mass in `g/mol`, such as `113.12 g/mol`")
    )]
    NotMolarMass {
        /// The unit as written.
        unit: String,
        /// What it measures.
        dimension: Dimension,
    },

    /// A field's second scale that cannot be used.
    #[error("invalid scale `{unit}`: {reason}")]
    #[diagnostic(
        code(rulec::units::invalid_scale),
        help(
            "a scale relates units of different kinds by an equation, as in `hba1c: %, scale mmol/mol as 0.09148 x + 2.152`"
        )
    )]
    InvalidScale {
        /// The scale's unit as written.
        unit: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A unit error on its own, outside a rule file: its labels point into
/// the unit as written, which no file holds, so it has none. (In a rule
/// file the checker places it on the unit: `rulec::check::unit`.)
impl From<UnitError> for crate::diagnostic::Diagnostic {
    fn from(error: UnitError) -> Self {
        let mut diagnostic = Self::new(
            miette::Diagnostic::code(&error)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            crate::diagnostic::Severity::Error,
            error.to_string(),
        );
        if let Some(help) = miette::Diagnostic::help(&error) {
            diagnostic = diagnostic.with_help(help.to_string());
        }
        diagnostic
    }
}
