//! Typing the functions of a list's elements: `sum`, `mean`, `min`, `max`
//! of each element's value, and `latest`, `earliest`: the value of the
//! element with the latest or earliest date.

use super::*;
use crate::semantics::Aggregate;
use crate::syntax::Name;

impl<'a> Ctx<'a> {
    /// `name(value [by date] of list [where condition])`.
    pub(super) fn over_list(
        &mut self,
        name: &'a Name,
        value: &'a Expr,
        by: Option<&'a Name>,
        list: &'a Name,
        condition: Option<&'a Expr>,
    ) -> Typed {
        let Some(kind) = Aggregate::from_name(&name.node) else {
            let help = "the functions of a list's elements are sum, mean, min, max, latest and earliest: `mean(value of ecgs)`".to_owned();
            return self.error(CheckError::UnknownFunction {
                name: name.node.clone(),
                span: name.span,
                help,
            });
        };
        let Some((field, schema)) = self.list_named(list) else {
            return Typed::Error;
        };
        self.scopes.push(schema);
        let typed = self.expr(value);
        let at = self.order(kind, by, schema, list);
        let condition = condition.map(|c| self.cond(c));
        self.scopes.pop();
        let condition = match condition {
            Some(Some(c)) => Some(c),
            Some(None) => return Typed::Error,
            None => None,
        };
        let Some(at) = at else {
            return Typed::Error;
        };
        match typed {
            Typed::Num(n) => Typed::Num(NumTyped {
                num: Num::OverList(Box::new(OverList {
                    kind,
                    list: field,
                    value: n.num,
                    at,
                    condition,
                })),
                unit: n.unit,
                origin: Origin::Other,
            }),
            Typed::Date(d) if kind.dated() => Typed::Date(DateVal::OverList(Box::new(OverList {
                kind,
                list: field,
                value: d,
                at,
                condition,
            }))),
            Typed::Error => Typed::Error,
            Typed::Unresolved(n) => {
                self.unknown_name(&n, value.span);
                Typed::Error
            }
            other => self.error(CheckError::TypeMismatch {
                expected: if kind.dated() {
                    format!(
                        "a number or a date of each element, which `{}` takes",
                        kind.name()
                    )
                } else {
                    format!("a number of each element, which `{}` takes", kind.name())
                },
                found: describe(&other),
                span: value.span,
                help: None,
            }),
        }
    }

    /// The date that orders the elements for `latest` and `earliest`: the
    /// field `by` names, or the element's only date field. `Some(None)`
    /// for the other functions; `None` after a diagnostic.
    fn order(
        &mut self,
        kind: Aggregate,
        by: Option<&'a Name>,
        schema: &Schema,
        list: &Name,
    ) -> Option<Option<DateVal>> {
        if !kind.dated() {
            if let Some(by) = by {
                self.error(CheckError::TypeMismatch {
                    expected: "`of` after the value".to_owned(),
                    found: "`by`".to_owned(),
                    span: by.span,
                    help: Some(format!(
                        "only `latest` and `earliest` order the elements by a date, not `{}`",
                        kind.name()
                    )),
                });
                return None;
            }
            return Some(None);
        }
        let dates: Vec<&str> = schema
            .fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Date))
            .map(|f| f.name.as_str())
            .collect();
        let name = match (by, dates.as_slice()) {
            (Some(by), _) => by,
            (None, [_]) => {
                let slot = schema
                    .fields
                    .iter()
                    .position(|f| matches!(f.ty, FieldType::Date))?;
                return Some(Some(DateVal::Field(FieldRef {
                    depth: 1,
                    slot: crate::schema::Slot(u32::try_from(slot).ok()?),
                })));
            }
            (None, _) => {
                let help = if dates.is_empty() {
                    format!("give the elements of `{}` a `date` field", list.node)
                } else {
                    format!(
                        "say which date orders them: `{}(… by {} of {})`",
                        kind.name(),
                        dates.join(" | "),
                        list.node
                    )
                };
                self.error(CheckError::TypeMismatch {
                    expected: format!(
                        "one date field in the elements of `{}`, which `{}` orders them by",
                        list.node,
                        kind.name()
                    ),
                    found: format!("{} date fields", dates.len()),
                    span: list.span,
                    help: Some(help),
                });
                return None;
            }
        };
        match self.name(&name.node) {
            Typed::Date(d @ DateVal::Field(FieldRef { depth: 1, .. })) => Some(Some(d)),
            Typed::Error => None,
            Typed::Unresolved(n) => {
                self.unknown_name(&n, name.span);
                None
            }
            other => {
                self.error(CheckError::TypeMismatch {
                    expected: format!("a date field of the elements of `{}`", list.node),
                    found: describe(&other),
                    span: name.span,
                    help: None,
                });
                None
            }
        }
    }
}
