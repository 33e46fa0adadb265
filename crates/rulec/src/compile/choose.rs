//! `first known of`, `if … then … else …` and functions of numbers,
//! compiled: the operands' closures around the one rule of
//! [`crate::semantics`], so the closures look at exactly the operands the
//! reference evaluator looks at.

use crate::check::{Choice, Cond};
use crate::semantics::{Chosen, Func, first_known, if_then_else};

use super::ctx::{Ctx, NumFn};

/// A compiled operand of type `V`.
type Run<V> = Box<dyn Fn(&Ctx<'_>) -> V + Send + Sync>;

/// A choice among operands of one type, each compiled by `compile`.
pub(super) fn choose<T, V: Chosen + 'static>(
    choice: &Choice<T>,
    compile: impl Fn(&T) -> Run<V>,
    cond: impl Fn(&Cond) -> Run<crate::semantics::Truth>,
) -> Run<V> {
    match choice {
        Choice::FirstKnown(items) => {
            let items: Vec<Run<V>> = items.iter().map(&compile).collect();
            Box::new(move |c| first_known(&mut (), &items, |(), f| f(c)))
        }
        Choice::If {
            cond: test,
            then,
            otherwise,
        } => {
            let (test, then, otherwise) = (cond(test), compile(then), compile(otherwise));
            Box::new(move |c| if_then_else(&mut (), test(c), |()| then(c), |()| otherwise(c)))
        }
    }
}

/// A function of numbers: its arguments in turn, none after the first
/// unknown one, as the reference looks at them.
pub(super) fn call(func: Func, mut args: Vec<NumFn>) -> NumFn {
    match args.len() {
        1 => {
            let Some(a) = args.pop() else {
                return Box::new(|_| None);
            };
            Box::new(move |c| func.apply(&[a(c)?]))
        }
        2 => {
            let (Some(b), Some(a)) = (args.pop(), args.pop()) else {
                return Box::new(|_| None);
            };
            Box::new(move |c| {
                let x = a(c)?;
                func.apply(&[x, b(c)?])
            })
        }
        _ => Box::new(move |c| {
            let values = args.iter().map(|a| a(c)).collect::<Option<Vec<f64>>>()?;
            func.apply(&values)
        }),
    }
}
