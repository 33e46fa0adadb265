//! Lowering the forms that choose or compute a value: `if … then … else`,
//! `first known of (…)` and calls (`min(a, b)`, `bmi(weight, height)`).

use pest::iterators::Pair;

use super::{Result, Rule, internal, lower_expr, span_of};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::Spanned;

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
    let args = args
        .into_inner()
        .filter(|p| p.as_rule() == Rule::expr)
        .map(lower_expr)
        .collect::<Result<Vec<Expr>>>()?;
    Ok(Spanned::new(
        ExprKind::Call {
            name: Spanned::new(name, callee.span),
            args,
        },
        span,
    ))
}
