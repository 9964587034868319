//! Redline: a review workstation for compliance officers.
//!
//! Data flows one way: export file → [`import`] → [`store`] → scanner → hits
//! → cases → reviewer actions → case file. Each module owns its tables and
//! offers functions; the CLI (`src/main.rs`), the desktop shell and the local
//! server are thin layers over this library.

pub mod corpus_gen;
pub mod import;
pub mod rules;
pub mod api;
pub mod audit;
pub mod export;
pub mod model;
pub mod review;
pub mod scan;
pub mod server;
pub mod store;
pub mod text;
