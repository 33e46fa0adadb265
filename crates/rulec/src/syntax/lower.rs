//! Lowering pest's parse tree into the owned syntax tree.
//!
//! This is the only module that sees pest's `Pair`s and `Rule`s. The grammar
//! guarantees the shape of every pair it hands over; where this code still
//! has to cope with a shape it does not expect, it reports an internal
//! syntax error instead of panicking.

use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::diagnose::from_pest;
use super::error::SyntaxError;
use super::span::{Name, Span, Spanned};
use super::{MAX_DEPTH, MAX_NESTING};

mod choose;
mod criteria;
mod example;
mod fhir;

mod grammar {
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/rules.pest"]
    pub(crate) struct RuleParser;
}

pub(crate) use grammar::Rule;
use grammar::RuleParser;

type Result<T> = std::result::Result<T, SyntaxError>;

/// Parses a whole rule file.
pub(crate) fn parse_file(source: &str) -> Result<RuleFile> {
    let mut pairs = RuleParser::parse(Rule::file, source).map_err(|e| from_pest(source, &e))?;
    check_nesting(pairs.clone())?;
    let file = pairs.next().ok_or_else(|| internal(Span::default()))?;
    let mut items = Vec::new();
    for pair in file.into_inner() {
        let item = match pair.as_rule() {
            Rule::trial => Item::Trial(lower_trial(pair)?),
            Rule::use_item => {
                let span = span_of(&pair);
                let path = lower_string(first(pair, Rule::string)?)?;
                Item::Use(Use { path, span })
            }
            Rule::fields_block => {
                let span = span_of(&pair);
                let fields = lower_field_decls(pair.into_inner())?;
                Item::Fields(FieldsBlock { fields, span })
            }
            Rule::define => Item::Define(lower_define(pair)?),
            Rule::inclusion => Item::Criteria(criteria::lower_block(pair, Section::Inclusion)?),
            Rule::exclusion => Item::Criteria(criteria::lower_block(pair, Section::Exclusion)?),
            Rule::fhir_block => Item::Fhir(fhir::lower_fhir(pair)?),
            Rule::example => Item::Example(Box::new(example::lower_example(pair)?)),
            Rule::cohort => Item::Cohort(criteria::lower_cohort(pair)?),
            _ => continue,
        };
        items.push(item);
    }
    Ok(RuleFile { items })
}

/// Parses a single expression (the whole input must be one expression).
pub(crate) fn parse_expr(source: &str) -> Result<Expr> {
    let mut pairs =
        RuleParser::parse(Rule::expr_only, source).map_err(|e| from_pest(source, &e))?;
    check_nesting(pairs.clone())?;
    let whole = pairs.next().ok_or_else(|| internal(Span::default()))?;
    lower_expr(first(whole, Rule::expr)?)
}

/// The span of a pair without the whitespace and comments pest lets a
/// non-atomic rule swallow after its last token: the end of its last
/// descendant token.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    let mut last = pair.clone();
    // `next_back` steps straight to the last child; `last()` would walk
    // every child at every level, and this runs for every node. (Not
    // `Pair::tokens`, which in a debug build checks every token of the
    // file each time: quadratic.) A pair that cannot end in whitespace
    // ends where its last token does: no need to go further down.
    while !ends_tight(last.as_rule()) {
        let Some(child) = last.clone().into_inner().next_back() else {
            break;
        };
        last = child;
    }
    Span::new(start, last.as_span().end().max(start))
}

/// Whether a pair of this rule ends with its last token, never with the
/// whitespace pest skips after it: the atomic rules (no whitespace inside)
/// and those that end with a token they cannot do without. Most spans end
/// in one of these, so [`span_of`] stops there.
fn ends_tight(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::ident
            | Rule::member
            | Rule::string
            | Rule::number
            | Rule::literal
            | Rule::unit
            | Rule::cmp_op
            | Rule::member_set
            | Rule::paren
            | Rule::colon
            | Rule::rparen
            | Rule::rbrace
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_index
            | Rule::kw_not
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_known
            | Rule::kw_missing
            | Rule::neg
    )
}

