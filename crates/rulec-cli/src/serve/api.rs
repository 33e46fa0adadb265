//! The JSON API the page reads: the rules, the screening's progress and
//! funnel, a page of patients, one patient's explanation, and checking an
//! edited text.
//!
//! Every answer is a JSON value with a status code; a request the API
//! cannot serve gets a 4xx and `{"error": "…"}`, never a panic.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use rulec::eval::{Outcome, Status as Verdicts};
use rulec::records::VerdictJson;
use serde_json::{Value, json};

use super::state::{Checked, Job, Row, State, lock};

/// The most patients a page may hold.
pub const MAX_PER_PAGE: usize = 500;

/// Patients on a page when the request does not say.
const PER_PAGE: usize = 50;

/// A JSON answer and its HTTP status.
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply { status: 200, body }
    }

    /// A request refused, with why.
    pub fn error(status: u16, reason: impl Into<String>) -> Reply {
        Reply {
            status,
            body: json!({ "error": reason.into() }),
        }
    }
}

/// `GET /api/rules`: the text in the editor, the checklist, the fields
/// to filter by, the warnings.
pub fn rules(state: &State) -> Reply {
    let job = state.job();
    let rules = &job.rules;
    let program = &rules.program;
    let fields: Vec<&str> = program
        .schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let trial = program
        .trial
        .as_ref()
        .map(|(id, title)| json!({ "id": id, "title": title }));
    Reply::ok(json!({
        "file": state.rules_name(),
        "records": state.input.name(),
        "index_date": state.index.to_string(),
        "generation": job.generation,
        "trial": trial,
        "source": rules.source,
        "checklist": rules.checklist,
        "fields": fields,
        "diagnostics": rules.warnings,
    }))
}

/// `GET /api/status`: how far the newest screening is, and its funnel.
pub fn status(state: &State) -> Reply {
    let job = state.job();
    // `done` first: once done, the counts read below are the last ones.
    let done = job.done.load(Ordering::Acquire);
    // The screening changes rows, funnel and count under the rows' lock:
    // read under it too, they agree.
    let rows = job.rows.read().unwrap_or_else(PoisonError::into_inner);
    let funnel = lock(&job.funnel).clone();
    let records = job.records.load(Ordering::Acquire);
    drop(rows);
    Reply::ok(json!({
        "generation": job.generation,
        "done": done,
        "records": records,
        "bytes": job.bytes.load(Ordering::Relaxed),
        // A folder (FHIR) has no size to show progress against.
        "total_bytes": state.input.len().filter(|_| state.input.path.is_file()),
        "read_error": *lock(&job.read_error),
        "funnel": funnel,
    }))
}

/// What a page of patients is filtered by.
#[derive(Default)]
struct Filter {
    status: Option<Verdicts>,
    criterion: Option<String>,
    /// With `criterion`: its outcome; without, the patients it rules out.
    outcome: Option<Outcome>,
    missing: Option<String>,
    errors: bool,
    id: Option<String>,
}

impl Filter {
    fn keeps(&self, row: &Row) -> bool {
        let verdict = &row.verdict;
        if self.status.is_some_and(|s| s != verdict.status()) {
            return false;
        }
        if let Some(criterion) = &self.criterion {
            let kept = match self.outcome {
                Some(outcome) => verdict.outcome(criterion) == Some(outcome),
                None => verdict.ruled_out().contains(&criterion.as_str()),
            };
            if !kept {
                return false;
            }
        }
        if let Some(field) = &self.missing
            && !verdict.missing().contains(&field.as_str())
        {
            return false;
        }
        if self.errors && row.read.errors.is_empty() {
            return false;
        }
        if let Some(id) = &self.id
            && !row
                .read
                .id
                .as_deref()
                .is_some_and(|i| i.contains(id.as_str()))
        {
            return false;
        }
        true
    }
}

