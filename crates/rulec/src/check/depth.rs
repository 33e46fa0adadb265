//! Limits a rule file could otherwise drive past the stack or the screen:
//! how deep a criterion's tree is with every define it uses written out in
//! place, and how long a name is.
//!
//! The checker, the compiled closures, the reference evaluator and the
//! explainer all recurse down an expression and into the defines it names.
//! The parser bounds one expression ([`crate::syntax::MAX_DEPTH`]); a chain
//! of defines, each short, can still be 20,000 deep. The depth through
//! defines is measured here without recursion, before the checker walks a
//! single define, and a define or criterion past the limit is refused:
//! nothing after the checker then ever sees it.

use std::collections::{HashMap, HashSet};

use crate::syntax::{Criterion, Define, Expr, ExprKind, MAX_DEPTH, MAX_NAME_LEN, Name};

use super::diagnostic::CheckError;

/// How many names of a chain an error spells out: the first ones and the
/// last ones, with the count of those between.
const CHAIN_SHOWN: usize = 4;

/// An expression's operator depth and the names in it, each with the
/// depth it is named at.
type Walked<'a> = (usize, Vec<(&'a str, usize)>);

/// The operator depth of `expr` (operators one inside another, operands
/// not counted) and the defines it names, each with the depth it is named
/// at. Names that are not defines are kept too; the caller looks them up.
fn walk(expr: &Expr) -> Walked<'_> {
    let mut height = 0;
    let mut names = Vec::new();
    let mut stack = vec![(expr, 0)];
    while let Some((e, level)) = stack.pop() {
        let children: Vec<&Expr> = match &e.node {
            ExprKind::Number(_)
            | ExprKind::Quantity(_)
            | ExprKind::Multiple { .. }
            | ExprKind::Bool(_)
            | ExprKind::Text(_)
            | ExprKind::Index => Vec::new(),
            ExprKind::Name(name) => {
                names.push((name.as_str(), level));
                Vec::new()
            }
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
                vec![lhs, rhs]
            }
            ExprKind::Between { value, low, high } => vec![value, low, high],
            ExprKind::Member { subject, .. } | ExprKind::Known { subject, .. } => {
                vec![subject]
            }
            ExprKind::Within {
                subject,
                window,
                anchor,
                ..
            } => vec![subject, window, anchor],
            ExprKind::Group { items, .. }
            | ExprKind::FirstKnown(items)
            | ExprKind::Call { args: items, .. } => items.iter().collect(),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            ExprKind::Aggregate(a) => std::iter::once(&a.value)
                .chain(a.condition.as_ref())
                .collect(),
            ExprKind::ListQuery { condition, .. } => vec![condition],
            ExprKind::DateDiff { from, to, .. } => vec![from, to],
        };
        if !children.is_empty() {
            height = height.max(level + 1);
        }
        stack.extend(children.into_iter().map(|c| (c, level + 1)));
    }
    (height, names)
}

/// Each define's depth with the defines it names written out in place,
/// and the define its deepest path goes through.
///
/// Naming a define costs one level besides where it is named (evaluating
/// it is a call). A define met again while its own depth is being worked
/// out (a circle, which the checker reports) counts as that one level, so
/// every define gets a finite depth and a circle of 20,000 is as deep as a
/// chain of 20,000.
fn define_depths<'a>(
    defines: &HashMap<&'a str, &'a Define>,
    order: &[&'a str],
) -> HashMap<&'a str, (usize, Option<&'a str>)> {
    let walked: HashMap<&str, Walked<'_>> = defines
        .iter()
        .map(|(name, d)| (*name, walk(&d.expr)))
        .collect();
    let mut depths: HashMap<&str, (usize, Option<&str>)> = HashMap::new();
    let mut open: HashSet<&str> = HashSet::new();
    for &root in order {
        let mut stack = vec![root];
        while let Some(&name) = stack.last() {
            if depths.contains_key(name) {
                stack.pop();
                continue;
            }
            let Some((height, names)) = walked.get(name) else {
                stack.pop();
                continue;
            };
            let pending: Vec<&str> = names
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| walked.contains_key(n) && !depths.contains_key(n) && !open.contains(n))
                .collect();
            if open.insert(name) && !pending.is_empty() {
                stack.extend(pending);
                continue;
            }
            let mut deepest = (*height, None);
            for &(used, level) in names {
                if !walked.contains_key(used) {
                    continue;
                }
                let below = depths.get(used).map_or(0, |(d, _)| *d);
                let through = level + 1 + below;
                if through > deepest.0 {
                    deepest = (through, Some(used));
                }
            }
            depths.insert(name, deepest);
            open.remove(name);
            stack.pop();
        }
    }
    depths
}

