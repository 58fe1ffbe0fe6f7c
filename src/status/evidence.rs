//! Each control's state from the gathered facts. The rules of thumb (what
//! counts as done, partial, missing, not applicable) are documented per
//! control in docs/status.md; keep the two in step.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::finding::Finding;
use crate::parse::yaml::YamlNode;

use super::ci::{self, Ci, Detector};
use super::facts::{dir_of, file_name, is_production, Facts, Text, YamlText};
use super::{Evidence, Profile, State};

/// The assessment of one control before scoring.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// State.
    pub state: State,
    /// Evidence.
    pub evidence: Vec<Evidence>,
    /// What was found, one line.
    pub summary: String,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            state: State::Missing,
            evidence: Vec::new(),
            summary: "not found".to_string(),
        }
    }
}

fn out(state: State, evidence: Vec<Evidence>, summary: impl Into<String>) -> Outcome {
    Outcome {
        state,
        evidence,
        summary: summary.into(),
    }
}

fn na(summary: impl Into<String>) -> Outcome {
    out(State::NotApplicable, Vec::new(), summary)
}

fn first(mut v: Vec<Evidence>, n: usize) -> Vec<Evidence> {
    v.truncate(n);
    v
}

/// Assesses every control. Returns the profile and an outcome per control id.
pub fn assess_all(
    facts: &Facts<'_>,
    findings: &[Finding],
) -> (Profile, HashMap<&'static str, Outcome>) {
    let ci = ci::collect(facts);
    let containers = Containers::collect(facts);
    let profile = profile(facts, &ci, &containers);
    let docs = Docs::new(facts);
    let mut m: HashMap<&'static str, Outcome> = HashMap::new();
    m.insert("dependency-updates", dependency_updates(facts, &profile));
    m.insert(
        "vulnerability-scan",
        vulnerability_scan(facts, &ci, &profile),
    );
    m.insert("pinned-actions", pinned_actions(facts, &ci, findings));
    m.insert("dependency-lockfiles", lockfiles(facts, &profile));
    m.insert("sbom", sbom(facts, &ci));
    m.insert("signed-releases", signed_releases(&ci));
    m.insert("security-policy", security_policy(facts));
    m.insert("secret-scanning", secret_scanning(facts, &ci));
    m.insert("sast", sast(facts, &ci));
    m.insert("license", license(facts));
    m.insert("tests-in-ci", tests_in_ci(&ci, &profile));
    m.insert("token-permissions", token_permissions(facts, findings));
    m.insert("container-non-root", non_root(&containers, &profile));
    m.insert("container-healthcheck", healthcheck(&containers, &profile));
    m.insert("resource-limits", resource_limits(&containers, &profile));
    m.insert(
        "health-endpoint",
        health_endpoint(facts, &containers, &profile),
    );
    m.insert(
        "readiness-endpoint",
        readiness_endpoint(facts, &containers, &profile),
    );
    m.insert("metrics", metrics(facts, &profile));
    m.insert("structured-logging", structured_logging(facts, &profile));
    m.insert("runbook", runbook(&docs, &profile));
    m.insert("deployment-guide", deployment_guide(&docs, &profile));
    m.insert("rollback-procedure", rollback(facts, &docs, &ci, &profile));
    m.insert("backup-verification", backup(facts, &docs, &profile));
    m.insert("changelog", changelog(facts, &docs));
    (profile, m)
}

// ---------------------------------------------------------------- profile

const DEPLOY_FILES: &[&str] = &[
    "procfile",
    "app.yaml",
    "fly.toml",
    "render.yaml",
    "railway.json",
    "railway.toml",
    "serverless.yml",
    "serverless.yaml",
    "chart.yaml",
    "skaffold.yaml",
    "kustomization.yaml",
    "heroku.yml",
    "vercel.json",
    "netlify.toml",
    "nomad.hcl",
    "ecs-task-definition.json",
    "taskdef.json",
    "appspec.yml",
    "crontab",
    ".env.example",
    ".env.sample",
    ".env.template",
    "env.example",
    "supervisord.conf",
    "playbook.yml",
    "ecosystem.config.js",
];

const PACKAGE_FILES: &[&str] = &[
    "setup.py",
    "setup.cfg",
    "Cargo.toml",
    "package.json",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "composer.json",
];

const DB_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "timescale",
    "mysql",
    "mariadb",
    "mongo",
    "elasticsearch",
    "opensearch",
    "clickhouse",
    "influxdb",
    "cassandra",
    "scylla",
    "couchdb",
    "neo4j",
    "minio",
    "qdrant",
    "weaviate",
    "milvus",
    "chroma",
    "rabbitmq",
    "kafka",
];

fn profile(facts: &Facts<'_>, ci: &Ci, c: &Containers) -> Profile {
    let mut p = Profile {
        github_workflows: !facts.workflows.is_empty(),
        ci: !ci.steps.is_empty(),
        containers: c.any(),
        ..Profile::default()
    };
    let exposes = c.dockerfiles.iter().any(|d| d.exposes);
    let compose_ports = c.services.iter().any(|s| s.built && s.ports);
    p.service = !facts.source.web.is_empty()
        || !facts.source.health.is_empty()
        || exposes
        || compose_ports
        || c.k8s_service
        || !file_routes(facts, HEALTH_ROUTE_NAMES).is_empty()
        || facts
            .entries()
            .any(|(path, name)| name == "manage.py" && is_production(path));
    let deploy_file = facts.entries().any(|(path, name)| {
        is_production(path)
            && (DEPLOY_FILES.contains(&name.as_str())
                || name.ends_with(".service")
                || name.ends_with(".tf")
                || path.starts_with("dags/")
                || path.starts_with("ansible/")
                || (name.starts_with("deploy") && !name.ends_with(".md")))
    });
    p.deployable = p.service || p.containers || deploy_file || !facts.helm.is_empty();
    let packaged = facts.entries().any(|(path, name)| {
        is_production(path) && PACKAGE_FILES.contains(&file_name(path)) && name != "package.json"
            || name.ends_with(".gemspec") && is_production(path)
    }) || facts.manifests.iter().any(|m| {
        file_name(&m.path) == "pyproject.toml"
            && (m.text.contains("[project]") || m.text.contains("[tool.poetry]"))
    });
    // package.json: a published package, not a private app with a start script.
    let npm_package = facts.manifests.iter().any(|m| {
        file_name(&m.path) == "package.json" && is_production(&m.path) && {
            let t = m.text.replace(' ', "");
            !t.contains("\"private\":true") && !t.contains("\"start\":")
        }
    });
    let npm_app = facts.manifests.iter().any(|m| {
        file_name(&m.path) == "package.json" && {
            let t = m.text.replace(' ', "");
            t.contains("\"private\":true") || t.contains("\"start\":")
        }
    });
    p.library = (packaged || npm_package) && !npm_app && !p.deployable;
    let db_service = c.services.iter().any(|s| {
        let img = s.image.to_ascii_lowercase();
        DB_IMAGES.iter().any(|d| img.contains(d))
    });
    p.stateful = !p.library
        && (db_service || c.stateful_k8s || !facts.source.db.is_empty() || manifest_has_db(facts));
    p
}

const DB_DEPS: &[&str] = &[
    "psycopg",
    "asyncpg",
    "sqlalchemy",
    "pymongo",
    "mysqlclient",
    "pymysql",
    "django",
    "\"pg\"",
    "mongoose",
    "@prisma/client",
    "sequelize",
    "typeorm",
    "jackc/pgx",
    "lib/pq",
    "gorm.io",
    "go-sql-driver",
    "sqlx",
    "diesel",
    "sea-orm",
    "spring-boot-starter-data",
    "activerecord",
];

fn manifest_has_db(facts: &Facts<'_>) -> bool {
    facts.manifests.iter().any(|m| {
        let l = m.text.to_ascii_lowercase();
        DB_DEPS.iter().any(|d| l.contains(d))
    })
}

// ---------------------------------------------------------------- containers

struct DockerInfo {
    path: String,
    exposes: bool,
    /// (line, user) of the effective USER, if any.
    user: Option<(usize, String)>,
    /// Last line of the file's final stage (for "no USER" evidence).
    from_line: usize,
    base: String,
    healthcheck: Option<(usize, String)>,
}

struct Service {
    file: String,
    name: String,
    line: usize,
    built: bool,
    image: String,
    ports: bool,
    healthcheck: Option<(usize, bool)>,
    /// The healthcheck command, lower-cased.
    hc_text: String,
    limits: Option<usize>,
    user: Option<(usize, String)>,
}

struct K8sContainer {
    file: String,
    /// Line of the pod spec (containers of one workload share it).
    pod: usize,
    line: usize,
    name: String,
    probe: Option<(usize, String)>,
    readiness: Option<(usize, String)>,
    limits: Option<usize>,
    non_root: Option<(usize, bool)>,
}

#[derive(Default)]
struct Containers {
    dockerfiles: Vec<DockerInfo>,
    services: Vec<Service>,
    k8s: Vec<K8sContainer>,
    k8s_service: bool,
    stateful_k8s: bool,
    /// Templated manifests: (path, has probes, has limits).
    helm: Vec<(String, bool, bool)>,
    /// A namespace LimitRange (default limits for every container).
    limit_range: Option<Evidence>,
}

impl Containers {
    fn any(&self) -> bool {
        !self.dockerfiles.is_empty()
            || !self.services.is_empty()
            || !self.k8s.is_empty()
            || !self.helm.is_empty()
    }

    fn collect(facts: &Facts<'_>) -> Containers {
        let mut c = Containers::default();
        for d in &facts.dockerfiles {
            c.dockerfiles.push(docker_info(d));
        }
        for f in &facts.compose {
            compose_services(f, &mut c.services);
        }
        for f in &facts.k8s {
            k8s_objects(f, &mut c);
        }
        // Chart values with uncommented `limits:` make templated `resources:` real.
        let values_limits = facts.helm_values.iter().any(|v| {
            v.numbered().any(|(_, l)| {
                let t = l.trim_start();
                t.starts_with("limits:") && !t.starts_with('#')
            })
        });
        for h in &facts.helm {
            let t = &h.text;
            let workload = ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"]
                .iter()
                .any(|k| t.contains(&format!("kind: {k}")));
            if workload {
                c.helm.push((
                    h.path.clone(),
                    t.contains("livenessProbe") || t.contains("readinessProbe"),
                    t.contains("resources")
                        && (values_limits || facts.helm_values.is_empty() || t.contains("limits:")),
                ));
            }
            if t.contains("kind: StatefulSet") {
                c.stateful_k8s = true;
            }
        }
        c
    }
}

