//! Lowering criteria: `inclusion` and `exclusion` blocks, and the
//! `cohort` blocks that hold them.

use pest::iterators::Pair;

use super::{Result, Rule, internal, lower_expr, lower_string, name, span_of};
use crate::syntax::ast::{CohortBlock, CriteriaBlock, Criterion, Section};
use crate::syntax::span::{Span, Spanned};

pub(super) fn lower_cohort(pair: Pair<'_, Rule>) -> Result<CohortBlock> {
    let span = span_of(&pair);
    let mut cohort = None;
    let mut label = None;
    let mut blocks = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => cohort = Some(name(&part)),
            Rule::label => label = Some(lower_label(part)?),
            Rule::inclusion => blocks.push(lower_block(part, Section::Inclusion)?),
            Rule::exclusion => blocks.push(lower_block(part, Section::Exclusion)?),
            _ => {}
        }
    }
    Ok(CohortBlock {
        name: cohort.ok_or_else(|| internal(span))?,
        label,
        blocks,
        span,
    })
}

pub(super) fn lower_block(pair: Pair<'_, Rule>, section: Section) -> Result<CriteriaBlock> {
    let span = span_of(&pair);
    let criteria = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::criterion)
        .map(lower_criterion)
        .collect::<Result<_>>()?;
    Ok(CriteriaBlock {
        section,
        criteria,
        span,
    })
}

/// A label: its strings joined by a space.
fn lower_label(pair: Pair<'_, Rule>) -> Result<Spanned<String>> {
    let span = span_of(&pair);
    let pieces = pair
        .into_inner()
        .map(|s| lower_string(s).map(|s| s.node))
        .collect::<Result<Vec<_>>>()?;
    Ok(Spanned::new(pieces.join(" "), span))
}

fn lower_criterion(pair: Pair<'_, Rule>) -> Result<Criterion> {
    let span: Span = span_of(&pair);
    let mut id = None;
    let mut label = None;
    let mut expr = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => id = Some(name(&part)),
            Rule::label => label = Some(lower_label(part)?),
            Rule::expr => expr = Some(lower_expr(part)?),
            _ => {}
        }
    }
    Ok(Criterion {
        id: id.ok_or_else(|| internal(span))?,
        label,
        expr: expr.ok_or_else(|| internal(span))?,
        span,
    })
}
