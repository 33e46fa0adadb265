//! Printing an `example "…" { … } expect …` item: one line per field, the
//! names lined up as in `fields`; a list too long for its line puts each
//! element on a line of its own, and an element too long for that puts
//! each of its fields on one.

use super::{WIDTH, member_set, pad_right, print_expr, quote};
use crate::syntax::ast::*;
use crate::syntax::span::Spanned;

/// `example "label" at "2026-01-15"`: the item's words before `{`.
pub(in crate::syntax) fn head(example: &Example) -> String {
    let mut head = format!("example {}", quote(&example.label.node));
    if let Some(at) = &example.at {
        head.push_str(" at ");
        head.push_str(&quote(&at.node));
    }
    head
}

/// `} expect ineligible by adult`: the line that closes the record.
pub(in crate::syntax) fn tail(example: &Example) -> String {
    format!("}} expect {}", expectation(&example.expect.node))
}

/// `ineligible by adult, renal`; `eligible, ineligible for b by x`: the
/// patient's own verdict first, as the parser reads it.
fn expectation(expect: &Expectation) -> String {
    let names = |names: &[crate::syntax::Name]| {
        let names: Vec<&str> = names.iter().map(|n| n.node.as_str()).collect();
        names.join(", ")
    };
    match expect {
        Expectation::Eligible => "eligible".to_owned(),
        Expectation::Ineligible(by) if by.is_empty() => "ineligible".to_owned(),
        Expectation::Ineligible(by) => format!("ineligible by {}", names(by)),
        Expectation::Undetermined(missing) if missing.is_empty() => "undetermined".to_owned(),
        Expectation::Undetermined(missing) => format!("undetermined missing {}", names(missing)),
        Expectation::Parts(parts) => {
            let own = parts.iter().filter(|p| p.cohort.is_none());
            let cohorts = parts.iter().filter(|p| p.cohort.is_some());
            let parts: Vec<String> = own
                .chain(cohorts)
                .map(|part| {
                    let verdict = expectation(&part.verdict);
                    match &part.cohort {
                        // `for` comes right after the verdict's word.
                        Some(cohort) => match verdict.split_once(' ') {
                            Some((word, rest)) => format!("{word} for {} {rest}", cohort.node),
                            None => format!("{verdict} for {}", cohort.node),
                        },
                        None => verdict,
                    }
                })
                .collect();
            parts.join(", ")
        }
    }
}

/// The lines of the record's entries, without the braces or the record's
/// indentation; `entry_lines(example)[i]` are the lines of entry `i`.
pub(in crate::syntax) fn entry_lines(example: &Example) -> Vec<Vec<String>> {
    record_lines(&example.entries, 2)
}

/// Each entry's lines, the names padded to the longest; `indent` is the
/// column the entries start at, which decides what fits.
fn record_lines(entries: &[ExampleEntry], indent: usize) -> Vec<Vec<String>> {
    let width = entries
        .iter()
        .map(|e| e.field.node.chars().count())
        .max()
        .unwrap_or(0);
    entries
        .iter()
        .map(|entry| {
            let head = pad_right(&format!("{}:", entry.field.node), width + 1);
            lines(&head, entry, indent)
        })
        .collect()
}

fn lines(head: &str, entry: &ExampleEntry, indent: usize) -> Vec<String> {
    let range = range_text(entry.range.as_ref());
    let inline = format!("{head} {}{range}", value_text(&entry.value.node));
    let elements = match &entry.value.node {
        ExampleValue::List(elements) if indent + inline.chars().count() > WIDTH => elements,
        _ => return vec![inline],
    };
    let mut lines = vec![format!("{} [", head.trim_end())];
    let last = elements.len().saturating_sub(1);
    for (i, element) in elements.iter().enumerate() {
        let mut element = element_lines(element, indent + 2);
        if i < last
            && let Some(end) = element.last_mut()
        {
            end.push(',');
        }
        lines.extend(element.into_iter().map(|line| format!("  {line}")));
    }
    lines.push(format!("]{range}"));
    lines
}

/// A list element: `{ a: x, b: y }` on one line when it fits, else its
/// fields one per line.
fn element_lines(element: &Spanned<Vec<ExampleEntry>>, indent: usize) -> Vec<String> {
    let inline = record_text(&element.node);
    // Room is kept for the comma after it.
    if indent + inline.chars().count() < WIDTH {
        return vec![inline];
    }
    let mut lines = vec!["{".to_owned()];
    for entry in record_lines(&element.node, indent + 2)
        .into_iter()
        .flatten()
    {
        lines.push(format!("  {entry}"));
    }
    lines.push("}".to_owned());
    lines
}

fn range_text(range: Option<&Spanned<Plausible>>) -> String {
    range.map_or_else(String::new, |range| {
        format!(
            ", normal range {}..{}",
            print_expr(&range.node.low),
            print_expr(&range.node.high)
        )
    })
}

fn value_text(value: &ExampleValue) -> String {
    match value {
        ExampleValue::Expr(expr) => print_expr(expr),
        ExampleValue::Members(members) => member_set(members),
        ExampleValue::List(elements) => {
            if elements.is_empty() {
                return "[]".to_owned();
            }
            let elements: Vec<String> = elements.iter().map(|e| record_text(&e.node)).collect();
            format!("[ {} ]", elements.join(", "))
        }
    }
}

/// `{ a: x, b: y }` on one line.
fn record_text(entries: &[ExampleEntry]) -> String {
    if entries.is_empty() {
        return "{}".to_owned();
    }
    let entries: Vec<String> = entries
        .iter()
        .map(|e| {
            let range = range_text(e.range.as_ref());
            format!("{}: {}{range}", e.field.node, value_text(&e.value.node))
        })
        .collect();
    format!("{{ {} }}", entries.join(", "))
}