fn docker_info(d: &super::facts::DockerText) -> DockerInfo {
    let df = &d.parsed;
    let line = |off: usize| d.file.line(off);
    let exposes = df.instructions.iter().any(|i| {
        i.keyword == "EXPOSE"
            || (matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT") && {
                let a = i.args_text().to_ascii_lowercase();
                [
                    "uvicorn",
                    "gunicorn",
                    "daphne",
                    "hypercorn",
                    "nginx",
                    "runserver",
                    "flask run",
                ]
                .iter()
                .any(|w| a.contains(w))
            })
    });
    let final_stage = df.final_stage();
    let mut info = DockerInfo {
        path: d.file.path.clone(),
        exposes,
        user: None,
        from_line: 1,
        base: String::new(),
        healthcheck: None,
    };
    let Some(mut stage) = final_stage else {
        return info;
    };
    if let Some(s) = df.stages.get(stage) {
        info.base = s.image.clone();
        if let Some(i) = df.instructions.get(s.from) {
            info.from_line = line(i.span.start);
        }
    }
    // USER and HEALTHCHECK carry over when the final stage builds on an earlier one.
    let mut seen = BTreeSet::new();
    loop {
        if !seen.insert(stage) {
            break;
        }
        for i in df.stage_instructions(stage).iter().rev() {
            if i.keyword == "USER" && info.user.is_none() {
                info.user = Some((line(i.span.start), i.args_text().trim().to_string()));
            }
            if i.keyword == "HEALTHCHECK" && info.healthcheck.is_none() {
                info.healthcheck = Some((line(i.span.start), i.args_text().trim().to_string()));
            }
        }
        if info.user.is_some() && info.healthcheck.is_some() {
            break;
        }
        let Some(s) = df.stages.get(stage) else { break };
        let img = s.image.to_ascii_lowercase();
        match df
            .stages
            .iter()
            .position(|o| o.name.as_deref() == Some(img.as_str()))
        {
            Some(prev) if prev < stage => stage = prev,
            _ => break,
        }
    }
    info
}

fn is_root_user(u: &str) -> bool {
    let name = u.split(':').next().unwrap_or("").trim();
    matches!(name, "root" | "0" | "")
}

fn base_is_nonroot(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    (b.contains("distroless") && b.contains("nonroot")) || b.starts_with("cgr.dev/")
}

fn trivial_healthcheck(args: &str) -> bool {
    let a = args.to_ascii_lowercase();
    let cmd = a
        .trim_start_matches("cmd")
        .trim()
        .trim_start_matches('[')
        .replace(['"', ',', '[', ']'], " ");
    let words: Vec<&str> = cmd.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["executable"]
            | ["cmd-shell", "executable"]
            | ["true"]
            | ["exit", "0"]
            | ["/bin/true"]
            | ["echo", ..]
            | ["cmd-shell", "true"]
            | ["cmd-shell", "exit", "0"]
            | ["cmd-shell", "echo", ..]
    )
}

fn compose_services(f: &YamlText, out: &mut Vec<Service>) {
    for doc in &f.yaml.documents {
        let Some(root) = &doc.root else { continue };
        let Some(svcs) = root.get("services").and_then(|s| s.as_map()) else {
            continue;
        };
        for s in svcs {
            let v = &s.value;
            let hc = v.get("healthcheck").map(|h| {
                let disabled = h.get("disable").and_then(|d| d.as_bool()) == Some(true)
                    || h.get("test")
                        .map(|t| {
                            let joined = t.strings().join(" ").to_ascii_lowercase();
                            joined == "none" || trivial_healthcheck(&joined)
                        })
                        .unwrap_or(false);
                (f.file.line(h.span.start), !disabled)
            });
            let hc_text = v
                .at(&["healthcheck", "test"])
                .map(|t| t.strings().join(" ").to_ascii_lowercase())
                .unwrap_or_default();
            let limits = v
                .at(&["deploy", "resources", "limits"])
                .or_else(|| v.get("mem_limit"))
                .or_else(|| v.get("cpus"))
                .map(|n| f.file.line(n.span.start));
            out.push(Service {
                file: f.file.path.clone(),
                name: s.key.clone(),
                line: f.file.line(s.key_span.start),
                built: v.get("build").is_some(),
                image: v
                    .get("image")
                    .and_then(|i| i.as_str())
                    .unwrap_or("")
                    .to_string(),
                ports: v.get("ports").is_some(),
                healthcheck: hc,
                hc_text,
                limits,
                user: v.get("user").and_then(|u| {
                    u.as_str()
                        .map(|s| (f.file.line(u.span.start), s.to_string()))
                }),
            });
        }
    }
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

/// Done / partial / missing from counts of good and total units.
fn by_fraction(good: usize, total: usize) -> State {
    if total > 0 && good == total {
        State::Done
    } else if good > 0 {
        State::Partial
    } else {
        State::Missing
    }
}

fn non_root(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for d in &c.dockerfiles {
        match &d.user {
            Some((l, u)) if !is_root_user(u) => {
                good.push(Evidence::new(&d.path, *l, format!("USER {u}")))
            }
            Some((l, u)) => bad.push(Evidence::new(
                &d.path,
                *l,
                format!("USER {u}: runs as root"),
            )),
            None if base_is_nonroot(&d.base) => good.push(Evidence::new(
                &d.path,
                d.from_line,
                format!("base image {} runs as non-root", d.base),
            )),
            None => bad.push(Evidence::new(
                &d.path,
                d.from_line,
                "no USER in the final stage: runs as root",
            )),
        }
    }
    for k in &c.k8s {
        match k.non_root {
            Some((l, true)) => good.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: runAsNonRoot/runAsUser", k.name),
            )),
            Some((l, false)) => bad.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: runs as root", k.name),
            )),
            None if c.dockerfiles.is_empty() => bad.push(Evidence::new(
                &k.file,
                k.line,
                format!("container {}: no securityContext.runAsNonRoot", k.name),
            )),
            None => {}
        }
    }
    for s in c.services.iter().filter(|s| s.built) {
        if let Some((l, u)) = &s.user {
            if is_root_user(u) {
                bad.push(Evidence::new(
                    &s.file,
                    *l,
                    format!("service {}: user {u}", s.name),
                ));
            } else {
                good.push(Evidence::new(
                    &s.file,
                    *l,
                    format!("service {}: user {u}", s.name),
                ));
            }
        }
    }
    if good.is_empty() && bad.is_empty() {
        return na("only third-party images (compose services without a build)");
    }
    let state = by_fraction(good.len(), good.len() + bad.len());
    let summary = format!(
        "{} of {} images/workloads run as non-root",
        good.len(),
        good.len() + bad.len()
    );
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}

fn healthcheck(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    let mut ev = Vec::new();
    let mut trivial = Vec::new();
    let df_good = c
        .dockerfiles
        .iter()
        .filter(|d| match &d.healthcheck {
            Some((l, args)) => {
                let none = args.trim().eq_ignore_ascii_case("none");
                if none || trivial_healthcheck(args) {
                    trivial.push(Evidence::new(&d.path, *l, "HEALTHCHECK checks nothing"));
                    false
                } else {
                    ev.push(Evidence::new(&d.path, *l, "HEALTHCHECK"));
                    true
                }
            }
            None => false,
        })
        .count();
    let app_services: Vec<&Service> = if c.services.iter().any(|s| s.built) {
        c.services.iter().filter(|s| s.built).collect()
    } else {
        c.services.iter().collect()
    };
    let svc_good = app_services
        .iter()
        .filter(|s| match s.healthcheck {
            Some((l, true)) => {
                ev.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck", s.name),
                ));
                true
            }
            Some((l, false)) => {
                trivial.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck disabled or trivial", s.name),
                ));
                false
            }
            None => false,
        })
        .count();
    // A workload is covered when one of its containers is probed (sidecars rarely are).
    let mut pods: BTreeMap<(&str, usize), bool> = BTreeMap::new();
    for k in &c.k8s {
        let covered = pods.entry((k.file.as_str(), k.pod)).or_insert(false);
        if let Some((l, path)) = &k.probe {
            if !*covered {
                ev.push(Evidence::new(
                    &k.file,
                    *l,
                    format!("container {}: probe {path}", k.name),
                ));
            }
            *covered = true;
        }
    }
    let k8s_good = pods.values().filter(|v| **v).count();
    let k8s_total = pods.len();
    let helm_good = c.helm.iter().filter(|h| h.1).count();
    for h in c.helm.iter().filter(|h| h.1) {
        ev.push(Evidence::new(&h.0, 1, "probes in Helm template"));
    }
    let full = |good: usize, total: usize| total > 0 && good == total;
    let state = if full(df_good, c.dockerfiles.len())
        || full(svc_good, app_services.len())
        || full(k8s_good, k8s_total)
        || full(helm_good, c.helm.len())
    {
        State::Done
    } else if df_good + svc_good + k8s_good + helm_good > 0 {
        State::Partial
    } else {
        State::Missing
    };
    let summary = match state {
        State::Done => "every image or service of one runtime layer has a health check".to_string(),
        State::Partial => "some images or services have no health check".to_string(),
        _ => "no HEALTHCHECK, compose healthcheck or probe".to_string(),
    };
    if state != State::Done {
        for d in c.dockerfiles.iter().filter(|d| d.healthcheck.is_none()) {
            ev.push(Evidence::new(&d.path, d.from_line, "no HEALTHCHECK"));
        }
        for s in app_services.iter().filter(|s| s.healthcheck.is_none()) {
            ev.push(Evidence::new(
                &s.file,
                s.line,
                format!("service {}: no healthcheck", s.name),
            ));
        }
    }
    ev.extend(trivial);
    out(state, first(ev, 6), summary)
}

