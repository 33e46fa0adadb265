//! Printing a syntax tree back to canonical source.
//!
//! The printer writes exactly the parentheses precedence needs, so that
//! `parse(print(tree)) == tree` for every tree the parser can produce.

mod example;
mod fhir;

pub(super) use example::{
    entry_lines as example_entry_lines, head as example_head, tail as example_tail,
};
pub(super) use fhir::entry_lines as fhir_entry_lines;

use std::fmt::Write as _;

use super::ast::*;

/// The words that start a date difference: `years between a and b`.
const CALENDAR_WORDS: [&str; 5] = [
    CalendarUnit::Years.as_str(),
    CalendarUnit::Months.as_str(),
    CalendarUnit::Weeks.as_str(),
    CalendarUnit::Days.as_str(),
    CalendarUnit::Hours.as_str(),
];

/// Criteria lines longer than this put their expression on the next line.
const WIDTH: usize = 100;

/// Prints a rule file as canonical source.
///
/// ```
/// let file = rulec::syntax::parse("inclusion{adult:age>=18 years}")?;
/// assert_eq!(rulec::syntax::print(&file), "inclusion {\n  adult: age >= 18 years\n}\n");
/// # Ok::<(), rulec::syntax::SyntaxError>(())
/// ```
#[must_use]
pub fn print(file: &RuleFile) -> String {
    let mut out = String::new();
    let mut previous: Option<&Item> = None;
    for item in &file.items {
        let grouped = matches!(
            (previous, item),
            (Some(Item::Use(_)), Item::Use(_)) | (Some(Item::Define(_)), Item::Define(_))
        );
        if previous.is_some() && !grouped {
            out.push('\n');
        }
        print_item(&mut out, item);
        previous = Some(item);
    }
    out
}

