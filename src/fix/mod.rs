//! `harden fix`: apply safe fixes atomically.

use clap::Args;

use crate::cli::CommonArgs;

/// Arguments of `harden fix`.
#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `harden fix`.
pub fn run_cli(_args: FixArgs) -> i32 {
    crate::cli::not_yet("fix")
}