/// Refuses expressions nested more deeply than [`MAX_NESTING`], or whose
/// tree would be deeper than [`MAX_DEPTH`], measured without recursion so
/// that hostile input cannot exhaust the stack here, in the lowering, in
/// dropping the tree, or in any later pass that walks it recursively.
///
/// A criterion's or define's own expression is level 0, so the nesting is
/// the one an author sees: `x` inside 64 pairs of parentheses is 64
/// levels, accepted; inside 65 it is refused, and the message says "more
/// than 64".
///
/// The tree depth is what recursion follows, counted in operators one
/// inside another: a run of `k` binary operators (`a and b and …`,
/// `1 + 2 + …`) is a chain `k` nodes deep, whatever the parentheses, so it
/// counts `k`; a test (`x > 1`), group, list query, date difference, `not`
/// or unary `-` counts one; parentheses and operands count nothing.
fn check_nesting(pairs: Pairs<'_, Rule>) -> Result<()> {
    // (pair, nesting, tree depth). The outermost `expr` adds one to the
    // nesting below: starting one lower makes it 0.
    let mut stack: Vec<(Pair<'_, Rule>, isize, usize)> = pairs.map(|p| (p, -1, 0)).collect();
    // A node's children with their runs of prefix operators, held until
    // the node's operators are counted: one walk over the children, not
    // one to count and another to descend.
    let mut children: Vec<(Pair<'_, Rule>, isize)> = Vec::new();
    while let Some((pair, depth, tree)) = stack.pop() {
        let rule = pair.as_rule();
        let depth = depth + isize::from(matches!(rule, Rule::expr | Rule::example_list));
        let mut operators = usize::from(matches!(
            rule,
            Rule::group | Rule::list_query | Rule::date_diff
        ));
        let mut prefix_run = 0;
        children.clear();
        for child in pair.into_inner() {
            let child_rule = child.as_rule();
            operators += usize::from(match rule {
                Rule::expr => matches!(child_rule, Rule::kw_and | Rule::kw_or),
                Rule::sum => {
                    matches!(child_rule, Rule::add | Rule::sub | Rule::mul | Rule::div)
                }
                _ => false,
            });
            // Chains of `not` and unary minus nest in the tree as deeply as
            // parentheses do.
            if matches!(child_rule, Rule::kw_not | Rule::neg) {
                prefix_run += 1;
            } else {
                prefix_run = 0;
            }
            children.push((child, prefix_run));
        }
        if rule == Rule::comparison {
            // A value and its test.
            operators = usize::from(children.len() > 1);
        }
        let tree = tree + operators;
        for (child, prefix_run) in children.drain(..) {
            let child_depth = depth + prefix_run;
            if usize::try_from(child_depth).is_ok_and(|d| d > MAX_NESTING) {
                return Err(SyntaxError::TooDeep {
                    limit: MAX_NESTING,
                    span: span_of(&child),
                });
            }
            let child_tree = tree + prefix_run as usize;
            if child_tree > MAX_DEPTH {
                return Err(SyntaxError::TooComplex {
                    limit: MAX_DEPTH,
                    span: span_of(&child),
                });
            }
            if !has_no_nesting(child.as_rule()) {
                stack.push((child, child_depth, child_tree));
            }
        }
    }
    Ok(())
}

/// Whether nothing inside a pair of this rule nests or adds to the tree's
/// depth: its descendants sit as deep as it does, which has been checked,
/// so [`check_nesting`] need not walk them. (A `plausible` end's minus is
/// one level at most, outside any expression.) Tokens with nothing inside
/// are listed too: walking one costs as much as walking a node.
fn has_no_nesting(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::literal
            | Rule::string
            | Rule::label
            | Rule::ident
            | Rule::member_set
            | Rule::cmp_op
            | Rule::date_unit
            | Rule::trial
            | Rule::use_item
            | Rule::fields_block
            | Rule::colon
            | Rule::comma
            | Rule::lparen
            | Rule::rparen
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::neg
            | Rule::add
            | Rule::sub
            | Rule::mul
            | Rule::div
    )
}

fn internal(span: Span) -> SyntaxError {
    SyntaxError::Internal { span }
}

fn first(pair: Pair<'_, Rule>, rule: Rule) -> Result<Pair<'_, Rule>> {
    pair.clone()
        .into_inner()
        .find(|p| p.as_rule() == rule)
        .ok_or_else(|| internal(span_of(&pair)))
}

fn lower_trial(pair: Pair<'_, Rule>) -> Result<Trial> {
    let span = span_of(&pair);
    let mut strings = pair.into_inner().filter(|p| p.as_rule() == Rule::string);
    let id = lower_string(strings.next().ok_or_else(|| internal(span))?)?;
    let title = strings.next().map(lower_string).transpose()?;
    Ok(Trial { id, title, span })
}

fn lower_string(pair: Pair<'_, Rule>) -> Result<Spanned<String>> {
    let span = span_of(&pair);
    let inner = first(pair, Rule::string_inner)?;
    Ok(Spanned::new(unescape(inner.as_str()), span))
}

/// Resolves `\"` and `\\`; any other backslash stays as written, so a
/// Windows path or a stray backslash in a label is kept, not an error.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next @ ('"' | '\\')) => out.push(next),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn name(pair: &Pair<'_, Rule>) -> Name {
    Spanned::new(pair.as_str().to_owned(), span_of(pair))
}

/// A unit as written, with a run of spaces inside it (`1.73  m2`) read as
/// one, so that spacing never changes the tree.
fn unit_name(pair: &Pair<'_, Rule>) -> Name {
    let text = pair
        .as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Spanned::new(text, span_of(pair))
}

fn lower_field_decls(pairs: Pairs<'_, Rule>) -> Result<Vec<FieldDecl>> {
    pairs
        .filter(|p| p.as_rule() == Rule::field_decl)
        .map(lower_field_decl)
        .collect()
}

fn lower_field_decl(pair: Pair<'_, Rule>) -> Result<FieldDecl> {
    let span: Span = span_of(&pair);
    let mut inner = pair.into_inner();
    let field_name = name(&inner.next().ok_or_else(|| internal(span))?);
    let ty_pair = inner
        .find(|p| p.as_rule() != Rule::colon)
        .ok_or_else(|| internal(span))?;
    let ty_span = span_of(&ty_pair);
    let ty = match ty_pair.as_rule() {
        Rule::bool_type => Type::Bool,
        Rule::number_type => Type::Number,
        Rule::date_type => Type::Date,
        Rule::text_type => Type::Text,
        Rule::integer_type => {
            let range = match ty_pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::integer_range)
            {
                None => None,
                Some(range) => {
                    let mut ends = range
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::signed_int);
                    let lo = lower_int(ends.next().ok_or_else(|| internal(ty_span))?)?;
                    let hi = lower_int(ends.next().ok_or_else(|| internal(ty_span))?)?;
                    Some((lo, hi))
                }
            };
            Type::Integer { range }
        }
        Rule::one_of_type => Type::OneOf(lower_members(first(ty_pair, Rule::member_set)?)),
        Rule::set_of_type => Type::SetOf(lower_members(first(ty_pair, Rule::member_set)?)),
        Rule::ordered_type => Type::Ordered(lower_members(first(ty_pair, Rule::member_set)?)),
        Rule::list_of_type => Type::ListOf(lower_field_decls(ty_pair.into_inner())?),
        Rule::quantity_type => {
            let mut unit = None;
            let mut normal_range = false;
            let mut molar_mass = None;
            let mut scale = None;
            let mut plausible = None;
            for part in ty_pair.into_inner() {
                // Each option at most once.
                let again = match part.as_rule() {
                    Rule::normal_range => normal_range.then_some("with normal range"),
                    Rule::molar_mass => molar_mass.is_some().then_some("molar mass"),
                    Rule::scale => scale.is_some().then_some("scale"),
                    Rule::plausible => plausible.is_some().then_some("plausible"),
                    _ => None,
                };
                if let Some(option) = again {
                    return Err(SyntaxError::DuplicateOption {
                        option,
                        span: span_of(&part),
                    });
                }
                match part.as_rule() {
                    Rule::scale => scale = Some(Box::new(lower_scale(part)?)),
                    Rule::plausible => plausible = Some(Box::new(lower_plausible(part)?)),
                    Rule::unit => unit = Some(unit_name(&part)),
                    Rule::normal_range => normal_range = true,
                    Rule::molar_mass => {
                        let lit = first(part, Rule::literal)?;
                        let lit_span = span_of(&lit);
                        match lower_literal(lit)?.node {
                            ExprKind::Quantity(q) => molar_mass = Some(Spanned::new(q, lit_span)),
                            _ => {
                                return Err(SyntaxError::Expected {
                                    expected: "a molar mass with its unit, such as `113.12 g/mol`"
                                        .into(),
                                    found: "a number without a unit".into(),
                                    span: lit_span,
                                    help: None,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            let unit = unit.ok_or_else(|| internal(ty_span))?;
            Type::Quantity(QuantityType {
                unit,
                normal_range,
                molar_mass,
                scale,
                plausible,
            })
        }
        _ => return Err(internal(ty_span)),
    };
    Ok(FieldDecl {
        name: field_name,
        ty: Spanned::new(ty, ty_span),
    })
}

/// `scale mmol/mol as 0.09148 x + 2.152`.
fn lower_scale(pair: Pair<'_, Rule>) -> Result<Spanned<Scale>> {
    let span = span_of(&pair);
    let mut unit = None;
    let mut slope = None;
    let mut negative = false;
    let mut intercept = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::unit => unit = Some(unit_name(&part)),
            Rule::scale_slope => slope = Some(number_of(part.as_str())),
            Rule::scale_sign => negative = part.as_str() == "-",
            Rule::number => {
                let text = number_of(part.as_str()).0;
                intercept = Some(Number(if negative { format!("-{text}") } else { text }));
            }
            _ => {}
        }
    }
    let scale = Scale {
        unit: unit.ok_or_else(|| internal(span))?,
        slope: slope.ok_or_else(|| internal(span))?,
        intercept,
    };
    Ok(Spanned::new(scale, span))
}

/// The two ends of `plausible L..H`, or of a binding's `normal range L..H`.
fn lower_plausible(pair: Pair<'_, Rule>) -> Result<Spanned<Plausible>> {
    let span = span_of(&pair);
    let mut ends = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::plausible_end)
        .map(|end| {
            let span = span_of(&end);
            let mut parts = end.into_inner();
            let first = parts.next().ok_or_else(|| internal(span))?;
            if first.as_rule() == Rule::neg {
                let operand = lower_literal(parts.next().ok_or_else(|| internal(span))?)?;
                Ok(unary(UnaryOp::Neg, span_of(&first), operand))
            } else {
                lower_literal(first)
            }
        });
    let low = ends.next().ok_or_else(|| internal(span))??;
    let high = ends.next().ok_or_else(|| internal(span))??;
    Ok(Spanned::new(Plausible { low, high }, span))
}

/// A number as written, but a power of ten (`10^-3`) in the `1e-3` form
/// every later stage reads.
fn number_of(text: &str) -> Number {
    match text.strip_prefix("10^") {
        Some(exponent) => Number(format!("1e{exponent}")),
        None => Number(text.to_owned()),
    }
}

fn lower_int(pair: Pair<'_, Rule>) -> Result<Spanned<i64>> {
    let span = span_of(&pair);
    let value = pair
        .as_str()
        .parse::<i64>()
        .map_err(|_| SyntaxError::NumberOutOfRange { span })?;
    Ok(Spanned::new(value, span))
}

fn lower_members(set: Pair<'_, Rule>) -> Vec<Name> {
    set.into_inner()
        .filter(|p| p.as_rule() == Rule::member)
        .map(|p| name(&p))
        .collect()
}

fn lower_define(pair: Pair<'_, Rule>) -> Result<Define> {
    let span: Span = span_of(&pair);
    let mut name_pair = None;
    let mut unit = None;
    let mut expr = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => name_pair = Some(name(&part)),
            Rule::define_unit => unit = Some(unit_name(&first(part, Rule::unit)?)),
            Rule::expr => expr = Some(lower_expr(part)?),
            _ => {}
        }
    }
    Ok(Define {
        name: name_pair.ok_or_else(|| internal(span))?,
        unit,
        expr: expr.ok_or_else(|| internal(span))?,
        span,
    })
}

// ─── Expressions ────────────────────────────────────────────────────────

static LOGIC: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::kw_or, Assoc::Left))
        .op(Op::infix(Rule::kw_and, Assoc::Left))
        .op(Op::prefix(Rule::kw_not))
});

