//! `harden plan`: the phased remediation plan built from a scan.

use clap::Args;

use crate::cli::CommonArgs;

/// Arguments of `harden plan`.
#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `harden plan`.
pub fn run_cli(_args: PlanArgs) -> i32 {
    crate::cli::not_yet("plan")
}