fn print_item(out: &mut String, item: &Item) {
    match item {
        Item::Trial(trial) => {
            out.push_str("trial ");
            out.push_str(&quote(&trial.id.node));
            if let Some(title) = &trial.title {
                out.push(' ');
                out.push_str(&quote(&title.node));
            }
            out.push('\n');
        }
        Item::Use(u) => {
            let _ = writeln!(out, "use {}", quote(&u.path.node));
        }
        Item::Fields(block) => {
            out.push_str("fields {\n");
            let width = block
                .fields
                .iter()
                .map(|f| f.name.node.len())
                .max()
                .unwrap_or(0);
            for field in &block.fields {
                let name = format!("{}:", field.name.node);
                let _ = writeln!(
                    out,
                    "  {} {}",
                    pad_right(&name, width + 1),
                    type_text(&field.ty.node),
                );
            }
            out.push_str("}\n");
        }
        Item::Define(define) => {
            let unit = define
                .unit
                .as_ref()
                .map_or_else(String::new, |u| format!(" in {}", u.node));
            let _ = writeln!(
                out,
                "define {}{unit}: {}",
                define.name.node,
                print_expr(&define.expr)
            );
        }
        Item::Criteria(block) => print_block(out, block),
        Item::Cohort(cohort) => {
            let _ = write!(out, "cohort {}", cohort.name.node);
            if let Some(label) = &cohort.label {
                let _ = write!(out, " {}", quote(&label.node));
            }
            out.push_str(" {\n");
            for block in &cohort.blocks {
                let mut inner = String::new();
                print_block(&mut inner, block);
                for line in inner.lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
            out.push_str("}\n");
        }
        Item::Fhir(block) => {
            out.push_str("fhir {\n");
            for line in fhir::entry_lines(block).iter().flatten() {
                let _ = writeln!(out, "  {line}");
            }
            out.push_str("}\n");
        }
        Item::Example(example) if example.entries.is_empty() => {
            let _ = writeln!(
                out,
                "{} {{{}",
                example::head(example),
                example::tail(example)
            );
        }
        Item::Example(example) => {
            let _ = writeln!(out, "{} {{", example::head(example));
            for line in example::entry_lines(example).iter().flatten() {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "{}", example::tail(example));
        }
    }
}

fn print_block(out: &mut String, block: &CriteriaBlock) {
    let _ = writeln!(out, "{} {{", block.section.keyword());
    let (_, heads) = criterion_heads(block);
    let head_width = heads.iter().map(|h| h.chars().count()).max().unwrap_or(0);
    for (criterion, head) in block.criteria.iter().zip(&heads) {
        let expr = print_expr(&criterion.expr);
        let pad = head_width.saturating_sub(head.chars().count());
        if 2 + head_width + 1 + expr.len() <= WIDTH {
            let _ = writeln!(out, "  {head}{} {expr}", " ".repeat(pad));
        } else {
            let _ = writeln!(out, "  {head}\n    {expr}");
        }
    }
    out.push_str("}\n");
}

/// `text` followed by spaces up to `width` characters. Not `{:<width$}`:
/// a format width above 65,535 panics, and a name may be longer.
pub(super) fn pad_right(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(text.chars().count());
    let mut out = String::with_capacity(text.len() + pad);
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Each criterion's `id "label":`, the ids padded to the longest, and
/// that longest id's width in characters.
pub(super) fn criterion_heads(block: &CriteriaBlock) -> (usize, Vec<String>) {
    let id_width = block
        .criteria
        .iter()
        .map(|c| c.id.node.chars().count())
        .max()
        .unwrap_or(0);
    let heads = block
        .criteria
        .iter()
        .map(|c| match &c.label {
            Some(label) => format!(
                "{} {}:",
                pad_right(&c.id.node, id_width),
                quote(&label.node)
            ),
            None => format!("{}:", c.id.node),
        })
        .collect();
    (id_width, heads)
}

pub(crate) fn type_text(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".to_owned(),
        Type::Integer { range: None } => "integer".to_owned(),
        Type::Integer {
            range: Some((lo, hi)),
        } => format!("integer {}..{}", lo.node, hi.node),
        Type::Number => "number".to_owned(),
        Type::Date => "date".to_owned(),
        Type::Text => "text".to_owned(),
        Type::OneOf(members) => format!("one of {}", member_set(members)),
        Type::SetOf(members) => format!("set of {}", member_set(members)),
        Type::Ordered(members) => format!("ordered {}", member_set(members)),
        Type::ListOf(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.name.node, type_text(&f.ty.node)))
                .collect();
            if inner.is_empty() {
                "list of {}".to_owned()
            } else {
                format!("list of {{ {} }}", inner.join(", "))
            }
        }
        Type::Quantity(q) => {
            let mut text = crate::units::canonical(&q.unit.node);
            if q.normal_range {
                text.push_str(" with normal range");
            }
            // Canonical order: the range first, then the molar mass.
            if let Some(mass) = &q.molar_mass {
                let _ = write!(
                    text,
                    ", molar mass {} {}",
                    mass.node.value,
                    crate::units::canonical(&mass.node.unit.node)
                );
            }
            if let Some(scale) = &q.scale {
                let scale = &scale.node;
                let _ = write!(text, ", scale {} as {} x", scale.unit.node, scale.slope);
                if let Some(intercept) = &scale.intercept {
                    match intercept.as_str().strip_prefix('-') {
                        Some(magnitude) => {
                            let _ = write!(text, " - {magnitude}");
                        }
                        None => {
                            let _ = write!(text, " + {intercept}");
                        }
                    }
                }
            }
            if let Some(plausible) = &q.plausible {
                let _ = write!(
                    text,
                    ", plausible {}..{}",
                    print_expr(&plausible.node.low),
                    print_expr(&plausible.node.high)
                );
            }
            text
        }
    }
}

fn member_set(members: &[super::span::Name]) -> String {
    if members.is_empty() {
        return "{}".to_owned();
    }
    let names: Vec<&str> = members.iter().map(|m| m.node.as_str()).collect();
    format!("{{ {} }}", names.join(", "))
}

pub(super) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Binding strength, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Or,
    And,
    Not,
    Test,
    Sum,
    Product,
    Neg,
    Power,
    Primary,
}

