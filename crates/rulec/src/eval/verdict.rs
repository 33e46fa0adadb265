//! The verdict for one record.
//!
//! A verdict is made for every record screened, so it holds only what
//! differs between records: the status, one outcome per criterion and the
//! slots of the missing fields. The criteria's ids and sections and the
//! fields' names are the program's, shared by all its verdicts behind one
//! `Arc`: a verdict of up to [`INLINE`] criteria is built without
//! allocating, and one that lists missing fields allocates once. In a
//! program with cohorts, a verdict holds each cohort's status too
//! (`cohorts.rs`), in one allocation more.

mod cohorts;

use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

use super::{Outcome, Status};
use crate::check::Program;
use crate::syntax::Section;

pub use cohorts::CohortVerdict;
pub(crate) use cohorts::{GroupsMissing, Statuses};

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

/// A byte no outcome has, for the criteria a status does not read.
const NO_OUTCOME: u8 = 0xFF;

/// What every verdict of one program shares: its criteria's ids, sections
/// and cohorts, its cohorts, and its fields' names by slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Names {
    /// Each criterion's id, section and cohort (by index in `cohorts`).
    criteria: Box<[CriterionName]>,
    /// The code of each criterion's outcome that rules a patient out,
    /// padded like [`Outcomes`] with a byte no outcome has.
    ruling: Box<[u8]>,
    fields: Box<[Box<str>]>,
    cohorts: Box<[CohortNames]>,
}

/// A cohort's name, and which criteria decide it: the shared ones and its
/// own.
#[derive(Debug, PartialEq, Eq)]
struct CohortNames {
    name: Box<str>,
    label: Option<Box<str>>,
    /// [`Names::ruling`], with [`NO_OUTCOME`] for the other cohorts'
    /// criteria.
    ruling: Box<[u8]>,
    /// The unknown outcome's code for the criteria that decide it,
    /// [`NO_OUTCOME`] for the others, padded likewise.
    unknowns: Box<[u8]>,
}

impl Names {
    /// The names of `program`'s criteria, cohorts and fields.
    pub(crate) fn of(program: &Program) -> Arc<Names> {
        let in_cohort = |c: &crate::check::Criterion, k: usize| c.cohort.is_none_or(|o| o == k);
        let cohorts = program
            .cohorts
            .iter()
            .enumerate()
            .map(|(k, cohort)| CohortNames {
                name: Box::from(cohort.name.as_str()),
                label: cohort.label.as_deref().map(Box::from),
                ruling: padded(
                    program.criteria.iter().map(|c| match in_cohort(c, k) {
                        true => ruling(c.section).code(),
                        false => NO_OUTCOME,
                    }),
                    NO_OUTCOME,
                ),
                unknowns: padded(
                    program.criteria.iter().map(|c| match in_cohort(c, k) {
                        true => code::UNKNOWN,
                        false => NO_OUTCOME,
                    }),
                    NO_OUTCOME,
                ),
            })
            .collect();
        Arc::new(Names {
            criteria: program
                .criteria
                .iter()
                .map(|c| (Box::from(c.id.as_str()), c.section, c.cohort))
                .collect(),
            ruling: padded(
                program.criteria.iter().map(|c| ruling(c.section).code()),
                NO_OUTCOME,
            ),
            fields: program
                .schema
                .fields
                .iter()
                .map(|f| Box::from(f.name.as_str()))
                .collect(),
            cohorts,
        })
    }

    /// Whether the program has cohorts.
    pub(crate) fn has_cohorts(&self) -> bool {
        !self.cohorts.is_empty()
    }

    /// The group of criterion `i` for [`Statuses::wants`]: 0 for the
    /// criteria every cohort shares, `c + 1` for cohort `c`'s own.
    pub(crate) fn group(&self, i: usize) -> usize {
        self.criteria
            .get(i)
            .and_then(|(_, _, cohort)| *cohort)
            .map_or(0, |c| c + 1)
    }

    /// How many groups of criteria [`Names::group`] tells apart.
    pub(crate) fn groups(&self) -> usize {
        self.cohorts.len() + 1
    }

