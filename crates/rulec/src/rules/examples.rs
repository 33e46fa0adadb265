//! Running a rule file's examples: each example's record is built at its
//! index date, its values held to the rules records are read with, screened
//! by the compiled rules as `rulec eval` screens a record, and its verdict
//! compared with the one the example expects.

use jiff::civil::Date;

use super::Rules;
use crate::check::{Example, Expected, Given, moved};
use crate::eval::{Status, Verdict};
use crate::schema::{FieldType, FieldValue, Record, Schema, Slot};

/// The index date of an example that fixes none (`at "…"`) when the caller
/// gives none either: a fixed day, so that an example with a date written
/// out (`"2025-11-03"`) gives the same verdict on every day it is run.
pub const EXAMPLE_INDEX_DATE: Date = jiff::civil::date(2026, 1, 15);

/// One example, run.
#[derive(Clone, Debug)]
pub struct ExampleRun<'p> {
    /// The example, as checked.
    pub example: &'p Example,
    /// The index date it was evaluated at.
    pub index: Date,
    /// The verdict the rules gave; `None` when its record could not be
    /// built at that date.
    pub verdict: Option<Verdict>,
    /// Why the example failed, in words; `None` when it passed.
    pub failure: Option<String>,
}

impl ExampleRun<'_> {
    /// Whether the rules gave the verdict the example expects.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// The verdict the rules gave, in the words of an expectation:
    /// `eligible`, `ineligible by adult, renal`, `undetermined missing
    /// creatinine`; in a file with cohorts, the patient's verdict then each
    /// cohort's (`eligible, ineligible for stage_1 by ecog, eligible for
    /// stage_2`); `no verdict` when there is none.
    #[must_use]
    pub fn got(&self) -> String {
        self.verdict
            .as_ref()
            .map_or_else(|| "no verdict".to_owned(), |v| as_expected(v).to_string())
    }
}

/// The verdict in the words of an expectation; with cohorts, the
/// patient's and each cohort's.
fn as_expected(verdict: &Verdict) -> Expected {
    let own = expected(verdict.status(), verdict.ruled_out(), verdict.missing());
    if verdict.cohorts().len() == 0 {
        return own;
    }
    let cohorts = verdict.cohorts().map(|c| {
        (
            Some(c.name.to_owned()),
            expected(c.status, c.ruled_out, c.missing),
        )
    });
    Expected::Parts(std::iter::once((None, own)).chain(cohorts).collect())
}

/// A status with what rules the patient out or is missing, as expected.
fn expected(status: Status, ruled_out: Vec<&str>, missing: Vec<&str>) -> Expected {
    let names = |names: Vec<&str>| names.into_iter().map(str::to_owned).collect();
    match status {
        Status::Eligible => Expected::Eligible,
        Status::Ineligible => Expected::Ineligible(names(ruled_out)),
        Status::Undetermined => Expected::Undetermined(names(missing)),
    }
}

impl Rules {
    /// Runs every example of the rule file: builds its record, screens it
    /// with the compiled rules at the example's index date (`at "…"`, else
    /// `index`) and compares the verdict with the one expected.
    ///
    /// An example passes when the status is the one expected and, where
    /// the example names them, the criteria that rule the patient out
    /// (`by`) or the fields the verdict names as missing (`missing`) are
    /// exactly those, in any order; in a file with cohorts, so is each
    /// verdict it gives for a cohort (`ineligible for stage_1 by ecog`). A value a record could not hold (a
    /// concentration below zero, a value outside the field's plausible
    /// range, a date of birth after the index date) fails the example, as
    /// it would be a data error in a record.
    ///
    /// ```
    /// let rules = rulec::Rules::from_source(r#"
    ///     fields { birth_date: date, hemoglobin: g/L }
    ///     define age: years between birth_date and index
    ///     inclusion {
    ///       adult: age >= 18 years
    ///       hb:    hemoglobin > 80 g/L
    ///     }
    ///     example "17 years old, Hb 9 g/dL" {
    ///       birth_date: index - 17 years
    ///       hemoglobin: 9 g/dL
    ///     } expect ineligible by adult
    ///     example "adult, Hb not known" {
    ///       birth_date: index - 40 years
    ///     } expect eligible
    /// "#)?;
    /// let runs = rules.run_examples(rulec::EXAMPLE_INDEX_DATE);
    /// assert!(runs[0].passed());
    /// assert_eq!(runs[1].got(), "undetermined missing hemoglobin");
    /// assert_eq!(
    ///     runs[1].failure.as_deref(),
    ///     Some("expected eligible, got undetermined missing hemoglobin"),
    /// );
    /// # Ok::<(), rulec::RulesError>(())
    /// ```
    #[must_use]
    pub fn run_examples(&self, index: Date) -> Vec<ExampleRun<'_>> {
        self.program
            .examples
            .iter()
            .map(|example| self.run_example(example, example.at.unwrap_or(index)))
            .collect()
    }

    fn run_example<'r>(&self, example: &'r Example, index: Date) -> ExampleRun<'r> {
        let program = &self.program;
        let verdict = record(&program.schema, &example.values, index)
            .and_then(|mut record| {
                let errors = crate::records::check_index_date(program, &mut record, index);
                match errors.first() {
                    None => Ok(record),
                    Some(error) => Err(format!("`{}`: {}", error.field, error.reason)),
                }
            })
            .and_then(|record| {
                self.compiled
                    .evaluate(&record, index)
                    .map_err(|e| e.to_string())
            });
        let (verdict, failure) = match verdict {
            Ok(verdict) => {
                let failure = (!meets(&example.expected, &verdict)).then(|| {
                    format!(
                        "expected {}, got {}",
                        example.expected,
                        as_expected(&verdict)
                    )
                });
                (Some(verdict), failure)
            }
            Err(reason) => (None, Some(reason)),
        };
        ExampleRun {
            example,
            index,
            verdict,
            failure,
        }
    }
}

