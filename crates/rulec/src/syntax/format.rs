//! The canonical layout of a rule file, comments kept: what `rulec fmt`
//! writes.
//!
//! The grammar treats comments as whitespace, so the syntax tree has none.
//! Rather than thread them through the grammar and every stage that reads
//! the tree, the formatter finds them in the source (a `#` outside a
//! string, to the end of the line) and places each by position among the
//! items it lays out: a comment on a line of its own goes above the item
//! that follows it, a comment after code stays at the end of that item's
//! line. A comment in the middle of an item that spans lines (inside a
//! long condition) moves above the item. Blank lines between items of a
//! block, and between comments, are kept (one at most).
//!
//! The result is checked before it is returned: it must parse to the same
//! tree and hold the same comments. A file for which that fails (a `#`
//! inside a unit annotation, say) is returned as written, so formatting
//! never changes what a file means or loses a word of it.

use super::ast::{
    CohortBlock, CriteriaBlock, Example, Expr, FhirBlock, FhirEntry, FieldsBlock, Item, RuleFile,
};
use super::print::{chain_parts, criterion_heads, print_expr, quote, type_text};
use super::{SyntaxError, parse};

/// Lines longer than this are broken.
const WIDTH: usize = 100;

/// A criterion's `id "label":` longer than this goes on a line of its own,
/// with the condition under it, so one long label does not push every
/// condition of the block to the right.
const MAX_HEAD: usize = 56;

/// Lays out a rule file in the canonical layout, comments kept.
///
/// ```
/// let messy = "inclusion{  # adults only\nadult \"18 or older\":age>=18 years\nhb:hemoglobin>80 g/L}";
/// let tidy = rulec::syntax::format(messy)?;
/// let lines: Vec<&str> = tidy.lines().collect();
/// assert_eq!(lines, [
///     "inclusion {",
///     "  # adults only",
///     "  adult \"18 or older\": age >= 18 years",
///     "  hb:                  hemoglobin > 80 g/L",
///     "}",
/// ]);
/// // Formatting is idempotent.
/// assert_eq!(rulec::syntax::format(&tidy)?, tidy);
/// # Ok::<(), rulec::syntax::SyntaxError>(())
/// ```
///
/// # Errors
///
/// The [`SyntaxError`] of a file that does not parse.
pub fn format(source: &str) -> Result<String, SyntaxError> {
    let file = parse(source)?;
    let comments = scan_comments(source);
    let formatted = Formatter {
        source,
        comments: &comments,
    }
    .file(&file);
    let faithful = parse(&formatted).is_ok_and(|again| again == file)
        && texts(&scan_comments(&formatted)) == texts(&comments);
    Ok(if faithful {
        formatted
    } else {
        source.to_owned()
    })
}

/// A comment: its byte range in the source and whether it has a line of
/// its own.
#[derive(Debug)]
struct Comment<'s> {
    start: usize,
    end: usize,
    text: &'s str,
    own_line: bool,
}