    /// The statuses these outcomes give: the patient's and, in a program
    /// with cohorts, each cohort's ([`Statuses`] has the rule).
    pub(crate) fn statuses(&self, outcomes: &[u8]) -> Statuses {
        if self.cohorts.is_empty() {
            return Statuses::single(self.status(outcomes));
        }
        Statuses::of_cohorts(
            self.cohorts
                .iter()
                .map(|c| {
                    decide(outcomes, &c.ruling, |i| {
                        word(c.unknowns.get(i..i + 8), NO_OUTCOME)
                    })
                })
                .collect(),
        )
    }

    /// Every criterion unknown: what a verdict starts from.
    pub(crate) fn unknown(&self) -> Outcomes {
        padded(self.criteria.iter().map(|_| code::UNKNOWN), code::NONE)
    }

    /// The status that these outcomes of the program's criteria give,
    /// the cohorts aside: ineligible when one rules the patient out, else
    /// undetermined when one is unknown, else eligible.
    pub(crate) fn status(&self, outcomes: &[u8]) -> Status {
        const UNKNOWNS: u64 = u64::from_le_bytes([code::UNKNOWN; 8]);
        decide(outcomes, &self.ruling, |_| UNKNOWNS)
    }
}

/// The status of outcomes under a ruling mask: ineligible when an outcome
/// equals its criterion's ruling byte, else undetermined when one equals
/// its byte of `unknowns` (the word at each offset), else eligible.
#[inline]
fn decide(outcomes: &[u8], ruling: &[u8], unknowns: impl Fn(usize) -> u64) -> Status {
    // Eight outcomes at a time, with no branch: a byte of `a ^ b` is
    // zero where `a` and `b` agree.
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (mut ruled_out, mut unknown) = (0, 0);
    // Both are padded to whole words.
    for (i, (outcomes, ruling)) in outcomes
        .chunks_exact(8)
        .zip(ruling.chunks_exact(8))
        .enumerate()
    {
        let outcomes = word(Some(outcomes), code::NONE);
        ruled_out |= has_zero_byte(outcomes ^ word(Some(ruling), code::NONE));
        unknown |= has_zero_byte(outcomes ^ unknowns(i * 8));
    }
    if ruled_out != 0 {
        Status::Ineligible
    } else if unknown != 0 {
        Status::Undetermined
    } else {
        Status::Eligible
    }
}

/// Eight bytes as a word; a word of `missing` bytes where there are none.
#[inline]
fn word(bytes: Option<&[u8]>, missing: u8) -> u64 {
    u64::from_le_bytes(
        bytes
            .and_then(|b| b.try_into().ok())
            .unwrap_or([missing; 8]),
    )
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
    /// The cohort it is written in; `None` for a criterion every cohort
    /// shares (and in a program without cohorts).
    pub cohort: Option<&'a str>,
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
    /// In a program with cohorts, each cohort's status and missing slots:
    /// boxed, so that the verdict of a program without is no larger, and
    /// no slower to build and move, than before cohorts.
    cohorts: Option<Box<CohortStates>>,
}

/// Each cohort's status and missing slots in a [`Verdict`].
#[derive(Clone, Debug, PartialEq, Eq)]
struct CohortStates {
    statuses: SmallVec<[Status; 8]>,
    /// Each cohort's missing slots, ascending; empty unless a cohort is
    /// undetermined.
    missing: Vec<Vec<u32>>,
}

