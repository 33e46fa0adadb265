//! Conditions compiled to closures.
//!
//! Every `match` on the checked program happens here, once: each node
//! becomes a closure specialised for its operator, its operand shapes and
//! the depth of the fields it reads. The common leaf shapes are fused into
//! one closure that reads the slot and compares in place:
//!
//! - `field op constant` (either side): read, convert (skipped when the
//!   conversion is the identity), compare with the constant the checker
//!   already converted;
//! - `field op k x ULN|LLN` on the field's own range: one slot read for
//!   both the value and the limit;
//! - `define op constant`.
//!
//! `and`/`or` short-circuit under Kleene logic exactly where the reference
//! evaluator does. Groups, list quantifiers and comparisons stop as soon as
//! the answer is settled, except in the explaining pass ([`Ctx::eager`]),
//! which evaluates every operand as the reference does.

use crate::check::{Cond, Duration, FieldRef, ListQuantifier, Num, moved};
use crate::schema::{Layout, Members};
use crate::semantics::{Truth, at_least, flip, has_members, is_member};
use crate::syntax::{CompareOp, Direction, GroupKind, Limit};
use crate::units::Conversion;

use super::ctx::{Access, Cached, CondFn, Ctx, DateFn, Frame, Top, with_access};
use super::num::{constant, date, num};
use super::ops::with_cmp;

/// A condition as compiled: a truth known at compile time, or a closure.
enum CondNode {
    /// Known without a record.
    Const(Truth),
    /// Computed per record.
    Run(CondFn),
}

impl CondNode {
    fn into_fn(self) -> CondFn {
        match self {
            CondNode::Const(t) => Box::new(move |_| t),
            CondNode::Run(f) => f,
        }
    }
}

/// Compiles a condition.
pub(super) fn cond(c: &Cond) -> CondFn {
    node(c).into_fn()
}

fn node(c: &Cond) -> CondNode {
    if let Some(chain) = flag_chain(c) {
        return CondNode::Run(chain);
    }
    CondNode::Run(match c {
        Cond::Literal(b) => return CondNode::Const(Truth::from_bool(*b)),
        Cond::Field(field) => with_access!(*field, a => bool_field(a)),
        Cond::Define(id) => {
            let id = id.0 as usize;
            Box::new(move |c| match c.define(id) {
                Cached::Truth(t) => t,
                _ => Truth::Unknown,
            })
        }
        Cond::Not(inner) => match node(inner) {
            CondNode::Const(t) => return CondNode::Const(t.not()),
            CondNode::Run(f) => Box::new(move |c| f(c).not()),
        },
        Cond::And(a, b) => match node(a) {
            // The reference does not look at `b` after a false `a`.
            CondNode::Const(Truth::False) => return CondNode::Const(Truth::False),
            CondNode::Const(Truth::True) => return node(b),
            a => {
                let (a, b) = (a.into_fn(), cond(b));
                Box::new(move |c| a(c).and_then(|| b(c)))
            }
        },
        Cond::Or(a, b) => match node(a) {
            CondNode::Const(Truth::True) => return CondNode::Const(Truth::True),
            CondNode::Const(Truth::False) => return node(b),
            a => {
                let (a, b) = (a.into_fn(), cond(b));
                Box::new(move |c| a(c).or_else(|| b(c)))
            }
        },
        Cond::CompareNum { op, lhs, rhs } => {
            return match compare_num(*op, lhs, rhs) {
                CondNode::Const(t) => CondNode::Const(t),
                CondNode::Run(f) => CondNode::Run(super::censored::compare(*op, lhs, rhs, f)),
            };
        }
        Cond::CompareDate { op, lhs, rhs } => {
            let (l, r) = (date(lhs), date(rhs));
            with_cmp!(*op, jiff::civil::DateTime, f => Box::new(move |c| {
                let a = l(c);
                if a.is_none() && !c.eager() {
                    return Truth::Unknown;
                }
                Truth::from_option(a.zip(r(c)).map(|(a, b)| f(a, b)))
            }))
        }
        Cond::CompareBool { equal, lhs, rhs } => {
            let (l, r, equal) = (cond(lhs), cond(rhs), *equal);
            Box::new(move |c| {
                let a = l(c);
                if a == Truth::Unknown && !c.eager() {
                    return Truth::Unknown;
                }
                let same = a.equals(r(c));
                if equal { same } else { same.not() }
            })
        }
        Cond::EnumIn {
            field,
            members,
            negated,
        } => with_access!(*field, a => enum_in(a, members, *negated)),
        Cond::Choose(choice) => super::choose::choose(choice, cond, cond),
        Cond::SetHas {
            field,
            members,
            all,
        } => with_access!(*field, a => set_has(a, members, *all)),
        Cond::TextEq {
            field,
            text,
            negated,
        } => with_access!(*field, a => text_eq(a, text.clone(), *negated)),
        Cond::Known { field, known } => {
            let plain = with_access!(*field, a => known_test(a, *known));
            super::censored::known(*field, *known, plain)
        }
        Cond::Within {
            date: tested,
            window,
            direction,
            anchor,
        } => within(date(tested), window, *direction, date(anchor)),
        Cond::Group { kind, items } => group(*kind, items.iter().map(cond).collect()),
        Cond::ListQuery {
            quantifier,
            list,
            condition,
        } => list_query(*quantifier, *list, cond(condition)),
    })
}

