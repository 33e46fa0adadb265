//! The compiler: a checked [`Program`] becomes a tree of boxed closures,
//! [`Compiled`], that evaluates records with no dispatch on the program
//! left to do.
//!
//! The lower layer: [`crate::Rules`] compiles as it checks, and
//! [`crate::Rules::compiled`] gives the result.
//!
//! Every decision that depends only on the program is taken once, here:
//! fields are read by slot, through an accessor chosen for their depth (the
//! record or a list element); each comparison, arithmetic operator,
//! calendar unit, group kind and list quantifier picks its own closure
//! (monomorphised, not a `match` per record); constants are folded and the
//! checker's conversions applied once, and identity conversions dropped;
//! the common leaves — `field op constant`, `field op k x ULN`,
//! `define op constant` — are single fused closures; member tests are bit
//! masks. The closures are `Send + Sync`: one [`Compiled`] serves any
//! number of threads.
//!
//! # Evaluation
//!
//! [`Compiled::evaluate`] gives exactly the [`Verdict`] of the reference
//! evaluator [`crate::eval::evaluate`] (the property test
//! `tests/compile_oracle/` holds them to it). It runs in two passes:
//!
//! 1. **The fast pass** computes every criterion's outcome. Flags,
//!    thresholds, member and set tests and `and`/`or` trees of them —
//!    most criteria of real trials — are read from the same bit space as
//!    [`Compiled::status`]'s (`plan/`), all at once: single leaves and
//!    chains are flat arrays decided in tight loops, with no dispatch per
//!    criterion. The other criteria run their closures: `and`/`or`
//!    short-circuit under Kleene logic; groups, list quantifiers, counts and
//!    comparisons stop as soon as their answer is settled. Defines are
//!    computed at most once per record, lazily, into a cache of [`Cell`]s
//!    that lives on the stack for programs of up to 16 defines.
//! 2. **The explaining pass** runs only when the verdict is undetermined:
//!    it evaluates the unknown criteria again, evaluating every operand the
//!    reference evaluator does, and notes the record fields read while
//!    missing; those of the unknown criteria are the verdict's `missing`.
//!
//! [`Compiled::status`] is for the status only, and does less: the planned
//! criteria are decided together by mask arithmetic over the packed record,
//! with no outcome each, and only the other criteria run their closures,
//! stopping at the first that makes the record ineligible.
//!
//! What allocates per record: in [`Compiled::evaluate`], nothing for a
//! decided verdict of up to 32 criteria (the outcomes are a byte each,
//! held inline; the criteria's ids and the fields' names are the
//! program's, shared by every verdict), the outcomes of a program with
//! more and, in the explaining pass only — which reruns the unknown
//! criteria alone — the missing-field marks and the list of missing
//! slots; in both entry points, the define cache of
//! a program with more than 16 defines. Field reads, comparisons, list
//! walks (the element stack is a chain of frames on the call stack),
//! groups and the schema check allocate nothing.
//!
//! # Schemas
//!
//! A record bound to another schema is refused with a [`SchemaMismatch`],
//! in constant time: a [`Record`] keeps the fingerprint of the schema it
//! was built for (set by `Record::new`), and its values can only be set
//! through `Record::set`, which checks each against its field's kind, so a
//! record whose fingerprint matches holds nothing the program cannot read.

mod censored;
mod choose;
mod cond;
mod ctx;
mod num;
mod ops;
mod over;
mod plan;
mod schema;

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;

pub use schema::SchemaMismatch;

use crate::check::{Program, Value};
use crate::eval::{GroupsMissing, Names, Outcome, Outcomes, Status, Verdict};
use crate::schema::Record;
use crate::semantics::Truth;
use crate::syntax::Section;

use ctx::{Cached, CondFn, Ctx, DefineCode};
use schema::Shape;

