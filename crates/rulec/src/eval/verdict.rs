//! The verdict for one record.
//!
//! A verdict is made for every record screened, so it holds only what
//! differs between records: the status, one outcome per criterion and the
//! slots of the missing fields. The criteria's ids and sections and the
//! fields' names are the program's, shared by all its verdicts behind one
//! `Arc`: a verdict of up to [`INLINE`] criteria is built without
//! allocating, and one that lists missing fields allocates once.

use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

use super::{Outcome, Status};
use crate::check::Program;
use crate::syntax::Section;

/// Criteria whose outcomes a verdict holds inline; more spill to the heap.
const INLINE: usize = 32;

/// A verdict's outcomes, in the program's order, one [`code`] byte each:
/// the compiled plan writes them without a lookup, and a status is read
/// from them a vector at a time.
pub(crate) type Outcomes = SmallVec<[u8; INLINE]>;

/// The byte codes of outcomes in [`Outcomes`].
pub(crate) mod code {
    /// [`Outcome::Met`](super::Outcome::Met).
    pub(crate) const MET: u8 = 0;
    /// [`Outcome::NotMet`](super::Outcome::NotMet).
    pub(crate) const NOT_MET: u8 = 1;
    /// [`Outcome::Unknown`](super::Outcome::Unknown).
    pub(crate) const UNKNOWN: u8 = 2;
    /// No criterion: [`Outcomes`](super::Outcomes) is padded with it to
    /// whole words of 8.
    pub(crate) const NONE: u8 = 0xFE;
}

impl Outcome {
    /// The outcome's [`code`].
    pub(crate) fn code(self) -> u8 {
        match self {
            Outcome::Met => code::MET,
            Outcome::NotMet => code::NOT_MET,
            Outcome::Unknown => code::UNKNOWN,
        }
    }

    /// The outcome of a [`code`]; unknown for a byte that is none.
    fn of_code(code: u8) -> Outcome {
        match code {
            code::MET => Outcome::Met,
            code::NOT_MET => Outcome::NotMet,
            _ => Outcome::Unknown,
        }
    }
}

/// What every verdict of one program shares: its criteria's ids and
/// sections, and its fields' names by slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Names {
    criteria: Box<[(Box<str>, Section)]>,
    /// The code of each criterion's outcome that rules a patient out,
    /// padded like [`Outcomes`] with a byte no outcome has.
    ruling: Box<[u8]>,
    fields: Box<[Box<str>]>,
}

impl Names {
    /// The names of `program`'s criteria and fields.
    pub(crate) fn of(program: &Program) -> Arc<Names> {
        Arc::new(Names {
            criteria: program
                .criteria
                .iter()
                .map(|c| (Box::from(c.id.as_str()), c.section))
                .collect(),
            ruling: padded(
                program.criteria.iter().map(|c| ruling(c.section).code()),
                0xFF,
            ),
            fields: program
                .schema
                .fields
                .iter()
                .map(|f| Box::from(f.name.as_str()))
                .collect(),
        })
    }

    /// Every criterion unknown: what a verdict starts from.
    pub(crate) fn unknown(&self) -> Outcomes {
        padded(self.criteria.iter().map(|_| code::UNKNOWN), code::NONE)
    }

    /// The status that these outcomes of the program's criteria give:
    /// ineligible when one rules the patient out, else undetermined when
    /// one is unknown, else eligible.
    pub(crate) fn status(&self, outcomes: &[u8]) -> Status {
        // Eight outcomes at a time, with no branch: a byte of `a ^ b` is
        // zero where `a` and `b` agree.
        const ONES: u64 = u64::from_le_bytes([1; 8]);
        const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
        const UNKNOWNS: u64 = u64::from_le_bytes([code::UNKNOWN; 8]);
        let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        // Both are padded to whole words.
        let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or([code::NONE; 8]));
        let (mut ruled_out, mut unknown) = (0, 0);
        for (outcomes, ruling) in outcomes.chunks_exact(8).zip(self.ruling.chunks_exact(8)) {
            let outcomes = word(outcomes);
            ruled_out |= has_zero_byte(outcomes ^ word(ruling));
            unknown |= has_zero_byte(outcomes ^ UNKNOWNS);
        }
        if ruled_out != 0 {
            Status::Ineligible
        } else if unknown != 0 {
            Status::Undetermined
        } else {
            Status::Eligible
        }
    }
}

