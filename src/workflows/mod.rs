//! GitHub Actions workflows and actions as a model the `actions/` rules query:
//! triggers, jobs, steps, `uses:` references, permissions (`wf`).
//!
//! This layer sits between parsing and the rules: it reads parsed YAML and
//! never reports findings. Facts that span files live here too, so that they
//! can move into the repository model as one piece.

pub mod caches;
pub mod commands;
pub mod model;
pub mod schema;
pub mod sinks;
pub mod taint;
pub mod wf;
