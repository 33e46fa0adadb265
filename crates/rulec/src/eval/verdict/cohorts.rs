//! A verdict's statuses in a program with cohorts: the status for each
//! cohort, from the criteria every cohort shares and the cohort's own, and
//! the patient's status from those. The one rule for the reference
//! evaluator, the compiled closures and the explainer (whose verdict is
//! the reference's); the SQL back end writes it as SQL and is tested
//! against it.

use smallvec::SmallVec;

use super::super::Status;

/// Cohorts whose statuses a verdict holds inline; more spill to the heap.
const INLINE: usize = 8;

/// The statuses of a verdict of a program with cohorts: the patient's,
/// and each cohort's, in the program's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statuses {
    /// The patient's status.
    pub(crate) overall: Status,
    /// Each cohort's.
    pub(crate) cohorts: SmallVec<[Status; INLINE]>,
}

impl Statuses {
    /// The status of a program without cohorts, as statuses.
    pub(crate) fn single(status: Status) -> Statuses {
        Statuses {
            overall: status,
            cohorts: SmallVec::new(),
        }
    }

    /// The statuses of a program with cohorts, each cohort's given.
    pub(crate) fn of_cohorts(cohorts: SmallVec<[Status; INLINE]>) -> Statuses {
        Statuses {
            overall: overall(&cohorts),
            cohorts,
        }
    }

    /// Whether some status is undetermined: only then are missing fields
    /// listed.
    pub(crate) fn any_undetermined(&self) -> bool {
        self.overall == Status::Undetermined || self.cohorts.contains(&Status::Undetermined)
    }

    /// Whether the unknown criteria of `group` leave a status undetermined,
    /// so that the fields they read while missing are listed: group 0 is
    /// the criteria every cohort shares, group `c + 1` cohort `c`'s own.
    pub(crate) fn wants(&self, group: usize) -> bool {
        match group.checked_sub(1) {
            None => self.any_undetermined(),
            Some(cohort) => self.cohorts.get(cohort) == Some(&Status::Undetermined),
        }
    }
}

/// The status of a patient screened for several cohorts: eligible when
/// eligible for one of them, ineligible when ineligible for every one,
/// undetermined otherwise — the Kleene `or` of "eligible for the cohort",
/// as a patient is enrolled in one cohort they qualify for.
fn overall(cohorts: &[Status]) -> Status {
    if cohorts.contains(&Status::Eligible) {
        Status::Eligible
    } else if cohorts.iter().all(|s| *s == Status::Ineligible) {
        Status::Ineligible
    } else {
        Status::Undetermined
    }
}

/// The slots of the fields read while missing by each group's unknown
/// criteria (see [`Statuses::wants`]), in any order, repeats allowed.
pub(crate) type GroupsMissing = SmallVec<[Vec<u32>; 1]>;

/// The missing slots a status lists: those of group 0 (`shared`, taken
/// over: a program without cohorts allocates nothing more) and of the
/// groups `also` names, ascending, each once.
pub(crate) fn union(
    mut shared: Vec<u32>,
    groups: &GroupsMissing,
    also: impl Iterator<Item = usize>,
) -> Vec<u32> {
    for group in also {
        shared.extend(groups.get(group).into_iter().flatten());
    }
    // The closures' lists come ascending already: one look spares a sort.
    if !shared.windows(2).all(|w| w.first() < w.get(1)) {
        shared.sort_unstable();
        shared.dedup();
    }
    shared
}

/// One cohort's status in a verdict.
///
/// ```
/// use rulec::eval::Status;
/// use rulec::schema::FieldValue;
///
/// let rules = rulec::Rules::from_source(r#"
/// fields { age: years, ecog: integer 0..5 }
/// inclusion { adult: age >= 18 years }
/// cohort stage_1 { inclusion { ecog: ecog <= 1 } }
/// cohort stage_2 { inclusion { ecog2: ecog <= 2 } }
/// "#)?;
/// let record = rulec::records::RecordBuilder::new(rules.program())
///     .quantity("age", 40.0, "years")?
///     .integer("ecog", 2)?
///     .build();
/// let verdict = rules.compiled().evaluate(&record, jiff::civil::date(2026, 1, 15))?;
/// assert_eq!(verdict.status(), Status::Eligible);
/// let cohorts: Vec<_> = verdict.cohorts().map(|c| (c.name, c.status, c.ruled_out)).collect();
/// assert_eq!(cohorts, [
///     ("stage_1", Status::Ineligible, vec!["ecog"]),
///     ("stage_2", Status::Eligible, vec![]),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortVerdict<'a> {
    /// The cohort's name.
    pub name: &'a str,
    /// Its protocol wording, if the rule file gives one.
    pub label: Option<&'a str>,
    /// The patient's status for it.
    pub status: Status,
    /// For an ineligible status, the criteria that rule the patient out of
    /// the cohort, shared or its own, in the program's order.
    pub ruled_out: Vec<&'a str>,
    /// For an undetermined status, the fields whose absence left one of
    /// its criteria unknown, in declaration order.
    pub missing: Vec<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patient_is_eligible_for_one_cohort_and_ineligible_for_all() {
        use Status::{Eligible as E, Ineligible as I, Undetermined as U};
        for (cohorts, want) in [
            (&[E, I][..], E),
            (&[U, E], E),
            (&[I, I, I], I),
            (&[I, U], U),
            (&[U, U], U),
            (&[E], E),
        ] {
            assert_eq!(overall(cohorts), want, "{cohorts:?}");
        }
    }

    #[test]
    fn the_groups_of_undetermined_statuses_are_wanted() {
        let statuses = Statuses::of_cohorts(SmallVec::from_slice(&[
            Status::Eligible,
            Status::Undetermined,
        ]));
        assert_eq!(statuses.overall, Status::Eligible);
        assert!(statuses.wants(0) && !statuses.wants(1) && statuses.wants(2));
        let decided = Statuses::of_cohorts(SmallVec::from_slice(&[Status::Eligible; 2]));
        assert!(!decided.wants(0) && !decided.wants(2));
        let groups: GroupsMissing = [vec![3, 1], vec![9], vec![1, 2]].into_iter().collect();
        assert_eq!(union(vec![3, 1], &groups, [2].into_iter()), [1, 2, 3]);
        assert_eq!(union(vec![3, 1], &groups, std::iter::empty()), [1, 3]);
    }
}