/// The bytes of `codes`, then `pad` up to a whole number of words of 8.
fn padded<T: FromIterator<u8>>(codes: impl ExactSizeIterator<Item = u8>, pad: u8) -> T {
    let n = codes.len();
    codes
        .chain(std::iter::repeat_n(pad, n.next_multiple_of(8) - n))
        .collect()
}

/// One criterion's outcome in a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriterionOutcome<'a> {
    /// The criterion's id.
    pub id: &'a str,
    /// Inclusion or exclusion.
    pub section: Section,
    /// Met, not met or unknown.
    pub outcome: Outcome,
}

impl CriterionOutcome<'_> {
    /// Whether this outcome makes the patient ineligible: an inclusion not
    /// met, or an exclusion met.
    #[must_use]
    pub fn rules_out(&self) -> bool {
        rules_out(self.section, self.outcome)
    }
}

/// Whether a criterion of `section` with `outcome` makes the patient
/// ineligible.
fn rules_out(section: Section, outcome: Outcome) -> bool {
    outcome == ruling(section)
}

/// The outcome that makes a patient ineligible in `section`: an inclusion
/// not met, or an exclusion met.
fn ruling(section: Section) -> Outcome {
    match section {
        Section::Inclusion => Outcome::NotMet,
        Section::Exclusion => Outcome::Met,
    }
}

/// The verdict for one record: its status, every criterion's outcome in
/// the program's order and, when undetermined, the missing fields.
///
/// ```
/// use rulec::eval::{Outcome, Status};
/// use rulec::schema::{FieldValue, Record};
///
/// let rules = rulec::Rules::from_source(r#"
/// fields { hemoglobin: g/L, pregnant: bool }
/// inclusion { hb: hemoglobin > 80 g/L }
/// exclusion { pregnancy: pregnant }
/// "#)?;
/// let mut record = Record::new(&rules.program().schema);
/// record.set("hemoglobin", FieldValue::Quantity { value: 92.0, low: None, high: None })?;
/// let verdict = rules.compiled().evaluate(&record, jiff::civil::date(2026, 11, 24))?;
///
/// assert_eq!(verdict.status(), Status::Undetermined);
/// assert_eq!(verdict.outcome("hb"), Some(Outcome::Met));
/// let outcomes: Vec<_> = verdict.criteria().map(|c| (c.id, c.outcome)).collect();
/// assert_eq!(outcomes, [("hb", Outcome::Met), ("pregnancy", Outcome::Unknown)]);
/// assert_eq!(verdict.missing(), ["pregnant"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Verdict {
    status: Status,
    names: Arc<Names>,
    outcomes: Outcomes,
    /// Slots of the missing fields, ascending.
    missing: Vec<u32>,
}

impl Verdict {
    /// A verdict of `status` with these outcomes and missing slots
    /// (ascending), for the program `names` come from.
    pub(crate) fn new(
        status: Status,
        names: Arc<Names>,
        outcomes: Outcomes,
        missing: Vec<u32>,
    ) -> Verdict {
        Verdict {
            status,
            names,
            outcomes,
            missing,
        }
    }

