//! `docker/` rules: Dockerfiles.

use super::Rule;

pub mod add_instead_of_copy;
pub mod apt_hygiene;
pub mod cache_busting_copy;
pub mod latest_tag;
pub mod metrics_healthcheck;
pub mod missing_entrypoint;
pub mod missing_healthcheck;
pub mod pip_no_cache_dir;
pub mod pipe_to_shell;
pub mod run_pipefail;
pub mod runs_as_root;
pub mod secret_in_env;
pub mod toolchain_in_final_image;
pub mod unreferenced_dockerfile;
pub mod util;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(runs_as_root::RunsAsRoot),
        Box::new(latest_tag::LatestTag),
        Box::new(latest_tag::UnpinnedDigest),
        Box::new(secret_in_env::SecretInEnv),
        Box::new(pipe_to_shell::PipeToShell),
        Box::new(run_pipefail::RunPipefail),
        Box::new(add_instead_of_copy::AddInsteadOfCopy),
        Box::new(cache_busting_copy::CacheBustingCopy),
        Box::new(missing_healthcheck::MissingHealthcheck::default()),
        Box::new(metrics_healthcheck::MetricsHealthcheck::default()),
        Box::new(toolchain_in_final_image::ToolchainInFinalImage),
        Box::new(apt_hygiene::AptHygiene),
        Box::new(pip_no_cache_dir::PipNoCacheDir),
        Box::new(unreferenced_dockerfile::UnreferencedDockerfile),
        Box::new(missing_entrypoint::MissingEntrypoint::default()),
    ]
}
