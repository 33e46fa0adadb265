//! Whether a name may be given to a symbol: the names the checker wants
//! unique (`rulec::check::duplicate`, `docs/language.md`, "Checks"), in
//! the scope each kind of name lives in.

use super::{Symbol, SymbolId, SymbolKind, Symbols};

/// Whether `symbol` lives among the record's names: its fields (the
/// file's and those it `use`s) and the defines, which share one scope.
fn in_record_scope(symbol: &Symbol) -> bool {
    match symbol.kind {
        SymbolKind::Define => true,
        SymbolKind::Field => symbol.parent.is_none(),
        _ => false,
    }
}

impl Symbols {
    /// The symbol already declared that `id`, renamed to `new`, would
    /// clash with, making the file a duplicate for the checker: among the
    /// record's fields and the defines; among the fields of one list's
    /// element; among the members of one field; among the criteria of the
    /// file (across cohorts); among its cohorts. `None` when the name is
    /// free there (or `id` is not a symbol).
    ///
    /// ```
    /// use rulec::symbols::{Symbols, SymbolKind};
    ///
    /// let file = rulec::syntax::parse(
    ///     "fields { sex: one of { female, male }, hb: g/L }\n\
    ///      inclusion { women: sex = female }",
    /// )?;
    /// let symbols = Symbols::new(&file, &[]);
    /// let (sex, _) = symbols.field("sex").expect("a field");
    /// let clash = symbols.clash(sex, "hb").expect("a clash");
    /// assert_eq!(clash.1.kind, SymbolKind::Field);
    /// // A member's name is not a field's.
    /// assert!(symbols.clash(sex, "male").is_none());
    /// # Ok::<(), rulec::syntax::SyntaxError>(())
    /// ```
    #[must_use]
    pub fn clash(&self, id: SymbolId, new: &str) -> Option<(SymbolId, &Symbol)> {
        let renamed = self.symbol(id)?;
        let same_scope = |other: &Symbol| {
            if in_record_scope(renamed) {
                return in_record_scope(other);
            }
            match renamed.kind {
                // An element's field, beside the others of its list; a
                // member, beside the others of its field.
                SymbolKind::Field | SymbolKind::Member => {
                    other.kind == renamed.kind && other.parent == renamed.parent
                }
                kind => other.kind == kind,
            }
        };
        self.symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (SymbolId(i), s))
            .find(|(other, s)| *other != id && s.name == new && same_scope(s))
    }
}