    /// Eligible, ineligible or undetermined.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// Every criterion's outcome, in the program's order.
    #[must_use]
    pub fn criteria(&self) -> Criteria<'_> {
        Criteria {
            inner: self.names.criteria.iter().zip(self.outcomes.iter()),
        }
    }

    /// The outcome of the criterion `id`, if the program has one.
    #[must_use]
    pub fn outcome(&self, id: &str) -> Option<Outcome> {
        self.criteria().find(|c| c.id == id).map(|c| c.outcome)
    }

    /// For an undetermined verdict, the record fields whose absence left a
    /// deciding criterion unknown, in declaration order (the rule is in
    /// `docs/verdicts.md`); none for a decided verdict.
    #[must_use]
    pub fn missing(&self) -> Vec<&str> {
        // The slots come from the program the names do.
        self.missing
            .iter()
            .filter_map(|slot| self.names.fields.get(*slot as usize))
            .map(|name| &**name)
            .collect()
    }

    /// The ids of the criteria that rule the patient out, in the program's
    /// order: empty unless the verdict is ineligible.
    #[must_use]
    pub fn ruled_out(&self) -> Vec<&str> {
        self.criteria()
            .filter(CriterionOutcome::rules_out)
            .map(|c| c.id)
            .collect()
    }
}

impl fmt::Debug for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verdict")
            .field("status", &self.status)
            .field("criteria", &self.criteria().collect::<Vec<_>>())
            .field("missing", &self.missing())
            .finish()
    }
}

/// The criteria of a [`Verdict`], in the program's order.
#[derive(Clone, Debug)]
pub struct Criteria<'a> {
    inner: std::iter::Zip<std::slice::Iter<'a, (Box<str>, Section)>, std::slice::Iter<'a, u8>>,
}

impl<'a> Iterator for Criteria<'a> {
    type Item = CriterionOutcome<'a>;

    fn next(&mut self) -> Option<CriterionOutcome<'a>> {
        self.inner.next().map(outcome_of)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Criteria<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(outcome_of)
    }
}

impl ExactSizeIterator for Criteria<'_> {}

fn outcome_of<'a>(((id, section), code): (&'a (Box<str>, Section), &u8)) -> CriterionOutcome<'a> {
    CriterionOutcome {
        id,
        section: *section,
        outcome: Outcome::of_code(*code),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::Met),
            Just(Outcome::NotMet),
            Just(Outcome::Unknown)
        ]
    }

    fn section() -> impl Strategy<Value = Section> {
        prop_oneof![Just(Section::Inclusion), Just(Section::Exclusion)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The status read eight outcomes at a time is the written rule,
        /// criterion by criterion, for every length around the padding.
        #[test]
        fn status_is_the_rule_criterion_by_criterion(
            criteria in proptest::collection::vec((section(), outcome()), 0..40)
        ) {
            let names = Names {
                criteria: criteria.iter().map(|(s, _)| (Box::from("c"), *s)).collect(),
                ruling: padded(criteria.iter().map(|(s, _)| ruling(*s).code()), 0xFF),
                fields: Box::new([]),
            };
            let mut outcomes = names.unknown();
            for (code, (_, outcome)) in outcomes.iter_mut().zip(&criteria) {
                *code = outcome.code();
            }
            let want = if criteria.iter().any(|(s, o)| rules_out(*s, *o)) {
                Status::Ineligible
            } else if criteria.iter().any(|(_, o)| *o == Outcome::Unknown) {
                Status::Undetermined
            } else {
                Status::Eligible
            };
            prop_assert_eq!(names.status(&outcomes), want);
            let verdict = Verdict::new(want, Arc::new(names), outcomes, Vec::new());
            let read: Vec<_> = verdict.criteria().map(|c| (c.section, c.outcome)).collect();
            prop_assert_eq!(read, criteria);
        }
    }

    #[test]
    fn codes_round_trip() {
        for outcome in [Outcome::Met, Outcome::NotMet, Outcome::Unknown] {
            assert_eq!(Outcome::of_code(outcome.code()), outcome);
        }
        assert_eq!(Outcome::of_code(code::NONE), Outcome::Unknown);
        let three: Vec<u8> = padded([1_u8, 2, 3].into_iter(), 9);
        assert_eq!(three, [1, 2, 3, 9, 9, 9, 9, 9]);
        let none: Vec<u8> = padded(std::iter::empty(), 9);
        assert!(none.is_empty());
    }
}