fn resource_limits(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    if c.services.is_empty() && c.k8s.is_empty() && c.helm.is_empty() {
        return na("no compose or Kubernetes definitions (limits are set where containers run)");
    }
    // Compose services by name: any file (override, prod) giving limits counts.
    let mut by_name: BTreeMap<&str, (Option<Evidence>, Evidence)> = BTreeMap::new();
    for s in &c.services {
        let e = by_name.entry(s.name.as_str()).or_insert_with(|| {
            (
                None,
                Evidence::new(&s.file, s.line, format!("service {}: no limits", s.name)),
            )
        });
        if let Some(l) = s.limits {
            e.0 = Some(Evidence::new(
                &s.file,
                l,
                format!("service {}: limits", s.name),
            ));
        }
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (_, (ok, missing)) in by_name {
        match ok {
            Some(e) => good.push(e),
            None => bad.push(missing),
        }
    }
    for k in &c.k8s {
        match k.limits {
            None if c.limit_range.is_some() => {}
            Some(l) => good.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: resources.limits", k.name),
            )),
            None => bad.push(Evidence::new(
                &k.file,
                k.line,
                format!("container {}: no resources.limits", k.name),
            )),
        }
    }
    if let Some(lr) = &c.limit_range {
        good.push(lr.clone());
    }
    for (path, _, limits) in &c.helm {
        if *limits {
            good.push(Evidence::new(path, 1, "resources in Helm template"));
        } else {
            bad.push(Evidence::new(path, 1, "no resources in Helm template"));
        }
    }
    let total = good.len() + bad.len();
    let state = by_fraction(good.len(), total);
    let summary = format!("{} of {total} services/containers have limits", good.len());
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}

// ---------------------------------------------------------------- supply chain

fn ecosystem_of(path: &str, name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match name {
        "pyproject.toml" | "setup.py" | "setup.cfg" | "Pipfile" => "pip",
        "package.json" => "npm",
        "Cargo.toml" => "cargo",
        "go.mod" => "gomod",
        "Gemfile" => "bundler",
        "composer.json" => "composer",
        "pom.xml" => "maven",
        "build.gradle" | "build.gradle.kts" => "gradle",
        _ if crate::classify::is_requirements_name(&lower) => "pip",
        _ if lower.ends_with(".csproj") => "nuget",
        _ if lower.ends_with(".tf") => "terraform",
        _ if crate::classify::is_dockerfile_name(name) && !path.starts_with(".devcontainer/") => {
            "docker"
        }
        _ if path.starts_with(".github/workflows/") => "github-actions",
        _ => return None,
    })
}

fn normalize_ecosystem(e: &str) -> &str {
    match e {
        "uv" | "pipenv" | "poetry" => "pip",
        "bun" | "yarn" | "pnpm" => "npm",
        "docker-compose" => "docker",
        other => other,
    }
}

fn detected_ecosystems(facts: &Facts<'_>) -> BTreeMap<&'static str, Vec<String>> {
    let mut m: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for e in facts.inventory {
        if !is_production(&e.path) {
            continue;
        }
        if let Some(eco) = ecosystem_of(&e.path, file_name(&e.path)) {
            m.entry(eco).or_default().push(e.path.clone());
        }
    }
    if !facts.actions.is_empty() {
        m.entry("github-actions")
            .or_default()
            .extend(facts.actions.iter().map(|a| a.file.path.clone()));
    }
    m
}

const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
];

fn dependency_updates(facts: &Facts<'_>, p: &Profile) -> Outcome {
    let ecos = detected_ecosystems(facts);
    if let Some(r) = RENOVATE.iter().find(|r| facts.has(r)) {
        return out(
            State::Done,
            vec![Evidence::new(*r, 1, "Renovate configuration")],
            "Renovate is configured",
        );
    }
    if let Some(pkg) = facts
        .manifests
        .iter()
        .find(|m| m.path == "package.json" && m.text.contains("\"renovate\""))
    {
        let line = pkg
            .numbered()
            .find(|(_, l)| l.contains("\"renovate\""))
            .map_or(1, |(n, _)| n);
        return out(
            State::Done,
            vec![Evidence::new(
                &pkg.path,
                line,
                "Renovate configuration in package.json",
            )],
            "Renovate is configured",
        );
    }
    let Some(db) = &facts.dependabot else {
        if ecos.is_empty() && !p.ci {
            return na("no dependency manifests, Dockerfiles or workflows");
        }
        let ev = ecos
            .iter()
            .filter_map(|(eco, paths)| {
                paths.first().map(|p| {
                    Evidence::new(p, 1, format!("{eco} dependencies, no update automation"))
                })
            })
            .collect();
        return out(
            State::Missing,
            first(ev, 6),
            "no Dependabot or Renovate configuration",
        );
    };
    let mut configured: BTreeMap<String, Evidence> = BTreeMap::new();
    for doc in &db.yaml.documents {
        let Some(root) = &doc.root else { continue };
        for u in root.get("updates").and_then(|u| u.as_seq()).unwrap_or(&[]) {
            let Some(eco_node) = u.get("package-ecosystem") else {
                continue;
            };
            let Some(eco) = eco_node.as_str() else {
                continue;
            };
            let dir = u
                .get("directory")
                .map(|d| d.strings().join(","))
                .or_else(|| u.get("directories").map(|d| d.strings().join(",")))
                .unwrap_or_default();
            configured
                .entry(normalize_ecosystem(eco).to_string())
                .or_insert_with(|| {
                    Evidence::new(
                        &db.file.path,
                        db.file.line(eco_node.span.start),
                        format!("{eco} in {dir}"),
                    )
                });
        }
    }
    if configured.is_empty() {
        return out(
            State::Partial,
            vec![Evidence::new(&db.file.path, 1, "no `updates:` entries")],
            "dependabot.yml has no update entries",
        );
    }
    let mut ev: Vec<Evidence> = configured.values().cloned().collect();
    let uncovered: Vec<(&str, &Vec<String>)> = ecos
        .iter()
        .filter(|(e, _)| !configured.contains_key(**e))
        .map(|(e, p)| (*e, p))
        .collect();
    if uncovered.is_empty() {
        let names: Vec<&str> = configured.keys().map(String::as_str).collect();
        return out(
            State::Done,
            first(ev, 6),
            format!("Dependabot covers {}", names.join(", ")),
        );
    }
    for (eco, paths) in &uncovered {
        if let Some(p) = paths.first() {
            ev.insert(
                0,
                Evidence::new(p, 1, format!("{eco} not covered by dependabot.yml")),
            );
        }
    }
    let names: Vec<&str> = uncovered.iter().map(|(e, _)| *e).collect();
    out(
        State::Partial,
        first(ev, 6),
        format!("Dependabot misses {}", names.join(", ")),
    )
}

/// Share of requirement lines pinned with `==`/`===`, a URL or a hash.
fn requirements_pinned(t: &Text) -> (usize, usize) {
    let mut pinned = 0;
    let mut total = 0;
    for (_, l) in t.numbered() {
        let l = l.split(" #").next().unwrap_or("").trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('-') {
            continue;
        }
        total += 1;
        if l.contains("==") || l.contains(" @ ") || l.contains("--hash") {
            pinned += 1;
        }
    }
    (pinned, total)
}

