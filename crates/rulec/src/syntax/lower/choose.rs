//! Lowering the forms that choose or compute a value: `if … then … else`,
//! `first known of (…)` and calls (`min(a, b)`, `bmi(weight, height)`).

use pest::iterators::Pair;

use super::{Result, Rule, internal, lower_expr, lower_sum, span_of};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::{Name, Span, Spanned};

/// `if c then a else b` or `first known of (a, b, …)`.
pub(super) fn lower(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut exprs = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::expr)
        .map(lower_expr)
        .collect::<Result<Vec<Expr>>>()?;
    let kind = if rule == Rule::if_expr {
        let otherwise = exprs.pop().ok_or_else(|| internal(span))?;
        let then = exprs.pop().ok_or_else(|| internal(span))?;
        let cond = exprs.pop().ok_or_else(|| internal(span))?;
        ExprKind::If {
            cond: Box::new(cond),
            then: Box::new(then),
            otherwise: Box::new(otherwise),
        }
    } else {
        ExprKind::FirstKnown(exprs)
    };
    Ok(Spanned::new(kind, span))
}

/// A call: the operand before the arguments must be a name, the
/// function's.
pub(super) fn call(callee: Expr, args: Pair<'_, Rule>) -> Result<Expr> {
    let span = callee.span.join(span_of(&args));
    let ExprKind::Name(name) = callee.node else {
        return Err(SyntaxError::Expected {
            expected: "an operator or the end of the expression".to_owned(),
            found: "`(`".to_owned(),
            span: span_of(&args),
            help: Some(
                "only a function's name takes arguments, as in `min(a, b)`; write `*` to multiply"
                    .to_owned(),
            ),
        });
    };
    let name = Spanned::new(name, callee.span);
    if let Some(over) = args
        .clone()
        .into_inner()
        .find(|p| p.as_rule() == Rule::over_list)
    {
        return over_list(name, over, span);
    }
    let args = args
        .into_inner()
        .filter(|p| p.as_rule() == Rule::expr)
        .map(lower_expr)
        .collect::<Result<Vec<Expr>>>()?;
    Ok(Spanned::new(ExprKind::Call { name, args }, span))
}

/// `mean(value of L where c)`.
fn over_list(name: Name, over: Pair<'_, Rule>, span: Span) -> Result<Expr> {
    let at = span_of(&over);
    let mut value = None;
    let mut names = Vec::new();
    let mut condition = None;
    for part in over.into_inner() {
        match part.as_rule() {
            Rule::sum => value = Some(lower_sum(part)?),
            Rule::ident => names.push(super::name(&part)),
            Rule::expr => condition = Some(lower_expr(part)?),
            _ => {}
        }
    }
    let list = names.pop().ok_or_else(|| internal(at))?;
    let by = names.pop();
    Ok(Spanned::new(
        ExprKind::Aggregate(Box::new(Aggregate {
            name,
            value: value.ok_or_else(|| internal(at))?,
            by,
            list,
            condition,
        })),
        span,
    ))
}
