//! The status fast path's plan: most criteria of real trials are flags,
//! thresholds, member and set tests, and `and`/`or` trees of them, and
//! those are decided for a whole record with a few word operations instead
//! of a call per node.
//!
//! Every test in such a tree that is not a `bool` field — `field op k`,
//! `field op k x ULN`, `field op k * other`, `e in {…}`, `s has any of
//! {…}`, `x is known` — becomes an *atom* (`atom.rs`): it is computed once
//! per record into a bit, with a known bit beside it, like the record's own
//! `bool` fields. A criterion that is a chain of flags and atoms, each
//! perhaps negated (`not`, De Morgan applied), is then a pair of masks over
//! those bits, and Kleene logic is mask arithmetic:
//!
//! - an inclusion `and` chain (a single flag or atom is one) rules the
//!   record out when any of its leaves is known false; all such criteria
//!   share one pair of masks. Likewise an exclusion `or` chain when any
//!   leaf is known true.
//! - an inclusion `or` chain rules out when every leaf is known false, an
//!   exclusion `and` chain when every leaf is known true; each has its own
//!   masks.
//! - a leaf that is not known leaves its criterion unknown unless another
//!   leaf decides it.
//!
//! A deeper tree of the same leaves (`sex = female and (pregnant or
//! lactating)`) is evaluated over the same bits in two rails (`tree.rs`).
//! Everything else — dates, lists, groups, defines, text — keeps its
//! closure. The plan gives [`super::Compiled::status`] the status, and
//! [`super::Compiled::evaluate`] each planned criterion's outcome from the
//! same bits (`outcomes.rs`); it reads no field as "missing" for the
//! explaining pass, which reruns the unknown criteria's closures.

mod atom;
mod outcomes;
mod tree;

use crate::check::{Cond, FieldRef, Program};
use crate::eval::Status;
use crate::schema::{Lane, Layout};
use crate::syntax::Section;

use crate::semantics::flip;
use atom::{Atom, Rhs, Threshold, WordTest, atom};
use outcomes::Outcomes;
use tree::Tree;

/// Words of atom bits a record's evaluation keeps on the stack.
const ATOM_WORDS: usize = 4;

/// Masks over one word of the bit space: leaves taken as they are, and
/// negated.
#[derive(Clone, Copy, Debug, Default)]
struct Masks {
    word: u32,
    pos: u64,
    neg: u64,
}

impl Masks {
    /// The leaves known true, known false, and not known, over the bits
    /// `(v, k)` of the word: values and whether each is known.
    #[inline]
    fn leaves(&self, (v, k): (u64, u64)) -> (u64, u64, u64) {
        let true_ = k & ((self.pos & v) | (self.neg & !v));
        let false_ = k & ((self.pos & !v) | (self.neg & v));
        let open = (self.pos | self.neg) & !k;
        (true_, false_, open)
    }
}

/// A chain of one criterion: an inclusion `or` or an exclusion `and`.
#[derive(Clone, Debug)]
struct Chain {
    /// `true` for an `or` chain.
    is_or: bool,
    masks: Vec<Masks>,
}

/// The plan of a compiled program's status.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Words of the record's flag values (as many known words follow).
    flag_words: usize,
    /// How many atoms there are, of both kinds.
    atoms: usize,
    thresholds: Vec<Threshold>,
    others: Vec<Atom>,
    tests: Vec<WordTest>,
    /// Inclusion `and` chains, together: any leaf known false rules out.
    all_true: Vec<Masks>,
    /// Exclusion `or` chains, together: any leaf known true rules out.
    none_true: Vec<Masks>,
    chains: Vec<Chain>,
    /// Criteria that are deeper trees of the same leaves.
    trees: Vec<Tree>,
    /// The criteria left to their closures, by index.
    pub(super) rest: Vec<usize>,
    /// How a full verdict reads the planned criteria's outcomes.
    pub(super) outcomes: Outcomes,
}

/// A leaf of a chain: a bit of the bit space, perhaps negated.
type Leaf = (usize, bool);