/// `a → b → c`, long chains shortened to their ends.
fn spell_chain(names: &[&str]) -> String {
    if names.len() <= 2 * CHAIN_SHOWN + 1 {
        return names.join(" → ");
    }
    let head = names.get(..CHAIN_SHOWN).unwrap_or_default().join(" → ");
    let tail = names
        .get(names.len() - CHAIN_SHOWN..)
        .unwrap_or_default()
        .join(" → ");
    let between = names.len() - 2 * CHAIN_SHOWN;
    format!("{head} → … ({between} more) … → {tail}")
}

/// What the depth check leaves for the checker.
pub(super) struct DepthCheck<'a> {
    /// Defines past the limit: the checker treats them as failed, so it
    /// never walks down their chains.
    pub(super) too_deep: HashSet<&'a str>,
    /// Criteria past the limit, by id span start: not checked further.
    pub(super) criteria: HashSet<u32>,
}

/// Refuses defines and criteria deeper than [`MAX_DEPTH`] with their
/// defines written out, each error at the define or criterion where the
/// chain first passes the limit (those built on it are refused without a
/// word more).
pub(super) fn check_depth<'a>(
    defines: &HashMap<&'a str, &'a Define>,
    order: &[&'a str],
    criteria: &[&'a Criterion],
    diagnostics: &mut Vec<CheckError>,
) -> DepthCheck<'a> {
    let depths = define_depths(defines, order);
    let depth_of = |n: &str| depths.get(n).map_or(0, |(d, _)| *d);
    let chain_from = |first: &'a str| {
        let mut chain = vec![first];
        let mut at = first;
        while let Some((_, Some(next))) = depths.get(at) {
            // Depths fall strictly along `via`, so this ends; the bound is
            // for a bug's sake.
            if chain.len() > depths.len() {
                break;
            }
            chain.push(*next);
            at = *next;
        }
        chain
    };
    let too_deep: HashSet<&str> = order
        .iter()
        .copied()
        .filter(|n| depth_of(n) > MAX_DEPTH)
        .collect();
    for &name in order {
        let Some(define) = defines.get(name) else {
            continue;
        };
        let Some((depth, Some(via))) = depths.get(name) else {
            continue;
        };
        // Report where the limit is first passed, not every define above.
        if *depth <= MAX_DEPTH || too_deep.contains(via) {
            continue;
        }
        let chain = chain_from(name);
        diagnostics.push(CheckError::TooDeep {
            what: format!("define `{name}`"),
            depth: *depth,
            limit: MAX_DEPTH,
            count: chain.len(),
            chain: spell_chain(&chain),
            span: define.name.span,
        });
    }
    let mut refused = HashSet::new();
    for criterion in criteria {
        let (height, names) = walk(&criterion.expr);
        let mut deepest = (height, None);
        for &(used, level) in &names {
            if defines.contains_key(used) {
                let through = level + 1 + depth_of(used);
                if through > deepest.0 {
                    deepest = (through, Some(used));
                }
            }
        }
        if deepest.0 <= MAX_DEPTH {
            continue;
        }
        refused.insert(criterion.id.span.start);
        let Some(via) = deepest.1 else {
            continue;
        };
        if too_deep.contains(via) {
            continue;
        }
        let mut chain = vec![criterion.id.node.as_str()];
        chain.extend(chain_from(via));
        diagnostics.push(CheckError::TooDeep {
            what: format!("criterion `{}`", criterion.id.node),
            depth: deepest.0,
            limit: MAX_DEPTH,
            count: chain.len() - 1,
            chain: spell_chain(&chain),
            span: criterion.id.span,
        });
    }
    DepthCheck {
        too_deep,
        criteria: refused,
    }
}

/// Refuses a name longer than [`MAX_NAME_LEN`] bytes.
pub(super) fn check_name(what: &'static str, name: &Name, diagnostics: &mut Vec<CheckError>) {
    if name.node.len() > MAX_NAME_LEN {
        // The name itself is not repeated: it may be megabytes.
        let start: String = name.node.chars().take(20).collect();
        diagnostics.push(CheckError::NameTooLong {
            what,
            start,
            length: name.node.len(),
            limit: MAX_NAME_LEN,
            span: name.span,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_chains_are_shortened() {
        let names: Vec<String> = (0..20).map(|i| format!("a{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            spell_chain(&names),
            "a0 → a1 → a2 → a3 → … (12 more) … → a16 → a17 → a18 → a19"
        );
        assert_eq!(spell_chain(&names[..3]), "a0 → a1 → a2");
    }
}
