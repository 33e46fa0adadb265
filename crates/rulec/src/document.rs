//! The criteria as a document for a review board: the fields and their
//! units, the defines, and each criterion's label with its rule in words,
//! as Markdown or as a self-contained HTML page.
//!
//! The words are made from the syntax tree, not the checked program, so
//! that every number keeps the unit the rule wrote; what has no wording
//! (arithmetic, functions, aggregates) is shown as rule text, so nothing
//! is lost.
//!
//! ```
//! let rules = rulec::Rules::from_source(r#"
//!     fields { hemoglobin: g/L }
//!     inclusion { hb "Hb > 80 g/L": hemoglobin > 80 g/L }
//! "#)?;
//! let text = rulec::document::document(&rules, rulec::document::Format::Markdown);
//! assert!(text.contains("hemoglobin above 80 g/L"));
//! let page = rulec::document::document(&rules, rulec::document::Format::Html);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! # Ok::<(), rulec::RulesError>(())
//! ```

use std::fmt::Write as _;

use crate::Rules;
use crate::syntax::{
    self, BinaryOp, CompareOp, CriteriaBlock, Direction, Expr, ExprKind, GroupKind, Item, Limit,
    MemberTest, Quantifier, Section, Type, UnaryOp,
};

/// How the document is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CommonMark, with a table of fields.
    Markdown,
    /// A self-contained HTML page, its style inline.
    Html,
}

/// The document of a checked rule file, in `format`.
#[must_use]
pub fn document(rules: &Rules, format: Format) -> String {
    let doc = build(rules);
    match format {
        Format::Markdown => markdown(&doc),
        Format::Html => html(&doc),
    }
}

/// One criterion as the document words it, for a checklist (the
/// `rulec serve` workbench): the same words as [`document`], from one
/// place.
///
/// ```
/// let rules = rulec::Rules::from_source(r#"
///     fields { hemoglobin: g/L }
///     inclusion { hb "Hb > 80 g/L": hemoglobin > 80 g/L }
/// "#)?;
/// let items = rulec::document::checklist(&rules);
/// assert_eq!(items[0].id, "hb");
/// assert_eq!(items[0].label.as_deref(), Some("Hb > 80 g/L"));
/// assert_eq!(items[0].words, "hemoglobin above 80 g/L");
/// # Ok::<(), rulec::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChecklistItem {
    /// The criterion's id.
    pub id: String,
    /// Its protocol wording, if it has one.
    pub label: Option<String>,
    /// `inclusion` or `exclusion`.
    pub section: &'static str,
    /// The cohort's heading (`name: label`); `None` for criteria every
    /// cohort shares.
    pub cohort: Option<String>,
    /// The rule in words.
    pub words: String,
}

/// The criteria of a checked rule file in document order, shared ones
/// first, each worded as [`document`] words it.
#[must_use]
pub fn checklist(rules: &Rules) -> Vec<ChecklistItem> {
    let doc = build(rules);
    let mut items = Vec::new();
    for part in doc.parts {
        for (section, entries) in [("inclusion", part.inclusion), ("exclusion", part.exclusion)] {
            items.extend(entries.into_iter().map(|entry| ChecklistItem {
                id: entry.name,
                label: entry.label,
                section,
                cohort: part.cohort.clone(),
                words: entry.words,
            }));
        }
    }
    items
}

/// What the document says, before it is written in a format.
struct Doc {
    title: String,
    fields: Vec<FieldRow>,
    defines: Vec<Entry>,
    /// Criteria of every cohort, then each cohort's, under its heading.
    parts: Vec<Part>,
}

struct FieldRow {
    name: String,
    ty: String,
    unit: String,
    options: String,
}

/// A define or a criterion: its name, its wording, its rule in words.
struct Entry {
    name: String,
    label: Option<String>,
    words: String,
}

struct Part {
    /// `None` for the criteria every cohort shares.
    cohort: Option<String>,
    inclusion: Vec<Entry>,
    exclusion: Vec<Entry>,
}

