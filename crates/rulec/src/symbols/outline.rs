//! The outline of a rule file: its sections, criteria and cohorts, with
//! the fields block and defines, nested as written.

use crate::syntax::{CriteriaBlock, Item, RuleFile, Section, Span};

/// What an outline entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    /// `trial "…"`
    Trial,
    /// A `fields` block.
    Fields,
    /// A field of it.
    Field,
    /// `define`
    Define,
    /// An `inclusion` or `exclusion` block.
    Section(Section),
    /// A criterion.
    Criterion,
    /// A `cohort` block.
    Cohort,
}

/// An entry of the outline.
#[derive(Clone, Debug)]
pub struct Outline {
    /// What it is.
    pub kind: OutlineKind,
    /// Its name: the id, or the keyword of a block.
    pub name: String,
    /// The label of a criterion or cohort, the type of a field.
    pub detail: Option<String>,
    /// All of it.
    pub span: Span,
    /// Its name, inside `span`.
    pub selection: Span,
    /// What it holds.
    pub children: Vec<Outline>,
}

/// The outline of `file`.
///
/// ```
/// let file = rulec::syntax::parse("inclusion { adult \"Adults\": age >= 18 years }")?;
/// let outline = rulec::symbols::outline(&file);
/// assert_eq!(outline[0].name, "inclusion");
/// assert_eq!(outline[0].children[0].name, "adult");
/// assert_eq!(outline[0].children[0].detail.as_deref(), Some("Adults"));
/// # Ok::<(), rulec::syntax::SyntaxError>(())
/// ```
#[must_use]
pub fn outline(file: &RuleFile) -> Vec<Outline> {
    file.items.iter().filter_map(item).collect()
}

/// The first `len` bytes of `span`: the keyword that opens a block.
fn head(span: Span, len: usize) -> Span {
    Span::new(
        span.start as usize,
        (span.start as usize + len).min(span.end as usize),
    )
}

fn item(item: &Item) -> Option<Outline> {
    Some(match item {
        Item::Trial(trial) => Outline {
            kind: OutlineKind::Trial,
            name: trial.id.node.clone(),
            detail: trial.title.as_ref().map(|t| t.node.clone()),
            span: trial.span,
            selection: trial.id.span,
            children: Vec::new(),
        },
        Item::Fields(block) => Outline {
            kind: OutlineKind::Fields,
            name: "fields".to_owned(),
            detail: None,
            span: block.span,
            selection: head(block.span, "fields".len()),
            children: block
                .fields
                .iter()
                .map(|f| Outline {
                    kind: OutlineKind::Field,
                    name: f.name.node.clone(),
                    detail: Some(crate::syntax::type_text(&f.ty.node)),
                    span: f.name.span.join(f.ty.span),
                    selection: f.name.span,
                    children: Vec::new(),
                })
                .collect(),
        },
        Item::Define(d) => Outline {
            kind: OutlineKind::Define,
            name: d.name.node.clone(),
            detail: None,
            span: d.span,
            selection: d.name.span,
            children: Vec::new(),
        },
        Item::Criteria(block) => section(block),
        Item::Cohort(cohort) => Outline {
            kind: OutlineKind::Cohort,
            name: cohort.name.node.clone(),
            detail: cohort.label.as_ref().map(|l| l.node.clone()),
            span: cohort.span,
            selection: cohort.name.span,
            children: cohort.blocks.iter().map(section).collect(),
        },
        Item::Use(_) | Item::Fhir(_) | Item::Example(_) => return None,
    })
}

fn section(block: &CriteriaBlock) -> Outline {
    let keyword = block.section.keyword();
    Outline {
        kind: OutlineKind::Section(block.section),
        name: keyword.to_owned(),
        detail: None,
        span: block.span,
        selection: head(block.span, keyword.len()),
        children: block
            .criteria
            .iter()
            .map(|c| Outline {
                kind: OutlineKind::Criterion,
                name: c.id.node.clone(),
                detail: c.label.as_ref().map(|l| l.node.clone()),
                span: c.span,
                selection: c.id.span,
                children: Vec::new(),
            })
            .collect(),
    }
}
