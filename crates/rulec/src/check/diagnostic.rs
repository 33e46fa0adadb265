//! Checker diagnostics as data: every mistake the checker catches, each
//! with a stable code (`docs/diagnostics.md` lists them with an input that
//! triggers each), its span and, where one helps, a suggestion.

use miette::Diagnostic;
use thiserror::Error;

use crate::diagnostic::{Diagnostic as Shown, FileRef, Label};
use crate::syntax::{Span, SyntaxError};
use crate::units::UnitError;

/// A problem the checker found. Warnings do not stop a rule file from
/// checking; errors do.
#[derive(Clone, Debug, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum CheckError {
    /// A name that is no field, define or list element field.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(rulec::check::unknown_name))]
    UnknownName {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not a field or define")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A unit that cannot be read, or cannot be used where it stands.
    #[error("{error}")]
    #[diagnostic(code(rulec::check::unit))]
    Unit {
        /// The units layer's error, typed: [`CheckError::unit_code`] gives
        /// its code.
        error: UnitError,
        /// Where the unit is.
        #[label("here")]
        span: Span,
        /// The units layer's suggestion, as text for the derive to show.
        #[help]
        help: Option<String>,
    },

    /// A call of a function rulec does not have.
    #[error("unknown function `{name}`")]
    #[diagnostic(code(rulec::check::unknown_function))]
    UnknownFunction {
        /// The name.
        name: String,
        /// Where it is called.
        #[label("not a function")]
        span: Span,
        /// The closest function and the list of them.
        #[help]
        help: String,
    },

    /// A call with the wrong number of arguments.
    #[error("`{name}` takes {expected}, not {found}")]
    #[diagnostic(code(rulec::check::arguments))]
    Arguments {
        /// The function.
        name: String,
        /// How many it takes, in words (`2 arguments`).
        expected: String,
        /// How many were given.
        found: usize,
        /// The call.
        #[label("{found} given")]
        span: Span,
        /// What they are.
        #[help]
        help: Option<String>,
    },

    /// A member that the enumeration does not declare.
    #[error("`{member}` is not a member of `{field}`")]
    #[diagnostic(code(rulec::check::unknown_member))]
    UnknownMember {
        /// The member as written.
        member: String,
        /// The field.
        field: String,
        /// Where.
        #[label("not a member")]
        span: Span,
        /// The members, and the closest one.
        #[help]
        help: String,
    },

    /// A bare number compared with a quantity.
    #[error("`{number}` has no unit, but {what} is a quantity ({kind}) in `{unit}`")]
    #[diagnostic(code(rulec::check::bare_number))]
    BareNumber {
        /// The number.
        number: String,
        /// What it is compared with (`hemoglobin`).
        what: String,
        /// The kind of quantity, in words.
        kind: String,
        /// The unit of the other side.
        unit: String,
        /// Where the number is.
        #[label("a unit is needed here")]
        span: Span,
        /// An example with the unit.
        #[help]
        help: String,
    },

    /// Two quantities of different dimensions compared or added.
    #[error("cannot {verb} {lhs} with {rhs}")]
    #[diagnostic(code(rulec::check::incommensurable))]
    Incommensurable {
        /// What was attempted: `compare`, `add`.
        verb: &'static str,
        /// The left side, with its unit and kind.
        lhs: String,
        /// The right side, with its unit and kind.
        rhs: String,
        /// Where.
        #[label("different kinds of quantity")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// `x ULN` or `x LLN` with no field declared `with normal range` to
    /// take the limit from.
    #[error(
        "`{text}` needs a field declared `with normal range` on the other side of the comparison"
    )]
    #[diagnostic(
        code(rulec::check::limit_without_range),
        help(
            "declare the field `with normal range` and compare the field itself with the multiple, as in `alt < 3 x ULN`"
        )
    )]
    LimitWithoutRange {
        /// The multiple as written.
        text: String,
        /// Where.
        #[label("no reference range here")]
        span: Span,
    },

    /// A value of one kind where another was expected.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(rulec::check::type_mismatch))]
    TypeMismatch {
        /// What was expected, in words.
        expected: String,
        /// What was found, in words.
        found: String,
        /// Where.
        #[label("{found}")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A date compared with a duration (`birth_date > 18 years`).
    #[error("a date cannot be compared with a duration")]
    #[diagnostic(code(rulec::check::date_vs_duration))]
    DateVsDuration {
        /// Where.
        #[label("date compared with a duration")]
        span: Span,
        /// The likely intent.
        #[help]
        help: String,
    },

    /// An integer constant outside the declared range of the field.
    #[error("`{value}` is outside the range of `{field}` ({min}..{max})")]
    #[diagnostic(
        code(rulec::check::out_of_range),
        help("the field is declared `integer {min}..{max}`; no record can reach this value")
    )]
    OutOfRange {
        /// The constant.
        value: String,
        /// The field.
        field: String,
        /// Lower bound.
        min: String,
        /// Upper bound.
        max: String,
        /// Where.
        #[label("out of range")]
        span: Span,
    },

    /// An integer range whose lower bound is above its upper bound.
    #[error("empty range `{min}..{max}`")]
    #[diagnostic(code(rulec::check::empty_range), help("write the lower bound first"))]
    EmptyRange {
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
        /// Where.
        #[label("no integer lies in this range")]
        span: Span,
    },

    /// A name declared twice.
    #[error("duplicate {what} `{name}`")]
    #[diagnostic(code(rulec::check::duplicate))]
    Duplicate {
        /// `field`, `define`, `criterion id`, `member` or `cohort`.
        what: &'static str,
        /// The name.
        name: String,
        /// The second declaration.
        #[label("declared again here")]
        span: Span,
        /// The first declaration.
        #[label("first declared here")]
        first: Span,
    },

    /// Defines that use each other in a circle.
    #[error("define `{name}` uses itself: {cycle}")]
    #[diagnostic(
        code(rulec::check::cyclic_define),
        help("a define must be computable from fields; break the circle")
    )]
    CyclicDefine {
        /// The define.
        name: String,
        /// The circle, `a → b → a`.
        cycle: String,
        /// Where the define is.
        #[label("part of a circle")]
        span: Span,
    },

    /// A define or criterion whose tree, with the defines it uses written
    /// out in place, is deeper than rulec evaluates safely.
    #[error("{what} is {depth} levels deep through {count} defines (the most is {limit}): {chain}")]
    #[diagnostic(
        code(rulec::check::too_deep),
        help(
            "each define named inside another adds its depth to it; build the condition from fewer layers of defines, or join conditions side by side in `all of (…)`"
        )
    )]
    TooDeep {
        /// `define `a300`` or `criterion `c``.
        what: String,
        /// Its depth.
        depth: usize,
        /// The limit, [`crate::syntax::MAX_DEPTH`].
        limit: usize,
        /// How many defines the chain goes through.
        count: usize,
        /// The chain, `a300 → a299 → … → a0`.
        chain: String,
        /// The define's name or the criterion's id.
        #[label("the limit is passed here")]
        span: Span,
    },

    /// A name longer than [`crate::syntax::MAX_NAME_LEN`].
    #[error("{what} `{start}…` is {length} bytes long (the most is {limit})")]
    #[diagnostic(code(rulec::check::name_too_long), help("use a shorter name"))]
    NameTooLong {
        /// `field name`, `define name`, `criterion id`, `member`.
        what: &'static str,
        /// Its first 20 characters.
        start: String,
        /// Its length in bytes.
        length: usize,
        /// The limit.
        limit: usize,
        /// Where.
        #[label("too long")]
        span: Span,
    },

    /// A `use` whose file cannot be read or checked.
    #[error("cannot use `{path}`: {reason}")]
    #[diagnostic(code(rulec::check::use_failed))]
    UseFailed {
        /// The path as written.
        path: String,
        /// Why.
        reason: String,
        /// Where.
        #[label("imported here")]
        span: Span,
    },

    /// An error inside a file imported with `use`: a syntax error, or an
    /// error in a field it declares. Shown through `miette` it reads as
    /// other `use` failures, at the `use`; as a [`crate::Diagnostic`] it is
    /// the inner error, pointing into the imported file, with the `use`
    /// labelled "imported here".
    #[error("cannot use `{path}`: {error}")]
    #[diagnostic(code(rulec::check::use_failed))]
    InImport {
        /// The path as written.
        path: String,
        /// The error, its spans in the imported file.
        error: Box<ImportError>,
        /// The `use`'s path.
        #[label("imported here")]
        span: Span,
    },

    /// A test that only applies to fields (`is known`) used on something
    /// else.
    #[error("`{test}` applies to a field, not to {found}")]
    #[diagnostic(
        code(rulec::check::not_a_field),
        help("test the fields the expression uses")
    )]
    NotAField {
        /// The test.
        test: &'static str,
        /// What it was applied to.
        found: String,
        /// Where.
        #[label("not a field")]
        span: Span,
    },

    /// A `fhir` binding that cannot be read with: an unknown field,
    /// source, code system or code set, or a source that cannot give the
    /// field's type.
    #[error("{message}")]
    #[diagnostic(code(rulec::check::binding))]
    Binding {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// An `example` that cannot be run: a field that is not declared, a
    /// value its field cannot hold or in a unit of another kind, a
    /// criterion in `by` or a field in `missing` that does not exist.
    #[error("{message}")]
    #[diagnostic(code(rulec::check::example))]
    Example {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A field that no criterion or define uses.
    #[error("field `{name}` is never used")]
    #[diagnostic(
        code(rulec::check::unused_field),
        severity(Warning),
        help("remove it, or use it in a criterion")
    )]
    UnusedField {
        /// The field.
        name: String,
        /// Where it is declared.
        #[label("declared here")]
        span: Span,
    },

    /// A criterion whose outcome does not depend on the record.
    #[error("criterion `{id}` is {outcome}")]
    #[diagnostic(
        code(rulec::check::constant_criterion),
        severity(Warning),
        help("it decides nothing about the patient; check the logic")
    )]
    ConstantCriterion {
        /// The criterion.
        id: String,
        /// `always met` or `never met`.
        outcome: &'static str,
        /// Where.
        #[label("{outcome} whatever the record holds")]
        span: Span,
    },

    /// An inclusion criterion whose bounds on one value exclude each other.
    #[error("inclusion `{id}` cannot be met: no value of `{what} satisfies {bounds}")]
    #[diagnostic(
        code(rulec::check::impossible_range),
        severity(Warning),
        help("no patient can be eligible; check the thresholds")
    )]
    ImpossibleRange {
        /// The criterion.
        id: String,
        /// The value bounded, with its closing backtick and unit.
        what: String,
        /// The bounds, as written.
        bounds: String,
        /// Where.
        #[label("empty range")]
        span: Span,
    },

    /// Bands of one value joined with `or` that leave a gap: a value in it
    /// (one converted from another unit, say) meets none of them.
    #[error("criterion `{id}` leaves a gap between bands: a value of {what} {gap} meets none")]
    #[diagnostic(
        code(rulec::check::band_gap),
        severity(Warning),
        help(
            "a value there, measured or converted from another unit, is in no band: end the lower band with `{fix}` so the bands meet"
        )
    )]
    BandGap {
        /// The criterion.
        id: String,
        /// The value, with its unit.
        what: String,
        /// The values in the gap, in the value's unit.
        gap: String,
        /// How the lower band could end to meet the next one.
        fix: String,
        /// The band that ends before the gap.
        #[label("neither this band")]
        span: Span,
        /// The band that starts after it.
        #[label("nor this one")]
        next: Span,
    },

    /// A file with one cohort: the status for it is the patient's status,
    /// so the cohort tells nothing that criteria outside it would not.
    #[error("cohort `{name}` is the file's only cohort")]
    #[diagnostic(
        code(rulec::check::lone_cohort),
        severity(Warning),
        help(
            "a patient's status for the only cohort is their status: write its criteria outside it, or add the trial's other cohorts"
        )
    )]
    LoneCohort {
        /// The cohort.
        name: String,
        /// Its name.
        #[label("the only cohort")]
        span: Span,
    },

    /// `all L where …` in an inclusion: an empty list meets it.
    #[error("inclusion `{id}` is met when `{list}` is empty")]
    #[diagnostic(
        code(rulec::check::vacuous_all),
        severity(Warning),
        help(
            "`all` holds for every element of an empty list; if the patient must have one, write `(count {list} where …) >= 1 and all {list} where …`"
        )
    )]
    VacuousAll {
        /// The criterion.
        id: String,
        /// The list.
        list: String,
        /// The `all … where …`.
        #[label("true for a list with no elements")]
        span: Span,
    },
}