fn build(rules: &Rules) -> Doc {
    let program = rules.program();
    let title = match &program.trial {
        Some((id, Some(title))) => format!("{id}: {title}"),
        Some((id, None)) => id.clone(),
        None => "Eligibility criteria".to_owned(),
    };
    // The rule file and every file it imports, each parsed again: they
    // checked, so they parse; one that somehow does not is left out.
    let files = rules.files();
    let mut texts = vec![files.main().text()];
    for path in &program.imports {
        if let Some(text) = files.text(&crate::FileRef::Import(path.clone())) {
            texts.push(text);
        }
    }
    let mut doc = Doc {
        title,
        fields: Vec::new(),
        defines: Vec::new(),
        parts: vec![Part {
            cohort: None,
            inclusion: Vec::new(),
            exclusion: Vec::new(),
        }],
    };
    let parsed: Vec<syntax::RuleFile> = texts
        .into_iter()
        .filter_map(|text| syntax::parse(text).ok())
        .collect();
    let mut dates = Names {
        dates: program
            .defines
            .iter()
            .filter(|d| matches!(d.value, crate::check::Value::Date(_)))
            .map(|d| d.name.clone())
            .collect(),
        units: std::collections::HashMap::new(),
    };
    for file in &parsed {
        for item in &file.items {
            if let Item::Fields(block) = item {
                dates.add_fields(&block.fields);
            }
        }
    }
    for file in &parsed {
        for item in &file.items {
            match item {
                Item::Fields(block) => {
                    doc.fields.extend(block.fields.iter().map(field_row));
                }
                Item::Define(define) => doc.defines.push(Entry {
                    name: define.name.node.clone(),
                    label: define.unit.as_ref().map(|u| format!("in {}", u.node)),
                    words: words(&define.expr, &dates),
                }),
                Item::Criteria(block) => {
                    if let Some(shared) = doc.parts.first_mut() {
                        add_block(shared, block, &dates);
                    }
                }
                Item::Cohort(cohort) => {
                    let heading = match &cohort.label {
                        Some(label) => format!("{}: {}", cohort.name.node, label.node),
                        None => cohort.name.node.clone(),
                    };
                    let mut part = Part {
                        cohort: Some(heading),
                        inclusion: Vec::new(),
                        exclusion: Vec::new(),
                    };
                    for block in &cohort.blocks {
                        add_block(&mut part, block, &dates);
                    }
                    doc.parts.push(part);
                }
                _ => {}
            }
        }
    }
    doc
}

fn add_block(part: &mut Part, block: &CriteriaBlock, dates: &Names) {
    let entries = block.criteria.iter().map(|c| Entry {
        name: c.id.node.clone(),
        label: c.label.as_ref().map(|l| l.node.clone()),
        words: words(&c.expr, dates),
    });
    match block.section {
        Section::Inclusion => part.inclusion.extend(entries),
        Section::Exclusion => part.exclusion.extend(entries),
    }
}

fn field_row(field: &syntax::FieldDecl) -> FieldRow {
    let text = syntax::type_text(&field.ty.node);
    let (ty, unit, options) = match &field.ty.node {
        Type::Quantity(q) => {
            let unit = crate::units::canonical(&q.unit.node);
            // The options are what the declaration says after the unit.
            let rest = text.strip_prefix(unit.as_str()).unwrap_or_default();
            let rest = rest.trim_start_matches(" with ").trim_start_matches(", ");
            ("quantity".to_owned(), unit, rest.to_owned())
        }
        _ => (text, String::new(), String::new()),
    };
    FieldRow {
        name: field.name.node.clone(),
        ty,
        unit,
        options,
    }
}

/// What the document needs to know of the names a rule uses.
struct Names {
    /// Those that stand for dates (date fields, those of list elements
    /// too, and date defines): their comparisons read `before` and
    /// `after`, not `below` and `above`.
    dates: std::collections::HashSet<String>,
    /// The unit of each quantity field, for a threshold written in
    /// another unit to be shown in the field's too; `None` for a name two
    /// fields (a record's and a list element's) declare.
    units: std::collections::HashMap<String, Option<crate::units::Unit>>,
}

