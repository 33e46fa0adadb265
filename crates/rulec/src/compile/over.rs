//! Functions of a list's elements (`mean(value of L where c)`,
//! `latest(…)`), compiled: each element seen as the reference sees it —
//! its condition, then, where it may count, its date and its value — and
//! the one rule of [`crate::semantics::Aggregate`] over them.

use crate::check::OverList;
use crate::semantics::{Seen, Truth};

use super::ctx::{Access, CondFn, Ctx, DateFn, Frame, with_access};

/// A compiled element value of type `V`.
type Run<V> = Box<dyn Fn(&Ctx<'_>) -> Option<V> + Send + Sync>;

/// The elements of `over`'s list as seen, combined by `combine`.
pub(super) fn over<T, V: 'static, R: 'static>(
    over: &OverList<T>,
    value: Run<V>,
    at: Option<DateFn>,
    condition: Option<CondFn>,
    combine: fn(crate::semantics::Aggregate, &[Seen<V>]) -> Option<R>,
) -> Run<R> {
    let kind = over.kind;
    with_access!(over.list, a => seen(a, value, at, condition, move |seen| combine(kind, seen)))
}

fn seen<A: Access, V: 'static, R: 'static>(
    a: A,
    value: Run<V>,
    at: Option<DateFn>,
    condition: Option<CondFn>,
    combine: impl Fn(&[Seen<V>]) -> Option<R> + Send + Sync + 'static,
) -> Run<R> {
    Box::new(move |c| {
        let elements = a.list(c)?;
        let mut seen = Vec::with_capacity(elements.len());
        for element in elements {
            let frame = Frame {
                element,
                parent: c.frame,
                root: c.frame.map_or(a.root(), |p| p.root),
            };
            let inner = c.with_frame(&frame);
            let counts = condition.as_ref().map_or(Truth::True, |f| f(&inner));
            let (at, v) = if counts == Truth::False {
                (None, None)
            } else {
                (at.as_ref().and_then(|f| f(&inner)), value(&inner))
            };
            seen.push(Seen {
                counts,
                value: v,
                at,
            });
        }
        combine(&seen)
    })
}
