//! Lints for traps real protocols contain: bands of one value joined with
//! `or` that leave a gap no band covers, and `all L where …` in an
//! inclusion, which an empty list meets.
//!
//! Both read the criterion as written (for spans and list names) beside
//! its checked condition (for bounds converted into the value's unit); the
//! checker turns each `or`, `and`, `not` and group of the one into the same
//! node of the other, so the two are walked together.

use std::collections::HashMap;

use crate::semantics::Ties;
use crate::syntax::Span;
use crate::syntax::{self, BinaryOp, CompareOp, Expr, ExprKind, GroupKind, Quantifier, UnaryOp};

use super::diagnostic::CheckError;
use super::expr::Ctx;
use super::program::*;
use crate::schema::FieldType;

/// The lint warnings for one criterion. `guarded` holds the inclusion
/// criteria, all of which an eligible patient meets: one that asks for an
/// element of a list rules the empty list out for the others.
pub(super) fn criterion(
    c: &syntax::Criterion,
    section: syntax::Section,
    cond: &Cond,
    ctx: &Ctx<'_>,
    guarded: &[&Expr],
) -> Vec<CheckError> {
    let mut found = Vec::new();
    gaps(&c.expr, cond, &c.id.node, ctx, &mut found);
    if section == syntax::Section::Inclusion {
        vacuous_all(&c.expr, guarded, true, &c.id.node, &mut found);
    }
    found
}

/// The values a band of one value admits: `lo` to `hi`, each end open
/// (excluded) or not.
#[derive(Clone, Copy, Debug)]
struct Band {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

impl Band {
    const ALL: Band = Band {
        lo: f64::NEG_INFINITY,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
    };

    /// The band narrowed by `value op v`; `None` for `!=`, which is no band.
    fn narrowed(self, op: CompareOp, v: f64) -> Option<Band> {
        let mut b = self;
        let raise = |b: &mut Band, v: f64, open: bool| {
            if v > b.lo || (v == b.lo && open) {
                (b.lo, b.lo_open) = (v, open);
            }
        };
        let lower = |b: &mut Band, v: f64, open: bool| {
            if v < b.hi || (v == b.hi && open) {
                (b.hi, b.hi_open) = (v, open);
            }
        };
        match op {
            CompareOp::Gt => raise(&mut b, v, true),
            CompareOp::Ge => raise(&mut b, v, false),
            CompareOp::Lt => lower(&mut b, v, true),
            CompareOp::Le => lower(&mut b, v, false),
            CompareOp::Eq => {
                raise(&mut b, v, false);
                lower(&mut b, v, false);
            }
            CompareOp::Ne => return None,
        }
        Some(b)
    }
}

/// The value a comparison bounds, as a key that is equal for equal values,
/// with its name for messages and whether it holds whole numbers only.
struct Bounded {
    key: String,
    name: String,
    integer: bool,
}

fn bounded(n: &Num, ctx: &Ctx<'_>) -> Option<Bounded> {
    let key = format!("{n:?}");
    match n {
        Num::Field { field, .. } if field.depth == 0 => {
            let f = ctx.schema.field(field.slot)?;
            let (name, integer) = match &f.ty {
                FieldType::Quantity { unit, .. } => (format!("`{}` (in `{unit}`)", f.name), false),
                FieldType::Integer { .. } => (format!("`{}`", f.name), true),
                _ => (format!("`{}`", f.name), false),
            };
            Some(Bounded { key, name, integer })
        }
        Num::Define { define, .. } => {
            let d = ctx.defines.get(define.0 as usize)?;
            let name = match &d.value {
                Value::Num(_, Some(unit)) => format!("`{}` (in `{unit}`)", d.name),
                _ => format!("`{}`", d.name),
            };
            Some(Bounded {
                key,
                name,
                integer: false,
            })
        }
        _ => None,
    }
}

/// A condition that only bounds one value (`x > 5`, `x between 1 and 2`,
/// `x >= 1 and x < 3`): the value and its band.
fn band_of(c: &Cond, ctx: &Ctx<'_>) -> Option<(Bounded, Band)> {
    let mut terms = Vec::new();
    c.operands(true, &mut terms);
    let mut value: Option<Bounded> = None;
    let mut band = Band::ALL;
    for term in terms {
        let Cond::CompareNum { op, lhs, rhs } = term else {
            return None;
        };
        let (leaf, op, v) = match (lhs, rhs) {
            (Num::Const(_), Num::Const(_)) => return None,
            (leaf, Num::Const(v)) => (leaf, *op, *v),
            (Num::Const(v), leaf) => (leaf, crate::semantics::flip(*op), *v),
            _ => return None,
        };
        let this = bounded(leaf, ctx)?;
        if value.as_ref().is_some_and(|b| b.key != this.key) {
            return None;
        }
        band = band.narrowed(op, v)?;
        value = Some(this);
    }
    value.map(|v| (v, band))
}

/// The operands of a run of `or` as written, in the order the checker's
/// `Cond::operands` gives them.
fn or_operands<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        ExprKind::Binary {
            op: BinaryOp::Or,
            lhs,
            rhs,
        } => {
            or_operands(lhs, out);
            or_operands(rhs, out);
        }
        _ => out.push(e),
    }
}