impl CheckError {
    /// The primary location.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            CheckError::UnknownName { span, .. }
            | CheckError::UnknownFunction { span, .. }
            | CheckError::Arguments { span, .. }
            | CheckError::Unit { span, .. }
            | CheckError::UnknownMember { span, .. }
            | CheckError::BareNumber { span, .. }
            | CheckError::Incommensurable { span, .. }
            | CheckError::LimitWithoutRange { span, .. }
            | CheckError::TypeMismatch { span, .. }
            | CheckError::DateVsDuration { span, .. }
            | CheckError::OutOfRange { span, .. }
            | CheckError::EmptyRange { span, .. }
            | CheckError::Duplicate { span, .. }
            | CheckError::CyclicDefine { span, .. }
            | CheckError::TooDeep { span, .. }
            | CheckError::NameTooLong { span, .. }
            | CheckError::UseFailed { span, .. }
            | CheckError::InImport { span, .. }
            | CheckError::NotAField { span, .. }
            | CheckError::UnusedField { span, .. }
            | CheckError::Binding { span, .. }
            | CheckError::Example { span, .. }
            | CheckError::ConstantCriterion { span, .. }
            | CheckError::ImpossibleRange { span, .. }
            | CheckError::BandGap { span, .. }
            | CheckError::LoneCohort { span, .. }
            | CheckError::VacuousAll { span, .. } => *span,
        }
    }

    /// For [`CheckError::Unit`], the units layer's code, such as
    /// `rulec::units::unknown`.
    #[must_use]
    pub fn unit_code(&self) -> Option<String> {
        match self {
            CheckError::Unit { error, .. } => {
                miette::Diagnostic::code(error).map(|c| c.to_string())
            }
            _ => None,
        }
    }

    /// Whether this is a warning rather than an error.
    #[must_use]
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            CheckError::UnusedField { .. }
                | CheckError::ConstantCriterion { .. }
                | CheckError::ImpossibleRange { .. }
                | CheckError::BandGap { .. }
                | CheckError::LoneCohort { .. }
                | CheckError::VacuousAll { .. }
        )
    }
}

