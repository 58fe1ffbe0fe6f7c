//! The containers the repository defines, as the container and observability
//! controls see them: Dockerfiles (final user, health check), compose services
//! and Kubernetes containers, with the lines that prove each fact.

use super::facts::Facts;
use super::Evidence;
pub(crate) use crate::model::dockerfiles::DockerInfo;
pub(crate) use crate::model::kubernetes::K8sContainer;
pub(crate) use crate::model::operations::{trivial_healthcheck, ComposeService as Service};

#[derive(Default)]
pub(crate) struct Containers {
    pub(crate) dockerfiles: Vec<DockerInfo>,
    pub(crate) services: Vec<Service>,
    pub(crate) k8s: Vec<K8sContainer>,
    pub(crate) k8s_service: bool,
    pub(crate) stateful_k8s: bool,
    /// Templated manifests: (path, has probes, has limits).
    pub(crate) helm: Vec<(String, bool, bool)>,
    /// A namespace LimitRange (default limits for every container).
    pub(crate) limit_range: Option<Evidence>,
}

impl Containers {
    pub(crate) fn any(&self) -> bool {
        !self.dockerfiles.is_empty()
            || !self.services.is_empty()
            || !self.k8s.is_empty()
            || !self.helm.is_empty()
    }

    pub(crate) fn collect(facts: &Facts<'_>) -> Containers {
        let mut c = Containers {
            dockerfiles: facts.dockerfiles.clone(),
            ..Containers::default()
        };
        for f in &facts.compose {
            c.services.extend(f.services.iter().cloned());
        }
        for f in &facts.k8s {
            c.k8s.extend(f.containers.iter().cloned());
            c.k8s_service |= f.service;
            if f.limit_range.is_some() {
                c.limit_range.clone_from(&f.limit_range);
            }
        }
        c.stateful_k8s =
            crate::model::kubernetes::holds_state(&facts.k8s, &super::profile::is_data_store_image);
        // Chart values with uncommented `limits:` make templated `resources:` real.
        let values_limits = facts.helm_values.iter().any(|v| v.limits);
        for h in &facts.helm {
            if h.workload {
                c.helm.push((
                    h.path.clone(),
                    h.probes,
                    h.resources && (values_limits || facts.helm_values.is_empty() || h.limits),
                ));
            }
            if h.stateful {
                c.stateful_k8s = true;
            }
        }
        c
    }
}

pub(crate) fn is_root_user(u: &str) -> bool {
    let name = u.split(':').next().unwrap_or("").trim();
    matches!(name, "root" | "0" | "")
}

pub(crate) fn base_is_nonroot(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    (b.contains("distroless") && b.contains("nonroot")) || b.starts_with("cgr.dev/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users_and_nonroot_bases() {
        assert!(is_root_user("root"));
        assert!(!is_root_user("10001:10001"));
        assert!(is_root_user("0:0"));
        assert!(base_is_nonroot("gcr.io/distroless/static-debian12:nonroot"));
    }
}