/// Looks for gaps between `or`-ed bands anywhere in a condition (outside
/// `where` clauses, whose values are another record's).
fn gaps(e: &Expr, c: &Cond, id: &str, ctx: &Ctx<'_>, found: &mut Vec<CheckError>) {
    match (&e.node, c) {
        (
            ExprKind::Binary {
                op: BinaryOp::Or, ..
            },
            Cond::Or(..),
        ) => {
            let mut written = Vec::new();
            or_operands(e, &mut written);
            let mut checked = Vec::new();
            c.operands(false, &mut checked);
            if written.len() != checked.len() {
                return;
            }
            if let Some(gap) = gap_in(&written, &checked, id, ctx) {
                found.push(gap);
            }
            for (w, c) in written.into_iter().zip(checked) {
                gaps(w, c, id, ctx, found);
            }
        }
        (ExprKind::Binary { lhs, rhs, .. }, Cond::And(a, b)) => {
            gaps(lhs, a, id, ctx, found);
            gaps(rhs, b, id, ctx, found);
        }
        (
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            },
            Cond::Not(inner),
        ) => gaps(operand, inner, id, ctx, found),
        (ExprKind::Group { items, .. }, Cond::Group { items: conds, .. })
            if items.len() == conds.len() =>
        {
            for (w, c) in items.iter().zip(conds) {
                gaps(w, c, id, ctx, found);
            }
        }
        _ => {}
    }
}

/// The first gap between the bands of one value among the operands of an
/// `or`, if it is no wider than the precision the bounds are written to.
fn gap_in(written: &[&Expr], checked: &[&Cond], id: &str, ctx: &Ctx<'_>) -> Option<CheckError> {
    let mut by_value: HashMap<String, (Bounded, Vec<(Band, Span)>)> = HashMap::new();
    let mut order = Vec::new();
    for (w, c) in written.iter().zip(checked) {
        let Some((value, band)) = band_of(c, ctx) else {
            continue;
        };
        let key = value.key.clone();
        if !by_value.contains_key(&key) {
            order.push(key.clone());
        }
        by_value
            .entry(key)
            .or_insert_with(|| (value, Vec::new()))
            .1
            .push((band, w.span));
    }
    order.into_iter().find_map(|key| {
        let (value, mut bands) = by_value.remove(&key)?;
        if bands.len() < 2 {
            return None;
        }
        bands.sort_by(|(a, _), (b, _)| a.lo.total_cmp(&b.lo).then(a.lo_open.cmp(&b.lo_open)));
        let mut iter = bands.into_iter();
        let (mut reach, mut reach_span) = iter.next()?;
        for (band, span) in iter {
            let touches = band.lo < reach.hi
                || (f64::ties(&band.lo, &reach.hi) && !(reach.hi_open && band.lo_open));
            if !touches && small_gap(&reach, &band, value.integer) {
                return Some(gap_warning(id, &value, &reach, &band, reach_span, span));
            }
            if band.hi > reach.hi || (band.hi == reach.hi && !band.hi_open) {
                (reach.hi, reach.hi_open, reach_span) = (band.hi, band.hi_open, span);
            }
        }
        None
    })
}