fn lockfiles(facts: &Facts<'_>, p: &Profile) -> Outcome {
    let has_in = |dir: &str, names: &[&str]| {
        names.iter().any(|n| {
            let path = if dir.is_empty() {
                (*n).to_string()
            } else {
                format!("{dir}/{n}")
            };
            facts.has(&path)
        }) || names.iter().any(|n| facts.has(n))
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for m in &facts.manifests {
        let name = file_name(&m.path);
        let dir = dir_of(&m.path);
        let lower = name.to_ascii_lowercase();
        let verdict: Option<(bool, String)> = match name {
            "package.json" => Some((
                has_in(
                    dir,
                    &[
                        "package-lock.json",
                        "npm-shrinkwrap.json",
                        "yarn.lock",
                        "pnpm-lock.yaml",
                        "bun.lockb",
                        "bun.lock",
                    ],
                ),
                "npm".to_string(),
            )),
            "Cargo.toml" if !p.library => Some((has_in(dir, &["Cargo.lock"]), "cargo".to_string())),
            "go.mod" => Some((
                has_in(dir, &["go.sum"]) || !m.text.contains("require"),
                "go".to_string(),
            )),
            "Gemfile" => Some((has_in(dir, &["Gemfile.lock"]), "bundler".to_string())),
            "composer.json" => Some((has_in(dir, &["composer.lock"]), "composer".to_string())),
            "Pipfile" => Some((has_in(dir, &["Pipfile.lock"]), "pipenv".to_string())),
            "pyproject.toml" if !p.library => {
                let locked = has_in(
                    dir,
                    &[
                        "poetry.lock",
                        "uv.lock",
                        "pdm.lock",
                        "Pipfile.lock",
                        "requirements.lock",
                        "requirements.txt",
                    ],
                );
                let has_deps = m.text.contains("dependencies");
                has_deps.then(|| (locked, "python".to_string()))
            }
            _ if crate::classify::is_requirements_name(&lower) && lower.ends_with(".txt") => {
                let (pinned, total) = requirements_pinned(m);
                (total > 0).then(|| {
                    (
                        pinned * 5 >= total * 4,
                        format!("{pinned} of {total} requirements pinned"),
                    )
                })
            }
            _ => None,
        };
        let Some((ok, what)) = verdict else { continue };
        if ok {
            good.push(Evidence::new(&m.path, 1, format!("{what}: locked")));
        } else {
            bad.push(Evidence::new(
                &m.path,
                1,
                format!("{what}: no lockfile or pins"),
            ));
        }
    }
    if good.is_empty() && bad.is_empty() {
        return na("no application dependency manifests");
    }
    let total = good.len() + bad.len();
    let state = by_fraction(good.len(), total);
    let summary = format!("{} of {total} manifests locked or pinned", good.len());
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}

fn pre_commit_in_ci(facts: &Facts<'_>, ci: &Ci) -> bool {
    let runs = ci.steps.iter().any(|s| {
        s.action()
            .is_some_and(|a| a.starts_with("pre-commit/action") || a.starts_with("pre-commit-ci/"))
            || s.run.iter().any(|(_, t)| ci::PRECOMMIT_RE.is_match(t))
    });
    let pre_commit_ci = facts
        .pre_commit
        .as_ref()
        .is_some_and(|t| t.numbered().any(|(_, l)| l.starts_with("ci:")));
    runs || pre_commit_ci
}

/// Hooks of `.pre-commit-config.yaml` whose repo or id contains one of `needles`.
fn pre_commit_hooks(facts: &Facts<'_>, needles: &[&str]) -> Vec<Evidence> {
    let Some(t) = &facts.pre_commit else {
        return Vec::new();
    };
    t.numbered()
        .filter(|(_, l)| {
            let l = l.trim();
            !l.starts_with('#')
                && (l.contains("repo:") || l.contains("id:"))
                && needles.iter().any(|n| l.to_ascii_lowercase().contains(n))
        })
        .map(|(n, l)| {
            Evidence::new(
                &t.path,
                n,
                format!("pre-commit hook `{}`", l.trim().trim_start_matches("- ")),
            )
        })
        .take(3)
        .collect()
}

fn all_soft(ev: &[Evidence]) -> bool {
    ev.iter().all(|e| e.note.ends_with(ci::NON_BLOCKING))
}

fn ci_control(
    facts: &Facts<'_>,
    ci: &Ci,
    detector: &Detector,
    hooks: &[&str],
    what: &str,
) -> Outcome {
    let ev = ci.find(detector);
    if !ev.is_empty() {
        if all_soft(&ev) {
            let summary = format!("{what} in CI, but its failures are ignored");
            return out(State::Partial, first(ev, 4), summary);
        }
        let summary = format!("{what} in CI ({})", ev.len());
        return out(State::Done, first(ev, 4), summary);
    }
    let h = pre_commit_hooks(facts, hooks);
    if !h.is_empty() {
        if pre_commit_in_ci(facts, ci) {
            return out(State::Done, h, format!("{what} via pre-commit, run in CI"));
        }
        return out(
            State::Partial,
            h,
            format!("{what} only as a local pre-commit hook, not in CI"),
        );
    }
    if ci.steps.is_empty() {
        return out(State::Missing, Vec::new(), "no CI configuration found");
    }
    out(State::Missing, Vec::new(), format!("no {what} step in CI"))
}

fn vulnerability_scan(facts: &Facts<'_>, ci: &Ci, p: &Profile) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "aquasecurity/trivy-action",
            "aquasecurity/setup-trivy",
            "anchore/scan-action",
            "google/osv-scanner-action",
            "google/osv-scanner/",
            "snyk/actions",
            "actions/dependency-review-action",
            "pypa/gh-action-pip-audit",
            "docker/scout-action",
            "rustsec/audit-check",
            "actions-rs/audit-check",
            "golang/govulncheck-action",
            "dependency-check/dependency-check_action",
            "embarkstudios/cargo-deny-action",
            "crazy-max/ghaction-container-scan",
            "azure/container-scan",
            "sonatype-nexus-community/",
        ],
        run: &ci::VULN_RE,
        input: None,
        reject: Some(vuln_reject),
    };
    if detected_ecosystems(facts).is_empty() && !p.containers {
        return na("no dependency manifests or images to scan");
    }
    ci_control(
        facts,
        ci,
        &D,
        &["pip-audit", "safety", "osv-scanner", "trivy"],
        "vulnerability scan",
    )
}

fn vuln_reject(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ci::installs_only(line) || (l.contains("trivy config") && !l.contains("trivy image"))
}

fn sbom(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "anchore/sbom-action",
            "cyclonedx/",
            "advanced-security/sbom-generator-action",
            "microsoft/sbom-action",
            "actions/attest-sbom",
        ],
        run: &ci::SBOM_RE,
        input: Some(sbom_input),
        reject: Some(ci::installs_only),
    };
    ci_control(facts, ci, &D, &[], "SBOM generation")
}

fn sbom_input(action: &str, s: &ci::Step) -> bool {
    (action.starts_with("aquasecurity/trivy-action")
        && s.input("format")
            .is_some_and(|f| f.contains("cyclonedx") || f.contains("spdx") || f == "github"))
        || (action.starts_with("docker/build-push-action")
            && s.input("sbom").is_some_and(|v| v != "false"))
}

fn signed_releases(ci: &Ci) -> Outcome {
    static SIGN: Detector = Detector {
        uses: &[
            "sigstore/cosign-installer",
            "slsa-framework/slsa-github-generator",
            "actions/attest-build-provenance",
            "actions/attest",
            "sigstore/gh-action-sigstore-python",
            "philips-labs/slsa-provenance-action",
        ],
        run: &ci::SIGN_RE,
        input: None,
        reject: None,
    };
    static PUBLISH: Detector = Detector {
        uses: &[
            "pypa/gh-action-pypi-publish",
            "softprops/action-gh-release",
            "ncipollo/release-action",
            "goreleaser/goreleaser-action",
            "actions/create-release",
            "js-devtools/npm-publish",
            "google-github-actions/release-please-action",
            "googleapis/release-please-action",
            "redhat-actions/push-to-registry",
            "katyo/publish-crates",
            "ko-build/setup-ko",
        ],
        run: &ci::PUBLISH_RE,
        input: Some(publish_input),
        reject: None,
    };
    let signed = ci.find(&SIGN);
    if !signed.is_empty() {
        let n = signed.len();
        return out(
            State::Done,
            first(signed, 4),
            format!("signing/provenance in CI ({n})"),
        );
    }
    let mut published = ci.find(&PUBLISH);
    published.extend(ci.release_triggers.iter().cloned());
    if published.is_empty() {
        return na("nothing is published from CI");
    }
    out(
        State::Missing,
        first(published, 4),
        "artefacts are published but not signed",
    )
}

fn publish_input(action: &str, s: &ci::Step) -> bool {
    action.starts_with("docker/build-push-action") && s.input("push").is_some_and(|v| v != "false")
}

fn pinned_actions(facts: &Facts<'_>, ci: &Ci, findings: &[Finding]) -> Outcome {
    if facts.workflows.is_empty() && facts.actions.is_empty() {
        return na("no GitHub Actions workflows");
    }
    let mut pinned = Vec::new();
    let mut unpinned = Vec::new();
    for s in &ci.steps {
        let Some(uses) = &s.uses else { continue };
        let uses = uses.trim();
        if uses.starts_with("./") {
            continue;
        }
        let ok = if let Some(img) = uses.strip_prefix("docker://") {
            img.contains("@sha256:")
        } else {
            uses.rsplit_once('@')
                .is_some_and(|(_, r)| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
        };
        let e = Evidence::new(&s.path, s.line, uses.to_string());
        if ok {
            pinned.push(e);
        } else {
            unpinned.push(Evidence {
                note: format!("{uses}: mutable ref"),
                ..e
            });
        }
    }
    for f in findings
        .iter()
        .filter(|f| f.rule == "actions/unpinned-uses")
    {
        let line = f.region.start.line;
        if !unpinned.iter().any(|e| e.path == f.path && e.line == line) {
            pinned.retain(|e| !(e.path == f.path && e.line == line));
            unpinned.push(Evidence::new(&f.path, line, f.message.clone()));
        }
    }
    let total = pinned.len() + unpinned.len();
    if total == 0 {
        return out(State::Done, Vec::new(), "no third-party actions used");
    }
    let state = by_fraction(pinned.len(), total);
    let summary = format!("{} of {total} `uses:` pinned to a commit SHA", pinned.len());
    let mut ev = unpinned;
    ev.extend(pinned);
    out(state, first(ev, 5), summary)
}

// ---------------------------------------------------------------- security policy

fn security_policy(facts: &Facts<'_>) -> Outcome {
    let found = facts.inventory.iter().find(|e| {
        let (dir, name) = (dir_of(&e.path), file_name(&e.path).to_ascii_lowercase());
        matches!(dir, "" | ".github" | "docs")
            && (name == "security.md"
                || name == "security.rst"
                || name == "security.txt"
                || name == "security")
    });
    let Some(entry) = found else {
        return out(State::Missing, Vec::new(), "no SECURITY.md");
    };
    let Some(t) = facts.docs.iter().find(|d| d.path == entry.path) else {
        return out(
            State::Partial,
            vec![Evidence::new(&entry.path, 1, "could not be read")],
            "SECURITY.md present but unreadable",
        );
    };
    static PLACEHOLDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\[(insert|your|add|email|contact)[^\]]*\]|<[^>]*(email|contact|address)[^>]*>|@example\.(com|org)|\bTODO\b|\bTBD\b|\bFIXME\b|changeme|your[-_ ]?(email|contact|address)|REPLACE[_ ]?ME|REPLACE-WITH-|\{\{|use this section to tell people|tell them where to go)")
            .unwrap_or_else(|_| unreachable!())
    });
    static CONTACT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)([\w.+-]+@[\w-]+\.[\w.-]+|security/advisories|private vulnerability reporting|report a vulnerability|hackerone\.com|bugcrowd\.com|huntr\.|/security/policy|security\.txt|https?://\S+)")
            .unwrap_or_else(|_| unreachable!())
    });
    if let Some((n, l)) = t.numbered().find(|(_, l)| PLACEHOLDER.is_match(l)) {
        let shown: String = l.trim().chars().take(60).collect();
        return out(
            State::Partial,
            vec![Evidence::new(&t.path, n, format!("placeholder: {shown}"))],
            "SECURITY.md is a scaffold with a placeholder",
        );
    }
    match t
        .numbered()
        .find(|(_, l)| CONTACT.is_match(l) && !l.contains("@example."))
    {
        Some((n, _)) => out(
            State::Done,
            vec![Evidence::new(&t.path, n, "reporting channel")],
            "SECURITY.md with a reporting channel",
        ),
        None => out(
            State::Partial,
            vec![Evidence::new(&t.path, 1, "no contact or reporting channel")],
            "SECURITY.md without a way to report",
        ),
    }
}

