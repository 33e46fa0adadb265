//! The check that a record was built for the program's schema: the
//! record's schema fingerprint against the program's (see [`super`]).

use crate::schema::Record;
use crate::schema::Schema;

/// A record that was not built for the program's schema.
///
/// Every [`Record`] remembers the fingerprint of the schema it was built
/// for (its field names and types, members and list elements); a program
/// refuses a record whose fingerprint is not that of its own schema.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaMismatch {
    /// The record was built for another schema (other field names or
    /// types), as its fingerprint says.
    #[error("the record was not built for this program: it was made for other fields")]
    OtherSchema,
}

/// What the compiled program knows of its schema at evaluation.
#[derive(Clone, Debug)]
pub(super) struct Shape {
    /// The field names, by slot.
    names: Vec<String>,
    /// The schema's fingerprint, compared with the record's.
    fingerprint: u64,
}

impl Shape {
    /// The shape of a schema.
    pub(super) fn of(schema: &Schema) -> Shape {
        Shape {
            names: schema.fields.iter().map(|f| f.name.clone()).collect(),
            fingerprint: schema.fingerprint(),
        }
    }

    /// The number of slots.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    /// The field names, by slot.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Checks that `record` was built for this schema, in constant time:
    /// its values were each checked against their field when set.
    pub(super) fn check(&self, record: &Record) -> Result<(), SchemaMismatch> {
        if record.schema_fingerprint() == self.fingerprint {
            Ok(())
        } else {
            Err(SchemaMismatch::OtherSchema)
        }
    }
}
