//! The syntax tree of a `cohort` block: the criteria of one cohort (part,
//! stage, arm) of a trial, which apply besides the criteria every cohort
//! shares.

use super::{CriteriaBlock, Item, RuleFile};
use crate::syntax::span::{Name, Span, Spanned};

eq_ignoring_span! {
    CohortBlock { name, label, blocks }
}

/// `cohort stage_1 "Stage 1: dose escalation" { inclusion { … } exclusion { … } }`
#[derive(Clone, Debug)]
pub struct CohortBlock {
    /// The cohort's name, unique in the file.
    pub name: Name,
    /// Its wording in the protocol, if given (adjacent strings joined by a
    /// space).
    pub label: Option<Spanned<String>>,
    /// Its `inclusion` and `exclusion` blocks, in source order.
    pub blocks: Vec<CriteriaBlock>,
    /// The whole block.
    pub span: Span,
}

impl RuleFile {
    /// Every criteria block of the file in source order, each with the
    /// cohort it is written in: `None` for the blocks outside every
    /// cohort, whose criteria all cohorts share.
    ///
    /// ```
    /// let file = rulec::syntax::parse(
    ///     "inclusion { adult: age >= 18 years }\n\
    ///      cohort stage_1 { inclusion { ecog: ecog <= 1 } }",
    /// )?;
    /// let blocks: Vec<_> = file
    ///     .criteria_blocks()
    ///     .map(|(cohort, block)| (cohort.map(|c| c.name.node.as_str()), block.criteria[0].id.node.as_str()))
    ///     .collect();
    /// assert_eq!(blocks, [(None, "adult"), (Some("stage_1"), "ecog")]);
    /// # Ok::<(), rulec::syntax::SyntaxError>(())
    /// ```
    pub fn criteria_blocks(&self) -> impl Iterator<Item = (Option<&CohortBlock>, &CriteriaBlock)> {
        self.items.iter().flat_map(|item| {
            let (shared, cohort) = match item {
                Item::Criteria(block) => (Some(block), None),
                Item::Cohort(cohort) => (None, Some(cohort)),
                _ => (None, None),
            };
            let own = cohort
                .into_iter()
                .flat_map(|c| c.blocks.iter().map(move |b| (Some(c), b)));
            shared.map(|b| (None, b)).into_iter().chain(own)
        })
    }
}
