//! Checking `example` items: each value is one its field can hold, in a
//! unit of its kind (converted into the field's), each criterion named in
//! `by` and field named in `missing` exists. The checked form is what
//! `crate::eval::run_examples` builds records from.

mod value;

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::civil::Date;

use super::diagnostic::CheckError;
use super::program::Duration;
use crate::schema::{FieldValue, Schema, Slot};
use crate::syntax::{self, Expectation, Item, Name, RuleFile, Span};

/// An example, checked: a patient written in the rule file and the verdict
/// the rules must give them.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// What the patient is, in words.
    pub label: String,
    /// The index date the example fixes (`at "2026-01-15"`), if it does.
    pub at: Option<Date>,
    /// The values given, by slot in the program's schema; every other
    /// field is missing.
    pub values: Vec<(Slot, Given)>,
    /// The verdict expected.
    pub expected: Expected,
    /// Where the example is written.
    pub span: Span,
}

/// A value an example gives a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// A value known without the index date, in the field's unit.
    Value(FieldValue),
    /// A date counted from the index date: `index` moved by each duration
    /// in turn (`index - 17 years` is one duration of -17 years).
    FromIndex(Vec<Duration>),
    /// The elements of a list, each its values by slot in the element's
    /// schema.
    List(Vec<Vec<(Slot, Given)>>),
}

/// The verdict an example expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Eligible.
    Eligible,
    /// Ineligible; when the ids are given, exactly those criteria rule the
    /// patient out.
    Ineligible(Vec<String>),
    /// Undetermined; when the fields are given, exactly those are the
    /// verdict's missing fields.
    Undetermined(Vec<String>),
    /// Several verdicts, in a file with cohorts: each holds, the
    /// patient's (cohort `None`) and each cohort's named; each part's
    /// verdict is one of the three above.
    Parts(Vec<(Option<String>, Expected)>),
}

/// `eligible`, `ineligible by adult, renal`, `undetermined missing creatinine`:
/// as an example writes it after `expect`.
impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Eligible => f.write_str("eligible"),
            Expected::Ineligible(by) if by.is_empty() => f.write_str("ineligible"),
            Expected::Ineligible(by) => write!(f, "ineligible by {}", by.join(", ")),
            Expected::Undetermined(missing) if missing.is_empty() => f.write_str("undetermined"),
            Expected::Undetermined(missing) => {
                write!(f, "undetermined missing {}", missing.join(", "))
            }
            Expected::Parts(parts) => {
                for (i, (cohort, verdict)) in parts.iter().enumerate() {
                    let verdict = verdict.to_string();
                    let text = match (cohort, verdict.split_once(' ')) {
                        (None, _) => verdict,
                        (Some(cohort), Some((word, rest))) => format!("{word} for {cohort} {rest}"),
                        (Some(cohort), None) => format!("{verdict} for {cohort}"),
                    };
                    write!(f, "{}{text}", if i == 0 { "" } else { ", " })?;
                }
                Ok(())
            }
        }
    }
}

/// Did-you-mean suggestions looked for in one file's examples, at most (as
/// in the rest of the checker: each costs an edit distance per candidate).
const SUGGESTIONS: usize = 100;

/// Checks every example of `file` against the program's fields and the
/// file's criteria.
pub(super) fn check_all(
    file: &RuleFile,
    schema: &Schema,
    poisoned: &HashSet<String>,
    diagnostics: &mut Vec<CheckError>,
) -> Vec<Example> {
    // Each criterion with the cohort it is written in.
    let criteria: Vec<(&str, Option<&str>)> = file
        .criteria_blocks()
        .flat_map(|(cohort, block)| {
            let cohort = cohort.map(|c| c.name.node.as_str());
            block
                .criteria
                .iter()
                .map(move |c| (c.id.node.as_str(), cohort))
        })
        .collect();
    let cohorts: Vec<&str> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Cohort(cohort) => Some(cohort.name.node.as_str()),
            _ => None,
        })
        .collect();
    let mut checker = value::Checker {
        poisoned,
        diagnostics,
        suggestions: SUGGESTIONS,
    };
    let mut labels: HashMap<&str, Span> = HashMap::new();
    let mut examples = Vec::new();
    for item in &file.items {
        let Item::Example(example) = item else {
            continue;
        };
        let label = &example.label;
        match labels.get(label.node.as_str()) {
            Some(first) => checker.diagnostics.push(CheckError::Duplicate {
                what: "example",
                name: label.node.clone(),
                span: label.span,
                first: *first,
            }),
            None => {
                labels.insert(&label.node, label.span);
            }
        }
        let errors = checker.diagnostics.len();
        let at = example.at.as_ref().and_then(|at| checker.index_date(at));
        let values = checker.record(schema, None, &example.entries);
        let expected = checker.expectation(&example.expect, schema, &criteria, &cohorts);
        if checker.diagnostics.len() == errors {
            examples.push(Example {
                label: label.node.clone(),
                at,
                values,
                expected,
                span: example.span,
            });
        }
    }
    examples
}