impl Names {
    fn is_date(&self, expr: &Expr) -> bool {
        match &expr.node {
            ExprKind::Index => true,
            ExprKind::Name(name) => self.dates.contains(name),
            // A date moved by a duration: `birth_date + 18 years`.
            ExprKind::Binary {
                op: BinaryOp::Add | BinaryOp::Sub,
                lhs,
                ..
            } => self.is_date(lhs),
            ExprKind::Aggregate(aggregate) => {
                matches!(aggregate.name.node.as_str(), "latest" | "earliest")
            }
            _ => false,
        }
    }

    /// `threshold` in words, and in the unit of the field `subject` too
    /// when it is written in another: `80 g/L (8 g/dL)`, as explanations
    /// show it. A unit that needs a molar mass is left as written.
    fn threshold(&self, subject: &Expr, threshold: &Expr) -> String {
        let written = value(threshold, self);
        let (ExprKind::Name(name), ExprKind::Quantity(q)) = (&subject.node, &threshold.node) else {
            return written;
        };
        let Some(Some(unit)) = self.units.get(name) else {
            return written;
        };
        let converted = crate::units::Unit::parse(&q.unit.node)
            .ok()
            .filter(|from| from.ucum() != unit.ucum())
            .and_then(|from| from.conversion_to(unit).ok())
            .zip(q.value.as_str().parse::<f64>().ok())
            .map(|(conversion, v)| conversion.apply(v));
        match converted {
            Some(v) if v.is_finite() => format!(
                "{written} ({} {})",
                crate::eval::format_number(v),
                crate::units::canonical(unit.as_str())
            ),
            _ => written,
        }
    }

    fn add_fields(&mut self, fields: &[syntax::FieldDecl]) {
        for field in fields {
            match &field.ty.node {
                Type::Date => {
                    self.dates.insert(field.name.node.clone());
                }
                Type::Quantity(q) => {
                    let unit = crate::units::Unit::parse(&q.unit.node).ok();
                    self.units
                        .entry(field.name.node.clone())
                        .and_modify(|seen| *seen = None)
                        .or_insert(unit);
                }
                Type::ListOf(inner) => self.add_fields(inner),
                _ => {}
            }
        }
    }
}

