//! The syntax tree of an `example "…" { … } expect …` item: a patient
//! written in the rule file with the verdict the rules must give them.
//! Checked by `crate::check` against the fields and criteria, run by
//! `crate::eval::run_examples`.

use super::{Expr, Plausible};
use crate::syntax::span::{Name, Span, Spanned};

// Trees compare without their spans, as the rest of the tree does: the
// formatter checks its output parses back to the same tree.
eq_ignoring_span! {
    Example { label, at, entries, expect }
    ExampleEntry { field, value, range }
}

/// `example "label" at "2026-01-15" { field: value … } expect …`
#[derive(Clone, Debug)]
pub struct Example {
    /// What the patient is, in words (adjacent strings joined by a space).
    pub label: Spanned<String>,
    /// `at "2026-01-15"`: the index date, as written, if the example fixes
    /// it.
    pub at: Option<Spanned<String>>,
    /// The record's values, in source order.
    pub entries: Vec<ExampleEntry>,
    /// The verdict the rules must give.
    pub expect: Spanned<Expectation>,
    /// The braces of the record, `{` to `}`.
    pub body: Span,
    /// The whole item.
    pub span: Span,
}

/// `field: value`, or `field: value, normal range low..high`.
#[derive(Clone, Debug)]
pub struct ExampleEntry {
    /// The field given.
    pub field: Name,
    /// Its value.
    pub value: Spanned<ExampleValue>,
    /// `normal range L..H`: the record's own reference range, for a field
    /// declared `with normal range`.
    pub range: Option<Spanned<Plausible>>,
    /// The whole entry.
    pub span: Span,
}

/// The value of an example's field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExampleValue {
    /// A constant expression: `9 g/dL`, `index - 17 years`, `"2025-11-03"`,
    /// `true`, a member of a `one of` field.
    Expr(Expr),
    /// `{ a, b }`: the members of a `set of` field.
    Members(Vec<Name>),
    /// `[ { … }, { … } ]`: the elements of a `list of` field, each a record
    /// of the element's fields.
    List(Vec<Spanned<Vec<ExampleEntry>>>),
}

/// The verdict an example expects.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Expectation {
    /// `eligible`
    Eligible,
    /// `ineligible`, or `ineligible by a, b`: exactly the criteria that
    /// rule the patient out.
    Ineligible(Vec<Name>),
    /// `undetermined`, or `undetermined missing f, g`: exactly the fields
    /// the verdict names as missing.
    Undetermined(Vec<Name>),
    /// Several verdicts, for a file with cohorts: `eligible for initial,
    /// ineligible for once_daily by arrow_od`, the patient's own verdict
    /// (one without a cohort), if given, first. Each part's verdict is one
    /// of the three above.
    Parts(Vec<ExpectPart>),
}

/// One verdict of [`Expectation::Parts`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExpectPart {
    /// The cohort it is for (`for once_daily`); `None` for the patient's.
    pub cohort: Option<Name>,
    /// The verdict expected.
    pub verdict: Expectation,
}