/// A program compiled to closures, ready to evaluate records.
///
/// Built by [`compile`]; `Send + Sync`, and cheap to share behind an `Arc`.
pub struct Compiled {
    /// The criteria in the program's order.
    criteria: Vec<CompiledCriterion>,
    /// The defines, by [`crate::check::DefineId`].
    defines: Vec<DefineCode>,
    /// The schema the records must be built for.
    shape: Shape,
    /// How [`Compiled::status`] decides the criteria it can without their
    /// closures, and [`Compiled::evaluate`] gives their outcomes.
    plan: plan::Plan,
    /// The criteria's ids and sections and the fields' names, shared by
    /// every verdict.
    names: Arc<Names>,
    /// Every criterion unknown, copied into each verdict before the
    /// outcomes are written in.
    template: Outcomes,
}

struct CompiledCriterion {
    id: String,
    section: Section,
    condition: CondFn,
}

/// Defines a record's cache holds on the stack; more spill to the heap.
const INLINE_DEFINES: usize = 16;

/// Compiles a checked program.
///
/// ```
/// use rulec::eval::Status;
/// use rulec::schema::{FieldValue, Record};
///
/// let file = rulec::syntax::parse(r#"
/// fields { hemoglobin: g/L, pregnant: bool }
/// inclusion { hb "Hb > 80 g/L": hemoglobin > 8 g/dL }
/// exclusion { pregnancy: pregnant }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let compiled = rulec::compile::compile(&program);
///
/// let index = jiff::civil::date(2026, 11, 24);
/// let mut record = Record::new(&program.schema);
/// record.set(
///     "hemoglobin",
///     FieldValue::Quantity { value: 92.0, low: None, high: None },
/// )?;
/// let verdict = compiled.evaluate(&record, index)?;
/// // Hemoglobin decides the inclusion; pregnancy is unknown.
/// assert_eq!(verdict.status(), Status::Undetermined);
/// assert_eq!(verdict.missing(), ["pregnant"]);
/// // The same verdict as the reference evaluator's.
/// assert_eq!(verdict, rulec::eval::evaluate(&program, &record, index));
///
/// record.set("pregnant", FieldValue::Bool(false))?;
/// assert_eq!(compiled.evaluate(&record, index)?.status(), Status::Eligible);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn compile(program: &Program) -> Compiled {
    let defines = program
        .defines
        .iter()
        .map(|d| match &d.value {
            Value::Cond(c) => DefineCode::Cond(cond::cond(c)),
            Value::Num(n, _) => DefineCode::Num(num::num(n).into_fn()),
            Value::Date(d) => DefineCode::Date(num::date(d)),
        })
        .collect();
    let criteria: Vec<CompiledCriterion> = program
        .criteria
        .iter()
        .map(|c| CompiledCriterion {
            id: c.id.clone(),
            section: c.section,
            condition: cond::cond(&c.condition),
        })
        .collect();
    let names = Names::of(program);
    Compiled {
        criteria,
        template: names.unknown(),
        names,
        defines,
        shape: Shape::of(&program.schema),
        plan: plan::Plan::of(program),
    }
}

impl Compiled {
    /// Evaluates every criterion for `record`, with `index` as the
    /// screening date: the same [`Verdict`] as [`crate::eval::evaluate`].
    ///
    /// # Errors
    ///
    /// [`SchemaMismatch`] when the record was not built for the schema of
    /// the program this was compiled from.
    pub fn evaluate(&self, record: &Record, index: Date) -> Result<Verdict, SchemaMismatch> {
        self.shape.check(record)?;
        let mut outcomes = Outcomes::from_slice(&self.template);
        self.write_outcomes(record, index, &mut outcomes);
        if self.names.has_cohorts() {
            return Ok(self.cohort_verdict(record, index, outcomes));
        }
        let status = self.names.status(&outcomes);
        let missing = if status == Status::Undetermined {
            self.explain_missing(record, index, &outcomes, |_| true)
        } else {
            Vec::new()
        };
        Ok(Verdict::new(
            status,
            Arc::clone(&self.names),
            outcomes,
            missing,
        ))
    }