/// What went wrong inside a file imported with `use`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The imported file does not parse.
    #[error("it has a syntax error: {0}")]
    Syntax(SyntaxError),
    /// A field the imported file declares has an error.
    #[error("field `{field}`: {error}")]
    Field {
        /// The field.
        field: String,
        /// The error, its spans in the imported file.
        error: CheckError,
    },
    /// A binding in the imported file's `fhir` block has an error.
    #[error("in its `fhir` block: {0}")]
    Binding(CheckError),
}

impl From<CheckError> for Shown {
    fn from(error: CheckError) -> Self {
        Self::from(&error)
    }
}

impl From<&CheckError> for Shown {
    fn from(error: &CheckError) -> Self {
        let CheckError::InImport {
            path,
            error: inner,
            span,
        } = error
        else {
            let span = error.span();
            return Self::from_miette(error, (span.start, span.end));
        };
        let file = FileRef::Import(path.clone());
        let inner = match inner.as_ref() {
            ImportError::Syntax(e) => Shown::from(e),
            ImportError::Field { error, .. } | ImportError::Binding(error) => Shown::from(error),
        };
        inner.moved_into(&file).with_label(Label::new(
            FileRef::Main,
            span.start,
            span.end,
            Some("imported here".to_owned()),
            false,
        ))
    }
}