/// A chain of `or` (or of `and`) over the record's own `bool` fields,
/// each perhaps under `not` (`bcma or cd138 or cd38 or cd56`): one closure
/// reads the fields in order and stops where the nested closures would,
/// instead of one closure per field and per operator.
fn flag_chain(c: &Cond) -> Option<CondFn> {
    let is_or = match c {
        Cond::Or(..) => true,
        Cond::And(..) => false,
        _ => return None,
    };
    let mut flags = Vec::new();
    if !chain_leaves(c, is_or, &mut flags) || flags.len() < 2 {
        return None;
    }
    Some(Box::new(move |c| {
        let read = |(slot, negated): &(crate::schema::Slot, bool)| {
            let t = Truth::from_option(Top(*slot).flag(c));
            if *negated { t.not() } else { t }
        };
        let mut acc = Truth::Unknown;
        for (i, flag) in flags.iter().enumerate() {
            if i == 0 {
                acc = read(flag);
                continue;
            }
            // The left-nested closures stop at a deciding operand.
            match (is_or, acc) {
                (true, Truth::True) => return Truth::True,
                (false, Truth::False) => return Truth::False,
                (true, _) => acc = acc.or(read(flag)),
                (false, _) => acc = acc.and(read(flag)),
            }
        }
        acc
    }))
}

/// The leaves of a left-nested chain of one operator, if each is a record
/// field or its negation.
fn chain_leaves(c: &Cond, is_or: bool, flags: &mut Vec<(crate::schema::Slot, bool)>) -> bool {
    match c {
        Cond::Or(a, b) if is_or => chain_leaves(a, is_or, flags) && flag_leaf(b, flags),
        Cond::And(a, b) if !is_or => chain_leaves(a, is_or, flags) && flag_leaf(b, flags),
        other => flag_leaf(other, flags),
    }
}

fn flag_leaf(c: &Cond, flags: &mut Vec<(crate::schema::Slot, bool)>) -> bool {
    match c {
        Cond::Field(f) if f.depth == 0 => flags.push((f.slot, false)),
        Cond::Not(inner) => match inner.as_ref() {
            Cond::Field(f) if f.depth == 0 => flags.push((f.slot, true)),
            _ => return false,
        },
        _ => return false,
    }
    true
}

/// A `bool` field.
fn bool_field<A: Access>(a: A) -> CondFn {
    Box::new(move |c| Truth::from_option(a.flag(c)))
}

/// Two numbers compared: a fused closure for the common leaf shapes, else
/// the two operands' closures and the operator's.
fn compare_num(op: CompareOp, lhs: &Num, rhs: &Num) -> CondNode {
    let (lc, rc) = (constant(lhs), constant(rhs));
    match (lhs, rhs, lc, rc) {
        (_, _, Some(Some(a)), Some(Some(b))) => {
            return CondNode::Const(with_cmp!(op, f64, f => Truth::from_bool(f(a, b))));
        }
        (Num::Field { field, conversion }, _, _, Some(Some(k))) => {
            return CondNode::Run(field_vs_const(*field, *conversion, op, k));
        }
        (_, Num::Field { field, conversion }, Some(Some(k)), _) => {
            return CondNode::Run(field_vs_const(*field, *conversion, flip(op), k));
        }
        (Num::Define { define, conversion }, _, _, Some(Some(k))) => {
            return CondNode::Run(define_vs_const(define.0 as usize, *conversion, op, k));
        }
        (_, Num::Define { define, conversion }, Some(Some(k)), _) => {
            return CondNode::Run(define_vs_const(define.0 as usize, *conversion, flip(op), k));
        }
        _ => {}
    }
    match (lhs, rhs) {
        (
            Num::Field { field, conversion },
            Num::Limit {
                field: limited,
                limit,
                factor,
            },
        ) if field == limited => {
            return CondNode::Run(field_vs_limit(*field, *conversion, op, *limit, *factor));
        }
        (
            Num::Limit {
                field: limited,
                limit,
                factor,
            },
            Num::Field { field, conversion },
        ) if field == limited => {
            let op = flip(op);
            return CondNode::Run(field_vs_limit(*field, *conversion, op, *limit, *factor));
        }
        _ => {}
    }
    let (l, r) = (num(lhs).into_fn(), num(rhs).into_fn());
    CondNode::Run(with_cmp!(op, f64, f => Box::new(move |c| {
        let a = l(c);
        if a.is_none() && !c.eager() {
            return Truth::Unknown;
        }
        Truth::from_option(a.zip(r(c)).map(|(a, b)| f(a, b)))
    })))
}

