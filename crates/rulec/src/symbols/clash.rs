//! Whether a name may be given to a symbol: the names the checker wants
//! unique (`rulec::check::duplicate`, `docs/language.md`, "Checks"), in
//! the scope each kind of name lives in; and the names that, though
//! allowed, would change what a use means, since a list element's field
//! comes first inside that list's `where`.

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

    /// The symbol that `id`, renamed to `new`, would be confused with
    /// inside a list's `where`, though the checker allows both names:
    /// there a name is looked up among the element's fields before the
    /// record's fields and the defines, so a record's name renamed to an
    /// element's field's would be hidden where it is used, and an
    /// element's field renamed to a record's name would hide it. Checked
    /// over every list, whether or not the name is used in its `where`,
    /// so that a later edit cannot change the meaning either. `None` when
    /// no such name exists.
    ///
    /// ```
    /// use rulec::symbols::Symbols;
    ///
    /// let file = rulec::syntax::parse(
    ///     "fields { sex: one of { female, male }, \
    ///      therapies: list of { class: one of { car_t, other } } }\n\
    ///      inclusion { women: sex = female }",
    /// )?;
    /// let symbols = Symbols::new(&file, &[]);
    /// let (sex, _) = symbols.field("sex").expect("a field");
    /// assert!(symbols.clash(sex, "class").is_none());
    /// assert!(symbols.hides(sex, "class").is_some());
    /// assert!(symbols.hides(sex, "gender").is_none());
    /// # Ok::<(), rulec::syntax::SyntaxError>(())
    /// ```
    #[must_use]
    pub fn hides(&self, id: SymbolId, new: &str) -> Option<(SymbolId, &Symbol)> {
        let renamed = self.symbol(id)?;
        let element_field = |s: &Symbol| s.kind == SymbolKind::Field && s.parent.is_some();
        let other_side: &dyn Fn(&Symbol) -> bool = if in_record_scope(renamed) {
            &element_field
        } else if element_field(renamed) {
            &in_record_scope
        } else {
            return None;
        };
        self.symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (SymbolId(i), s))
            .find(|(other, s)| *other != id && s.name == new && other_side(s))
    }
}
