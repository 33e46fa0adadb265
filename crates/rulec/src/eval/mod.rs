//! Evaluation: a checked program and a patient record give a verdict.
//!
//! Every criterion is met, not met or unknown (three-valued logic: missing
//! data is unknown, never a pass); a patient is *eligible* when every
//! inclusion is met and no exclusion is, *ineligible* when an inclusion is
//! not met or an exclusion is, and *undetermined* otherwise, with the
//! fields whose values would decide it.
//!
//! [`evaluate`] gives the verdict alone; [`explain`] gives the same verdict
//! with an explanation of every criterion in words (`hemoglobin 72 g/L is
//! not > 80 g/L (8 g/L short)`), and [`crate::records::VerdictJson`] writes it in the
//! stable JSON format of `docs/verdicts.md`.
//!
//! ```
//! use rulec::eval::{evaluate, Status};
//! use rulec::schema::{FieldValue, Record};
//!
//! let file = rulec::syntax::parse(r#"
//! fields { hemoglobin: g/L, pregnant: bool }
//! inclusion { hb "Hb > 80 g/L": hemoglobin > 8 g/dL }
//! exclusion { pregnancy: pregnant }
//! "#)?;
//! let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
//! let index = jiff::civil::date(2026, 11, 24);
//!
//! let mut record = Record::new(&program.schema);
//! record.set("hemoglobin", FieldValue::Quantity { value: 92.0, low: None, high: None })?;
//! let verdict = evaluate(&program, &record, index);
//! // Hemoglobin decides the inclusion; pregnancy is unknown.
//! assert_eq!(verdict.status(), Status::Undetermined);
//! assert_eq!(verdict.missing(), ["pregnant"]);
//!
//! record.set("pregnant", FieldValue::Bool(false))?;
//! assert_eq!(evaluate(&program, &record, index).status(), Status::Eligible);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod explain;
mod funnel;
mod reference;
mod verdict;

use jiff::civil::Date;

pub(crate) use explain::duration;
pub use explain::{Explained, explain, explain_sourced, format_number};
pub use funnel::{CohortCount, CriterionCount, Funnel};
pub use verdict::{CohortVerdict, Criteria, CriterionOutcome, Verdict};
pub(crate) use verdict::{GroupsMissing, Names, Outcomes, code};

use crate::check::Program;
use crate::schema::Record;
use crate::semantics::Truth;

/// The outcome of one criterion for one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The condition holds.
    Met,
    /// The condition does not hold.
    NotMet,
    /// The record lacks what would decide it.
    Unknown,
}

impl Outcome {
    /// The outcome's name in the JSON verdict format: `met`, `not_met`,
    /// `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::NotMet => "not_met",
            Outcome::Unknown => "unknown",
        }
    }
}

impl From<Truth> for Outcome {
    fn from(t: Truth) -> Outcome {
        match t {
            Truth::True => Outcome::Met,
            Truth::False => Outcome::NotMet,
            Truth::Unknown => Outcome::Unknown,
        }
    }
}

/// A patient's eligibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every inclusion met, no exclusion met.
    Eligible,
    /// An inclusion not met, or an exclusion met.
    Ineligible,
    /// Neither can be said until missing data is known.
    Undetermined,
}

impl Status {
    /// The status's name in the JSON verdict format: `eligible`,
    /// `ineligible`, `undetermined`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Ineligible => "ineligible",
            Status::Undetermined => "undetermined",
        }
    }
}

/// Evaluates every criterion of `program` for `record`, with `index` as the
/// screening date.
///
/// This is the reference evaluator, a plain walk over the checked program;
/// defines are evaluated at most once per record.
#[must_use]
pub fn evaluate(program: &Program, record: &Record, index: Date) -> Verdict {
    let mut walker = reference::Walker::new(program, record, index);
    let names = Names::of(program);
    let mut outcomes = names.unknown();
    // The fields each group of criteria read while missing: the verdict
    // keeps those of the groups that leave a status undetermined.
    let mut groups: GroupsMissing = (0..names.groups()).map(|_| Vec::new()).collect();
    for (i, (criterion, code)) in program.criteria.iter().zip(outcomes.iter_mut()).enumerate() {
        walker.missing.clear();
        let outcome = Outcome::from(walker.cond(&criterion.condition));
        if outcome == Outcome::Unknown
            && let Some(group) = groups.get_mut(names.group(i))
        {
            group.extend(walker.missing.iter().copied());
        }
        *code = outcome.code();
    }
    if names.has_cohorts() {
        let statuses = names.statuses(&outcomes);
        return Verdict::with_cohorts(statuses, names, outcomes, groups);
    }
    let status = names.status(&outcomes);
    let missing = match groups.into_iter().next() {
        Some(mut missing) if status == Status::Undetermined => {
            missing.sort_unstable();
            missing.dedup();
            missing
        }
        _ => Vec::new(),
    };
    Verdict::new(status, names, outcomes, missing)
}