fn level(expr: &ExprKind) -> Level {
    match expr {
        ExprKind::Binary { op, .. } => match op {
            BinaryOp::Or => Level::Or,
            BinaryOp::And => Level::And,
            BinaryOp::Add | BinaryOp::Sub => Level::Sum,
            BinaryOp::Mul | BinaryOp::Div => Level::Product,
            BinaryOp::Pow => Level::Power,
        },
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => Level::Not,
        ExprKind::Unary {
            op: UnaryOp::Neg, ..
        } => Level::Neg,
        ExprKind::Compare { .. }
        | ExprKind::Between { .. }
        | ExprKind::Member { .. }
        | ExprKind::Known { .. }
        | ExprKind::Within { .. } => Level::Test,
        ExprKind::Number(_)
        | ExprKind::Quantity(_)
        | ExprKind::Multiple { .. }
        | ExprKind::Bool(_)
        | ExprKind::Text(_)
        | ExprKind::Index
        | ExprKind::Name(_)
        | ExprKind::Group { .. }
        | ExprKind::ListQuery { .. }
        | ExprKind::FirstKnown(_)
        | ExprKind::If { .. }
        | ExprKind::Call { .. }
        | ExprKind::Aggregate(_)
        | ExprKind::DateDiff { .. } => Level::Primary,
    }
}

/// Prints an expression as canonical source.
///
/// ```
/// let e = rulec::syntax::parse_expr("(a or b) and not (c > 3 mg/dL)")?;
/// assert_eq!(rulec::syntax::print_expr(&e), "(a or b) and not c > 3 mg/dL");
/// # Ok::<(), rulec::syntax::SyntaxError>(())
/// ```
#[must_use]
pub fn print_expr(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr, Level::Or, Follow::Nothing);
    out
}

/// The operands of an `and` or `or` chain at the top of `expr`, each
/// printed as it appears in [`print_expr`]'s text, with the chain's word;
/// `None` when `expr` is not such a chain. Joining the parts with
/// ` word ` gives exactly `print_expr(expr)`, so a formatter may put each
/// on its own line.
pub(super) fn chain_parts(expr: &Expr) -> Option<(&'static str, Vec<String>)> {
    let ExprKind::Binary { op, .. } = &expr.node else {
        return None;
    };
    let (word, lvl) = match op {
        BinaryOp::Or => ("or", Level::Or),
        BinaryOp::And => ("and", Level::And),
        _ => return None,
    };
    let mut parts = Vec::new();
    collect_chain(expr, *op, lvl, Level::Or, Follow::Nothing, &mut parts);
    Some((word, parts))
}

/// Walks the left spine of a chain of `op` as [`write_bare`] prints it.
fn collect_chain(
    expr: &Expr,
    op: BinaryOp,
    lvl: Level,
    min: Level,
    follow: Follow,
    parts: &mut Vec<String>,
) {
    match &expr.node {
        ExprKind::Binary { op: this, lhs, rhs } if *this == op && level(&expr.node) >= min => {
            collect_chain(lhs, op, lvl, lvl, Follow::NotArithmetic, parts);
            let mut part = String::new();
            write_expr(&mut part, rhs, next(lvl), follow);
            parts.push(part);
        }
        _ => {
            let mut part = String::new();
            write_expr(&mut part, expr, min, follow);
            parts.push(part);
        }
    }
}

/// What follows an operand in the printed text, up to the closing
/// parenthesis or separator of its context.
///
/// Two forms are open-ended: the condition of `any L where c` runs to the
/// end of the expression, and the last operand of `years between a and b`
/// takes in any arithmetic after it. They stand bare only where nothing
/// they would swallow follows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Follow {
    /// Nothing: the end of the expression, a `,` or a `)`.
    Nothing,
    /// A logic word or a test, never `+ - * /`.
    NotArithmetic,
    /// An arithmetic operator.
    Arithmetic,
}