fn texts<'a>(comments: &'a [Comment<'_>]) -> Vec<&'a str> {
    comments.iter().map(|c| c.text).collect()
}

/// Every comment of `source`: a `#` outside a string, to the end of the
/// line (trailing spaces dropped).
fn scan_comments(source: &str) -> Vec<Comment<'_>> {
    let mut comments = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut line_start = 0;
    let mut chars = source.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            if c == '\n' {
                line_start = i + 1;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '\n' => line_start = i + 1,
            '#' => {
                let end = source
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(source.len(), |n| i + n);
                let text = source.get(i..end).unwrap_or_default().trim_end();
                let own_line = source
                    .get(line_start..i)
                    .is_some_and(|before| before.trim().is_empty());
                comments.push(Comment {
                    start: i,
                    end,
                    text,
                    own_line,
                });
                // The line break after the comment starts the next line.
                for (j, c) in chars.by_ref() {
                    if c == '\n' {
                        line_start = j + 1;
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    comments
}

/// One thing laid out in a sequence: an item of the file or of a block.
struct Unit {
    /// Where it is in the source.
    start: usize,
    end: usize,
    /// Its lines, without indentation or line breaks.
    lines: Vec<String>,
    /// For a block, the inside, whose comments the block placed itself.
    inner: Option<std::ops::Range<usize>>,
}

struct Formatter<'a, 's> {
    source: &'s str,
    comments: &'a [Comment<'s>],
}

impl Formatter<'_, '_> {
    fn file(&self, file: &RuleFile) -> String {
        let units: Vec<Unit> = file.items.iter().map(|item| self.item(item)).collect();
        // Items are set apart by a blank line, except runs of `use` and of
        // `define`, which keep the grouping the author gave them.
        let mut forced = vec![false; units.len()];
        for (i, pair) in file.items.windows(2).enumerate() {
            if let (Some(flag), [before, after]) = (forced.get_mut(i + 1), pair) {
                *flag = !matches!(
                    (before, after),
                    (Item::Use(_), Item::Use(_)) | (Item::Define(_), Item::Define(_))
                );
            }
        }
        let mut out = String::new();
        self.sequence(&mut out, "", &units, &forced, 0, self.source.len());
        out
    }

    fn item(&self, item: &Item) -> Unit {
        let span = item.span().range();
        let lines = match item {
            Item::Trial(trial) => {
                let mut line = format!("trial {}", quote(&trial.id.node));
                if let Some(title) = &trial.title {
                    line.push(' ');
                    line.push_str(&quote(&title.node));
                }
                vec![line]
            }
            Item::Use(u) => vec![format!("use {}", quote(&u.path.node))],
            Item::Define(define) => {
                let unit = define
                    .unit
                    .as_ref()
                    .map_or_else(String::new, |u| format!(" in {}", u.node));
                let head = format!("define {}{unit}:", define.name.node);
                condition_lines(&head, &define.expr, 2, 0, true)
            }
            Item::Fields(block) => self.fields(block, span.clone()),
            Item::Criteria(block) => self.criteria(block, span.clone(), 2),
            Item::Fhir(block) => self.fhir(block, span.clone()),
            Item::Example(example) => self.example(example),
            Item::Cohort(cohort) => self.cohort(cohort),
        };
        // An example's label may hold a `{`: its inside is its record's;
        // a cohort's label too.
        let inner = match item {
            Item::Fields(_) | Item::Criteria(_) | Item::Fhir(_) => Some(self.inside(span.clone())),
            Item::Example(example) => Some(self.inside(example.body.range())),
            Item::Cohort(cohort) => Some(self.cohort_inside(cohort)),
            Item::Trial(_) | Item::Use(_) | Item::Define(_) => None,
        };
        Unit {
            start: span.start,
            end: span.end,
            lines,
            inner,
        }
    }

    fn fields(&self, block: &FieldsBlock, span: std::ops::Range<usize>) -> Vec<String> {
        let width = block
            .fields
            .iter()
            .map(|f| f.name.node.chars().count())
            .max()
            .unwrap_or(0);
        let units: Vec<Unit> = block
            .fields
            .iter()
            .map(|field| {
                let name = format!("{}:", field.name.node);
                Unit {
                    start: field.name.span.range().start,
                    end: field.ty.span.range().end,
                    lines: vec![format!(
                        "{} {}",
                        super::print::pad_right(&name, width + 1),
                        type_text(&field.ty.node),
                    )],
                    inner: None,
                }
            })
            .collect();
        self.block("fields", &units, span)
    }

    fn fhir(&self, block: &FhirBlock, span: std::ops::Range<usize>) -> Vec<String> {
        let units: Vec<Unit> = block
            .entries
            .iter()
            .zip(super::print::fhir_entry_lines(block))
            .map(|(entry, lines)| {
                let range = match entry {
                    FhirEntry::Codes { span, .. } | FhirEntry::ValueSet { span, .. } => {
                        span.range()
                    }
                    FhirEntry::Binding(b) => b.span.range(),
                };
                Unit {
                    start: range.start,
                    end: range.end,
                    lines,
                    // Comments inside a binding's map go above the binding.
                    inner: None,
                }
            })
            .collect();
        self.block("fhir", &units, span)
    }

    fn example(&self, example: &Example) -> Vec<String> {
        let units: Vec<Unit> = example
            .entries
            .iter()
            .zip(super::print::example_entry_lines(example))
            .map(|(entry, lines)| Unit {
                start: entry.span.range().start,
                end: entry.span.range().end,
                lines,
                // Comments inside a list go above its field.
                inner: None,
            })
            .collect();
        let head = super::print::example_head(example);
        let tail = super::print::example_tail(example);
        let mut lines = self.block(&head, &units, example.body.range());
        // Nothing inside, not even a comment: `example "…" {} expect …`.
        if lines.len() == 2 {
            return vec![format!("{head} {{{tail}")];
        }
        if let Some(last) = lines.last_mut() {
            *last = tail;
        }
        lines
    }

    /// `cohort name "label" {`, its blocks indented by two, `}`.
    fn cohort(&self, cohort: &CohortBlock) -> Vec<String> {
        let units: Vec<Unit> = cohort
            .blocks
            .iter()
            .map(|block| {
                let span = block.span.range();
                Unit {
                    start: span.start,
                    end: span.end,
                    // Its lines sit in the cohort's, two columns further in.
                    lines: self.criteria(block, span.clone(), 4),
                    inner: Some(self.inside(span)),
                }
            })
            .collect();
        let mut head = format!("cohort {}", cohort.name.node);
        if let Some(label) = &cohort.label {
            head.push(' ');
            head.push_str(&quote(&label.node));
        }
        self.block_inside(&head, &units, self.cohort_inside(cohort))
    }

    /// A cohort's inside: from the `{` after its name and label, which may
    /// hold a `{` of their own.
    fn cohort_inside(&self, cohort: &CohortBlock) -> std::ops::Range<usize> {
        let head = cohort.label.as_ref().map_or(cohort.name.span, |l| l.span);
        let span = cohort.span.range();
        self.inside(head.range().end.max(span.start)..span.end)
    }

    /// A criteria block whose criteria lines are `outer` columns in.
    fn criteria(
        &self,
        block: &CriteriaBlock,
        span: std::ops::Range<usize>,
        outer: usize,
    ) -> Vec<String> {
        let (id_width, heads) = criterion_heads(block);
        let conditions: Vec<String> = block.criteria.iter().map(|c| print_expr(&c.expr)).collect();
        let len = |s: &String| s.chars().count();
        // A criterion stays on one line when its head is short enough and
        // the line fits; the conditions of those line up in one column.
        let column = |single: &[bool]| {
            heads
                .iter()
                .zip(single)
                .filter(|(_, one)| **one)
                .map(|(h, _)| len(h))
                .max()
                .unwrap_or(0)
        };
        let short: Vec<bool> = heads.iter().map(|h| len(h) <= MAX_HEAD).collect();
        let fits = |column: usize, i: usize| {
            conditions
                .get(i)
                .is_some_and(|c| outer + column + 1 + len(c) <= WIDTH)
        };
        // Drop the lines that do not fit until the column settles (it only
        // narrows), then take back those that fit beside it without
        // widening it: the choice depends on the tree alone, so formatting
        // twice gives the same layout.
        let mut single = short.clone();
        loop {
            let col = column(&single);
            let next: Vec<bool> = (0..single.len())
                .map(|i| single.get(i).copied().unwrap_or(false) && fits(col, i))
                .collect();
            if next == single {
                break;
            }
            single = next;
        }
        let settled = column(&single);
        for (i, one) in single.iter_mut().enumerate() {
            let head_fits = heads.get(i).is_some_and(|h| len(h) <= settled);
            *one =
                *one || (short.get(i).copied().unwrap_or(false) && head_fits && fits(settled, i));
        }
        let column = column(&single);
        let has_label = block.criteria.iter().any(|c| c.label.is_some());
        let indent = if has_label { id_width + 1 } else { 2 };
        let units: Vec<Unit> = block
            .criteria
            .iter()
            .zip(&heads)
            .zip(&single)
            .zip(&conditions)
            .map(|(((criterion, head), one), condition)| {
                let lines = if *one {
                    vec![format!(
                        "{} {condition}",
                        super::print::pad_right(head, column)
                    )]
                } else {
                    condition_lines(head, &criterion.expr, indent, outer, false)
                };
                let span = criterion.span.range();
                Unit {
                    start: span.start,
                    end: span.end,
                    lines,
                    inner: None,
                }
            })
            .collect();
        self.block(block.section.keyword(), &units, span)
    }

    /// `keyword {`, the units indented by two with their comments, `}`.
    fn block(&self, keyword: &str, units: &[Unit], span: std::ops::Range<usize>) -> Vec<String> {
        self.block_inside(keyword, units, self.inside(span))
    }

    /// [`Formatter::block`] with the inside found already.
    fn block_inside(
        &self,
        keyword: &str,
        units: &[Unit],
        inside_range: std::ops::Range<usize>,
    ) -> Vec<String> {
        let mut inside = String::new();
        let forced = vec![false; units.len()];
        self.sequence(
            &mut inside,
            "  ",
            units,
            &forced,
            inside_range.start,
            inside_range.end,
        );
        let mut lines = vec![format!("{keyword} {{")];
        lines.extend(inside.lines().map(str::to_owned));
        lines.push("}".to_owned());
        lines
    }

    /// A block's inside: after its `{`, before its closing `}`.
    fn inside(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let open = self
            .source
            .get(span.clone())
            .and_then(|text| text.find('{'))
            .map_or(span.start, |i| span.start + i + 1);
        let close = span.end.saturating_sub(1).max(open);
        open..close
    }

    /// Writes `units` with the comments between `lo` and `hi`, each line
    /// indented by `indent`. `forced[i]` puts a blank line before unit `i`
    /// (and its comments); otherwise blank lines are kept where the source
    /// has them, never at the start.
    fn sequence(
        &self,
        out: &mut String,
        indent: &str,
        units: &[Unit],
        forced: &[bool],
        lo: usize,
        hi: usize,
    ) {
        let mut cursor = lo;
        let mut first = true;
        let mut comments = self
            .comments
            .iter()
            .filter(|c| c.start >= lo && c.start < hi)
            .filter(|c| {
                !units
                    .iter()
                    .any(|u| u.inner.as_ref().is_some_and(|r| r.contains(&c.start)))
            })
            .peekable();
        for (i, unit) in units.iter().enumerate() {
            let mut force = forced.get(i).copied().unwrap_or(false);
            // Comments before the unit, and those inside it, go above it.
            while let Some(comment) = comments.next_if(|c| c.start < unit.end) {
                let blank = force || self.blank_between(cursor, comment.start);
                push_line(out, indent, comment.text, blank && !first);
                force = false;
                first = false;
                cursor = comment.end;
            }
            let blank = force || self.blank_between(cursor, unit.start);
            let mut lines = unit.lines.clone();
            cursor = unit.end;
            // A comment after the unit on its last line stays there.
            if let Some(comment) =
                comments.next_if(|c| !c.own_line && !self.newline_between(unit.end, c.start))
            {
                if let Some(last) = lines.last_mut() {
                    last.push_str("  ");
                    last.push_str(comment.text);
                }
                cursor = comment.end;
            }
            for (n, line) in lines.iter().enumerate() {
                push_line(out, indent, line, n == 0 && blank && !first);
            }
            first = false;
        }
        for comment in comments {
            let blank = self.blank_between(cursor, comment.start);
            push_line(out, indent, comment.text, blank && !first);
            first = false;
            cursor = comment.end;
        }
    }

    /// Whether the source has an empty line between two offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.source.get(from..to.max(from)).unwrap_or_default();
        // The lines wholly inside the gap: not the rest of the line it
        // starts on, nor the indentation of the line it ends on.
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() > 2
            && lines
                .get(1..lines.len() - 1)
                .is_some_and(|middle| middle.iter().any(|line| line.trim().is_empty()))
    }

    fn newline_between(&self, from: usize, to: usize) -> bool {
        self.source
            .get(from..to.max(from))
            .is_none_or(|gap| gap.contains('\n'))
    }
}

/// `head condition` on one line when `one_line` allows and it fits; else
/// the condition under the head, indented by `indent` (the line itself
/// sits `outer` columns in), and an `and`/`or` chain still too long for
/// the width broken before each `and` (or `or`).
fn condition_lines(
    head: &str,
    expr: &Expr,
    indent: usize,
    outer: usize,
    one_line: bool,
) -> Vec<String> {
    let condition = print_expr(expr);
    let width = |s: &str| s.chars().count();
    if one_line && outer + width(head) + 1 + width(&condition) <= WIDTH {
        return vec![format!("{head} {condition}")];
    }
    let pad = " ".repeat(indent);
    let mut lines = vec![head.to_owned()];
    match chain_parts(expr) {
        Some((word, parts)) if outer + indent + width(&condition) > WIDTH => {
            for (i, part) in parts.iter().enumerate() {
                if i == 0 {
                    lines.push(format!("{pad}{part}"));
                } else {
                    lines.push(format!("{pad}{word} {part}"));
                }
            }
        }
        _ => lines.push(format!("{pad}{condition}")),
    }
    lines
}

fn push_line(out: &mut String, indent: &str, line: &str, blank_before: bool) {
    if blank_before {
        out.push('\n');
    }
    // A blank line of a block inside a block (a cohort's) stays blank.
    if !line.is_empty() {
        out.push_str(indent);
    }
    out.push_str(line);
    out.push('\n');
}
