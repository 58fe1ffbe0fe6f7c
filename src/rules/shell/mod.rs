//! `shell/` rules: scripts and the shell embedded in Dockerfiles, workflows,
//! compose files and Kubernetes manifests.

use super::Rule;

pub mod backup_umask;
pub mod curl_pipe_shell;
pub mod lock_file_race;
pub mod missing_strict_mode;
pub mod ssh_host_key_disabled;
pub mod tls_verify_disabled;
pub mod unsafe_rm;
pub mod util;
pub mod vars;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(missing_strict_mode::MissingStrictMode),
        Box::new(unsafe_rm::UnsafeRm),
        Box::new(ssh_host_key_disabled::SshHostKeyDisabled),
        Box::new(backup_umask::BackupUmask),
        Box::new(lock_file_race::LockFileRace),
        Box::new(curl_pipe_shell::CurlPipeShell),
        Box::new(tls_verify_disabled::TlsVerifyDisabled),
    ]
}