impl Plan {
    /// The plan of `program`'s criteria.
    pub(super) fn of(program: &Program) -> Plan {
        let layout = program.schema.layout();
        let mut plan = Plan {
            flag_words: layout.flag_words(),
            ..Plan::default()
        };
        for (index, criterion) in program.criteria.iter().enumerate() {
            let inclusion = criterion.section == Section::Inclusion;
            let before = (
                plan.atoms,
                plan.thresholds.len(),
                plan.others.len(),
                plan.tests.len(),
            );
            // The chain kind that the section's shared masks take, first.
            let kinds = if inclusion {
                [false, true]
            } else {
                [true, false]
            };
            let mut placed = false;
            for is_or in kinds {
                let mut leaves = Vec::new();
                if plan.collect(layout, &criterion.condition, is_or, false, &mut leaves) {
                    let masks = plan.place(inclusion, is_or, &leaves);
                    plan.outcomes.chain(index, is_or, &leaves, &masks);
                    placed = true;
                    break;
                }
                plan.atoms = before.0;
                plan.thresholds.truncate(before.1);
                plan.others.truncate(before.2);
                plan.tests.truncate(before.3);
            }
            if !placed {
                let tree = Tree::of(&criterion.condition, inclusion, &mut |c| {
                    plan.leaf(layout, c)
                });
                match tree {
                    Some(tree) => {
                        plan.outcomes.tree(index);
                        plan.trees.push(tree);
                    }
                    None => {
                        plan.atoms = before.0;
                        plan.thresholds.truncate(before.1);
                        plan.others.truncate(before.2);
                        plan.tests.truncate(before.3);
                        plan.rest.push(index);
                    }
                }
            }
        }
        plan.outcomes
            .finish(plan.flag_words, program.criteria.len(), &plan.rest);
        plan
    }

    /// Collects the leaves of `c` as a chain of `or` (`is_or`) or `and`,
    /// under `negated`; false if `c` is not such a chain.
    fn collect(
        &mut self,
        layout: &Layout,
        c: &Cond,
        is_or: bool,
        negated: bool,
        leaves: &mut Vec<Leaf>,
    ) -> bool {
        match c {
            // De Morgan: under `not`, the node that continues the chain
            // is the dual operator, and its leaves are negated.
            Cond::Not(inner) => self.collect(layout, inner, is_or, !negated, leaves),
            Cond::Or(a, b) if is_or != negated => {
                self.collect(layout, a, is_or, negated, leaves)
                    && self.collect(layout, b, is_or, negated, leaves)
            }
            Cond::And(a, b) if is_or == negated => {
                self.collect(layout, a, is_or, negated, leaves)
                    && self.collect(layout, b, is_or, negated, leaves)
            }
            _ => match self.leaf(layout, c) {
                Some(bit) => {
                    leaves.push((bit, negated));
                    true
                }
                None => false,
            },
        }
    }

    /// The bit of a flag or an atom.
    fn leaf(&mut self, layout: &Layout, c: &Cond) -> Option<usize> {
        if let Some(test) = WordTest::of(layout, c) {
            let bit = self.next_atom()?;
            self.tests.push(test.at(bit));
            return Some(self.flag_words * 64 + bit as usize);
        }
        let atom = match c {
            Cond::Field(FieldRef { depth: 0, slot }) => {
                let Lane::Flag(bit) = layout.lane(*slot)? else {
                    return None;
                };
                return Some(bit as usize);
            }
            Cond::CompareNum { op, lhs, rhs } => {
                atom(layout, *op, lhs, rhs).or_else(|| atom(layout, flip(*op), rhs, lhs))?
            }
            _ => return None,
        };
        let bit = self.next_atom()?;
        match atom {
            Atom {
                word,
                conversion,
                op,
                rhs: Rhs::Const(k),
                ..
            } if conversion.is_identity()
                && let Some(threshold) = Threshold::new(bit, word, op, k) =>
            {
                self.thresholds.push(threshold);
            }
            atom => self.others.push(Atom { bit, ..atom }),
        }
        Some(self.flag_words * 64 + bit as usize)
    }

    /// The bit of a new atom, if there is room for one.
    fn next_atom(&mut self) -> Option<u32> {
        let bit = u32::try_from(self.atoms).ok()?;
        if self.atoms >= ATOM_WORDS * 64 {
            return None;
        }
        self.atoms += 1;
        Some(bit)
    }

    /// Adds a criterion's chain to the plan, and gives its masks.
    fn place(&mut self, inclusion: bool, is_or: bool, leaves: &[Leaf]) -> Vec<Masks> {
        let mut masks: Vec<Masks> = Vec::new();
        for &(bit, negated) in leaves {
            let word = u32::try_from(bit / 64).unwrap_or(u32::MAX);
            let at = match masks.iter().position(|m| m.word == word) {
                Some(at) => at,
                None => {
                    masks.push(Masks {
                        word,
                        ..Masks::default()
                    });
                    masks.len() - 1
                }
            };
            if let Some(m) = masks.get_mut(at) {
                if negated {
                    m.neg |= 1 << (bit % 64);
                } else {
                    m.pos |= 1 << (bit % 64);
                }
            }
        }
        // A single leaf is a chain of either kind; `Plan::of` tries the
        // section's shared kind first, so it always lands in the shared masks.
        let shared = match (inclusion, is_or) {
            (true, false) => Some(&mut self.all_true),
            (false, true) => Some(&mut self.none_true),
            _ => None,
        };
        match shared {
            Some(shared) => {
                for &m in &masks {
                    match shared.iter_mut().find(|s| s.word == m.word) {
                        Some(s) => {
                            s.pos |= m.pos;
                            s.neg |= m.neg;
                        }
                        None => shared.push(m),
                    }
                }
            }
            None => self.chains.push(Chain {
                is_or,
                masks: masks.clone(),
            }),
        }
        masks
    }