fn secret_scanning(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "gitleaks/gitleaks-action",
            "zricethezav/gitleaks-action",
            "trufflesecurity/trufflehog",
            "gitguardian/ggshield-action",
            "gitguardian/ggshield/",
            "edplato/trufflehog-actions-scan",
        ],
        run: &ci::SECRET_RE,
        input: Some(secret_input),
        reject: Some(ci::installs_only),
    };
    let mut o = ci_control(
        facts,
        ci,
        &D,
        &[
            "gitleaks",
            "trufflehog",
            "detect-secrets",
            "ggshield",
            "talisman",
            "secretlint",
        ],
        "secret scanning",
    );
    if o.state == State::Missing {
        for cfg in [
            ".gitleaks.toml",
            ".secrets.baseline",
            ".trufflehog.yml",
            ".gitguardian.yaml",
        ] {
            if facts.has(cfg) {
                o = out(
                    State::Partial,
                    vec![Evidence::new(
                        cfg,
                        1,
                        "scanner configuration, not run in CI",
                    )],
                    "secret scanner configured but not run in CI",
                );
                break;
            }
        }
    }
    o
}

fn secret_input(action: &str, s: &ci::Step) -> bool {
    action.starts_with("aquasecurity/trivy-action")
        && s.input("scanners").is_some_and(|v| v.contains("secret"))
}

fn sast(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "github/codeql-action/analyze",
            "github/codeql-action/init",
            "returntocorp/semgrep-action",
            "semgrep/semgrep-action",
            "securego/gosec",
            "sonarsource/sonarcloud-github-action",
            "sonarsource/sonarqube-scan-action",
            "pycqa/bandit-action",
            "pycqa/bandit",
            "shundor/python-bandit-scan",
            "jpetrucciani/bandit-check",
            "appthreat/sast-scan-action",
            "shiftleftsecurity/scan-action",
            "microsoft/security-devops-action",
            "checkmarx/",
            "mobsf/mobsfscan",
        ],
        run: &ci::SAST_RE,
        input: None,
        reject: Some(ci::installs_only),
    };
    ci_control(
        facts,
        ci,
        &D,
        &["bandit", "semgrep", "gosec"],
        "static analysis",
    )
}

fn license(facts: &Facts<'_>) -> Outcome {
    let is_license = |name: &str| {
        let up = name.to_ascii_uppercase();
        up.starts_with("LICENSE")
            || up.starts_with("LICENCE")
            || up.starts_with("COPYING")
            || up == "UNLICENSE"
    };
    if let Some(e) = facts
        .inventory
        .iter()
        .find(|e| !e.path.contains('/') && is_license(&e.path))
    {
        return out(
            State::Done,
            vec![Evidence::new(&e.path, 1, "licence text")],
            format!("{} at the root", e.path),
        );
    }
    for m in &facts.manifests {
        let name = file_name(&m.path);
        if !matches!(
            name,
            "pyproject.toml" | "Cargo.toml" | "package.json" | "setup.cfg" | "setup.py"
        ) {
            continue;
        }
        if let Some((n, l)) = m.numbered().find(|(_, l)| {
            let t = l.trim_start().trim_start_matches('"');
            (t.starts_with("license") || t.starts_with("license-file")) && !l.contains("UNLICENSED")
        }) {
            let shown: String = l.trim().chars().take(50).collect();
            return out(
                State::Partial,
                vec![Evidence::new(&m.path, n, shown)],
                "licence declared in a manifest, no LICENSE file",
            );
        }
    }
    if let Some(e) = facts
        .inventory
        .iter()
        .find(|e| is_license(file_name(&e.path)) && is_production(&e.path))
    {
        return out(
            State::Partial,
            vec![Evidence::new(&e.path, 1, "licence only in a subdirectory")],
            "no LICENSE at the root",
        );
    }
    out(State::Missing, Vec::new(), "no LICENSE file")
}

// ---------------------------------------------------------------- CI/CD

fn tests_in_ci(ci: &Ci, _p: &Profile) -> Outcome {
    static D: Detector = Detector {
        uses: &[],
        run: &ci::TEST_RE,
        input: None,
        reject: Some(ci::installs_only),
    };
    let mut ev = ci.find(&D);
    if ev.is_empty() {
        // A step named "Run tests" that runs something (a wrapper script, a make target).
        static NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?i)^(?:run\s+)?(?:the\s+)?(?:unit\s+|integration\s+|e2e\s+|backend\s+|frontend\s+)?tests?(?:\s+suite)?\b")
                .unwrap_or_else(|_| unreachable!())
        });
        ev = ci
            .steps
            .iter()
            .filter(|s| NAME.is_match(s.name.trim()) && (!s.run.is_empty() || s.uses.is_some()))
            .map(|s| {
                let line = s.run.first().map_or(s.line, |r| r.0);
                Evidence::new(&s.path, line, format!("step “{}”", s.name.trim()))
            })
            .collect();
    }
    if ci.steps.is_empty() {
        return out(State::Missing, Vec::new(), "no CI configuration found");
    }
    if ev.is_empty() {
        return out(State::Missing, Vec::new(), "CI runs no test command");
    }
    if all_soft(&ev) {
        return out(
            State::Partial,
            first(ev, 4),
            "tests run in CI but failures are ignored",
        );
    }
    let n = ev.len();
    out(
        State::Done,
        first(ev, 4),
        format!(
            "tests run in CI ({n} step{})",
            if n == 1 { "" } else { "s" }
        ),
    )
}

fn token_permissions(facts: &Facts<'_>, findings: &[Finding]) -> Outcome {
    if facts.workflows.is_empty() {
        return na("no GitHub Actions workflows");
    }
    let mut score = 0.0;
    let mut ev_good = Vec::new();
    let mut ev_bad = Vec::new();
    for w in &facts.workflows {
        let path = &w.file.path;
        let flagged = findings.iter().any(|f| {
            f.path == *path && f.rule.starts_with("actions/") && f.rule.contains("permission")
        });
        let Some(root) = w.yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            continue;
        };
        let (s, e) = workflow_permissions(w, root);
        let s = if flagged { s.min(0.5) } else { s };
        score += s;
        if s >= 1.0 {
            ev_good.push(e);
        } else {
            ev_bad.push(e);
        }
    }
    let total = ev_good.len() + ev_bad.len();
    let state = if total > 0 && ev_bad.is_empty() {
        State::Done
    } else if score > 0.0 {
        State::Partial
    } else {
        State::Missing
    };
    let summary = format!(
        "{} of {total} workflows declare least-privilege permissions",
        ev_good.len()
    );
    let mut ev = ev_bad;
    ev.extend(ev_good);
    out(state, first(ev, 6), summary)
}

fn grants_write(node: &YamlNode) -> bool {
    match node.as_str() {
        Some(s) => s == "write-all",
        None => node
            .as_map()
            .is_some_and(|m| m.iter().any(|p| p.value.as_str() == Some("write"))),
    }
}

/// 1 = top-level read-only (or every job scoped), 0.5 = declared but broad, 0 = none.
fn workflow_permissions(w: &YamlText, root: &YamlNode) -> (f64, Evidence) {
    let path = &w.file.path;
    if let Some(p) = root.pair("permissions") {
        let line = w.file.line(p.key_span.start);
        if grants_write(&p.value) {
            return (
                0.5,
                Evidence::new(path, line, "top-level permissions grant write"),
            );
        }
        return (1.0, Evidence::new(path, line, "top-level permissions"));
    }
    let jobs = root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[]);
    let scoped = jobs
        .iter()
        .filter(|j| j.value.get("permissions").is_some())
        .count();
    if !jobs.is_empty() && scoped == jobs.len() {
        let line = jobs
            .first()
            .and_then(|j| j.value.pair("permissions"))
            .map_or(1, |p| w.file.line(p.key_span.start));
        return (
            1.0,
            Evidence::new(path, line, "every job declares permissions"),
        );
    }
    if scoped > 0 {
        return (
            0.5,
            Evidence::new(
                path,
                1,
                format!("{scoped} of {} jobs declare permissions", jobs.len()),
            ),
        );
    }
    (
        0.0,
        Evidence::new(path, 1, "no permissions: block (default token scope)"),
    )
}

// ---------------------------------------------------------------- observability

/// Health checks and probes that call a health route: proof the route exists
/// even when the framework serving it is not one the source grep knows.
fn probed_health_routes(c: &Containers) -> Vec<Evidence> {
    let healthy = |t: &str| {
        let t = t.to_ascii_lowercase();
        ["/health", "/livez", "/ping", "/_health", "/status"]
            .iter()
            .any(|w| t.contains(w))
    };
    let mut ev = Vec::new();
    for d in &c.dockerfiles {
        if let Some((l, args)) = &d.healthcheck {
            if healthy(args) {
                ev.push(Evidence::new(
                    &d.path,
                    *l,
                    "HEALTHCHECK calls a health route",
                ));
            }
        }
    }
    for s in &c.services {
        if let Some((l, true)) = s.healthcheck {
            if healthy(&s.hc_text) {
                ev.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck calls a health route", s.name),
                ));
            }
        }
    }
    for k in &c.k8s {
        if let Some((l, path)) = &k.probe {
            if healthy(path) {
                ev.push(Evidence::new(&k.file, *l, format!("probe on {path}")));
            }
        }
    }
    ev
}

