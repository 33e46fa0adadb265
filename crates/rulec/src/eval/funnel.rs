//! The screening funnel: how a population fared, overall and per criterion.

use std::fmt;

use serde::Serialize;

use super::{Outcome, Status, Verdict};
use crate::check::Program;
use crate::syntax::Section;

/// How many records were eligible, ineligible and undetermined, and how
/// each criterion fared: the table a trial coordinator pastes into a
/// screening log.
///
/// Verdicts are added one at a time, so a funnel counts a stream of any
/// length in constant memory; funnels of parts of a population
/// [`merge`](Funnel::merge) into the funnel of the whole.
///
/// ```
/// use rulec::eval::{evaluate, Funnel};
/// use rulec::schema::Record;
///
/// let file = rulec::syntax::parse("fields { kps: integer 0..100 }\ninclusion { performance: kps > 60 }")?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports).program.ok_or("no program")?;
/// let index = jiff::civil::date(2026, 11, 24);
///
/// let mut funnel = Funnel::new(&program);
/// for kps in [Some(50), Some(70), None] {
///     let record = rulec::records::RecordBuilder::new(&program).integer("kps", kps)?.build();
///     funnel.add(&evaluate(&program, &record, index), false);
/// }
/// assert_eq!((funnel.eligible, funnel.ineligible, funnel.undetermined), (1, 1, 1));
/// assert_eq!(funnel.criteria[0].not_met, 1);
/// println!("{funnel}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Funnel {
    /// Records counted.
    pub records: u64,
    /// Records found eligible.
    pub eligible: u64,
    /// Records found ineligible.
    pub ineligible: u64,
    /// Records left undetermined.
    pub undetermined: u64,
    /// Records with at least one data error (counted in the three above as
    /// well: a record with errors still gets a verdict).
    pub with_data_errors: u64,
    /// Every criterion, in the program's order.
    pub criteria: Vec<CriterionCount>,
}

/// How one criterion fared over the records of a [`Funnel`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CriterionCount {
    /// The criterion's id.
    pub id: String,
    /// Its protocol wording, if the rule file gives one.
    pub label: Option<String>,
    /// Inclusion or exclusion.
    #[serde(serialize_with = "section_name")]
    pub section: Section,
    /// Records for which the condition holds.
    pub met: u64,
    /// Records for which it does not.
    pub not_met: u64,
    /// Records lacking what would decide it.
    pub unknown: u64,
}

fn section_name<S: serde::Serializer>(section: &Section, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(section_str(*section))
}

fn section_str(section: Section) -> &'static str {
    match section {
        Section::Inclusion => "inclusion",
        Section::Exclusion => "exclusion",
    }
}

impl Funnel {
    /// An empty funnel for `program`'s criteria.
    #[must_use]
    pub fn new(program: &Program) -> Funnel {
        Funnel {
            records: 0,
            eligible: 0,
            ineligible: 0,
            undetermined: 0,
            with_data_errors: 0,
            criteria: program
                .criteria
                .iter()
                .map(|c| CriterionCount {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    section: c.section,
                    met: 0,
                    not_met: 0,
                    unknown: 0,
                })
                .collect(),
        }
    }

    /// Counts one record's verdict; `had_data_errors` says whether reading
    /// the record met any data error.
    ///
    /// Outcomes are matched to criteria by position, as [`Verdict`] lists
    /// them in the program's order; a verdict from another program is
    /// counted in the totals only as far as its criteria line up.
    pub fn add(&mut self, verdict: &Verdict, had_data_errors: bool) {
        self.records += 1;
        match verdict.status() {
            Status::Eligible => self.eligible += 1,
            Status::Ineligible => self.ineligible += 1,
            Status::Undetermined => self.undetermined += 1,
        }
        if had_data_errors {
            self.with_data_errors += 1;
        }
        for (count, outcome) in self.criteria.iter_mut().zip(verdict.criteria()) {
            match outcome.outcome {
                Outcome::Met => count.met += 1,
                Outcome::NotMet => count.not_met += 1,
                Outcome::Unknown => count.unknown += 1,
            }
        }
    }

    /// Adds the counts of `other`, a funnel of the same program over other
    /// records.
    pub fn merge(&mut self, other: &Funnel) {
        self.records += other.records;
        self.eligible += other.eligible;
        self.ineligible += other.ineligible;
        self.undetermined += other.undetermined;
        self.with_data_errors += other.with_data_errors;
        for (mine, theirs) in self.criteria.iter_mut().zip(&other.criteria) {
            mine.met += theirs.met;
            mine.not_met += theirs.not_met;
            mine.unknown += theirs.unknown;
        }
    }
}