    /// The verdict of a program with cohorts: each cohort's status, and
    /// the fields missing for each group of criteria that leaves one
    /// undetermined. Apart, so that the verdicts of other programs are
    /// built as before cohorts.
    #[inline(never)]
    fn cohort_verdict(&self, record: &Record, index: Date, outcomes: Outcomes) -> Verdict {
        let statuses = self.names.statuses(&outcomes);
        let groups: GroupsMissing = (0..self.names.groups())
            .map(|g| match statuses.wants(g) {
                true => {
                    self.explain_missing(record, index, &outcomes, |i| self.names.group(i) == g)
                }
                false => Vec::new(),
            })
            .collect();
        Verdict::with_cohorts(statuses, Arc::clone(&self.names), outcomes, groups)
    }

    /// Every criterion's outcome for a record of the right schema.
    fn outcomes(&self, record: &Record, index: Date) -> Outcomes {
        let mut outcomes = Outcomes::from_slice(&self.template);
        self.write_outcomes(record, index, &mut outcomes);
        outcomes
    }

    /// Writes every criterion's outcome into `outcomes`, a copy of the
    /// template: the fast pass of [`Compiled::evaluate`], in place, as it
    /// builds its verdict around them.
    #[inline]
    fn write_outcomes(&self, record: &Record, index: Date, outcomes: &mut Outcomes) {
        // The plan reads a censored value's word as missing: a record that
        // holds one is decided by the closures alone, which know it.
        let every: Vec<usize>;
        let rest = if record.has_censored() {
            every = (0..self.criteria.len()).collect();
            &every
        } else {
            self.plan.write_outcomes(record.words(), outcomes);
            &self.plan.outcomes.rest
        };
        if !rest.is_empty() {
            self.with_cache(|cache| {
                let ctx = Ctx::top(record, index, &self.defines, cache, None);
                for &i in rest {
                    if let (Some(out), Some(c)) = (outcomes.get_mut(i), self.criteria.get(i)) {
                        *out = Outcome::from((c.condition)(&ctx)).code();
                    }
                }
            });
        }
    }

    /// The status alone: the fast path for screening many records. It
    /// allocates nothing, decides the simple criteria together with masks
    /// and stops as soon as the record is ineligible; the status is that
    /// of [`Compiled::evaluate`].
    ///
    /// # Errors
    ///
    /// [`SchemaMismatch`] when the record was not built for the schema of
    /// the program this was compiled from.
    pub fn status(&self, record: &Record, index: Date) -> Result<Status, SchemaMismatch> {
        self.shape.check(record)?;
        // The plan decides the program's criteria all together, and stops
        // at the first that rules the patient out; with cohorts, a patient
        // ruled out of one may be eligible for another: every outcome is
        // needed.
        if record.has_censored() || self.names.has_cohorts() {
            return Ok(self.names.statuses(&self.outcomes(record, index)).overall);
        }
        let mut unknown = match self.plan.decide(record.words()) {
            Ok(unknown) => unknown,
            Err(status) => return Ok(status),
        };
        if !self.plan.rest.is_empty() {
            let ruled_out = self.with_cache(|cache| {
                let ctx = Ctx::top(record, index, &self.defines, cache, None);
                for criterion in self.plan.rest.iter().filter_map(|i| self.criteria.get(*i)) {
                    match (criterion.section, (criterion.condition)(&ctx)) {
                        (Section::Inclusion, Truth::False) | (Section::Exclusion, Truth::True) => {
                            return true;
                        }
                        (_, Truth::Unknown) => unknown = true,
                        _ => {}
                    }
                }
                false
            });
            if ruled_out {
                return Ok(Status::Ineligible);
            }
        }
        Ok(if unknown {
            Status::Undetermined
        } else {
            Status::Eligible
        })
    }