/// File-system routes (Next.js `pages/api/health.ts`, `app/api/healthz/route.ts`,
/// SvelteKit `routes/health/+server.ts`) whose route name matches `names`.
fn file_routes(facts: &Facts<'_>, names: &[&str]) -> Vec<Evidence> {
    facts
        .inventory
        .iter()
        .filter(|e| is_production(&e.path))
        .filter(|e| {
            let lower = e.path.to_ascii_lowercase();
            let Some((stem_path, ext)) = lower.rsplit_once('.') else {
                return false;
            };
            if !matches!(ext, "ts" | "js" | "tsx" | "jsx" | "mjs") {
                return false;
            }
            let parts: Vec<&str> = stem_path.split('/').collect();
            let routed = parts
                .iter()
                .any(|p| matches!(*p, "api" | "routes" | "pages"));
            let last = parts.last().copied().unwrap_or("");
            let route_name = if matches!(last, "route" | "+server" | "index" | "+page.server") {
                parts
                    .len()
                    .checked_sub(2)
                    .and_then(|i| parts.get(i))
                    .copied()
                    .unwrap_or("")
            } else {
                last
            };
            routed && names.contains(&route_name)
        })
        .map(|e| Evidence::new(&e.path, 1, "file-system route"))
        .collect()
}

const HEALTH_ROUTE_NAMES: &[&str] = &["health", "healthz", "healthcheck", "livez", "ping"];
const READY_ROUTE_NAMES: &[&str] = &["ready", "readyz", "readiness"];

fn health_endpoint(facts: &Facts<'_>, c: &Containers, p: &Profile) -> Outcome {
    let mut ev = facts.source.health.clone();
    ev.extend(file_routes(facts, HEALTH_ROUTE_NAMES));
    if !p.service && ev.is_empty() {
        return na("no service code or exposed port");
    }
    ev.extend(actuator(facts));
    if ev.is_empty() {
        let probed = probed_health_routes(c);
        if !probed.is_empty() {
            return out(
                State::Done,
                first(probed, 3),
                "health route called by the container health check",
            );
        }
        return out(
            State::Missing,
            first(facts.source.web.clone(), 2),
            "service has no health route",
        );
    }
    out(State::Done, first(ev, 3), "health route in service code")
}

fn actuator(facts: &Facts<'_>) -> Vec<Evidence> {
    facts
        .manifests
        .iter()
        .filter_map(|m| {
            m.numbered()
                .find(|(_, l)| l.contains("spring-boot-starter-actuator"))
                .map(|(n, _)| Evidence::new(&m.path, n, "Spring Boot Actuator"))
        })
        .collect()
}

fn readiness_endpoint(facts: &Facts<'_>, c: &Containers, p: &Profile) -> Outcome {
    if !p.service {
        return na("no service code or exposed port");
    }
    let mut ev = facts.source.ready.clone();
    ev.extend(file_routes(facts, READY_ROUTE_NAMES));
    ev.extend(actuator(facts));
    if !ev.is_empty() {
        return out(State::Done, first(ev, 3), "readiness route in service code");
    }
    let probes: Vec<Evidence> = c
        .k8s
        .iter()
        .filter_map(|k| {
            k.readiness.as_ref().map(|(l, path)| {
                Evidence::new(
                    &k.file,
                    *l,
                    format!("readinessProbe {path} (no readiness route in code)"),
                )
            })
        })
        .collect();
    if let Some(k) = c.k8s.iter().find(|k| {
        k.readiness
            .as_ref()
            .is_some_and(|(_, p)| p.to_ascii_lowercase().contains("ready"))
    }) {
        if let Some((l, path)) = &k.readiness {
            return out(
                State::Done,
                vec![Evidence::new(
                    &k.file,
                    *l,
                    format!("readinessProbe on {path}"),
                )],
                "readiness route probed by Kubernetes",
            );
        }
    }
    if !probes.is_empty() {
        return out(
            State::Partial,
            first(probes, 3),
            "readiness probe without a readiness route",
        );
    }
    out(State::Missing, Vec::new(), "no readiness route")
}

const METRICS_DEPS: &[&str] = &[
    "prometheus-client",
    "prometheus_client",
    "prom-client",
    "client_golang",
    "prometheus-fastapi-instrumentator",
    "django-prometheus",
    "opentelemetry-sdk",
    "micrometer",
    "metrics-exporter-prometheus",
];

fn metrics(facts: &Facts<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing runs to be measured");
    }
    if facts.source_files == 0 {
        return na("no application source code");
    }
    let scrape: Vec<Evidence> = facts
        .k8s
        .iter()
        .map(|y| &y.file)
        .chain(facts.helm.iter())
        .filter_map(|t| {
            t.numbered()
                .find(|(_, l)| {
                    l.contains("prometheus.io/scrape")
                        || l.trim() == "kind: ServiceMonitor"
                        || l.trim() == "kind: PodMonitor"
                })
                .map(|(n, _)| Evidence::new(&t.path, n, "Prometheus scrape configuration"))
        })
        .collect();
    if facts.source.metrics.is_empty() && !scrape.is_empty() {
        return out(
            State::Done,
            first(scrape, 2),
            "metrics scraped by Prometheus",
        );
    }
    if !facts.source.metrics.is_empty() {
        return out(
            State::Done,
            first(facts.source.metrics.clone(), 3),
            "metrics exported",
        );
    }
    let deps: Vec<Evidence> = facts
        .manifests
        .iter()
        .filter_map(|m| {
            m.numbered()
                .find(|(_, l)| {
                    let l = l.to_ascii_lowercase();
                    METRICS_DEPS.iter().any(|d| l.contains(d))
                })
                .map(|(n, _)| {
                    Evidence::new(&m.path, n, "metrics client declared, not used in code")
                })
        })
        .collect();
    if !deps.is_empty() {
        return out(
            State::Partial,
            first(deps, 2),
            "metrics dependency declared but unused",
        );
    }
    out(State::Missing, Vec::new(), "no metrics")
}

fn structured_logging(facts: &Facts<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: logging is the application's choice");
    }
    if facts.source_files == 0 {
        return na("no application source code");
    }
    let mut structured = facts.source.log_structured.clone();
    let mut plain = facts.source.log_plain.clone();
    for c in &facts.log_configs {
        let l = c.text.to_ascii_lowercase();
        if l.contains("json") || l.contains("logstash") {
            structured.push(Evidence::new(
                &c.path,
                1,
                "logging config with a JSON formatter",
            ));
        } else {
            plain.push(Evidence::new(&c.path, 1, "logging config"));
        }
    }
    if !structured.is_empty() {
        return out(State::Done, first(structured, 3), "structured logging");
    }
    if !plain.is_empty() {
        return out(
            State::Partial,
            first(plain, 3),
            format!(
                "plain-text logging ({} print-style calls)",
                facts.source.print_count
            ),
        );
    }
    let n = facts.source.print_count;
    out(
        State::Missing,
        first(facts.source.prints.clone(), 3),
        if n > 0 {
            format!("print-only output ({n} calls)")
        } else {
            "no logging".to_string()
        },
    )
}

// ---------------------------------------------------------------- operations

struct Heading {
    line: usize,
    level: usize,
    title: String,
    /// Non-empty lines until the next heading of the same or a higher level.
    body_lines: usize,
}

struct Doc<'a> {
    text: &'a Text,
    lower_path: String,
    headings: Vec<Heading>,
    non_empty: usize,
}

struct Docs<'a> {
    docs: Vec<Doc<'a>>,
}

fn headings(t: &Text) -> Vec<Heading> {
    let lines: Vec<(usize, &str)> = t.numbered().collect();
    let rst = t.path.to_ascii_lowercase().ends_with(".rst");
    let mut out: Vec<Heading> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut fence = false;
    for (i, (n, l)) in lines.iter().enumerate() {
        let tl = l.trim_start();
        if tl.starts_with("```") || tl.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let level = if tl.starts_with('#') && !rst {
            let hashes = tl.chars().take_while(|c| *c == '#').count();
            (hashes <= 6 && tl[hashes..].starts_with(' ')).then_some(hashes)
        } else if let Some((_, next)) = lines.get(i + 1) {
            let nx = next.trim();
            let under = nx.len() >= 3
                && (nx.chars().all(|c| c == '=')
                    || nx.chars().all(|c| c == '-')
                    || (rst && nx.chars().all(|c| c == '~')));
            (under && !tl.trim().is_empty() && !tl.starts_with('|') && !tl.starts_with('-'))
                .then(|| if nx.starts_with('=') { 1 } else { 2 })
        } else {
            None
        };
        if let Some(level) = level {
            while open.last().is_some_and(|&i: &usize| out[i].level >= level) {
                open.pop();
            }
            open.push(out.len());
            out.push(Heading {
                line: *n,
                level,
                title: tl.trim_start_matches('#').trim().to_ascii_lowercase(),
                body_lines: 0,
            });
        } else if !tl.trim().is_empty() {
            // Counts toward every open (enclosing) heading.
            for &i in &open {
                out[i].body_lines += 1;
            }
        }
    }
    out
}

impl Doc<'_> {
    /// Changelogs, licences and issue/PR templates: their headings describe
    /// history or forms, not how the service is run.
    fn is_record(&self) -> bool {
        let name = file_name(&self.lower_path);
        let stem = name.split('.').next().unwrap_or("");
        self.lower_path.starts_with(".github/issue_template")
            || stem.starts_with("pull_request_template")
            || matches!(
                stem,
                "changelog"
                    | "changes"
                    | "history"
                    | "news"
                    | "release_notes"
                    | "release-notes"
                    | "license"
                    | "licence"
                    | "code_of_conduct"
                    | "authors"
                    | "contributors"
            )
    }
}

impl<'a> Docs<'a> {
    fn new(facts: &'a Facts<'_>) -> Self {
        let docs = facts
            .docs
            .iter()
            .map(|t| Doc {
                text: t,
                lower_path: t.path.to_ascii_lowercase(),
                headings: headings(t),
                non_empty: t.text.lines().filter(|l| !l.trim().is_empty()).count(),
            })
            .collect();
        Docs { docs }
    }

    /// Docs whose file name contains one of `names`.
    fn named(&self, names: &[&str]) -> Vec<&Doc<'a>> {
        self.docs
            .iter()
            .filter(|d| {
                let n = file_name(&d.lower_path);
                let dir = dir_of(&d.lower_path);
                names
                    .iter()
                    .any(|k| n.contains(k) || dir.split('/').any(|s| s.contains(k)))
            })
            .collect()
    }

    /// Headings (anywhere) whose title contains one of `words`.
    fn headings_with(&self, words: &[&str]) -> Vec<(&Doc<'a>, &Heading)> {
        let mut v = Vec::new();
        for d in self.docs.iter().filter(|d| !d.is_record()) {
            for h in &d.headings {
                if words.iter().any(|w| h.title.contains(w)) {
                    v.push((d, h));
                }
            }
        }
        v
    }
}

