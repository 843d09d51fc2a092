//! Stage 1 and 2: the menu — read with spans ([`load`]), checked against the JSON
//! Schema ([`schema`]), typed ([`model`]), with look-through [`exposure`] and
//! security identifiers.

pub mod encoding;
pub mod exposure;
pub(crate) mod identifiers;
pub mod load;
pub mod model;
pub mod schema;

pub use model::*;