    /// The atoms' value and known words for a record.
    #[inline(always)]
    fn atoms(
        &self,
        words: &[u64],
        atom_value: &mut [u64; ATOM_WORDS],
        atom_known: &mut [u64; ATOM_WORDS],
    ) {
        if self.atoms <= 64 {
            // One word, accumulated in registers.
            let (mut value, mut known) = (0, 0);
            for (holds, is_known) in self.thresholds.iter().map(|a| a.eval(words)) {
                value |= holds;
                known |= is_known;
            }
            for (holds, is_known) in self.others.iter().map(|a| a.eval(words)) {
                value |= holds;
                known |= is_known;
            }
            for (holds, is_known) in self.tests.iter().map(|a| a.eval(words)) {
                value |= holds;
                known |= is_known;
            }
            (atom_value[0], atom_known[0]) = (value, known);
        } else {
            let thresholds = self.thresholds.iter().map(|a| (a.bit, a.eval(words)));
            let others = self.others.iter().map(|a| (a.bit, a.eval(words)));
            let tests = self.tests.iter().map(|a| (a.bit, a.eval(words)));
            for (bit, (holds, is_known)) in thresholds.chain(others).chain(tests) {
                let w = (bit / 64) as usize;
                if let (Some(v), Some(k)) = (atom_value.get_mut(w), atom_known.get_mut(w)) {
                    *v |= holds;
                    *k |= is_known;
                }
            }
        }
    }

    /// The status as far as the planned criteria go: `Err(Ineligible)`
    /// when one rules the record out, else whether any is unknown.
    #[inline]
    pub(super) fn decide(&self, words: &[u64]) -> Result<bool, Status> {
        // Flags first: a flag costs a load where an atom costs a
        // comparison, and one flag alone rules many records out (a
        // consent not given, an exclusion present) before any atom is
        // computed. The chains are checked again, whole, below.
        let flag = |m: &&Masks| (m.word as usize) < self.flag_words;
        let flag_bits = |m: &Masks| {
            let word = m.word as usize;
            let v = words.get(word).copied().unwrap_or(0);
            let k = words.get(word + self.flag_words).copied().unwrap_or(0);
            (v, k)
        };
        for m in self.all_true.iter().filter(flag) {
            if m.leaves(flag_bits(m)).1 != 0 {
                return Err(Status::Ineligible);
            }
        }
        for m in self.none_true.iter().filter(flag) {
            if m.leaves(flag_bits(m)).0 != 0 {
                return Err(Status::Ineligible);
            }
        }
        let mut atom_value = [0_u64; ATOM_WORDS];
        let mut atom_known = [0_u64; ATOM_WORDS];
        self.atoms(words, &mut atom_value, &mut atom_known);
        let bits = |word: u32| -> (u64, u64) {
            let word = word as usize;
            if word < self.flag_words {
                let v = words.get(word).copied().unwrap_or(0);
                let k = words.get(word + self.flag_words).copied().unwrap_or(0);
                (v, k)
            } else {
                let at = word - self.flag_words;
                let v = atom_value.get(at).copied().unwrap_or(0);
                let k = atom_known.get(at).copied().unwrap_or(0);
                (v, k)
            }
        };
        let leaves = |m: &Masks| m.leaves(bits(m.word));
        let mut unknown = false;
        for m in &self.all_true {
            let (_, false_, u) = leaves(m);
            if false_ != 0 {
                return Err(Status::Ineligible);
            }
            unknown |= u != 0;
        }
        for m in &self.none_true {
            let (true_, _, u) = leaves(m);
            if true_ != 0 {
                return Err(Status::Ineligible);
            }
            unknown |= u != 0;
        }
        for chain in &self.chains {
            let (mut settled, mut open) = (false, false);
            for m in &chain.masks {
                let (true_, false_, u) = leaves(m);
                // An inclusion `or` is settled (met) by a true leaf, an
                // exclusion `and` (not met) by a false one; otherwise it
                // rules out once every leaf is known.
                settled |= if chain.is_or { true_ } else { false_ } != 0;
                open |= u != 0;
            }
            if !settled {
                if open {
                    unknown = true;
                } else {
                    return Err(Status::Ineligible);
                }
            }
        }
        for tree in &self.trees {
            let (true_, false_) = tree.eval(&bits);
            if (tree.inclusion && false_) || (!tree.inclusion && true_) {
                return Err(Status::Ineligible);
            }
            unknown |= !true_ & !false_;
        }
        Ok(unknown)
    }
}