const TROUBLESHOOT: &[&str] = &[
    "troubleshoot",
    "issue",
    "common issues",
    "common problems",
    "known issues",
    "incident",
    "failure",
    "diagnos",
    "debugging",
    "recovery",
    "what to do",
    "faq",
    "errors",
    "problems",
    "alerts",
    "on-call",
    "oncall",
];

fn runbook(docs: &Docs<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to operate");
    }
    let candidates = docs.named(&[
        "runbook",
        "playbook",
        "operations",
        "operating",
        "oncall",
        "on-call",
        "ops.",
        "incident",
    ]);
    let candidates: Vec<_> = candidates
        .into_iter()
        .filter(|d| !d.lower_path.ends_with(".yml") && !d.lower_path.ends_with(".yaml"))
        .collect();
    for d in &candidates {
        if let Some(h) = d
            .headings
            .iter()
            .find(|h| TROUBLESHOOT.iter().any(|w| h.title.contains(w)))
        {
            return out(
                State::Done,
                vec![
                    Evidence::new(&d.text.path, 1, "runbook"),
                    Evidence::new(&d.text.path, h.line, format!("section “{}”", h.title)),
                ],
                "runbook with a troubleshooting section",
            );
        }
    }
    if let Some(d) = candidates.first() {
        let note = if d.non_empty < 15 {
            "runbook is a stub"
        } else {
            "no troubleshooting section"
        };
        return out(
            State::Partial,
            vec![Evidence::new(&d.text.path, 1, note)],
            format!("runbook needs expansion: {note}"),
        );
    }
    let ts = docs.named(&["troubleshoot"]);
    if let Some(d) = ts.first() {
        return out(
            State::Partial,
            vec![Evidence::new(
                &d.text.path,
                1,
                "troubleshooting guide, no runbook",
            )],
            "troubleshooting guide but no runbook",
        );
    }
    let sections = docs.headings_with(&["troubleshoot", "operations", "runbook", "operating"]);
    if let Some((d, h)) = sections.first() {
        return out(
            State::Partial,
            section_evidence(d, h, "section"),
            "operations notes in a README section only",
        );
    }
    out(State::Missing, Vec::new(), "no runbook")
}

/// Evidence pointing at a document section: `label “Heading”` at the heading's line.
fn section_evidence(d: &Doc<'_>, h: &Heading, label: &str) -> Vec<Evidence> {
    vec![Evidence::new(
        &d.text.path,
        h.line,
        format!("{label} “{}”", h.title),
    )]
}

fn deployment_guide(docs: &Docs<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to deploy");
    }
    let named = docs.named(&[
        "deploy",
        "production",
        "hosting",
        "self-host",
        "release-process",
    ]);
    if let Some(d) = named.iter().find(|d| d.non_empty >= 8) {
        return out(
            State::Done,
            vec![Evidence::new(&d.text.path, 1, "deployment guide")],
            "deployment guide",
        );
    }
    let words = [
        "deploy",
        "production",
        "self-host",
        "hosting",
        "kubernetes",
        "helm install",
    ];
    let sections = docs.headings_with(&words);
    if let Some((d, h)) = sections.iter().find(|(_, h)| h.body_lines >= 5) {
        return out(
            State::Done,
            section_evidence(d, h, "section"),
            "deployment documented",
        );
    }
    if let Some(d) = named.first() {
        return out(
            State::Partial,
            vec![Evidence::new(&d.text.path, 1, "deployment doc is a stub")],
            "deployment guide is a stub",
        );
    }
    if let Some((d, h)) = sections.first() {
        return out(
            State::Partial,
            section_evidence(d, h, "short section"),
            "deployment barely documented",
        );
    }
    out(State::Missing, Vec::new(), "no deployment guide")
}

const ROLLBACK_WORDS: &[&str] = &[
    "rollback",
    "roll back",
    "rolling back",
    "roll-back",
    "revert a release",
    "reverting a deploy",
    "downgrade",
];

fn rollback(facts: &Facts<'_>, docs: &Docs<'_>, ci: &Ci, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to roll back");
    }
    let heads = docs.headings_with(ROLLBACK_WORDS);
    if let Some((d, h)) = heads.first() {
        return out(
            State::Done,
            section_evidence(d, h, "section"),
            "rollback procedure documented",
        );
    }
    if let Some(s) = facts
        .scripts
        .iter()
        .find(|s| file_name(&s.path).to_ascii_lowercase().contains("rollback"))
    {
        return out(
            State::Done,
            vec![Evidence::new(&s.path, 1, "rollback script")],
            "rollback scripted",
        );
    }
    static D: Detector = Detector {
        uses: &[],
        run: &ci::ROLLBACK_RE,
        input: None,
        reject: None,
    };
    let ev = ci.find(&D);
    if !ev.is_empty() {
        return out(State::Done, first(ev, 2), "rollback automated in CI");
    }
    for d in docs.docs.iter().filter(|d| !d.is_record()) {
        if let Some((n, _)) = d.text.numbered().find(|(_, l)| {
            let l = l.to_ascii_lowercase();
            ROLLBACK_WORDS.iter().any(|w| l.contains(w))
        }) {
            return out(
                State::Partial,
                vec![Evidence::new(
                    &d.text.path,
                    n,
                    "rollback mentioned, no procedure",
                )],
                "rollback mentioned but not described",
            );
        }
    }
    out(State::Missing, Vec::new(), "no rollback procedure")
}

static BACKUP_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(pg_dump|pg_dumpall|pg_basebackup|mysqldump|mariadb-dump|mongodump|restic\s+(?:-\S+\s+)*backup|borg\s+create|velero\s+backup|wal-g\s+backup-push|barman\s+backup|redis-cli\s+.*\bbgsave|sqlite3\s+\S+\s+['\x22]?\.backup|\.backup\()").unwrap_or_else(|_| unreachable!())
});

static RESTORE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(pg_restore|mongorestore|restic\s+(?:-\S+\s+)*(?:check|restore)|borg\s+(?:check|extract)|velero\s+restore|wal-g\s+backup-fetch|pg_verifybackup|sha256sum\s+(?:-c|--check)|md5sum\s+-c|gzip\s+-t|gunzip\s+-t|psql\b[^|]*<|mysql\b[^|]*<|verify_backup|restore_backup|test_restore)").unwrap_or_else(|_| unreachable!())
});

fn backup(facts: &Facts<'_>, docs: &Docs<'_>, p: &Profile) -> Outcome {
    let mut backups = Vec::new();
    let mut restores = Vec::new();
    let texts = facts
        .scripts
        .iter()
        .chain(facts.compose.iter().map(|y| &y.file))
        .chain(facts.k8s.iter().map(|y| &y.file))
        .chain(facts.workflows.iter().map(|y| &y.file))
        .chain(facts.other_ci.iter());
    for s in texts {
        let name = file_name(&s.path).to_ascii_lowercase();
        let mut b = None;
        let mut r = None;
        for (n, l) in s.numbered() {
            let t = l.trim();
            if t.starts_with('#') || t.starts_with("//") {
                continue;
            }
            if b.is_none() && BACKUP_RE.is_match(t) {
                b = Some(Evidence::new(
                    &s.path,
                    n,
                    format!("backup: {}", t.chars().take(50).collect::<String>()),
                ));
            }
            if r.is_none() && RESTORE_RE.is_match(t) {
                r = Some(Evidence::new(
                    &s.path,
                    n,
                    format!("restore/verify: {}", t.chars().take(50).collect::<String>()),
                ));
            }
        }
        if b.is_none() && name.contains("backup") && !name.contains("restore") {
            b = Some(Evidence::new(&s.path, 1, "backup script"));
        }
        if r.is_none()
            && (name.contains("restore") || name.contains("verify"))
            && (name.contains("backup") || name.contains("restore"))
        {
            r = Some(Evidence::new(&s.path, 1, "restore script"));
        }
        backups.extend(b);
        restores.extend(r);
    }
    let doc_restore: Vec<Evidence> = docs
        .headings_with(&[
            "restore",
            "restoring",
            "backup verification",
            "verify backup",
            "verifying backups",
            "disaster recovery",
        ])
        .into_iter()
        .map(|(d, h)| Evidence::new(&d.text.path, h.line, format!("section “{}”", h.title)))
        .collect();
    let doc_backup: Vec<Evidence> = docs
        .headings_with(&["backup", "back up", "back-up"])
        .into_iter()
        .map(|(d, h)| Evidence::new(&d.text.path, h.line, format!("section “{}”", h.title)))
        .collect();
    if p.library {
        return na("library or tool: no data to back up");
    }
    if backups.is_empty() && doc_backup.is_empty() && !p.stateful {
        return na("no database or persistent store found");
    }
    restores.extend(doc_restore);
    if !backups.is_empty() && !restores.is_empty() {
        let mut ev = first(backups, 2);
        ev.extend(first(restores, 2));
        return out(State::Done, ev, "backups with a restore/verify step");
    }
    if !backups.is_empty() {
        return out(
            State::Partial,
            first(backups, 3),
            "backups are never verified by a restore",
        );
    }
    if !doc_backup.is_empty() {
        let mut ev = first(doc_backup, 2);
        ev.extend(first(restores, 2));
        return out(State::Partial, ev, "backups documented but not scripted");
    }
    out(
        State::Missing,
        Vec::new(),
        "stateful service without backups",
    )
}

