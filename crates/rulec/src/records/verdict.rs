//! The stable JSON form of a verdict (documented in `docs/verdicts.md`):
//! the verdict, its explanations when there are any, and the data errors
//! met while reading the record. It lives beside the readers because it
//! reports what they found as well as what the evaluator decided.

use jiff::civil::Date;
use serde::Serialize;

use super::DataError;
use crate::eval::{Explained, Verdict};
use crate::schema::Source;

/// A verdict in the stable JSON format of `docs/verdicts.md`; serialize it
/// with `serde_json` (keys in this order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerdictJson<'a> {
    /// The record's id; `null` for a record without one.
    pub id: Option<&'a str>,
    /// Where the record is in its input (line, array element or data row,
    /// from 1), when the caller knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// The index date the verdict was reached at (`"2026-01-15"`), when
    /// the caller gives it: without it a verdict cannot be reproduced.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "iso_date")]
    pub index_date: Option<Date>,
    /// `eligible`, `ineligible` or `undetermined`.
    pub status: &'static str,
    /// For a program with cohorts, each cohort's status, in the program's
    /// order; absent for a program without.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cohorts: Vec<CohortJson<'a>>,
    /// Every criterion, in the program's order.
    pub criteria: Vec<CriterionJson<'a>>,
    /// For an undetermined verdict, the fields whose values would decide it.
    pub missing: Vec<&'a str>,
    /// The data errors met while reading the record.
    pub errors: Vec<ErrorJson<'a>>,
    /// For a record read from FHIR: where each bound field's value came
    /// from, or what was looked for and not found; absent for other input.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub sources: &'a [Source],
}

/// One criterion in a [`VerdictJson`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CriterionJson<'a> {
    /// The criterion's id.
    pub id: &'a str,
    /// `inclusion` or `exclusion`.
    pub section: &'static str,
    /// The cohort it is written in; absent for a criterion every cohort
    /// shares, and in a program without cohorts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<&'a str>,
    /// `met`, `not_met` or `unknown`.
    pub outcome: &'static str,
    /// The explanation, for an explained verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<&'a str>,
}

/// One cohort in a [`VerdictJson`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CohortJson<'a> {
    /// The cohort's name in the rule file.
    pub name: &'a str,
    /// `eligible`, `ineligible` or `undetermined`: the patient's status for
    /// it.
    pub status: &'static str,
    /// For an ineligible status, the criteria that rule the patient out of
    /// it, shared or its own, in the program's order.
    pub ruled_out: Vec<&'a str>,
    /// For an undetermined status, the fields whose values would decide
    /// it.
    pub missing: Vec<&'a str>,
}

/// One data error in a [`VerdictJson`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorJson<'a> {
    /// The field, as named in the input (`therapies[1].class`; `(record)`
    /// for the whole record).
    pub field: &'a str,
    /// What is wrong, in words.
    pub reason: &'a str,
}

impl<'a> VerdictJson<'a> {
    /// The JSON form of an explained verdict for the record `id` (a `&str`,
    /// or `None` for a record without one), with the data errors met while
    /// reading it.
    #[must_use]
    pub fn new(
        id: impl Into<Option<&'a str>>,
        explained: &'a Explained,
        errors: &'a [DataError],
    ) -> Self {
        let mut json = VerdictJson::from_verdict(id, &explained.verdict, errors);
        for (criterion, explanation) in json.criteria.iter_mut().zip(&explained.explanations) {
            criterion.explanation = Some(explanation);
        }
        json
    }

    /// The JSON form of a verdict without explanations: what screening a
    /// population with [`crate::compile::Compiled::evaluate`] gives, with
    /// no `explanation` key in the criteria.
    #[must_use]
    pub fn from_verdict(
        id: impl Into<Option<&'a str>>,
        verdict: &'a Verdict,
        errors: &'a [DataError],
    ) -> Self {
        let criteria = verdict
            .criteria()
            .map(|c| CriterionJson {
                id: c.id,
                section: c.section.keyword(),
                cohort: c.cohort,
                outcome: c.outcome.as_str(),
                explanation: None,
            })
            .collect();
        let cohorts = verdict
            .cohorts()
            .map(|c| CohortJson {
                name: c.name,
                status: c.status.as_str(),
                ruled_out: c.ruled_out,
                missing: c.missing,
            })
            .collect();
        let errors = errors
            .iter()
            .map(|e| ErrorJson {
                field: &e.field,
                reason: &e.reason,
            })
            .collect();
        VerdictJson {
            id: id.into(),
            position: None,
            index_date: None,
            status: verdict.status().as_str(),
            cohorts,
            criteria,
            missing: verdict.missing(),
            errors,
            sources: &[],
        }
    }

    /// The same verdict with the record's [`Source`]s (FHIR input).
    #[must_use]
    pub fn from_sources(mut self, sources: &'a [Source]) -> Self {
        self.sources = sources;
        self
    }

    /// The same verdict, naming the record's position in its input.
    #[must_use]
    pub fn at(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// The same verdict, naming the index date it was reached at.
    #[must_use]
    pub fn on(mut self, index_date: Date) -> Self {
        self.index_date = Some(index_date);
        self
    }
}

/// `YYYY-MM-DD`, as the rest of rulec writes dates (the library's `jiff`
/// has no serde support of its own).
fn iso_date<S: serde::Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.collect_str(date),
        None => s.serialize_none(),
    }
}

/// The JSON form of an explained verdict as a [`serde_json::Value`] (see
/// [`VerdictJson`]; a `Value`'s object keys are in `serde_json`'s map order,
/// which the format does not fix).
#[must_use]
pub fn verdict_json(id: &str, explained: &Explained, errors: &[DataError]) -> serde_json::Value {
    // Strings, string slices and vectors of them always serialize.
    serde_json::to_value(VerdictJson::new(id, explained, errors)).unwrap_or(serde_json::Value::Null)
}