impl Verdict {
    /// A verdict of a program without cohorts: `status`, with these
    /// outcomes and missing slots (ascending), for the program `names`
    /// come from.
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
            cohorts: None,
        }
    }

    /// A verdict of a program with cohorts, with these statuses and
    /// outcomes, `groups` holding the slots each group of criteria read
    /// while missing (only those of the groups [`Statuses::wants`] are
    /// read).
    pub(crate) fn with_cohorts(
        statuses: Statuses,
        names: Arc<Names>,
        outcomes: Outcomes,
        mut groups: GroupsMissing,
    ) -> Verdict {
        let Statuses {
            overall: status,
            cohorts,
        } = statuses;
        let undetermined = |c: &usize| cohorts.get(*c) == Some(&Status::Undetermined);
        let shared = |groups: &GroupsMissing| groups.first().cloned().unwrap_or_default();
        let cohorts_missing = if cohorts.contains(&Status::Undetermined) {
            (0..cohorts.len())
                .map(|c| match undetermined(&c) {
                    true => cohorts::union(shared(&groups), &groups, std::iter::once(c + 1)),
                    false => Vec::new(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let missing = if status == Status::Undetermined {
            // The shared group's own list, taken rather than copied.
            let shared = groups.first_mut().map(std::mem::take).unwrap_or_default();
            let open = (0..cohorts.len()).filter(undetermined).map(|c| c + 1);
            cohorts::union(shared, &groups, open)
        } else {
            Vec::new()
        };
        Verdict {
            status,
            names,
            outcomes,
            missing,
            cohorts: Some(Box::new(CohortStates {
                statuses: cohorts,
                missing: cohorts_missing,
            })),
        }
    }

    /// Eligible, ineligible or undetermined; in a program with cohorts,
    /// eligible for one cohort at least, ineligible for every one, or
    /// neither.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// Every criterion's outcome, in the program's order.
    #[must_use]
    pub fn criteria(&self) -> Criteria<'_> {
        Criteria {
            inner: self.names.criteria.iter().zip(self.outcomes.iter()),
            cohorts: &self.names.cohorts,
        }
    }

    /// Each cohort's status alone, in the program's order.
    pub(crate) fn cohort_statuses(&self) -> &[Status] {
        self.cohorts.as_ref().map_or(&[], |c| &c.statuses)
    }

    /// Each cohort's status, with what rules the patient out of it or
    /// what is missing, in the program's order; none for a program
    /// without cohorts.
    ///
    /// ```
    /// use rulec::eval::Status;
    ///
    /// let rules = rulec::Rules::from_source(r#"
    /// fields { ecog: integer 0..5, measurable: bool }
    /// cohort stage_1 { inclusion { ecog: ecog <= 1 } }
    /// cohort stage_2 { inclusion { measurable_disease: measurable } }
    /// "#)?;
    /// let record = rulec::records::RecordBuilder::new(rules.program())
    ///     .integer("ecog", 1)?
    ///     .build();
    /// let verdict = rules.compiled().evaluate(&record, jiff::civil::date(2026, 1, 15))?;
    /// let stage_2 = verdict.cohorts().nth(1).ok_or("two cohorts")?;
    /// assert_eq!((stage_2.status, stage_2.missing), (Status::Undetermined, vec!["measurable"]));
    /// // Eligible for stage 1: eligible.
    /// assert_eq!(verdict.status(), Status::Eligible);
    /// assert!(verdict.missing().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cohorts(&self) -> impl ExactSizeIterator<Item = CohortVerdict<'_>> {
        self.names
            .cohorts
            .iter()
            .zip(self.cohort_statuses())
            .enumerate()
            .map(|(k, (cohort, status))| CohortVerdict {
                name: &cohort.name,
                label: cohort.label.as_deref(),
                status: *status,
                ruled_out: match status {
                    Status::Ineligible => self
                        .names
                        .criteria
                        .iter()
                        .zip(&self.outcomes)
                        .filter(|((_, section, cohort), code)| {
                            cohort.is_none_or(|c| c == k)
                                && rules_out(*section, Outcome::of_code(**code))
                        })
                        .map(|((id, _, _), _)| &**id)
                        .collect(),
                    _ => Vec::new(),
                },
                missing: self.names_of(
                    self.cohorts
                        .as_ref()
                        .and_then(|c| c.missing.get(k))
                        .map_or(&[], Vec::as_slice),
                ),
            })
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
        self.names_of(&self.missing)
    }

    /// The names of fields by slot.
    fn names_of(&self, slots: &[u32]) -> Vec<&str> {
        // The slots come from the program the names do.
        slots
            .iter()
            .filter_map(|slot| self.names.fields.get(*slot as usize))
            .map(|name| &**name)
            .collect()
    }

    /// The ids of the criteria that rule the patient out, in the program's
    /// order: empty unless the verdict is ineligible (in a program with
    /// cohorts, those that rule the patient out of each cohort).
    #[must_use]
    pub fn ruled_out(&self) -> Vec<&str> {
        if self.status != Status::Ineligible {
            return Vec::new();
        }
        self.criteria()
            .filter(CriterionOutcome::rules_out)
            .map(|c| c.id)
            .collect()
    }
}

impl fmt::Debug for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Verdict");
        debug
            .field("status", &self.status)
            .field("criteria", &self.criteria().collect::<Vec<_>>())
            .field("missing", &self.missing());
        if self.names.has_cohorts() {
            debug.field("cohorts", &self.cohorts().collect::<Vec<_>>());
        }
        debug.finish()
    }
}

