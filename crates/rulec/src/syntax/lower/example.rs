//! Lowering an `example "…" { … } expect …` item.

use pest::iterators::Pair;

use super::{
    Result, Rule, internal, lower_members, lower_plausible, lower_string, lower_sum, name, span_of,
};
use crate::syntax::ast::*;
use crate::syntax::span::Spanned;

pub(super) fn lower_example(pair: Pair<'_, Rule>) -> Result<Example> {
    let span = span_of(&pair);
    let mut label = None;
    let mut at = None;
    let mut record = None;
    let mut expect = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::label => {
                let label_span = span_of(&part);
                let pieces = part
                    .into_inner()
                    .map(|s| lower_string(s).map(|s| s.node))
                    .collect::<Result<Vec<_>>>()?;
                label = Some(Spanned::new(pieces.join(" "), label_span));
            }
            Rule::example_at => {
                let date = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::string)
                    .ok_or_else(|| internal(span))?;
                at = Some(lower_string(date)?);
            }
            Rule::example_record => record = Some(lower_record(part)?),
            Rule::expectation => expect = Some(lower_expectation(part)?),
            _ => {}
        }
    }
    let record = record.ok_or_else(|| internal(span))?;
    Ok(Example {
        label: label.ok_or_else(|| internal(span))?,
        at,
        entries: record.node,
        expect: expect.ok_or_else(|| internal(span))?,
        body: record.span,
        span,
    })
}

/// `{ field: value … }`, with the span of its braces.
fn lower_record(pair: Pair<'_, Rule>) -> Result<Spanned<Vec<ExampleEntry>>> {
    let span = span_of(&pair);
    let entries = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::example_entry)
        .map(lower_entry)
        .collect::<Result<_>>()?;
    Ok(Spanned::new(entries, span))
}

fn lower_entry(pair: Pair<'_, Rule>) -> Result<ExampleEntry> {
    let span = span_of(&pair);
    let mut field = None;
    let mut value = None;
    let mut range = None;
    for part in pair.into_inner() {
        let value_span = span_of(&part);
        match part.as_rule() {
            // The field's name comes first; a member written as a value is
            // a `member` (a reserved word), or an `ident` inside the `sum`.
            Rule::ident if field.is_none() => field = Some(name(&part)),
            Rule::sum => {
                value = Some(Spanned::new(
                    ExampleValue::Expr(lower_sum(part)?),
                    value_span,
                ))
            }
            Rule::member => {
                let member = ExprKind::Name(part.as_str().to_owned());
                let expr = Spanned::new(member, value_span);
                value = Some(Spanned::new(ExampleValue::Expr(expr), value_span));
            }
            Rule::member_set => {
                let members = ExampleValue::Members(lower_members(part));
                value = Some(Spanned::new(members, value_span));
            }
            Rule::example_list => {
                let elements = part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::example_record)
                    .map(lower_record)
                    .collect::<Result<_>>()?;
                value = Some(Spanned::new(ExampleValue::List(elements), value_span));
            }
            Rule::example_range => range = Some(lower_plausible(part)?),
            _ => {}
        }
    }
    Ok(ExampleEntry {
        field: field.ok_or_else(|| internal(span))?,
        value: value.ok_or_else(|| internal(span))?,
        range,
        span,
    })
}

fn lower_expectation(pair: Pair<'_, Rule>) -> Result<Spanned<Expectation>> {
    let span = span_of(&pair);
    let mut parts = Vec::new();
    for verdict in pair.into_inner().filter(|p| p.as_rule() != Rule::ty_expect) {
        let mut cohort = None;
        let mut names = Vec::new();
        let rule = verdict.as_rule();
        for part in verdict.into_inner() {
            match part.as_rule() {
                Rule::expect_for => {
                    cohort = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::ident)
                        .map(|p| name(&p));
                }
                Rule::ident => names.push(name(&part)),
                _ => {}
            }
        }
        let verdict = match rule {
            Rule::expect_eligible => Expectation::Eligible,
            Rule::expect_ineligible => Expectation::Ineligible(names),
            Rule::expect_undetermined => Expectation::Undetermined(names),
            _ => return Err(internal(span)),
        };
        parts.push(ExpectPart { cohort, verdict });
    }
    // The patient's own verdict first, as the printer writes it: after a
    // list of names, a verdict without a cohort would read as a name.
    parts.sort_by_key(|p| p.cohort.is_some());
    let expect = match parts.as_slice() {
        [ExpectPart { cohort: None, .. }] => parts
            .pop()
            .map(|p| p.verdict)
            .ok_or_else(|| internal(span))?,
        _ => Expectation::Parts(parts),
    };
    Ok(Spanned::new(expect, span))
}