/// Writes `expr` where an operand of at least `min` strength is needed.
fn write_expr(out: &mut String, expr: &Expr, min: Level, follow: Follow) {
    let swallows = match expr.node {
        ExprKind::ListQuery { .. } | ExprKind::If { .. } => follow != Follow::Nothing,
        ExprKind::DateDiff { .. } => follow == Follow::Arithmetic,
        _ => false,
    };
    if level(&expr.node) < min || swallows {
        out.push('(');
        write_bare(out, &expr.node, Follow::Nothing);
        out.push(')');
    } else {
        write_bare(out, &expr.node, follow);
    }
}

fn write_bare(out: &mut String, expr: &ExprKind, follow: Follow) {
    match expr {
        ExprKind::Number(n) => out.push_str(n.as_str()),
        ExprKind::Quantity(q) => {
            let unit = crate::units::canonical(&q.unit.node);
            let space =
                if q.tight && unit.len() == 1 && unit.bytes().all(|b| b.is_ascii_alphabetic()) {
                    ""
                } else {
                    " "
                };
            let _ = write!(out, "{}{space}{unit}", q.value);
        }
        ExprKind::Multiple { factor, limit } => {
            let limit = match limit {
                Limit::Upper => "ULN",
                Limit::Lower => "LLN",
            };
            let _ = write!(out, "{factor} x {limit}");
        }
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Text(text) => out.push_str(&quote(text)),
        ExprKind::Index => out.push_str("index"),
        ExprKind::Name(name) => out.push_str(name),
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Not => {
                out.push_str("not ");
                write_expr(out, operand, Level::Not, follow);
            }
            UnaryOp::Neg => {
                out.push('-');
                write_expr(out, operand, Level::Neg, follow);
            }
        },
        ExprKind::Binary { op, lhs, rhs } => {
            let (word, lvl) = match op {
                BinaryOp::Or => ("or", Level::Or),
                BinaryOp::And => ("and", Level::And),
                BinaryOp::Add => ("+", Level::Sum),
                BinaryOp::Sub => ("-", Level::Sum),
                BinaryOp::Mul => ("*", Level::Product),
                BinaryOp::Div => ("/", Level::Product),
                BinaryOp::Pow => ("^", Level::Power),
            };
            if *op == BinaryOp::Pow {
                // Right to left: an equal-strength left operand needs
                // parentheses, a right one does not.
                write_expr(out, lhs, Level::Primary, Follow::Arithmetic);
                out.push_str(" ^ ");
                write_expr(out, rhs, Level::Neg, follow);
                return;
            }
            let lhs_follow = if lvl >= Level::Sum {
                Follow::Arithmetic
            } else {
                Follow::NotArithmetic
            };
            write_expr(out, lhs, lvl, lhs_follow);
            let _ = write!(out, " {word} ");
            // Left-associative: an equal-strength right operand needs parentheses.
            write_expr(out, rhs, next(lvl), follow);
        }
        ExprKind::Compare { op, lhs, rhs } => {
            let word = op.as_str();
            write_expr(out, lhs, Level::Sum, Follow::NotArithmetic);
            let _ = write!(out, " {word} ");
            write_expr(out, rhs, Level::Sum, follow);
        }
        ExprKind::Between { value, low, high } => {
            // A name such as `weeks` right before `between` would read as a
            // date difference (`weeks between a and b`).
            if ends_with_calendar_word(value) {
                out.push('(');
                write_expr(out, value, Level::Sum, Follow::Nothing);
                out.push(')');
            } else {
                write_expr(out, value, Level::Sum, Follow::NotArithmetic);
            }
            out.push_str(" between ");
            write_expr(out, low, Level::Sum, Follow::NotArithmetic);
            out.push_str(" and ");
            write_expr(out, high, Level::Sum, follow);
        }
        ExprKind::Member {
            test,
            subject,
            members,
        } => {
            write_expr(out, subject, Level::Sum, Follow::NotArithmetic);
            match (test, members.as_slice()) {
                (MemberTest::Has, [one]) => {
                    let _ = write!(out, " has {}", one.node);
                }
                (MemberTest::Has | MemberTest::HasAny, _) => {
                    let _ = write!(out, " has any of {}", member_set(members));
                }
                (MemberTest::HasAll, _) => {
                    let _ = write!(out, " has all of {}", member_set(members));
                }
                (MemberTest::In, _) => {
                    let _ = write!(out, " in {}", member_set(members));
                }
            }
        }
        ExprKind::Known { subject, known } => {
            write_expr(out, subject, Level::Sum, Follow::NotArithmetic);
            out.push_str(if *known { " is known" } else { " is missing" });
        }
        ExprKind::Within {
            subject,
            window,
            direction,
            anchor,
        } => {
            write_expr(out, subject, Level::Sum, Follow::NotArithmetic);
            out.push_str(" within ");
            write_expr(out, window, Level::Sum, Follow::NotArithmetic);
            out.push_str(match direction {
                Direction::Before => " before ",
                Direction::After => " after ",
            });
            write_expr(out, anchor, Level::Sum, follow);
        }
        ExprKind::Group { kind, items } => {
            match kind {
                GroupKind::Any => out.push_str("any of ("),
                GroupKind::All => out.push_str("all of ("),
                GroupKind::None => out.push_str("none of ("),
                GroupKind::AtLeast(n) => {
                    let _ = write!(out, "at least {n} of (");
                }
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, item, Level::Or, Follow::Nothing);
            }
            out.push(')');
        }
        ExprKind::ListQuery {
            quantifier,
            list,
            condition,
        } => {
            let word = match quantifier {
                Quantifier::Any => "any",
                Quantifier::All => "all",
                Quantifier::No => "no",
                Quantifier::Count => "count",
            };
            let _ = write!(out, "{word} {} where ", list.node);
            write_expr(out, condition, Level::Or, follow);
        }
        ExprKind::FirstKnown(items) => {
            out.push_str("first known of (");
            write_list(out, items);
            out.push(')');
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.push_str("if ");
            write_expr(out, cond, Level::Or, Follow::NotArithmetic);
            out.push_str(" then ");
            write_expr(out, then, Level::Or, Follow::NotArithmetic);
            out.push_str(" else ");
            write_expr(out, otherwise, Level::Or, follow);
        }
        ExprKind::Call { name, args } => {
            out.push_str(&name.node);
            out.push('(');
            write_list(out, args);
            out.push(')');
        }
        ExprKind::Aggregate(aggregate) => {
            let Aggregate {
                name,
                value,
                by,
                list,
                condition,
            } = aggregate.as_ref();
            let _ = write!(out, "{}(", name.node);
            write_expr(out, value, Level::Sum, Follow::NotArithmetic);
            if let Some(by) = by {
                let _ = write!(out, " by {}", by.node);
            }
            let _ = write!(out, " of {}", list.node);
            if let Some(condition) = condition {
                out.push_str(" where ");
                write_expr(out, condition, Level::Or, Follow::Nothing);
            }
            out.push(')');
        }
        ExprKind::DateDiff { unit, from, to } => {
            let _ = write!(out, "{} between ", unit.as_str());
            write_expr(out, from, Level::Sum, Follow::NotArithmetic);
            out.push_str(" and ");
            write_expr(out, to, Level::Sum, follow);
        }
    }
}

/// Expressions separated by `, `, each whole.
fn write_list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item, Level::Or, Follow::Nothing);
    }
}

/// Whether the printed operand ends with a name such as `weeks`, which
/// would read as the start of `weeks between …` (also at the right end of
/// `0 + weeks`).
fn ends_with_calendar_word(expr: &Expr) -> bool {
    let mut node = expr;
    loop {
        match &node.node {
            ExprKind::Name(n) => return CALENDAR_WORDS.contains(&n.as_str()),
            ExprKind::Binary { rhs, .. } => node = rhs,
            ExprKind::Unary { operand, .. } => node = operand,
            ExprKind::DateDiff { to, .. } => node = to,
            _ => return false,
        }
    }
}

fn next(level: Level) -> Level {
    match level {
        Level::Or => Level::And,
        Level::And => Level::Not,
        Level::Not => Level::Test,
        Level::Test => Level::Sum,
        Level::Sum => Level::Product,
        Level::Product => Level::Neg,
        Level::Neg => Level::Power,
        Level::Power | Level::Primary => Level::Primary,
    }
}