/// Whether the values between `low` (which ends first) and `high` are few
/// enough to be an oversight: the gap is no wider than the last written
/// digit of its ends (`<= 199` then `> 200`, `< 5` then `> 5`), and for
/// an integer value it holds an integer. A wide gap (`< 3.5 or > 5.5`) is
/// taken to be meant: a value outside a normal range.
fn small_gap(low: &Band, high: &Band, integer: bool) -> bool {
    let width = high.lo - low.hi;
    let step = precision(low.hi).max(precision(high.lo));
    if !(width.is_finite() && width <= step * (1.0 + 1e-9)) {
        return false;
    }
    if !integer {
        return true;
    }
    let first = if low.hi_open {
        low.hi.ceil()
    } else {
        low.hi.floor() + 1.0
    };
    first < high.lo || (first == high.lo && high.lo_open)
}

/// The place of the last significant digit of `v`: 1 for `199`, 0.1 for
/// `2.4`, read from `v` rounded to 12 significant digits so that a bound
/// converted from another unit (`199.00000000000003`) reads as written.
fn precision(v: f64) -> f64 {
    let text = number(v);
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    10f64.powi(-i32::try_from(decimals).unwrap_or(0))
}

/// A bound in words, to 12 significant digits.
fn number(v: f64) -> String {
    let text = format!("{:.*e}", 11, v);
    text.parse::<f64>().map_or(text, |r| r.to_string())
}

fn gap_warning(
    id: &str,
    value: &Bounded,
    low: &Band,
    high: &Band,
    low_span: Span,
    high_span: Span,
) -> CheckError {
    let (from, to) = (number(low.hi), number(high.lo));
    let gap = if low.hi_open && high.lo_open && f64::ties(&low.hi, &high.lo) {
        format!("= {from}")
    } else {
        let above = if low.hi_open { ">=" } else { ">" };
        let below = if high.lo_open { "<=" } else { "<" };
        format!("{above} {from} and {below} {to}")
    };
    let end = if high.lo_open { "<=" } else { "<" };
    CheckError::BandGap {
        id: id.to_owned(),
        what: value.name.clone(),
        gap,
        fix: format!("{end} {to}"),
        span: low_span,
        next: high_span,
    }
}

/// Looks for `all L where …` met where `positive` (under an even number of
/// `not`s and `none of`s), unless an inclusion criterion also asks for an
/// element of `L` (`any L where …`, `count L where …`), which rules the
/// empty list out.
fn vacuous_all(e: &Expr, whole: &[&Expr], positive: bool, id: &str, found: &mut Vec<CheckError>) {
    match &e.node {
        ExprKind::Binary {
            op: BinaryOp::And | BinaryOp::Or,
            lhs,
            rhs,
        } => {
            vacuous_all(lhs, whole, positive, id, found);
            vacuous_all(rhs, whole, positive, id, found);
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => vacuous_all(operand, whole, !positive, id, found),
        ExprKind::Group { kind, items } => {
            let positive = positive != (*kind == GroupKind::None);
            for item in items {
                vacuous_all(item, whole, positive, id, found);
            }
        }
        ExprKind::ListQuery {
            quantifier: Quantifier::All,
            list,
            ..
        } if positive && !whole.iter().any(|w| asks_for_element(w, &list.node)) => {
            found.push(CheckError::VacuousAll {
                id: id.to_owned(),
                list: list.node.clone(),
                span: e.span,
            });
        }
        _ => {}
    }
}

/// Whether `e` holds `any list where …` or `count list where …` outside
/// `where` clauses.
fn asks_for_element(e: &Expr, list: &str) -> bool {
    match &e.node {
        ExprKind::ListQuery {
            quantifier: Quantifier::Any | Quantifier::Count,
            list: l,
            ..
        } => l.node == list,
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
            asks_for_element(lhs, list) || asks_for_element(rhs, list)
        }
        ExprKind::Unary { operand, .. } => asks_for_element(operand, list),
        ExprKind::Group { items, .. } => items.iter().any(|i| asks_for_element(i, list)),
        _ => false,
    }
}