/// A plain-text table: the totals, then one row per criterion with the
/// records it ruled out (an inclusion not met, an exclusion met) and those
/// it left unknown.
impl fmt::Display for Funnel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = |n: u64| {
            if self.records == 0 {
                0.0
            } else {
                #[expect(clippy::cast_precision_loss, reason = "a percentage for people")]
                let pct = n as f64 * 100.0 / self.records as f64;
                pct
            }
        };
        writeln!(f, "records       {:>8}", self.records)?;
        for (name, n) in [
            ("eligible", self.eligible),
            ("ineligible", self.ineligible),
            ("undetermined", self.undetermined),
        ] {
            writeln!(f, "{name:<13} {n:>8}  {:>5.1}%", share(n))?;
        }
        writeln!(
            f,
            "{:<13} {:>8}  {:>5.1}%",
            "with errors",
            self.with_data_errors,
            share(self.with_data_errors)
        )?;
        if self.criteria.is_empty() {
            return Ok(());
        }
        let id_width = self
            .criteria
            .iter()
            .map(|c| c.id.chars().count())
            .chain([9])
            .max()
            .unwrap_or(9);
        writeln!(f)?;
        writeln!(
            f,
            "{:<id_width$}  {:<9}  {:>9}  {:>8}  label",
            "criterion", "section", "ruled out", "unknown"
        )?;
        for c in &self.criteria {
            let ruled_out = match c.section {
                Section::Inclusion => c.not_met,
                Section::Exclusion => c.met,
            };
            let label = c.label.as_deref().unwrap_or("");
            let line = format!(
                "{:<id_width$}  {:<9}  {:>9}  {:>8}  {label}",
                c.id,
                section_str(c.section),
                ruled_out,
                c.unknown
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Names, Verdict};

    fn program() -> Program {
        let file = crate::syntax::parse(
            "fields { a: bool, b: bool }\ninclusion { ia \"A\": a }\nexclusion { eb: b }",
        )
        .unwrap();
        crate::check::check(&file, &crate::check::NoImports)
            .program
            .unwrap()
    }

    fn verdict(status: Status, a: Outcome, b: Outcome) -> Verdict {
        Verdict::new(
            status,
            Names::of(&program()),
            [a.code(), b.code()].into_iter().collect(),
            Vec::new(),
        )
    }

    #[test]
    fn counts_statuses_and_outcomes_and_merges_parts_into_the_whole() {
        let program = program();
        let verdicts = [
            (
                verdict(Status::Eligible, Outcome::Met, Outcome::NotMet),
                false,
            ),
            (
                verdict(Status::Ineligible, Outcome::Met, Outcome::Met),
                true,
            ),
            (
                verdict(Status::Undetermined, Outcome::Unknown, Outcome::NotMet),
                false,
            ),
            (
                verdict(Status::Ineligible, Outcome::NotMet, Outcome::Unknown),
                true,
            ),
        ];
        let mut whole = Funnel::new(&program);
        for (v, errors) in &verdicts {
            whole.add(v, *errors);
        }
        assert_eq!(
            (
                whole.records,
                whole.eligible,
                whole.ineligible,
                whole.undetermined
            ),
            (4, 1, 2, 1)
        );
        assert_eq!(whole.with_data_errors, 2);
        let ia = &whole.criteria[0];
        assert_eq!((ia.met, ia.not_met, ia.unknown), (2, 1, 1));
        let eb = &whole.criteria[1];
        assert_eq!((eb.met, eb.not_met, eb.unknown), (1, 2, 1));

        let (mut first, mut second) = (Funnel::new(&program), Funnel::new(&program));
        for (i, (v, errors)) in verdicts.iter().enumerate() {
            if i % 2 == 0 { &mut first } else { &mut second }.add(v, *errors);
        }
        first.merge(&second);
        assert_eq!(first, whole);
    }

    #[test]
    fn the_table_counts_what_each_criterion_ruled_out() {
        let program = program();
        let mut funnel = Funnel::new(&program);
        funnel.add(
            &verdict(Status::Ineligible, Outcome::Met, Outcome::Met),
            false,
        );
        funnel.add(
            &verdict(Status::Ineligible, Outcome::NotMet, Outcome::NotMet),
            false,
        );
        let table = funnel.to_string();
        // The exclusion rules out the record where it is met, the
        // inclusion the one where it is not: one each.
        assert!(
            table.contains("ia         inclusion          1         0  A\n"),
            "{table}"
        );
        assert!(
            table.contains("eb         exclusion          1         0\n"),
            "{table}"
        );
        assert!(table.contains("ineligible           2  100.0%"), "{table}");
    }
}