/// Whether `verdict` is the one expected: the same status and, where the
/// expectation names them, the same criteria or fields, in any order; for
/// each part of an expectation with cohorts, the patient's or the cohort's.
fn meets(expected: &Expected, verdict: &Verdict) -> bool {
    let Expected::Parts(parts) = expected else {
        return holds(
            expected,
            verdict.status(),
            &verdict.ruled_out(),
            &verdict.missing(),
        );
    };
    parts.iter().all(|(cohort, part)| match cohort {
        None => meets(part, verdict),
        Some(name) => verdict
            .cohorts()
            .find(|c| c.name == name)
            .is_some_and(|c| holds(part, c.status, &c.ruled_out, &c.missing)),
    })
}

/// Whether a status with what rules the patient out or is missing is the
/// verdict expected.
fn holds(expected: &Expected, status: Status, ruled_out: &[&str], missing: &[&str]) -> bool {
    let same = |want: &[String], got: &[&str]| {
        want.is_empty()
            || (want.len() == got.len() && want.iter().all(|w| got.contains(&w.as_str())))
    };
    match expected {
        Expected::Eligible => status == Status::Eligible,
        Expected::Ineligible(by) => status == Status::Ineligible && same(by, ruled_out),
        Expected::Undetermined(fields) => status == Status::Undetermined && same(fields, missing),
        Expected::Parts(_) => false,
    }
}

/// The record of an example's values at `index`.
fn record(schema: &Schema, values: &[(Slot, Given)], index: Date) -> Result<Record, String> {
    let mut built = Record::new(schema);
    for (slot, given) in values {
        let field = schema.field(*slot).ok_or("an example names no field")?;
        let value = match given {
            Given::Value(FieldValue::Quantity { value, low, high }) => {
                let range = low.zip(*high);
                crate::records::quantity(field, *value, range)
                    .map_err(|reason| format!("`{}`: {reason}", field.name))?
            }
            Given::Value(value) => value.clone(),
            Given::FromIndex(shifts) => {
                FieldValue::Date(from_index(index, shifts).ok_or_else(|| {
                    format!(
                        "`{}` is no date of the calendar at index date {index}",
                        field.name
                    )
                })?)
            }
            Given::List(elements) => {
                let FieldType::ListOf(elements_schema) = &field.ty else {
                    return Err(format!("`{}` is not a list", field.name));
                };
                let elements = elements
                    .iter()
                    .map(|element| record(elements_schema, element, index))
                    .collect::<Result<_, _>>()?;
                FieldValue::List(elements)
            }
        };
        built.set_slot(*slot, value).map_err(|e| e.to_string())?;
    }
    Ok(built)
}

/// `index` moved by each duration in turn, as the evaluators move a date
/// (`index - 17 years`), from year 1 on.
fn from_index(index: Date, shifts: &[crate::check::Duration]) -> Option<Date> {
    let mut at = index.to_datetime(jiff::civil::Time::midnight());
    for shift in shifts {
        at = moved(at, shift.span()?)?;
    }
    Some(at.date()).filter(|date| date.year() > 0)
}