    /// The status of each of `records`, written into `out` (cleared
    /// first) in the same order: the batch form of [`Compiled::status`],
    /// for screening a population held in memory. `out` is reused from
    /// batch to batch, so a caller that keeps it allocates nothing.
    ///
    /// ```
    /// # let file = rulec::syntax::parse("fields { kps: integer 0..100 }\ninclusion { performance: kps > 60 }")?;
    /// # let program = rulec::check::check(&file, &rulec::check::NoImports).program.ok_or("no program")?;
    /// use rulec::eval::Status;
    /// use rulec::records::RecordBuilder;
    ///
    /// let compiled = rulec::compile::compile(&program);
    /// let records = [
    ///     RecordBuilder::new(&program).integer("kps", 80)?.build(),
    ///     RecordBuilder::new(&program).integer("kps", 50)?.build(),
    /// ];
    /// let mut statuses = Vec::new();
    /// compiled.statuses(&records, jiff::civil::date(2026, 11, 24), &mut statuses)?;
    /// assert_eq!(statuses, [Status::Eligible, Status::Ineligible]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaMismatch`] for the first record not built for this program's
    /// schema; `out` then holds the statuses of the records before it.
    pub fn statuses(
        &self,
        records: &[Record],
        index: Date,
        out: &mut Vec<Status>,
    ) -> Result<(), SchemaMismatch> {
        out.clear();
        out.reserve(records.len());
        for record in records {
            out.push(self.status(record, index)?);
        }
        Ok(())
    }

    /// The explaining pass: the record fields whose absence left an
    /// unknown criterion of those `take` accepts (by index) unknown, in
    /// declaration order.
    ///
    /// It runs every such unknown criterion again, each from an empty
    /// define cache, with every operand evaluated, so that each field read
    /// while missing is noted for every criterion that depends on it —
    /// through a define too, whichever criterion computed the define
    /// first. Known criteria report nothing, so they are not run.
    fn explain_missing(
        &self,
        record: &Record,
        index: Date,
        outcomes: &[u8],
        take: impl Fn(usize) -> bool,
    ) -> Vec<u32> {
        let marks: Vec<Cell<bool>> = (0..self.shape.len()).map(|_| Cell::new(false)).collect();
        let mut deciding = vec![false; self.shape.len()];
        let unknown = self
            .criteria
            .iter()
            .enumerate()
            .zip(outcomes)
            .filter(|((i, _), o)| **o == Outcome::Unknown.code() && take(*i));
        for ((_, criterion), _) in unknown {
            let unknown = self.with_cache(|cache| {
                let ctx = Ctx::top(record, index, &self.defines, cache, Some(&marks));
                (criterion.condition)(&ctx) == Truth::Unknown
            });
            for (mark, deciding) in marks.iter().zip(deciding.iter_mut()) {
                *deciding |= unknown && mark.get();
                mark.set(false);
            }
        }
        (0_u32..)
            .zip(deciding)
            .filter(|(_, deciding)| *deciding)
            .map(|(slot, _)| slot)
            .collect()
    }

    /// Runs `f` with an empty define cache for one record: on the stack
    /// when the program has few defines.
    fn with_cache<R>(&self, f: impl FnOnce(&[Cell<Cached>]) -> R) -> R {
        let n = self.defines.len();
        if n == 0 {
            f(&[])
        } else if n <= INLINE_DEFINES {
            let inline: [Cell<Cached>; INLINE_DEFINES] =
                std::array::from_fn(|_| Cell::new(Cached::Pending));
            f(inline.get(..n).unwrap_or(&[]))
        } else {
            let heap: Vec<Cell<Cached>> = (0..n).map(|_| Cell::new(Cached::Pending)).collect();
            f(&heap)
        }
    }
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compiled")
            .field(
                "criteria",
                &self.criteria.iter().map(|c| &c.id).collect::<Vec<_>>(),
            )
            .field("defines", &self.defines.len())
            .field("fields", &self.shape.names().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// `Compiled` is shared across threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Compiled>();
};
