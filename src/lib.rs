//! harden: audit a repository for production readiness.
//!
//! Layout: `classify` and `engine` walk and dispatch; `parse/` has one parser per
//! file kind; `rules/<family>/<rule>.rs` has one rule per file; `output/` renders.

#![warn(missing_docs)]

pub mod actions_pins;
pub mod budget;
pub mod charts;
pub mod classify;
pub mod cli;
pub mod config;
pub mod ecosystems;
pub mod edits;
pub mod embed;
pub mod engine;
pub mod files;
pub mod finding;
pub mod fix;
pub mod gitignore;
pub mod identity;
pub mod mapped;
pub mod model;
pub mod org;
pub mod osv;
pub mod output;
pub mod parse;
pub mod paths;
pub mod plan;
pub mod probe;
pub mod redact;
pub mod roles;
pub mod rules;
pub mod sbom;
pub mod source;
pub mod status;
pub mod suppress;
pub mod text;
pub mod vcs;
pub mod walk;
pub mod workflows;
