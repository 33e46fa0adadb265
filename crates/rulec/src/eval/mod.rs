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
//! assert_eq!(verdict.status, Status::Undetermined);
//! assert_eq!(verdict.missing, ["pregnant"]);
//!
//! record.set("pregnant", FieldValue::Bool(false))?;
//! assert_eq!(evaluate(&program, &record, index).status, Status::Eligible);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod explain;
mod funnel;
mod reference;

use jiff::civil::Date;

pub use explain::{Explained, explain, format_number};
pub use funnel::{CriterionCount, Funnel};

/// The string type of [`CriterionOutcome::id`], re-exported so that callers
/// need no dependency of their own to build one.
pub use compact_str::CompactString;

use crate::check::Program;
use crate::schema::Record;
use crate::semantics::Truth;
use crate::syntax::Section;

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

/// One criterion's outcome in a verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionOutcome {
    /// The criterion's id. A [`CompactString`] (derefs to `str`): ids of
    /// up to 24 bytes are held inline, so copying one into each verdict
    /// allocates nothing.
    pub id: CompactString,
    /// Inclusion or exclusion.
    pub section: Section,
    /// Met, not met or unknown.
    pub outcome: Outcome,
}

impl CriterionOutcome {
    /// Whether this outcome makes the patient ineligible: an inclusion not
    /// met, or an exclusion met.
    #[must_use]
    pub fn rules_out(&self) -> bool {
        match self.section {
            Section::Inclusion => self.outcome == Outcome::NotMet,
            Section::Exclusion => self.outcome == Outcome::Met,
        }
    }
}

/// The verdict for one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Eligible, ineligible or undetermined.
    pub status: Status,
    /// Every criterion's outcome, in the program's order.
    pub criteria: Vec<CriterionOutcome>,
    /// For an undetermined verdict, the record fields whose absence left a
    /// deciding criterion unknown, in declaration order.
    pub missing: Vec<String>,
}

/// Evaluates every criterion of `program` for `record`, with `index` as the
/// screening date.
///
/// This is the reference evaluator, a plain walk over the checked program;
/// defines are evaluated at most once per record.
#[must_use]
pub fn evaluate(program: &Program, record: &Record, index: Date) -> Verdict {
    let mut walker = reference::Walker::new(program, record, index);
    let mut criteria = Vec::with_capacity(program.criteria.len());
    let mut deciding_missing: Vec<u32> = Vec::new();
    for criterion in &program.criteria {
        walker.missing.clear();
        let outcome = Outcome::from(walker.cond(&criterion.condition));
        if outcome == Outcome::Unknown {
            deciding_missing.extend(walker.missing.iter().copied());
        }
        criteria.push(CriterionOutcome {
            id: CompactString::from(criterion.id.as_str()),
            section: criterion.section,
            outcome,
        });
    }
    let status = status_of(&criteria);
    let missing = if status == Status::Undetermined {
        deciding_missing.sort_unstable();
        deciding_missing.dedup();
        deciding_missing
            .iter()
            .filter_map(|slot| program.schema.fields.get(*slot as usize))
            .map(|f| f.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    Verdict {
        status,
        criteria,
        missing,
    }
}

impl Verdict {
    /// The ids of the criteria that rule the patient out, in the program's
    /// order: empty unless the verdict is ineligible.
    #[must_use]
    pub fn ruled_out(&self) -> Vec<&str> {
        self.criteria
            .iter()
            .filter(|c| c.rules_out())
            .map(|c| c.id.as_str())
            .collect()
    }
}

pub(crate) fn status_of(criteria: &[CriterionOutcome]) -> Status {
    if criteria.iter().any(CriterionOutcome::rules_out) {
        Status::Ineligible
    } else if criteria.iter().all(|c| c.outcome != Outcome::Unknown) {
        Status::Eligible
    } else {
        Status::Undetermined
    }
}
