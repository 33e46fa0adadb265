//! The plan's criteria for a full verdict: each planned criterion's own
//! outcome, read from the same bit space as the status.
//!
//! Per-criterion dispatch (an enum of forms matched criterion by criterion)
//! cost as much as the closures it replaced, so the common forms are laid
//! out flat, each kind in its own array and tight loop: single flags or
//! atoms (a bit and a negation), chains within one word (one pair of
//! masks) and chains over several words (a run of mask pairs). A chain is
//! the `and` of its leaves; an `or` chain is stored by De Morgan as the
//! `and` of its negated leaves, its outcome inverted. Only the deeper
//! trees run their own small evaluator.

use crate::eval::code;

use super::{ATOM_WORDS, Leaf, Masks, Plan};

/// Words of the bit space a verdict keeps on the stack: a record's flag
/// words, then the atoms'. Programs with more flag words than fit leave
/// every criterion to its closure.
const SPACE: usize = 8;

/// Outcome codes, as the loops compute them without branches.
const MET: u64 = code::MET as u64;
const NOT_MET: u64 = code::NOT_MET as u64;
const UNKNOWN: u64 = code::UNKNOWN as u64;

/// A criterion that is a single flag or atom, perhaps negated.
#[derive(Clone, Copy, Debug)]
struct LeafCriterion {
    criterion: u32,
    /// Its bit in the bit space.
    bit: u32,
    /// The bit within its word.
    shift: u32,
    /// 1 when negated.
    flip: u64,
}

/// Leaves of one word and one negation.
#[derive(Clone, Copy, Debug)]
struct LeafGroup {
    word: u32,
    flip: u64,
    end: u32,
}

/// A chain whose leaves all lie in one word, as an `and` of them.
#[derive(Clone, Copy, Debug)]
struct WordChain {
    criterion: u32,
    masks: Masks,
    /// 1 when the criterion is an `or` chain, stored by De Morgan as the
    /// `and` of its negated leaves: met and not met swap.
    inverted: u64,
}

/// A chain over several words, as an `and` of its leaves.
#[derive(Clone, Copy, Debug)]
struct Chain {
    criterion: u32,
    inverted: u64,
    /// The end of its masks in [`Outcomes::masks`]; the previous chain's
    /// end is the start.
    end: u32,
}

/// How a full verdict reads the planned criteria's outcomes.
#[derive(Debug, Default)]
pub(in crate::compile) struct Outcomes {
    /// Sorted by word and negation, so that a verdict reads each word
    /// once and a group of leaves shares one mask of met leaves.
    leaves: Vec<LeafCriterion>,
    /// Each group of leaves: their word, whether they are negated (1) or
    /// not (0), and the end of the group in [`Outcomes::leaves`]; the
    /// previous group's end is the start.
    leaf_groups: Vec<LeafGroup>,
    word_chains: Vec<WordChain>,
    chains: Vec<Chain>,
    masks: Vec<Masks>,
    /// The criterion of each of [`Plan::trees`], in the same order.
    trees: Vec<u32>,
    /// The criteria a verdict leaves to their closures, by index: the
    /// plan's `rest`, or every criterion when the bit space does not fit.
    pub(in crate::compile) rest: Vec<usize>,
    /// Whether the planned criteria are read from the plan at all.
    planned: bool,
    /// Set when a criterion could not be noted (an index beyond `u32`):
    /// then none are read from the plan, rather than one left out.
    overflow: bool,
}

impl Outcomes {
    /// Notes criterion `index` as a chain of `leaves`, with `masks`, an
    /// `or` chain when `is_or`.
    pub(super) fn chain(&mut self, index: usize, is_or: bool, leaves: &[Leaf], masks: &[Masks]) {
        let Ok(criterion) = u32::try_from(index) else {
            self.overflow = true;
            return;
        };
        if let [(bit, negated)] = leaves
            && let Ok(bit) = u32::try_from(*bit)
        {
            self.leaves.push(LeafCriterion {
                criterion,
                bit,
                shift: bit % 64,
                flip: u64::from(*negated),
            });
            return;
        }
        // De Morgan: an `or` is the `and` of the negated leaves, inverted.
        let as_and = masks.iter().map(|m| {
            if is_or {
                Masks {
                    word: m.word,
                    pos: m.neg,
                    neg: m.pos,
                }
            } else {
                *m
            }
        });
        let inverted = u64::from(is_or);
        if let [_] = masks {
            for masks in as_and {
                self.word_chains.push(WordChain {
                    criterion,
                    masks,
                    inverted,
                });
            }
            return;
        }
        self.masks.extend(as_and);
        let Ok(end) = u32::try_from(self.masks.len()) else {
            self.overflow = true;
            return;
        };
        self.chains.push(Chain {
            criterion,
            inverted,
            end,
        });
    }

