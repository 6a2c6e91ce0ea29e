//! Text normalisation shared by the index, the queries and [`crate::parse_order_line`].
//!
//! Every rule lives in its own module so it can be read and tested on its own:
//! [`fold()`] (Unicode NFKC, lowercase), [`lex`] (script runs and numbers), [`size`] (600ml = 0.6 L),
//! [`vocab`] (packaging words, abbreviations, English synonyms) and [`analyze`], which puts them
//! together into the tokens the matcher scores.

mod analyze;
pub mod cjk;
pub mod fold;
pub mod lex;
pub mod size;
pub mod vocab;

pub use analyze::{Analyzed, analyze};
pub use fold::fold;
pub use size::{Dim, Size};