/// `field op k`: reads the slot, converts, compares with the constant.
fn field_vs_const(field: FieldRef, conversion: Conversion, op: CompareOp, k: f64) -> CondFn {
    with_access!(field, a => with_cmp!(op, f64, f => {
        if conversion.is_identity() {
            Box::new(move |c| match a.number(c) {
                Some(v) => Truth::from_bool(f(v, k)),
                None => Truth::Unknown,
            })
        } else {
            Box::new(move |c| match a.number(c) {
                Some(v) => Truth::from_bool(f(conversion.apply(v), k)),
                None => Truth::Unknown,
            })
        }
    }))
}

/// `define op k`.
fn define_vs_const(id: usize, conversion: Conversion, op: CompareOp, k: f64) -> CondFn {
    with_cmp!(op, f64, f => Box::new(move |c| match c.define(id) {
        Cached::Num(Some(v)) => Truth::from_bool(f(conversion.apply(v), k)),
        _ => Truth::Unknown,
    }))
}

/// `field op factor x ULN|LLN` on the field's own range: one read gives
/// both the value and the limit.
fn field_vs_limit(
    field: FieldRef,
    conversion: Conversion,
    op: CompareOp,
    limit: Limit,
    factor: f64,
) -> CondFn {
    let upper = limit == Limit::Upper;
    with_access!(field, a => with_cmp!(op, f64, f => Box::new(move |c| match a.quantity(c) {
        Some((value, low, high)) => {
            let bound = if upper { high } else { low };
            match bound {
                Some(b) => Truth::from_bool(f(conversion.apply(value), factor * b)),
                None => {
                    a.note_undecided(c);
                    Truth::Unknown
                }
            }
        }
        _ => Truth::Unknown,
    })))
}

/// Whether a mask has a member (indices past 63 are in no mask).
#[inline]
fn in_mask(mask: u64, member: u32) -> bool {
    1_u64.checked_shl(member).is_some_and(|bit| mask & bit != 0)
}

/// `e = m`, `e != m`, `e in { … }`: a bit test when the members fit a mask.
fn enum_in<A: Access>(a: A, members: &[u32], negated: bool) -> CondFn {
    match Layout::member_mask(members) {
        Some(mask) => Box::new(move |c| match a.member(c) {
            Some(m) => Truth::from_bool(in_mask(mask, m) != negated),
            None => Truth::Unknown,
        }),
        None => {
            let members = members.to_vec();
            Box::new(move |c| match a.member(c) {
                Some(m) => Truth::from_bool(is_member(m, &members, negated)),
                None => Truth::Unknown,
            })
        }
    }
}

/// `s has m`, `has any of`, `has all of`: bit tests when the record holds
/// the set as a mask.
fn set_has<A: Access>(a: A, members: &[u32], all: bool) -> CondFn {
    let wanted = Layout::member_mask(members);
    let members = members.to_vec();
    Box::new(move |c| {
        let Some(present) = a.members(c) else {
            return Truth::Unknown;
        };
        Truth::from_bool(match (present, wanted) {
            (Members::Mask(present), Some(mask)) if all => mask & !present == 0,
            (Members::Mask(present), Some(mask)) => mask & present != 0,
            (Members::Mask(present), None) => has_members(&members, all, |m| in_mask(present, m)),
            (Members::Listed(present), _) => {
                has_members(&members, all, |m| present.binary_search(&m).is_ok())
            }
        })
    })
}

/// `t = "…"`, `t != "…"`.
fn text_eq<A: Access>(a: A, text: String, negated: bool) -> CondFn {
    Box::new(move |c| match a.text(c) {
        Some(t) => Truth::from_bool((t == text) != negated),
        None => Truth::Unknown,
    })
}

/// `x is known`, `x is missing`.
fn known_test<A: Access>(a: A, known: bool) -> CondFn {
    if known {
        Box::new(move |c| Truth::from_bool(a.known(c)))
    } else {
        Box::new(move |c| Truth::from_bool(!a.known(c)))
    }
}