/// An expression in words; rule text for the forms without a wording.
fn words(expr: &Expr, dates: &Names) -> String {
    match &expr.node {
        ExprKind::Index => "the index date".to_owned(),
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => format!("not {}", nested(operand, dates)),
        ExprKind::Binary {
            op: op @ (BinaryOp::And | BinaryOp::Or),
            lhs,
            rhs,
        } => {
            let word = if *op == BinaryOp::And { "and" } else { "or" };
            format!(
                "{} {word} {}",
                operand(lhs, *op, dates),
                operand(rhs, *op, dates)
            )
        }
        ExprKind::Compare { op, lhs, rhs } => {
            let date = dates.is_date(lhs) || dates.is_date(rhs);
            let word = match (op, date) {
                (CompareOp::Gt, false) => "above",
                (CompareOp::Ge, false) => "at least",
                (CompareOp::Lt, false) => "below",
                (CompareOp::Le, false) => "at most",
                (CompareOp::Gt, true) => "after",
                (CompareOp::Ge, true) => "on or after",
                (CompareOp::Lt, true) => "before",
                (CompareOp::Le, true) => "on or before",
                (CompareOp::Eq, _) => "is",
                (CompareOp::Ne, _) => "is not",
            };
            format!("{} {word} {}", value(lhs, dates), dates.threshold(lhs, rhs))
        }
        ExprKind::Between {
            value: v,
            low,
            high,
        } => {
            format!(
                "{} between {} and {}",
                value(v, dates),
                dates.threshold(v, low),
                dates.threshold(v, high)
            )
        }
        ExprKind::Member {
            test,
            subject,
            members,
        } => {
            let names: Vec<&str> = members.iter().map(|m| m.node.as_str()).collect();
            let verb = match test {
                MemberTest::Has => "has",
                MemberTest::HasAny => "has any of",
                MemberTest::HasAll => "has all of",
                MemberTest::In => "is one of",
            };
            format!("{} {verb} {}", value(subject, dates), names.join(", "))
        }
        ExprKind::Known { subject, known } => {
            let state = if *known { "is known" } else { "is missing" };
            format!("{} {state}", value(subject, dates))
        }
        ExprKind::Within {
            subject,
            window,
            direction,
            anchor,
        } => {
            let side = match direction {
                Direction::Before => "before",
                Direction::After => "after",
            };
            format!(
                "{} within {} {side} {}",
                value(subject, dates),
                value(window, dates),
                value(anchor, dates)
            )
        }
        ExprKind::Group { kind, items } => {
            let head = match kind {
                GroupKind::Any => "any of".to_owned(),
                GroupKind::All => "all of".to_owned(),
                GroupKind::None => "none of".to_owned(),
                GroupKind::AtLeast(n) => format!("at least {n} of"),
            };
            let items: Vec<String> = items.iter().map(|i| words(i, dates)).collect();
            format!("{head} ({})", items.join("; "))
        }
        ExprKind::ListQuery {
            quantifier,
            list,
            condition,
        } => {
            let (list, condition) = (&list.node, words(condition, dates));
            match quantifier {
                Quantifier::Any => format!("some {list} entry where {condition}"),
                Quantifier::All => format!("every {list} entry meets: {condition}"),
                Quantifier::No => format!("no {list} entry where {condition}"),
                Quantifier::Count => format!("the number of {list} entries where {condition}"),
            }
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => format!(
            "if {} then {}, otherwise {}",
            words(cond, dates),
            words(then, dates),
            words(otherwise, dates)
        ),
        _ => value(expr, dates),
    }
}

/// An operand of a comparison: the index date in words, the rest (names,
/// numbers with their units, arithmetic, functions) as written.
fn value(expr: &Expr, dates: &Names) -> String {
    match &expr.node {
        ExprKind::Index => "the index date".to_owned(),
        ExprKind::Group { .. } | ExprKind::ListQuery { .. } => words(expr, dates),
        ExprKind::Multiple { factor, limit } => {
            let limit = match limit {
                Limit::Upper => "the upper limit of normal",
                Limit::Lower => "the lower limit of normal",
            };
            format!("{} × {limit}", factor.as_str())
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => format!(
            "({} if {}, otherwise {})",
            value(then, dates),
            words(cond, dates),
            value(otherwise, dates)
        ),
        ExprKind::DateDiff { unit, from, to } => format!(
            "{} between {} and {}",
            unit.as_str(),
            value(from, dates),
            value(to, dates)
        ),
        _ => syntax::print_expr(expr),
    }
}

/// An operand of `and` or `or`, in parentheses where it is the other
/// operator, so that the grouping stays the rule's.
fn operand(expr: &Expr, op: BinaryOp, dates: &Names) -> String {
    match &expr.node {
        ExprKind::Binary {
            op: inner @ (BinaryOp::And | BinaryOp::Or),
            ..
        } if *inner != op => format!("({})", words(expr, dates)),
        ExprKind::If { .. } => format!("({})", words(expr, dates)),
        _ => words(expr, dates),
    }
}

/// The operand of `not`: in parentheses unless it is one word.
fn nested(expr: &Expr, dates: &Names) -> String {
    let text = words(expr, dates);
    if text.contains(' ') {
        format!("({text})")
    } else {
        text
    }
}

/// Markdown text: `\`, `<`, `|` and the emphasis marks escaped, so that
/// labels read as written and cannot open HTML or break a table row.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '<' | '|' | '*' | '`' | '[' | ']') {
            out.push('\\');
        }
        // A line break inside a label would end the list item.
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn markdown(doc: &Doc) -> String {
    let mut out = format!("# {}\n", md(&doc.title));
    if !doc.fields.is_empty() {
        out.push_str("\n## Fields\n\n| Field | Type | Unit | Options |\n|---|---|---|---|\n");
        for f in &doc.fields {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&f.name),
                md(&f.ty),
                md(&f.unit),
                md(&f.options)
            );
        }
    }
    if !doc.defines.is_empty() {
        out.push_str("\n## Defines\n\n");
        for d in &doc.defines {
            let unit = d
                .label
                .as_ref()
                .map_or_else(String::new, |u| format!(" ({})", md(u)));
            let _ = writeln!(out, "- **{}**{unit}: {}", md(&d.name), md(&d.words));
        }
    }
    for part in &doc.parts {
        let level = match &part.cohort {
            Some(heading) => {
                let _ = writeln!(out, "\n## Cohort {}", md(heading));
                "###"
            }
            None => "##",
        };
        for (name, entries) in [
            ("Inclusion criteria", &part.inclusion),
            ("Exclusion criteria", &part.exclusion),
        ] {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{level} {name}\n");
            for e in entries {
                let label = e
                    .label
                    .as_ref()
                    .map_or_else(String::new, |l| format!(" — {}", md(l)));
                let _ = writeln!(out, "- **{}**{label}  \n  {}", md(&e.name), md(&e.words));
            }
        }
    }
    out
}

