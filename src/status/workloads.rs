//! The containers the repository defines, as the container and observability
//! controls see them: Dockerfiles (final user, health check), compose services
//! and Kubernetes containers, with the lines that prove each fact.
use crate::parse::yaml::YamlNode;

use super::facts::{Facts, YamlText};
use super::Evidence;
pub(crate) use crate::model::dockerfiles::DockerInfo;
pub(crate) use crate::model::operations::{trivial_healthcheck, ComposeService as Service};

pub(crate) struct K8sContainer {
    pub(crate) file: String,
    /// Line of the pod spec (containers of one workload share it).
    pub(crate) pod: usize,
    pub(crate) line: usize,
    pub(crate) name: String,
    pub(crate) probe: Option<(usize, String)>,
    pub(crate) readiness: Option<(usize, String)>,
    pub(crate) limits: Option<usize>,
    pub(crate) non_root: Option<(usize, bool)>,
}

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
            dockerfiles: facts.dockerfiles.iter().map(|d| (*d).clone()).collect(),
            ..Containers::default()
        };
        for f in &facts.compose {
            c.services.extend(f.services.iter().cloned());
        }
        for f in &facts.k8s {
            k8s_objects(f, &mut c);
        }
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

fn pod_spec<'a>(kind: &str, root: &'a YamlNode) -> Option<&'a YamlNode> {
    match kind {
        "Pod" => root.get("spec"),
        "CronJob" => root.at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "Rollout"
        | "DeploymentConfig" => root.at(&["spec", "template", "spec"]),
        _ => None,
    }
}

fn non_root_ctx(f: &YamlText, sc: Option<&YamlNode>) -> Option<(usize, bool)> {
    let sc = sc?;
    if let Some(v) = sc.get("runAsNonRoot") {
        return v.as_bool().map(|b| (f.file.line(v.span.start), b));
    }
    if let Some(v) = sc.get("runAsUser") {
        return v
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|u| (f.file.line(v.span.start), u > 0));
    }
    None
}

fn k8s_objects(f: &YamlText, c: &mut Containers) {
    for doc in &f.yaml.documents {
        let Some(root) = &doc.root else { continue };
        let kind = root.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        match kind {
            "Service" | "Ingress" => c.k8s_service = true,
            "StatefulSet" | "PersistentVolumeClaim" => c.stateful_k8s = true,
            "LimitRange" => {
                c.limit_range = Some(Evidence::new(
                    &f.file.path,
                    f.file.line(root.span.start),
                    "LimitRange gives containers default limits",
                ))
            }
            _ => {}
        }
        let Some(spec) = pod_spec(kind, root) else {
            continue;
        };
        let pod_nr = non_root_ctx(f, spec.get("securityContext"));
        for cont in spec
            .get("containers")
            .and_then(|s| s.as_seq())
            .unwrap_or(&[])
        {
            let probe = cont
                .get("livenessProbe")
                .or_else(|| cont.get("readinessProbe"))
                .or_else(|| cont.get("startupProbe"))
                .map(|p| (f.file.line(p.span.start), probe_path(p)));
            let readiness = cont
                .get("readinessProbe")
                .map(|p| (f.file.line(p.span.start), probe_path(p)));
            if cont
                .get("ports")
                .is_some_and(|p| p.as_seq().is_some_and(|s| !s.is_empty()))
            {
                c.k8s_service = true;
            }
            c.k8s.push(K8sContainer {
                file: f.file.path.clone(),
                pod: f.file.line(spec.span.start),
                line: f.file.line(cont.span.start),
                name: cont
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
                probe,
                readiness,
                limits: cont
                    .at(&["resources", "limits"])
                    .map(|l| f.file.line(l.span.start)),
                non_root: non_root_ctx(f, cont.get("securityContext")).or(pod_nr),
            });
        }
    }
}

fn probe_path(p: &YamlNode) -> String {
    p.at(&["httpGet", "path"])
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            if p.get("exec").is_some() {
                "exec".to_string()
            } else if p.get("tcpSocket").is_some() {
                "tcp".to_string()
            } else if p.get("grpc").is_some() {
                "grpc".to_string()
            } else {
                String::new()
            }
        })
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