    /// Notes criterion `index` as the next of the plan's trees.
    pub(super) fn tree(&mut self, index: usize) {
        match u32::try_from(index) {
            Ok(criterion) => self.trees.push(criterion),
            Err(_) => self.overflow = true,
        }
    }

    /// Settles which criteria a verdict runs through closures, once the
    /// plan is built.
    pub(super) fn finish(&mut self, flag_words: usize, criteria: usize, rest: &[usize]) {
        self.leaves.sort_by_key(|leaf| (leaf.bit / 64, leaf.flip));
        self.leaf_groups.clear();
        for (end, leaf) in (1_u32..).zip(&self.leaves) {
            let (word, flip) = (leaf.bit / 64, leaf.flip);
            match self.leaf_groups.last_mut() {
                Some(group) if group.word == word && group.flip == flip => group.end = end,
                _ => self.leaf_groups.push(LeafGroup { word, flip, end }),
            }
        }
        self.overflow |= u32::try_from(self.leaves.len()).is_err();
        self.planned = !self.overflow && flag_words + ATOM_WORDS <= SPACE;
        self.rest = if self.planned {
            rest.to_vec()
        } else {
            (0..criteria).collect()
        };
    }
}

/// The leaves of masks `m` known false and not known, over bits `(v, k)`.
#[inline]
fn false_and_open(m: &Masks, bits: (u64, u64)) -> (u64, u64) {
    let (_, false_, open) = m.leaves(bits);
    (false_, open)
}

/// The code of an `and` chain from its leaves known false and not known:
/// not met when one is false, else unknown when one is not known, else
/// met; met and not met swapped when `inverted` is 1.
#[inline]
fn chain_code(false_: u64, open: u64, inverted: u64) -> u64 {
    let false_ = u64::from(false_ != 0);
    let open = u64::from(open != 0);
    let code = false_ | ((open & !false_ & 1) << 1);
    code ^ (inverted & u64::from(code < UNKNOWN))
}

impl Plan {
    /// Writes the outcome of every planned criterion for a record into
    /// `outcomes` (indexed as the program's criteria), leaving the others as they
    /// are. Does nothing when the plan is not used for verdicts.
    pub(in crate::compile) fn write_outcomes(&self, words: &[u64], outcomes: &mut [u8]) {
        let out = &self.outcomes;
        if !out.planned {
            return;
        }
        let mut atom_value = [0_u64; ATOM_WORDS];
        let mut atom_known = [0_u64; ATOM_WORDS];
        self.atoms(words, &mut atom_value, &mut atom_known);
        let mut space = [(0_u64, 0_u64); SPACE];
        for (w, bits) in space.iter_mut().enumerate() {
            *bits = if w < self.flag_words {
                (
                    words.get(w).copied().unwrap_or(0),
                    words.get(w + self.flag_words).copied().unwrap_or(0),
                )
            } else {
                let at = w - self.flag_words;
                (
                    atom_value.get(at).copied().unwrap_or(0),
                    atom_known.get(at).copied().unwrap_or(0),
                )
            };
        }
        // The index is reduced so that the compiler sees it in bounds.
        let bits = |word: u32| space.get(word as usize % SPACE).copied().unwrap_or((0, 0));
        let mut write = |criterion: u32, code: u64| {
            if let Some(c) = outcomes.get_mut(criterion as usize) {
                // Codes are 0 to 2.
                *c = code as u8;
            }
        };
        let mut start = 0;
        for group in &out.leaf_groups {
            let (v, k) = bits(group.word);
            // A negated leaf is met where its bit is known and off.
            let met = k & (v ^ group.flip.wrapping_neg());
            let end = group.end as usize;
            for leaf in out.leaves.get(start..end).unwrap_or_default() {
                let known = (k >> leaf.shift) & 1;
                let met = (met >> leaf.shift) & 1;
                // Met: 0; known and not met: 1; not known: 2.
                write(leaf.criterion, UNKNOWN - known - met);
            }
            start = end;
        }
        for chain in &out.word_chains {
            let (false_, open) = false_and_open(&chain.masks, bits(chain.masks.word));
            write(chain.criterion, chain_code(false_, open, chain.inverted));
        }
        let mut start = 0;
        for chain in &out.chains {
            let end = chain.end as usize;
            let (mut false_, mut open) = (0, 0);
            for m in out.masks.get(start..end).unwrap_or_default() {
                let (f, o) = false_and_open(m, bits(m.word));
                false_ |= f;
                open |= o;
            }
            start = end;
            write(chain.criterion, chain_code(false_, open, chain.inverted));
        }
        for (tree, &criterion) in self.trees.iter().zip(&out.trees) {
            let (true_, false_) = tree.eval(&bits);
            let code = if true_ {
                MET
            } else if false_ {
                NOT_MET
            } else {
                UNKNOWN
            };
            write(criterion, code);
        }
    }
}