/// `GET /api/patients?status=&criterion=&outcome=&missing=&errors=1&id=&page=&per_page=`:
/// the patients screened so far that the filters keep, a page of them.
pub fn patients(state: &State, query: &[(String, String)]) -> Reply {
    let job = state.job();
    let mut filter = Filter::default();
    let mut page = 1usize;
    let mut per_page = PER_PAGE;
    for (key, value) in query {
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "status" => {
                filter.status = Some(match value.as_str() {
                    "eligible" => Verdicts::Eligible,
                    "ineligible" => Verdicts::Ineligible,
                    "undetermined" => Verdicts::Undetermined,
                    _ => return bad_value(key, value, "eligible, ineligible or undetermined"),
                });
            }
            "criterion" => {
                if !job.rules.program.criteria.iter().any(|c| c.id == *value) {
                    return Reply::error(400, format!("no criterion is called `{value}`"));
                }
                filter.criterion = Some(value.clone());
            }
            "outcome" => {
                filter.outcome = Some(match value.as_str() {
                    "met" => Outcome::Met,
                    "not_met" => Outcome::NotMet,
                    "unknown" => Outcome::Unknown,
                    _ => return bad_value(key, value, "met, not_met or unknown"),
                });
            }
            "missing" => {
                if job.rules.program.schema.slot(value).is_none() {
                    return Reply::error(400, format!("no field is called `{value}`"));
                }
                filter.missing = Some(value.clone());
            }
            "errors" => filter.errors = value == "1" || value == "true",
            "id" => filter.id = Some(value.clone()),
            "page" => match value.parse::<usize>() {
                Ok(n) if n >= 1 => page = n,
                _ => return bad_value(key, value, "a whole number from 1"),
            },
            "per_page" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => per_page = n,
                _ => return bad_value(key, value, "a whole number from 1 to 500"),
            },
            // The page's cache-busting and the like: ignored, as browsers
            // and proxies may add them.
            _ => {}
        }
    }
    if filter.outcome.is_some() && filter.criterion.is_none() {
        return Reply::error(400, "`outcome` needs a `criterion`");
    }
    let rows = job.rows.read().unwrap_or_else(PoisonError::into_inner);
    let kept: Vec<(usize, &Row)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| filter.keeps(row))
        .collect();
    let total = kept.len();
    let pages = total.div_ceil(per_page).max(1);
    let shown: Vec<Value> = kept
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(n, row)| summary(*n, row))
        .collect();
    Reply::ok(json!({
        "generation": job.generation,
        "done": job.done.load(Ordering::Acquire),
        "screened": rows.len(),
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "patients": shown,
    }))
}

fn bad_value(key: &str, value: &str, wanted: &str) -> Reply {
    Reply::error(
        400,
        format!("`{key}={value}` is not understood: `{key}` is {wanted}"),
    )
}

/// One line of the patient list.
fn summary(n: usize, row: &Row) -> Value {
    let verdict = &row.verdict;
    let errors: Vec<Value> = row
        .read
        .errors
        .iter()
        .map(|e| json!({ "field": e.field, "reason": e.reason }))
        .collect();
    // A program with cohorts: each cohort's status in `rulec eval`'s words.
    let cohorts: Vec<String> = crate::eval::cohort_words(verdict)
        .into_iter()
        .map(|(_, words)| words)
        .collect();
    json!({
        "n": n,
        "id": row.read.id,
        "cohorts": cohorts,
        "position": row.read.position,
        "status": verdict.status().as_str(),
        "ruled_out": verdict.ruled_out(),
        "missing": verdict.missing(),
        "errors": errors,
    })
}

/// `GET /api/patients/N`: the Nth patient screened (from 0), explained
/// criterion by criterion in the stable verdict format, with each
/// criterion's label and where the record came from.
pub fn patient(state: &State, n: &str) -> Reply {
    // Digits only: `usize`'s parser takes `+5` as well.
    let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let Some(n) = n.parse::<usize>().ok().filter(|_| digits) else {
        return Reply::error(400, format!("`{n}` is not a patient number"));
    };
    let job: Arc<Job> = state.job();
    let rows = job.rows.read().unwrap_or_else(PoisonError::into_inner);
    let Some(row) = rows.get(n) else {
        return Reply::error(404, format!("no patient {n} (yet)"));
    };
    let program = &job.rules.program;
    let read = &row.read;
    // The explaining evaluator, as `rulec explain` uses it.
    let explained = rulec::eval::explain_sourced(program, &read.record, state.index, &read.sources);
    let verdict = VerdictJson::new(read.id.as_deref(), &explained, &read.errors)
        .at(read.position)
        .on(state.index)
        .from_sources(&read.sources);
    let labels: Vec<Option<&str>> = program
        .criteria
        .iter()
        .map(|c| c.label.as_deref())
        .collect();
    Reply::ok(json!({
        "n": n,
        "generation": job.generation,
        "from": format!(
            "{} {} of {}",
            state.input.format.position_word(),
            read.position,
            state.input.name()
        ),
        "labels": labels,
        "verdict": verdict,
    }))
}

/// `POST /api/check` with the edited text as the body: its diagnostics,
/// and when it checks, a new screening with it.
pub fn check(state: &Arc<State>, source: &str) -> Reply {
    match state.edit(source) {
        Ok(job) => Reply::ok(json!({
            "ok": true,
            "generation": job.generation,
            "diagnostics": job.rules.warnings,
        })),
        Err(Checked::Invalid(diagnostics)) => Reply::ok(json!({
            "ok": false,
            "diagnostics": diagnostics,
        })),
        Err(Checked::Failed(reason)) => Reply::ok(json!({
            "ok": false,
            "diagnostics": [],
            "failure": reason,
        })),
        Err(Checked::Rules(_)) => Reply::error(500, "the rules checked but were not screened"),
    }
}
