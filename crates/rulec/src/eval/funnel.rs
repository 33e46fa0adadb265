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
    /// Each cohort's statuses, in the program's order; none (and no key in
    /// the serialized form) for a program without cohorts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cohorts: Vec<CohortCount>,
    /// Every criterion, in the program's order.
    pub criteria: Vec<CriterionCount>,
}

/// How the records of a [`Funnel`] fared for one cohort.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CohortCount {
    /// The cohort's name.
    pub name: String,
    /// Its protocol wording, if the rule file gives one.
    pub label: Option<String>,
    /// Records eligible for it.
    pub eligible: u64,
    /// Records ineligible for it.
    pub ineligible: u64,
    /// Records left undetermined for it.
    pub undetermined: u64,
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
    /// The cohort it is written in; `None` (and no key in the serialized
    /// form) for a criterion every cohort shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
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
            cohorts: program
                .cohorts
                .iter()
                .map(|c| CohortCount {
                    name: c.name.clone(),
                    label: c.label.clone(),
                    eligible: 0,
                    ineligible: 0,
                    undetermined: 0,
                })
                .collect(),
            criteria: program
                .criteria
                .iter()
                .map(|c| CriterionCount {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    section: c.section,
                    cohort: c
                        .cohort
                        .and_then(|k| program.cohorts.get(k))
                        .map(|k| k.name.clone()),
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
        let (eligible, ineligible, undetermined) = counts(verdict.status());
        (self.eligible, self.ineligible, self.undetermined) = (
            self.eligible + eligible,
            self.ineligible + ineligible,
            self.undetermined + undetermined,
        );
        for (count, status) in self.cohorts.iter_mut().zip(verdict.cohort_statuses()) {
            let (eligible, ineligible, undetermined) = counts(*status);
            count.eligible += eligible;
            count.ineligible += ineligible;
            count.undetermined += undetermined;
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
        for (mine, theirs) in self.cohorts.iter_mut().zip(&other.cohorts) {
            mine.eligible += theirs.eligible;
            mine.ineligible += theirs.ineligible;
            mine.undetermined += theirs.undetermined;
        }
        for (mine, theirs) in self.criteria.iter_mut().zip(&other.criteria) {
            mine.met += theirs.met;
            mine.not_met += theirs.not_met;
            mine.unknown += theirs.unknown;
        }
    }
}

/// A record's status as one count of eligible, ineligible, undetermined.
fn counts(status: Status) -> (u64, u64, u64) {
    match status {
        Status::Eligible => (1, 0, 0),
        Status::Ineligible => (0, 1, 0),
        Status::Undetermined => (0, 0, 1),
    }
}

/// A plain-text table: the totals, then for a program with cohorts one row
/// per cohort, then one row per criterion with the records it ruled out
/// (an inclusion not met, an exclusion met) and those it left unknown
/// (and, with cohorts, the cohort it is written in: `all` for those every
/// cohort shares, as no cohort can be named so).
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
        let width = |names: &mut dyn Iterator<Item = &str>, least: usize| {
            names
                .map(|n| n.chars().count())
                .chain([least])
                .max()
                .unwrap_or(least)
        };
        let cohort_width = width(&mut self.cohorts.iter().map(|c| c.name.as_str()), 6);
        if !self.cohorts.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "{:<cohort_width$}  {:>8}  {:>10}  {:>12}  label",
                "cohort", "eligible", "ineligible", "undetermined"
            )?;
        }
        for c in &self.cohorts {
            let line = format!(
                "{:<cohort_width$}  {:>8}  {:>10}  {:>12}  {}",
                c.name,
                c.eligible,
                c.ineligible,
                c.undetermined,
                c.label.as_deref().unwrap_or("")
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        if self.criteria.is_empty() {
            return Ok(());
        }
        let id_width = width(&mut self.criteria.iter().map(|c| c.id.as_str()), 9);
        // The cohort column, only in a program with cohorts.
        let cohort = |name: Option<&str>| match self.cohorts.is_empty() {
            true => String::new(),
            false => format!("{:<cohort_width$}  ", name.unwrap_or("all")),
        };
        writeln!(f)?;
        writeln!(
            f,
            "{:<id_width$}  {}{:<9}  {:>9}  {:>8}  label",
            "criterion",
            cohort(Some("cohort")),
            "section",
            "ruled out",
            "unknown"
        )?;
        for c in &self.criteria {
            let ruled_out = match c.section {
                Section::Inclusion => c.not_met,
                Section::Exclusion => c.met,
            };
            let label = c.label.as_deref().unwrap_or("");
            let line = format!(
                "{:<id_width$}  {}{:<9}  {:>9}  {:>8}  {label}",
                c.id,
                cohort(c.cohort.as_deref()),
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

    #[test]
    fn each_cohort_is_counted_and_the_table_names_the_cohorts() {
        let file = crate::syntax::parse(
            "fields { a: bool, b: bool }\ninclusion { shared: a }\n\
             cohort one \"One\" { inclusion { ib: b } }\ncohort two { exclusion { eb: b } }",
        )
        .unwrap();
        let program = crate::check::check(&file, &crate::check::NoImports)
            .program
            .unwrap();
        let mut funnel = Funnel::new(&program);
        let values = [
            (Some(true), Some(true)),
            (Some(true), Some(false)),
            (Some(false), None),
            (Some(true), None),
            (None, Some(false)),
        ];
        for (a, b) in values {
            let record = crate::records::RecordBuilder::new(&program)
                .flag("a", a)
                .and_then(|r| r.flag("b", b))
                .unwrap()
                .build();
            let index = jiff::civil::date(2026, 1, 15);
            funnel.add(&crate::eval::evaluate(&program, &record, index), false);
        }
        let totals = (funnel.eligible, funnel.ineligible, funnel.undetermined);
        assert_eq!(totals, (2, 1, 2));
        let cohorts: Vec<_> = funnel
            .cohorts
            .iter()
            .map(|c| (c.name.as_str(), c.eligible, c.ineligible, c.undetermined))
            .collect();
        assert_eq!(cohorts, [("one", 1, 3, 1), ("two", 1, 2, 2)]);
        let mut halves = (Funnel::new(&program), Funnel::new(&program));
        halves.0.merge(&funnel);
        halves.1.merge(&halves.0);
        assert_eq!(halves.1, funnel);

        let table = funnel.to_string();
        assert!(
            table.contains("cohort  eligible  ineligible  undetermined  label\n"),
            "{table}"
        );
        assert!(
            table.contains("one            1           3             1  One\n"),
            "{table}"
        );
        assert!(
            table.contains("two            1           2             2\n"),
            "{table}"
        );
        assert!(
            table.contains("criterion  cohort  section    ruled out   unknown  label\n"),
            "{table}"
        );
        assert!(
            table.contains("shared     all     inclusion          1         1\n"),
            "{table}"
        );
        assert!(
            table.contains("eb         two     exclusion          1         2\n"),
            "{table}"
        );
        let json = serde_json::to_value(&funnel).unwrap();
        assert_eq!(json["cohorts"][1]["undetermined"], 2);
        assert_eq!(json["criteria"][2]["cohort"], "two");
        assert!(json["criteria"][0].get("cohort").is_none());
    }

    #[test]
    fn a_funnel_without_cohorts_serializes_no_cohort_keys() {
        let json = serde_json::to_value(Funnel::new(&program())).unwrap();
        assert!(json.get("cohorts").is_none());
        assert!(json["criteria"][0].get("cohort").is_none());
    }
}