static ARITH: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::infix(Rule::pow, Assoc::Right))
        .op(Op::postfix(Rule::call_args))
});

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.join(rhs.span);
    Spanned::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

fn unary(op: UnaryOp, op_span: Span, operand: Expr) -> Expr {
    let span = op_span.join(operand.span);
    Spanned::new(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
    )
}

fn lower_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    LOGIC
        .map_primary(lower_comparison)
        .map_prefix(|op, rhs| Ok(unary(UnaryOp::Not, op.as_span().into(), rhs?)))
        .map_infix(|lhs, op, rhs| {
            let op = if op.as_rule() == Rule::kw_or {
                BinaryOp::Or
            } else {
                BinaryOp::And
            };
            Ok(binary(op, lhs?, rhs?))
        })
        .parse(pair.into_inner())
}

fn lower_sum(pair: Pair<'_, Rule>) -> Result<Expr> {
    ARITH
        .map_primary(lower_primary)
        .map_prefix(|op, rhs| Ok(unary(UnaryOp::Neg, op.as_span().into(), rhs?)))
        .map_postfix(|callee, args| choose::call(callee?, args))
        .map_infix(|lhs, op, rhs| {
            let op = match op.as_rule() {
                Rule::add => BinaryOp::Add,
                Rule::sub => BinaryOp::Sub,
                Rule::mul => BinaryOp::Mul,
                Rule::pow => BinaryOp::Pow,
                _ => BinaryOp::Div,
            };
            Ok(binary(op, lhs?, rhs?))
        })
        .parse(pair.into_inner())
}