/// HTML text: the five characters that could open markup or end an
/// attribute, as entities.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}\
table{border-collapse:collapse}th,td{border:1px solid #999;padding:.2em .5em;text-align:left}\
dt{font-weight:bold;margin-top:.6em}dd{margin-left:1.5em}code{font-size:95%}";

fn html(doc: &Doc) -> String {
    let title = esc(&doc.title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    if !doc.fields.is_empty() {
        out.push_str("<h2>Fields</h2>\n<table>\n<tr><th>Field</th><th>Type</th><th>Unit</th><th>Options</th></tr>\n");
        for f in &doc.fields {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.name),
                esc(&f.ty),
                esc(&f.unit),
                esc(&f.options)
            );
        }
        out.push_str("</table>\n");
    }
    if !doc.defines.is_empty() {
        out.push_str("<h2>Defines</h2>\n<dl>\n");
        for d in &doc.defines {
            let unit = d
                .label
                .as_ref()
                .map_or_else(String::new, |u| format!(" ({})", esc(u)));
            let _ = writeln!(
                out,
                "<dt><code>{}</code>{unit}</dt><dd>{}</dd>",
                esc(&d.name),
                esc(&d.words)
            );
        }
        out.push_str("</dl>\n");
    }
    for part in &doc.parts {
        let level = match &part.cohort {
            Some(heading) => {
                let _ = writeln!(out, "<h2>Cohort {}</h2>", esc(heading));
                3
            }
            None => 2,
        };
        for (name, entries) in [
            ("Inclusion criteria", &part.inclusion),
            ("Exclusion criteria", &part.exclusion),
        ] {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "<h{level}>{name}</h{level}>\n<dl>");
            for e in entries {
                let label = e
                    .label
                    .as_ref()
                    .map_or_else(String::new, |l| format!(" — {}", esc(l)));
                let _ = writeln!(
                    out,
                    "<dt><code>{}</code>{label}</dt><dd>{}</dd>",
                    esc(&e.name),
                    esc(&e.words)
                );
            }
            out.push_str("</dl>\n");
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_hostile_text() {
        let rules = Rules::from_source(
            "trial \"NCT0\" \"<b>A & B</b>\"\n\
             fields { hemoglobin: g/L }\n\
             inclusion { hb \"<script>alert('x')</script> & \\\"q\\\"\": hemoglobin > 80 g/L }\n",
        )
        .expect("checks");
        let page = document(&rules, Format::Html);
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"),
            "{page}"
        );
        assert!(page.contains("&lt;b&gt;A &amp; B&lt;/b&gt;"), "{page}");
        assert!(page.contains("hemoglobin above 80 g/L"), "{page}");
    }

    #[test]
    fn words_keep_grouping_and_units() {
        let rules = Rules::from_source(
            "fields { a: bool\n b: bool\n c: bool\n hb: g/L\n visit: date }\n\
             inclusion { x: (a or b) and not c\n y: hb between 80 g/L and 120 g/L\n\
             z: visit within 28 days before index\n hb_dl: hb >= 8 g/dL\n\
             recent: visit > index - 1 a }\n",
        )
        .expect("checks");
        let text = document(&rules, Format::Markdown);
        assert!(text.contains("(a or b) and not c"), "{text}");
        assert!(text.contains("hb between 80 g/L and 120 g/L"), "{text}");
        assert!(text.contains("hb at least 8 g/dL (80 g/L)"), "{text}");
        assert!(text.contains("visit after index - 1 a"), "{text}");
        assert!(
            text.contains("visit within 28 days before the index date"),
            "{text}"
        );
    }
}
