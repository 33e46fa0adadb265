//! Criteria that are `and`/`or`/`not` trees of flags and atoms deeper than
//! one chain (`sex = female and (pregnant or lactating)`): evaluated over
//! the same bits as the chains, in two rails — "known true" and "known
//! false" — which is Kleene logic without a third value: `and` is true
//! when all are true and false when any is false, `or` the other way
//! round, and `not` swaps the rails.

use crate::check::Cond;

/// One step of a tree, in postfix order.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// A leaf: bit `bit` of the bit space, perhaps negated.
    Leaf { bit: u32, negated: bool },
    /// `and` of the last `n` values.
    And(u16),
    /// `or` of the last `n` values.
    Or(u16),
}

/// How deep a tree's evaluation stack may grow; deeper trees keep their
/// closures.
const STACK: usize = 16;

/// A criterion as a tree over the bit space.
#[derive(Clone, Debug)]
pub(super) struct Tree {
    /// Whether it is an inclusion.
    pub(super) inclusion: bool,
    ops: Vec<Op>,
}

impl Tree {
    /// The tree of `c`, with `leaf` giving each leaf's bit; `None` if a
    /// leaf has no bit or the tree is too deep.
    pub(super) fn of(
        c: &Cond,
        inclusion: bool,
        leaf: &mut dyn FnMut(&Cond) -> Option<usize>,
    ) -> Option<Tree> {
        let mut ops = Vec::new();
        let depth = build(c, false, leaf, &mut ops)?;
        (depth <= STACK).then_some(Tree { inclusion, ops })
    }

    /// The criterion's truth as `(known true, known false)`, with `bits`
    /// giving the value and known words of the bit space.
    #[inline]
    pub(super) fn eval(&self, bits: &dyn Fn(u32) -> (u64, u64)) -> (bool, bool) {
        let mut stack = [(false, false); STACK];
        let mut top = 0_usize;
        for op in &self.ops {
            let value = match *op {
                Op::Leaf { bit, negated } => {
                    let (v, k) = bits(bit / 64);
                    let known = (k >> (bit % 64)) & 1 == 1;
                    let on = ((v >> (bit % 64)) & 1 == 1) != negated;
                    (known & on, known & !on)
                }
                Op::And(n) | Op::Or(n) => {
                    let from = top.saturating_sub(usize::from(n));
                    let operands = stack.get(from..top).unwrap_or_default();
                    top = from;
                    let all = |rail: fn(&(bool, bool)) -> bool| operands.iter().all(rail);
                    let any = |rail: fn(&(bool, bool)) -> bool| operands.iter().any(rail);
                    if matches!(op, Op::And(_)) {
                        (all(|v| v.0), any(|v| v.1))
                    } else {
                        (any(|v| v.0), all(|v| v.1))
                    }
                }
            };
            if let Some(slot) = stack.get_mut(top) {
                *slot = value;
                top += 1;
            }
        }
        top.checked_sub(1)
            .and_then(|i| stack.get(i))
            .copied()
            .unwrap_or((false, false))
    }
}

/// Appends the postfix ops of `c` (under `negated`) and gives the stack
/// depth it needs. Runs of one operator become one n-ary op; `not` is
/// pushed down to the leaves by De Morgan.
fn build(
    c: &Cond,
    negated: bool,
    leaf: &mut dyn FnMut(&Cond) -> Option<usize>,
    ops: &mut Vec<Op>,
) -> Option<usize> {
    match c {
        Cond::Not(inner) => build(inner, !negated, leaf, ops),
        Cond::And(..) | Cond::Or(..) => {
            let is_and = matches!(c, Cond::And(..));
            let mut operands = Vec::new();
            c.operands(is_and, &mut operands);
            let mut depth = 0;
            for (i, operand) in operands.iter().enumerate() {
                depth = depth.max(i + build(operand, negated, leaf, ops)?);
            }
            let n = u16::try_from(operands.len()).ok()?;
            // Under `not`, `and` is an `or` of the negations and back.
            ops.push(if is_and != negated {
                Op::And(n)
            } else {
                Op::Or(n)
            });
            Some(depth)
        }
        _ => {
            let bit = u32::try_from(leaf(c)?).ok()?;
            ops.push(Op::Leaf { bit, negated });
            Some(1)
        }
    }
}