fn changelog(facts: &Facts<'_>, docs: &Docs<'_>) -> Outcome {
    let is_cl = |path: &str| {
        let n = file_name(path).to_ascii_lowercase();
        let stem = n.split('.').next().unwrap_or("");
        let ext_ok =
            n.ends_with(".md") || n.ends_with(".rst") || n.ends_with(".txt") || !n.contains('.');
        [
            "changelog",
            "changes",
            "history",
            "news",
            "release_notes",
            "release-notes",
            "releasenotes",
            "releases",
        ]
        .iter()
        .any(|k| {
            stem == *k
                || stem
                    .strip_prefix(k)
                    .is_some_and(|r| r.starts_with(['-', '_']))
        }) && ext_ok
            && is_production(path)
    };
    if let Some(d) = docs.docs.iter().find(|d| is_cl(&d.text.path)) {
        if d.non_empty >= 4 {
            return out(
                State::Done,
                vec![Evidence::new(&d.text.path, 1, "changelog")],
                "changelog kept",
            );
        }
        return out(
            State::Partial,
            vec![Evidence::new(&d.text.path, 1, "changelog is nearly empty")],
            "changelog is a stub",
        );
    }
    for (tool, note) in [
        ("release-please-config.json", "release-please"),
        (".release-please-manifest.json", "release-please"),
        (".changeset/config.json", "changesets"),
        ("cliff.toml", "git-cliff"),
        ("towncrier.toml", "towncrier"),
    ] {
        if facts.has(tool) {
            return out(
                State::Done,
                vec![Evidence::new(tool, 1, note)],
                format!("release notes generated by {note}"),
            );
        }
    }
    if let Some(m) = facts.manifests.iter().find(|m| m.path == "pyproject.toml") {
        if let Some((n, _)) = m.numbered().find(|(_, l)| l.trim() == "[tool.towncrier]") {
            return out(
                State::Done,
                vec![Evidence::new(&m.path, n, "towncrier")],
                "release notes generated by towncrier",
            );
        }
    }
    if facts.inventory.iter().any(|e| is_cl(&e.path)) {
        if let Some(e) = facts.inventory.iter().find(|e| is_cl(&e.path)) {
            return out(
                State::Done,
                vec![Evidence::new(&e.path, 1, "changelog")],
                "changelog kept",
            );
        }
    }
    if facts.has(".github/release.yml") {
        return out(
            State::Partial,
            vec![Evidence::new(
                ".github/release.yml",
                1,
                "generated GitHub release notes",
            )],
            "only generated GitHub release notes",
        );
    }
    out(State::Missing, Vec::new(), "no changelog")
}

// ---------------------------------------------------------------- known vulnerabilities

/// At most this many matches are cited as evidence (the summary gives the total).
const MAX_VULN_EVIDENCE: usize = 10;

/// `known-vulnerabilities`: the repository's lockfiles matched offline against
/// the OSV records of `[osv] source` (or `status --osv`). Unknown without OSV
/// data or when it cannot be read; not applicable when nothing is locked.
///
/// This is `osv::match_repository` with the caller's configuration (so
/// `--config` and `--osv` are honoured), keeping the lockfile count for the
/// summary.
pub fn known_vulnerabilities(root: &std::path::Path, config: &crate::config::Config) -> Outcome {
    let Some(source) = crate::osv::configured_source(config, root) else {
        return out(
            State::Unknown,
            Vec::new(),
            "no OSV data given ([osv] source or --osv): locked versions not checked",
        );
    };
    let (lockfiles, _errors) = crate::sbom::collect(root, config);
    if lockfiles.is_empty() {
        return na("no lockfile to check");
    }
    let db = match crate::osv::Database::load(&source, Some(&crate::osv::wanted(&lockfiles))) {
        Ok(db) => db,
        Err(e) => {
            return out(
                State::Unknown,
                Vec::new(),
                format!("OSV data could not be read ({e}): locked versions not checked"),
            )
        }
    };
    let mut matches = crate::osv::match_lockfiles(&lockfiles, &db);
    let packages: usize = lockfiles.iter().map(|l| l.packages.len()).sum();
    if matches.is_empty() {
        let ev = lockfiles
            .iter()
            .map(|l| {
                Evidence::new(
                    l.path.clone(),
                    1,
                    format!("{} packages locked, none affected", l.packages.len()),
                )
            })
            .collect();
        return out(
            State::Done,
            first(ev, MAX_VULN_EVIDENCE),
            format!(
                "no known vulnerability in {packages} locked package{} ({} lockfile{})",
                if packages == 1 { "" } else { "s" },
                lockfiles.len(),
                if lockfiles.len() == 1 { "" } else { "s" },
            ),
        );
    }
    // Worst first, then by place, so the cap keeps what matters.
    matches.sort_by(|a, b| {
        b.advisory
            .severity
            .cmp(&a.advisory.severity)
            .then_with(|| a.lockfile.cmp(&b.lockfile))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.advisory.id.cmp(&b.advisory.id))
    });
    let affected: BTreeSet<(String, String)> = matches
        .iter()
        .map(|m| (m.package.clone(), m.version.clone()))
        .collect();
    let advisories: BTreeSet<&str> = matches.iter().map(|m| m.advisory.id.as_str()).collect();
    let ev = matches
        .iter()
        .take(MAX_VULN_EVIDENCE)
        .map(|m| {
            let fix = match &m.fixed {
                Some(f) => format!("fixed in {f}"),
                None => "no fix published".to_string(),
            };
            Evidence::new(
                m.lockfile.clone(),
                m.line,
                format!(
                    "{} ({}): {}@{}, {fix}",
                    m.advisory.id,
                    m.advisory.severity.as_str(),
                    m.package,
                    m.version
                ),
            )
        })
        .collect();
    out(
        State::Missing,
        ev,
        format!(
            "{} advisor{} affect{} {} locked package{}",
            advisories.len(),
            if advisories.len() == 1 { "y" } else { "ies" },
            if advisories.len() == 1 { "s" } else { "" },
            affected.len(),
            if affected.len() == 1 { "" } else { "s" },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile;
    use crate::status::facts::DockerText;

    fn docker(text: &str) -> DockerInfo {
        docker_info(&DockerText {
            file: Text::new("Dockerfile", text),
            parsed: dockerfile::parse(text),
        })
    }

    #[test]
    fn dockerfile_user_and_healthcheck_follow_stages() {
        let d = docker(
            "FROM python:3.12-slim AS base\r\nRUN useradd -u 10001 app\r\nUSER app\r\nHEALTHCHECK CMD curl -f http://localhost/health || exit 1\r\n\r\nFROM base AS final\r\nCOPY . /app\r\nCMD [\"python\", \"/app/main.py\"]",
        );
        assert_eq!(d.user, Some((3, "app".to_string())));
        assert_eq!(d.healthcheck.map(|h| h.0), Some(4));
        assert_eq!(d.from_line, 6);
        let r = docker(
            "FROM golang:1.23 AS build\nUSER nobody\nFROM debian:12\nCOPY --from=build /x /x\n",
        );
        assert!(
            r.user.is_none(),
            "USER of another stage does not carry over"
        );
        let root = docker("FROM alpine\nUSER root\n");
        assert!(is_root_user(&root.user.map(|u| u.1).unwrap_or_default()));
        assert!(!is_root_user("10001:10001"));
        assert!(is_root_user("0:0"));
        assert!(base_is_nonroot("gcr.io/distroless/static-debian12:nonroot"));
    }

    #[test]
    fn nextjs_and_sveltekit_file_routes() {
        let inv: Vec<crate::rules::InventoryEntry> = [
            "app/api/healthz/route.ts",
            "pages/api/ready.ts",
            "src/routes/health/+server.ts",
            "src/lib/health.ts",
            "tests/api/health.ts",
        ]
        .iter()
        .map(|p| crate::rules::InventoryEntry {
            path: p.to_string(),
            kind: None,
        })
        .collect();
        let facts = crate::status::facts::gather(
            std::path::Path::new("/nonexistent"),
            &inv,
            &crate::config::Config::default(),
        );
        let h: Vec<String> = file_routes(&facts, HEALTH_ROUTE_NAMES)
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            h,
            vec!["app/api/healthz/route.ts", "src/routes/health/+server.ts"]
        );
        assert_eq!(file_routes(&facts, READY_ROUTE_NAMES).len(), 1);
    }

    #[test]
    fn trivial_healthchecks() {
        assert!(trivial_healthcheck("CMD true"));
        assert!(
            trivial_healthcheck("--interval=30s CMD [ \"executable\" ]")
                || trivial_healthcheck("CMD [ \"executable\" ]")
        );
        assert!(trivial_healthcheck("CMD exit 0"));
        assert!(trivial_healthcheck("[\"CMD-SHELL\", \"echo ok\"]"));
        assert!(!trivial_healthcheck(
            "CMD curl -fsS http://localhost:8000/health || exit 1"
        ));
        assert!(!trivial_healthcheck("cmd-shell pg_isready -u app"));
    }

    #[test]
    fn markdown_and_rst_headings() {
        let md = Text::new(
            "docs/runbook.md",
            "# Runbook\n\n```bash\n# not a heading\n```\n\n## Troubleshooting\n\none\ntwo\n\nSetext\n======\n",
        );
        let h = headings(&md);
        let titles: Vec<&str> = h.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, vec!["runbook", "troubleshooting", "setext"]);
        assert_eq!(h[1].line, 7);
        assert_eq!(h[1].body_lines, 2);
        let rst = Text::new(
            "docs/ops.rst",
            "Operations\n==========\n\nRollback\n--------\nrun it\n",
        );
        let titles: Vec<String> = headings(&rst).into_iter().map(|h| h.title).collect();
        assert_eq!(titles, vec!["operations", "rollback"]);
    }

    #[test]
    fn permissions_levels() {
        let wf = |t: &str| {
            let y = YamlText {
                file: Text::new(".github/workflows/x.yml", t),
                yaml: crate::parse::yaml::parse(t),
            };
            let root = y.yaml.documents[0].root.clone().expect("root");
            workflow_permissions(&y, &root).0
        };
        assert_eq!(
            wf("on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n"),
            1.0
        );
        assert_eq!(wf("on: push\npermissions: write-all\njobs: {}\n"), 0.5);
        assert_eq!(
            wf("on: push\njobs:\n  a:\n    permissions:\n      contents: read\n  b:\n    runs-on: x\n"),
            0.5
        );
        assert_eq!(wf("on: push\njobs:\n  a:\n    runs-on: x\n"), 0.0);
    }
}