/// The sums inside a test pair, in order.
fn sums(pair: Pair<'_, Rule>) -> Result<Vec<Expr>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::sum)
        .map(lower_sum)
        .collect()
}

fn boxed_pair(span: Span, mut exprs: Vec<Expr>) -> Result<(Box<Expr>, Box<Expr>)> {
    let second = exprs.pop().ok_or_else(|| internal(span))?;
    let first = exprs.pop().ok_or_else(|| internal(span))?;
    Ok((Box::new(first), Box::new(second)))
}

fn lower_comparison(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span: Span = span_of(&pair);
    let mut inner = pair.into_inner();
    let value = lower_sum(inner.next().ok_or_else(|| internal(span))?)?;
    let Some(test) = inner.next() else {
        return Ok(value);
    };
    let value = Box::new(value);
    let test_span: Span = span_of(&test);
    let kind = match test.as_rule() {
        Rule::compare => {
            let op_pair = first(test.clone(), Rule::cmp_op)?;
            let op = match op_pair.as_str() {
                "<" => CompareOp::Lt,
                "<=" | "≤" => CompareOp::Le,
                ">" => CompareOp::Gt,
                ">=" | "≥" => CompareOp::Ge,
                "=" => CompareOp::Eq,
                _ => CompareOp::Ne,
            };
            let rhs = sums(test)?.pop().ok_or_else(|| internal(test_span))?;
            ExprKind::Compare {
                op,
                lhs: value,
                rhs: Box::new(rhs),
            }
        }
        Rule::between => {
            let (low, high) = boxed_pair(test_span, sums(test)?)?;
            ExprKind::Between { value, low, high }
        }
        Rule::within => {
            let direction = if test
                .clone()
                .into_inner()
                .any(|p| p.as_rule() == Rule::kw_after)
            {
                Direction::After
            } else {
                Direction::Before
            };
            let (window, anchor) = boxed_pair(test_span, sums(test)?)?;
            ExprKind::Within {
                subject: value,
                window,
                direction,
                anchor,
            }
        }
        Rule::has_one | Rule::has_any | Rule::has_all | Rule::in_set => {
            let test_kind = match test.as_rule() {
                Rule::has_one => MemberTest::Has,
                Rule::has_any => MemberTest::HasAny,
                Rule::has_all => MemberTest::HasAll,
                _ => MemberTest::In,
            };
            let members = if test_kind == MemberTest::Has {
                vec![name(&first(test, Rule::member)?)]
            } else {
                lower_members(first(test, Rule::member_set)?)
            };
            ExprKind::Member {
                test: test_kind,
                subject: value,
                members,
            }
        }
        Rule::is_known => ExprKind::Known {
            subject: value,
            known: true,
        },
        Rule::is_missing => ExprKind::Known {
            subject: value,
            known: false,
        },
        _ => return Err(internal(test_span)),
    };
    Ok(Spanned::new(kind, span))
}

