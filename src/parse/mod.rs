//! One parser per file kind. Each keeps byte positions; none runs repository code.

pub mod dockerfile;
pub mod gha_expr;
pub mod python;
pub mod requirements;
pub mod shell;
pub mod yaml;
