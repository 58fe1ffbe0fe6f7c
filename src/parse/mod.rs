//! One parser per file kind. Each keeps byte positions; none runs repository code.

pub mod dockerfile;
pub mod git_index;
pub mod image;
pub mod python;
pub mod requirements;
pub mod shell;
pub mod workflow;
pub mod yaml;
