//! `harden status`: readiness controls (done / partial / missing) with evidence.

use clap::Args;

use crate::cli::CommonArgs;

/// Arguments of `harden status`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `harden status`.
pub fn run_cli(_args: StatusArgs) -> i32 {
    crate::cli::not_yet("status")
}