/// The criteria of a [`Verdict`], in the program's order.
#[derive(Clone, Debug)]
pub struct Criteria<'a> {
    inner: std::iter::Zip<std::slice::Iter<'a, CriterionName>, std::slice::Iter<'a, u8>>,
    cohorts: &'a [CohortNames],
}

/// A criterion's id, section and cohort.
type CriterionName = (Box<str>, Section, Option<usize>);

impl<'a> Iterator for Criteria<'a> {
    type Item = CriterionOutcome<'a>;

    fn next(&mut self) -> Option<CriterionOutcome<'a>> {
        let cohorts = self.cohorts;
        self.inner.next().map(|c| outcome_of(c, cohorts))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Criteria<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let cohorts = self.cohorts;
        self.inner.next_back().map(|c| outcome_of(c, cohorts))
    }
}

impl ExactSizeIterator for Criteria<'_> {}

fn outcome_of<'a>(
    ((id, section, cohort), code): (&'a CriterionName, &u8),
    cohorts: &'a [CohortNames],
) -> CriterionOutcome<'a> {
    CriterionOutcome {
        id,
        section: *section,
        cohort: cohort.and_then(|c| cohorts.get(c)).map(|c| &*c.name),
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
                criteria: criteria.iter().map(|(s, _)| (Box::from("c"), *s, None)).collect(),
                ruling: padded(criteria.iter().map(|(s, _)| ruling(*s).code()), 0xFF),
                fields: Box::new([]),
                cohorts: Box::new([]),
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

    /// The names of a program of these criteria (section, cohort) and
    /// `cohorts` cohorts. The criteria are put in their cohorts after
    /// checking, so that they come in any order, which a file, whose
    /// cohorts each hold their criteria together, could not write.
    fn names(criteria: &[(Section, Option<usize>)], cohorts: usize) -> Names {
        let mut source = String::from("fields { x: bool }\n");
        for (i, (section, _)) in criteria.iter().enumerate() {
            source.push_str(&format!("{} {{ c{i}: x }}\n", section.keyword()));
        }
        for k in 0..cohorts {
            source.push_str(&format!("cohort k{k} {{}}\n"));
        }
        let file = crate::syntax::parse(&source).unwrap();
        let mut program = crate::check::check(&file, &crate::check::NoImports)
            .program
            .unwrap();
        for (criterion, (_, cohort)) in program.criteria.iter_mut().zip(criteria) {
            criterion.cohort = *cohort;
        }
        Arc::try_unwrap(Names::of(&program)).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Each cohort's status is the rule over the shared criteria and
        /// its own, criterion by criterion; the patient's is eligible for
        /// one, ineligible for all, else undetermined.
        #[test]
        fn cohort_statuses_are_the_rule_criterion_by_criterion(
            cohorts in 2..5_usize,
            criteria in proptest::collection::vec(
                (section(), outcome(), proptest::option::of(0..5_usize)), 0..20,
            )
        ) {
            let criteria: Vec<_> = criteria
                .into_iter()
                .map(|(s, o, c)| (s, o, c.filter(|c| *c < cohorts)))
                .collect();
            let all = criteria;
            let shapes: Vec<(Section, Option<usize>)> =
                all.iter().map(|(s, _, c)| (*s, *c)).collect();
            let names = names(&shapes, cohorts);
            let mut outcomes = names.unknown();
            for (code, (_, outcome, _)) in outcomes.iter_mut().zip(&all) {
                *code = outcome.code();
            }
            let want: Vec<Status> = (0..cohorts)
                .map(|k| {
                    let mine = all.iter().filter(|(_, _, c)| c.is_none_or(|c| c == k));
                    let mine: Vec<_> = mine.collect();
                    if mine.iter().any(|(s, o, _)| rules_out(*s, *o)) {
                        Status::Ineligible
                    } else if mine.iter().any(|(_, o, _)| *o == Outcome::Unknown) {
                        Status::Undetermined
                    } else {
                        Status::Eligible
                    }
                })
                .collect();
            let statuses = names.statuses(&outcomes);
            prop_assert_eq!(statuses.cohorts.as_slice(), want.as_slice());
            let overall = if want.contains(&Status::Eligible) {
                Status::Eligible
            } else if want.iter().all(|s| *s == Status::Ineligible) {
                Status::Ineligible
            } else {
                Status::Undetermined
            };
            prop_assert_eq!(statuses.overall, overall);
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
