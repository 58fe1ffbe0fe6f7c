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

/// Drops the Docker rules' findings on a vendored Dockerfile the project itself does
/// not build: a library copied under `vendor/` keeps its own Dockerfile (and often the
/// compose file beside it that builds it for the library's developers), which is not
/// an image of this project. A vendored Dockerfile built from outside its own
/// directory — by a workflow, a compose file, a script or a documented command
/// (`third_party/README.md` building `third_party/minio/Dockerfile`) — keeps its
/// findings, capped at low.
pub fn drop_unbuilt_vendored(
    model: &crate::model::Repository,
    findings: &mut Vec<crate::finding::Finding>,
) {
    use crate::roles::{role_of, FileRole};
    let is_dockerfile = |path: &str| {
        crate::classify::classify_name(path)
            == crate::classify::NameClass::Known(crate::classify::FileKind::Dockerfile)
    };
    findings.retain(|f| {
        if !f.rule.starts_with("docker/")
            || role_of(&f.path) != FileRole::Vendored
            || !is_dockerfile(&f.path)
        {
            return true;
        }
        let own_dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        model.builders(&f.path).any(|r| {
            own_dir.is_empty()
                || !r
                    .from
                    .strip_prefix(own_dir)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    });
}

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
        Box::new(missing_healthcheck::MissingHealthcheck),
        Box::new(metrics_healthcheck::MetricsHealthcheck::default()),
        Box::new(toolchain_in_final_image::ToolchainInFinalImage),
        Box::new(apt_hygiene::AptHygiene),
        Box::new(pip_no_cache_dir::PipNoCacheDir),
        Box::new(unreferenced_dockerfile::UnreferencedDockerfile),
        Box::new(missing_entrypoint::MissingEntrypoint),
    ]
}
