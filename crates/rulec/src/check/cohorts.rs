//! Checking a file's cohorts: their names, and whether the file needs
//! them.

use crate::syntax::{Item, RuleFile};

use super::diagnostic::CheckError;
use super::program::Cohort;

/// The file's cohorts in source order, each name once, with the
/// diagnostics of their names: a name given twice, or a single cohort.
pub(super) fn cohorts(file: &RuleFile, diagnostics: &mut Vec<CheckError>) -> Vec<Cohort> {
    let mut cohorts: Vec<Cohort> = Vec::new();
    for item in &file.items {
        let Item::Cohort(cohort) = item else {
            continue;
        };
        super::depth::check_name("cohort name", &cohort.name, diagnostics);
        if let Some(first) = cohorts.iter().find(|c| c.name == cohort.name.node) {
            diagnostics.push(CheckError::Duplicate {
                what: "cohort",
                name: cohort.name.node.clone(),
                span: cohort.name.span,
                first: first.span,
            });
            continue;
        }
        cohorts.push(Cohort {
            name: cohort.name.node.clone(),
            label: cohort.label.as_ref().map(|l| l.node.clone()),
            span: cohort.name.span,
        });
    }
    if let [only] = cohorts.as_slice() {
        diagnostics.push(CheckError::LoneCohort {
            name: only.name.clone(),
            span: only.span,
        });
    }
    cohorts
}

/// The index in `cohorts` of the cohort named `name`.
pub(super) fn index_of(cohorts: &[Cohort], name: &str) -> Option<usize> {
    cohorts.iter().position(|c| c.name == name)
}