fn lower_primary(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span: Span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::paren => {
            // The parentheses belong to the operand: a span built from it
            // (`(a or b) and c`) must cover whole tokens.
            let inner = lower_expr(first(pair, Rule::expr)?)?;
            return Ok(Spanned::new(inner.node, span));
        }
        Rule::literal => return lower_literal(pair),
        Rule::string => ExprKind::Text(lower_string(pair)?.node),
        Rule::kw_true => ExprKind::Bool(true),
        Rule::kw_false => ExprKind::Bool(false),
        Rule::kw_index => ExprKind::Index,
        Rule::ident => ExprKind::Name(pair.as_str().to_owned()),
        Rule::group => {
            let mut inner = pair.into_inner();
            let kind_pair = inner.next().ok_or_else(|| internal(span))?;
            let kind = match kind_pair.as_rule() {
                Rule::any_of => GroupKind::Any,
                Rule::all_of => GroupKind::All,
                Rule::none_of => GroupKind::None,
                _ => {
                    let n = first(kind_pair, Rule::count_int)?;
                    let n_span = span_of(&n);
                    let n = n
                        .as_str()
                        .parse::<u32>()
                        .map_err(|_| SyntaxError::NumberOutOfRange { span: n_span })?;
                    GroupKind::AtLeast(n)
                }
            };
            let items = inner
                .filter(|p| p.as_rule() == Rule::expr)
                .map(lower_expr)
                .collect::<Result<_>>()?;
            ExprKind::Group { kind, items }
        }
        Rule::list_query => {
            let mut inner = pair.into_inner();
            let quantifier = match inner.next().map(|p| p.as_rule()) {
                Some(Rule::kw_any) => Quantifier::Any,
                Some(Rule::kw_all) => Quantifier::All,
                Some(Rule::kw_no) => Quantifier::No,
                _ => Quantifier::Count,
            };
            let list = name(&inner.next().ok_or_else(|| internal(span))?);
            let condition = inner
                .find(|p| p.as_rule() == Rule::expr)
                .ok_or_else(|| internal(span))?;
            ExprKind::ListQuery {
                quantifier,
                list,
                condition: Box::new(lower_expr(condition)?),
            }
        }
        Rule::if_expr | Rule::first_known => return choose::lower(pair),
        Rule::date_diff => {
            let unit = match first(pair.clone(), Rule::date_unit)?.as_str() {
                "years" => CalendarUnit::Years,
                "months" => CalendarUnit::Months,
                "weeks" => CalendarUnit::Weeks,
                "hours" => CalendarUnit::Hours,
                _ => CalendarUnit::Days,
            };
            let (from, to) = boxed_pair(span, sums(pair)?)?;
            ExprKind::DateDiff { unit, from, to }
        }
        _ => return Err(internal(span)),
    };
    Ok(Spanned::new(kind, span))
}

fn lower_literal(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span: Span = span_of(&pair);
    let mut inner = pair.into_inner();
    let number_pair = inner.next().ok_or_else(|| internal(span))?;
    let number_end = span_of(&number_pair).end;
    let number = number_of(number_pair.as_str());
    let kind = match inner.next() {
        None => ExprKind::Number(number),
        Some(suffix) => match suffix.as_rule() {
            Rule::unit => {
                let unit = unit_name(&suffix);
                ExprKind::Quantity(Quantity {
                    tight: unit.span.start == number_end,
                    value: number,
                    unit,
                })
            }
            Rule::uln_multiple => {
                let limit = if suffix.into_inner().any(|p| p.as_rule() == Rule::kw_lln) {
                    Limit::Lower
                } else {
                    Limit::Upper
                };
                ExprKind::Multiple {
                    factor: number,
                    limit,
                }
            }
            _ => return Err(internal(span)),
        },
    };
    Ok(Spanned::new(kind, span))
}
