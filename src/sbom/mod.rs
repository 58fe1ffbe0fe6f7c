//! `harden sbom`: CycloneDX and SPDX documents from lockfiles.

use clap::Args;

use crate::cli::CommonArgs;

/// Arguments of `harden sbom`.
#[derive(Args, Debug)]
pub struct SbomArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `harden sbom`.
pub fn run_cli(_args: SbomArgs) -> i32 {
    crate::cli::not_yet("sbom")
}