impl value::Checker<'_> {
    /// `at "2026-01-15"`: a date of the calendar.
    fn index_date(&mut self, at: &syntax::Spanned<String>) -> Option<Date> {
        match crate::schema::parse_date(&at.node) {
            Ok(date) => Some(date),
            Err(reason) => {
                self.report(
                    format!("the index date of an example: {reason}"),
                    at.span,
                    Some("write it as `at \"2026-01-15\"`".to_owned()),
                );
                None
            }
        }
    }

    /// The expectation, with every criterion in `by` and field in
    /// `missing` checked to exist, each named once; each cohort named
    /// once, and the criteria of its `by` those that can rule a patient
    /// out of it (its own and those of every cohort).
    fn expectation(
        &mut self,
        expect: &syntax::Spanned<Expectation>,
        schema: &Schema,
        criteria: &[(&str, Option<&str>)],
        cohorts: &[&str],
    ) -> Expected {
        let Expectation::Parts(parts) = &expect.node else {
            let all: Vec<&str> = criteria.iter().map(|(id, _)| *id).collect();
            return self.verdict(&expect.node, schema, &all, "a criterion");
        };
        let mut seen: HashSet<Option<&str>> = HashSet::new();
        let mut checked = Vec::new();
        for part in parts {
            let cohort = part.cohort.as_ref().map(|c| c.node.as_str());
            if !seen.insert(cohort) {
                let what = cohort.map_or("the patient".to_owned(), |c| format!("cohort `{c}`"));
                let span = part.cohort.as_ref().map_or(expect.span, |c| c.span);
                self.report(format!("the verdict for {what} is given twice"), span, None);
            }
            let (known, a) = match &part.cohort {
                None => (
                    criteria.iter().map(|(id, _)| *id).collect(),
                    "a criterion".to_owned(),
                ),
                Some(name) => {
                    let own = |c: &Option<&str>| c.is_none_or(|c| c == name.node);
                    let known: Vec<&str> = criteria
                        .iter()
                        .filter(|(_, c)| own(c))
                        .map(|(id, _)| *id)
                        .collect();
                    // A file without cohorts knows none.
                    if !cohorts.contains(&name.node.as_str()) {
                        let help = self.suggest(&name.node, cohorts.iter().copied());
                        self.report(format!("`{}` is not a cohort", name.node), name.span, help);
                    }
                    (
                        known,
                        format!("a criterion of cohort `{}` or of every cohort", name.node),
                    )
                }
            };
            let verdict = self.verdict(&part.verdict, schema, &known, &a);
            checked.push((cohort.map(str::to_owned), verdict));
        }
        Expected::Parts(checked)
    }

    /// A verdict of the three, its criteria among `criteria` (each `a`).
    fn verdict(
        &mut self,
        expect: &Expectation,
        schema: &Schema,
        criteria: &[&str],
        a: &str,
    ) -> Expected {
        let fields: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        match expect {
            Expectation::Eligible | Expectation::Parts(_) => Expected::Eligible,
            Expectation::Ineligible(by) => Expected::Ineligible(self.names(by, criteria, a)),
            Expectation::Undetermined(missing) => {
                Expected::Undetermined(self.names(missing, &fields, "a field"))
            }
        }
    }

    fn names(&mut self, names: &[Name], known: &[&str], a: &str) -> Vec<String> {
        let mut seen: HashSet<&str> = HashSet::new();
        for name in names {
            if !seen.insert(&name.node) {
                self.report(format!("`{}` is named twice", name.node), name.span, None);
            } else if !known.contains(&name.node.as_str()) {
                let help = self.suggest(&name.node, known.iter().copied());
                self.report(format!("`{}` is not {a}", name.node), name.span, help);
            }
        }
        names.iter().map(|n| n.node.clone()).collect()
    }
}
