//! What kind of repository this is (a service, a library, stateful…), which
//! decides the controls that apply.

use super::areas::observability::{file_routes, HEALTH_ROUTE_NAMES};
use super::ci::Ci;
use super::facts::{file_name, is_production, Facts};
use super::workloads::Containers;
use super::Profile;

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

pub(crate) fn profile(facts: &Facts<'_>, ci: &Ci, c: &Containers) -> Profile {
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
                || (name.starts_with("deploy") && !is_docs_or_module(&name)))
    });
    let packaged = facts.entries().any(|(path, name)| {
        is_production(path) && PACKAGE_FILES.contains(&file_name(path)) && name != "package.json"
            || name.ends_with(".gemspec") && is_production(path)
    }) || facts.manifests.iter().any(|m| m.declares_package);
    // package.json: a published package, not a private app with a start script.
    let npm_package = facts.manifests.iter().any(|m| {
        file_name(&m.path) == "package.json"
            && is_production(&m.path)
            && !m.npm_private
            && !m.npm_start
    });
    let npm_app = facts
        .manifests
        .iter()
        .any(|m| file_name(&m.path) == "package.json" && (m.npm_private || m.npm_start));
    // A packaged tool (a crate, a Python or npm package) whose only container is a
    // Dockerfile that exposes nothing and that nothing orchestrates ships its image as
    // one more way to run the tool (ruff, zizmor, harden itself): nothing to operate.
    let orchestrated = !c.services.is_empty() || !c.k8s.is_empty() || !c.helm.is_empty();
    let tool_image = (packaged || npm_package) && !npm_app && !exposes && !orchestrated;
    p.deployable =
        p.service || (p.containers && !tool_image) || deploy_file || !facts.helm.is_empty();
    p.library = (packaged || npm_package) && !npm_app && !p.deployable;
    let db_service = c.services.iter().any(|s| is_data_store_image(&s.image));
    p.stateful = !p.library
        && (db_service || c.stateful_k8s || !facts.source.db.is_empty() || manifest_has_db(facts));
    p
}

/// A `deploy*` file that is prose or a module of a compiled program (`deploy_tools.rs`,
/// `deployer.go`): not a deployment script or configuration of this repository.
fn is_docs_or_module(name: &str) -> bool {
    [
        ".md", ".rst", ".txt", ".rs", ".go", ".java", ".kt", ".c", ".cc", ".cpp", ".h", ".cs",
        ".swift", ".scala",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// Whether an image is a data store's (postgres, mysql, mongo…), by name.
pub(crate) fn is_data_store_image(image: &str) -> bool {
    let img = image.to_ascii_lowercase();
    DB_IMAGES.iter().any(|d| img.contains(d))
}

fn manifest_has_db(facts: &Facts<'_>) -> bool {
    facts.manifests.iter().any(|m| m.db_dependency)
}