/// `d within w before|after anchor`, both ends included. The window's edge
/// is the anchor moved by a span computed here, once.
fn within(tested: DateFn, window: &Duration, direction: Direction, anchor: DateFn) -> CondFn {
    let span = window.toward(direction).span();
    let dates = move |c: &Ctx<'_>| {
        // Both dates are looked at, as in the reference.
        let d = tested(c);
        d.zip(anchor(c))
    };
    match (span, direction) {
        (None, _) => Box::new(move |c| {
            if c.eager() {
                let _ = dates(c);
            }
            Truth::Unknown
        }),
        (Some(span), Direction::Before) => Box::new(move |c| {
            let Some((d, a)) = dates(c) else {
                return Truth::Unknown;
            };
            Truth::from_option(moved(a, span).map(|edge| edge <= d && d <= a))
        }),
        (Some(span), Direction::After) => Box::new(move |c| {
            let Some((d, a)) = dates(c) else {
                return Truth::Unknown;
            };
            Truth::from_option(moved(a, span).map(|edge| a <= d && d <= edge))
        }),
    }
}

/// `any of`, `all of`, `none of`, `at least N of`, stopping as soon as the
/// answer is settled.
fn group(kind: GroupKind, items: Vec<CondFn>) -> CondFn {
    match kind {
        GroupKind::Any => fold_items::<AnyOf>(items),
        GroupKind::All => fold_items::<AllOf>(items),
        GroupKind::None => fold_items::<NoneOf>(items),
        GroupKind::AtLeast(n) => {
            let n = n as usize;
            Box::new(move |c| {
                let (mut met, mut failed) = (0_usize, 0_usize);
                for item in &items {
                    match item(c) {
                        Truth::True => met += 1,
                        Truth::False => failed += 1,
                        Truth::Unknown => {}
                    }
                    if !c.eager() && at_least(n, met, failed, items.len()) != Truth::Unknown {
                        break;
                    }
                }
                at_least(n, met, failed, items.len())
            })
        }
    }
}

fn fold_items<Q: Quantify>(items: Vec<CondFn>) -> CondFn {
    Box::new(move |c| Q::fold(c, items.iter().map(|i| i(c))))
}

/// `any L where c`, `all L where c`, `no L where c`: unknown for an absent
/// list; over an empty list false, true and true.
fn list_query(quantifier: ListQuantifier, list: FieldRef, condition: CondFn) -> CondFn {
    with_access!(list, a => match quantifier {
        ListQuantifier::Any => fold_list::<_, AnyOf>(a, condition),
        ListQuantifier::All => fold_list::<_, AllOf>(a, condition),
        ListQuantifier::No => fold_list::<_, NoneOf>(a, condition),
    })
}

fn fold_list<A: Access, Q: Quantify>(a: A, condition: CondFn) -> CondFn {
    Box::new(move |c| {
        let Some(elements) = a.list(c) else {
            return Truth::Unknown;
        };
        Q::fold(
            c,
            elements.iter().map(|element| {
                let frame = Frame {
                    element,
                    parent: c.frame,
                    root: c.frame.map_or(a.root(), |p| p.root),
                };
                condition(&c.with_frame(&frame))
            }),
        )
    })
}

/// A quantifier over truths computed one at a time, chosen at compile
/// time; each stops as soon as the answer is settled, unless the context
/// is eager.
trait Quantify: 'static {
    fn fold(c: &Ctx<'_>, truths: impl Iterator<Item = Truth>) -> Truth;
}

/// Kleene `or`: `any of`, `any L where`.
struct AnyOf;
/// Kleene `and`: `all of`, `all L where`.
struct AllOf;
/// Negated `or`: `none of`, `no L where`.
struct NoneOf;

impl Quantify for AnyOf {
    #[inline]
    fn fold(c: &Ctx<'_>, truths: impl Iterator<Item = Truth>) -> Truth {
        let mut acc = Truth::False;
        for t in truths {
            acc = acc.or(t);
            if acc == Truth::True && !c.eager() {
                break;
            }
        }
        acc
    }
}

impl Quantify for AllOf {
    #[inline]
    fn fold(c: &Ctx<'_>, truths: impl Iterator<Item = Truth>) -> Truth {
        let mut acc = Truth::True;
        for t in truths {
            acc = acc.and(t);
            if acc == Truth::False && !c.eager() {
                break;
            }
        }
        acc
    }
}

impl Quantify for NoneOf {
    #[inline]
    fn fold(c: &Ctx<'_>, truths: impl Iterator<Item = Truth>) -> Truth {
        AnyOf::fold(c, truths).not()
    }
}
