//! The repository model's queries on a small but complete repository
//! (`tests/fixtures/model/shop`): compose services built from a multi-stage
//! Dockerfile, images built by a workflow, a Makefile, a script and a README,
//! requirements files that include each other, three docs generators, a Helm
//! chart, and a vendored package with its own `.github/workflows`.

mod common;

use harden::model::{EnvKind, Generator, RefKind, Repository, Source};
use harden::roles::FileRole;

fn shop() -> Repository {
    common::scan_all(&common::fixtures().join("model/shop")).model
}

#[test]
fn image_for_service_follows_build_target_and_stage_chain() {
    let m = shop();
    let api = m.service("docker-compose.yml", "api").expect("api service");
    let built = m.image_for_service(api).expect("api builds a Dockerfile");
    assert_eq!(built.image.dockerfile, "docker/api.Dockerfile");
    assert_eq!(
        built.image.stages[built.stage].name.as_deref(),
        Some("prod")
    );
    let c = built.config();
    // USER and HEALTHCHECK come from `base`, which `prod` builds on.
    assert_eq!(
        c.user.as_ref().map(|u| (u.line, u.value.as_str())),
        Some((6, "app"))
    );
    assert!(c.has_healthcheck());
    assert_eq!(c.healthcheck.as_ref().map(|h| h.line), Some(7));
    assert_eq!(
        c.expose
            .iter()
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>(),
        ["8000"]
    );
    assert!(c.cmd.as_ref().is_some_and(|x| x.value.contains("uvicorn")));
    assert_eq!(c.entrypoint, None);
    assert_eq!(c.base, "python:3.12-slim");

    let worker = m.service("docker-compose.yml", "worker").expect("worker");
    let w = m.image_for_service(worker).expect("worker builds ./worker");
    assert_eq!(w.image.dockerfile, "worker/Dockerfile");
    let wc = w.config();
    assert!(!wc.has_healthcheck());
    assert_eq!(wc.user, None);

    let db = m.service("docker-compose.yml", "db").expect("db");
    assert!(m.image_for_service(db).is_none(), "db pulls an image");
    assert_eq!(
        m.service_at("docker-compose.yml", api.line)
            .map(|s| s.name.as_str()),
        Some("api")
    );
}

#[test]
fn is_built_names_every_kind_of_builder() {
    let m = shop();
    let by = |dockerfile: &str| {
        let mut v: Vec<(Source, String)> = m
            .builders(dockerfile)
            .map(|r| (r.source, r.from.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        by("docker/api.Dockerfile"),
        [
            (Source::Workflow, ".github/workflows/ci.yml".to_string()),
            (Source::Compose, "docker-compose.yml".to_string()),
        ]
    );
    assert_eq!(
        m.builders("docker/api.Dockerfile")
            .map(|r| r.target.as_deref())
            .collect::<Vec<_>>(),
        [Some("prod"), Some("prod")]
    );
    assert_eq!(
        by("worker/Dockerfile"),
        [
            (Source::Compose, "docker-compose.yml".into()),
            (Source::Makefile, "Makefile".into())
        ]
    );
    assert_eq!(
        by("tools/Dockerfile.tools"),
        [(Source::Script, "scripts/test.sh".to_string())]
    );
    assert_eq!(
        by("ops/Dockerfile.ops"),
        [(Source::Docs, "README.md".to_string())]
    );
    assert_eq!(
        by(".devcontainer/Dockerfile"),
        [(
            Source::Compose,
            ".devcontainer/docker-compose.dev.yml".to_string()
        )]
    );
    assert!(!m.is_built("legacy/Dockerfile"));
    assert!(m.is_built("worker/Dockerfile"));
    // The workflow runs the test script and installs the dev requirements.
    assert!(m
        .references_to("scripts/test.sh")
        .any(|r| r.kind == RefKind::Runs && r.from == ".github/workflows/ci.yml"));
}

#[test]
fn environment_of_follows_includes_and_dockerfile_installs() {
    let m = shop();
    let kinds = |manifest: &str| {
        m.environment_of(manifest)
            .map(|e| e.kind.clone())
            .collect::<Vec<_>>()
    };
    // base.txt is included by both dev.txt and prod.txt, and installed by the image.
    assert_eq!(
        kinds("requirements/base.txt"),
        [
            EnvKind::Image {
                dockerfile: "docker/api.Dockerfile".into()
            },
            EnvKind::Requirements {
                root: "requirements/dev.txt".into()
            },
            EnvKind::Requirements {
                root: "requirements/prod.txt".into()
            },
        ]
    );
    // The api image's final stage (`prod`) installs prod.txt, not the test stage's dev.txt.
    let image = m
        .environment_of("requirements/prod.txt")
        .find(|e| matches!(e.kind, EnvKind::Image { .. }))
        .expect("the api image installs prod.txt");
    assert!(image.manifests.contains("requirements/base.txt"));
    assert!(!image.manifests.contains("requirements/dev.txt"));
    assert!(m.installed_together("requirements/prod.txt", "requirements/base.txt"));
    assert!(!m.installed_together("requirements/prod.txt", "requirements/dev.txt"));
    // worker/requirements.txt reaches the worker image through `COPY requirements.txt .`.
    assert!(m.environment_of("worker/requirements.txt").any(|e| e.kind
        == EnvKind::Image {
            dockerfile: "worker/Dockerfile".into()
        }));
    assert!(!m.installed_together("worker/requirements.txt", "requirements/base.txt"));
}

#[test]
fn docs_site_for_each_generator() {
    let m = shop();
    let site = |p: &str| m.docs_site_for(p).map(|s| (s.generator, s.config.as_str()));
    assert_eq!(
        site("site-docs/index.md"),
        Some((Generator::MkDocs, "mkdocs.yml"))
    );
    assert_eq!(
        site("website/docs/intro.md"),
        Some((Generator::Docusaurus, "website/docusaurus.config.js"))
    );
    assert_eq!(
        site("docs/index.rst"),
        Some((Generator::Sphinx, "docs/conf.py"))
    );
    // mkdocs.yml moved its docs_dir away from docs/, and README is no site's page.
    assert_eq!(site("README.md"), None);
    assert_eq!(site("site-docs"), None);
}

#[test]
fn role_combines_path_builders_templates_and_docs() {
    let m = shop();
    let api = m.role("docker/api.Dockerfile");
    assert_eq!(api.by_path, FileRole::Production);
    assert!(!api.dev_only && !api.template && !api.docs_page);
    // Only a development compose file builds the dev container's Dockerfile.
    assert!(m.role(".devcontainer/Dockerfile").dev_only);
    assert!(m.role("charts/shop/templates/deployment.yaml").template);
    assert!(!m.role("k8s/base/deployment.yaml").template);
    assert!(m.role("site-docs/index.md").docs_page);
    assert!(m.role(".github/workflows/ci.yml").ci_only);
}

#[test]
fn workflows_github_runs_only_at_the_root() {
    let m = shop();
    assert_eq!(
        m.workflows_github_runs().collect::<Vec<_>>(),
        [".github/workflows/ci.yml"]
    );
}

/// Connection calls per module: the modules that open a database connection
/// themselves (the callers one shared connection module would replace), tests and
/// examples left out.
#[test]
fn modules_that_open_their_own_database_connections() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = tmp.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "collectors/prices.py",
        "import psycopg2\n\ndef run():\n    conn = psycopg2.connect(host=HOST)\n    return conn\n",
    );
    write(
        "collectors/news.py",
        "import psycopg2\nconn = psycopg2 . connect(dsn)\nother = psycopg2.connect(dsn)\n",
    );
    write(
        "api/db.py",
        "from sqlalchemy import create_engine\nengine = create_engine(URL)\n",
    );
    write(
        "tests/test_db.py",
        "import psycopg2\nconn = psycopg2.connect(dsn)\n",
    );
    write(
        "collectors/util.py",
        "def connect():\n    return None\nconnect()\n",
    );
    let m = common::scan_all(tmp.path()).model;
    let calls: Vec<(&str, usize, &str)> = m
        .connection_calls()
        .iter()
        .map(|c| (c.path.as_str(), c.line, c.call.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("api/db.py", 2, "create_engine"),
            ("collectors/news.py", 2, "psycopg2.connect"),
            ("collectors/news.py", 3, "psycopg2.connect"),
            ("collectors/prices.py", 4, "psycopg2.connect"),
            ("tests/test_db.py", 2, "psycopg2.connect"),
        ]
    );
    let modules: Vec<&str> = m.connecting_modules().keys().copied().collect();
    assert_eq!(
        modules,
        ["api/db.py", "collectors/news.py", "collectors/prices.py"]
    );
}

/// Files are checked in parallel and the Kubernetes rules hold their findings until the
/// end: each held finding must keep its own fix. (A fix attached afterwards to "the
/// finding held last" once landed on another file's finding, with edits at offsets of
/// the wrong file.) Every manifest here differs in length before the container, so an
/// edit from another file would not land on `resources:`.
#[test]
fn held_kubernetes_findings_keep_their_own_fixes_under_parallel_scanning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut texts = std::collections::HashMap::new();
    for i in 0..160 {
        let pad = "# padding\n".repeat(i % 37);
        let text = format!(
            "{pad}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: app{i}}}\n  template:\n    metadata:\n      labels: {{app: app{i}}}\n    spec:\n      containers:\n        - name: app{i}\n          image: registry.example.com/app{i}:1.{i}\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n"
        );
        let path = format!("deploy/app{i}.yaml");
        common::write(dir.path(), &path, &text);
        texts.insert(path, text);
    }
    let report = scan_on_eight_threads(dir.path());
    let limits: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "k8s/missing-resource-limits")
        .collect();
    assert_eq!(limits.len(), 160);
    for f in limits {
        let fix = f
            .fix
            .as_ref()
            .expect("every missing-limit finding has its fix");
        let text = &texts[f.path.as_str()];
        let mut fixed = text.clone();
        for e in fix.edits.iter().rev() {
            fixed.replace_range(e.range.clone(), &e.replacement);
        }
        // The edit lands inside this file's own container block: everything up to
        // its `resources:` is untouched and a memory limit follows.
        let head = text.find("          resources:").expect("resources key");
        assert_eq!(
            &fixed[..head],
            &text[..head],
            "{}: edit before the container",
            f.path
        );
        let tail = &fixed[head..];
        assert!(
            tail.contains("limits:") && tail.contains("memory:"),
            "{}: the fix did not add this container's memory limit:\n{fixed}",
            f.path
        );
    }
}

/// A Dockerfile without `HEALTHCHECK` in a repository that deploys to Kubernetes cites
/// one probe as the reason it is lowered. With files checked in parallel, "the first
/// probe seen" was whichever manifest a thread finished first, so two runs of the same
/// tree cited different files. The probe cited is now the first by path.
#[test]
fn the_probe_cited_for_a_missing_healthcheck_is_the_same_on_every_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..60 {
        let pad = "# padding\n".repeat((60 - i) % 23);
        common::write(
            dir.path(),
            &format!("deploy/app{i:02}.yaml"),
            format!("{pad}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: app{i}}}\n  template:\n    metadata:\n      labels: {{app: app{i}}}\n    spec:\n      containers:\n        - name: app{i}\n          image: registry.example.com/app{i}:1.0\n          readinessProbe:\n            httpGet: {{path: /ready, port: 8080}}\n"),
        );
    }
    common::write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . /app\nUSER app\nEXPOSE 8080\nCMD [\"gunicorn\", \"app:app\"]\n",
    );
    for _ in 0..5 {
        let report = scan_on_eight_threads(dir.path());
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == "docker/missing-healthcheck")
            .expect("the Dockerfile has no HEALTHCHECK");
        let cited: Vec<_> = f.related.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(cited, ["deploy/app00.yaml"], "{f:?}");
    }
}

/// Every rule, default config, eight worker threads: the race tests need more threads
/// than files finish in order.
fn scan_on_eight_threads(root: &std::path::Path) -> harden::engine::ScanReport {
    harden::engine::scan(&harden::engine::ScanOptions {
        root: root.to_path_buf(),
        config: harden::config::Config::default(),
        threads: 8,
        scope: Default::default(),
        plan_facts: true,
    })
}

/// A base image other images start `FROM` is judged through them, unless something
/// also runs it as it is (issue 20, plan23): here a compose service runs
/// `acme/base:1` and a workflow `docker run`s `acme/tools:1`, so both are images of
/// their own (root, no `USER`), while `tools/ci.Dockerfile` and the app image are
/// judged on their own `USER`.
#[test]
fn a_base_image_that_is_also_run_is_an_image_of_its_own() {
    let report = common::scan_all(&common::fixtures().join("repos/base-also-run"));
    let m = &report.model;
    for base in ["base/Dockerfile", "tools/Dockerfile"] {
        assert!(m.runs_directly(base, 0), "{base} is run as it is");
        assert!(!m.is_base_stage(base, 0), "{base}");
        assert!(!m.is_base_of_other_images(base), "{base}");
        assert_eq!(m.running_images(base).len(), 1, "{base}");
    }
    assert!(
        !m.runs_directly("tools/ci.Dockerfile", 0),
        "nothing runs the CI image"
    );
    let mut root: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "docker/runs-as-root")
        .map(|f| f.path.as_str())
        .collect();
    root.sort_unstable();
    assert_eq!(root, ["base/Dockerfile", "tools/Dockerfile"]);
}

/// `is_base_stage` and `is_base_of_other_images` read an index of the `FROM`s that
/// start from the repository's own images (built once: asked per Dockerfile, the scan
/// of every image's stages per question was quadratic). They answer as that scan did,
/// recomputed here from the public model, for every Dockerfile and stage of every
/// fixture repository; some of them are bases.
#[test]
fn base_image_answers_match_a_scan_of_every_from() {
    let mut bases = 0;
    let mut repos = 0;
    for entry in std::fs::read_dir(common::fixtures().join("repos")).expect("fixture repos") {
        let root = entry.expect("fixture entry").path();
        let report = common::scan_all(&root);
        let m = &report.model;
        repos += 1;
        // (Dockerfile, stage) of each `FROM`, and the published image it names.
        let froms: Vec<(&str, usize, &str, usize)> = m
            .images()
            .iter()
            .flat_map(|i| {
                i.stages.iter().enumerate().filter_map(move |(k, s)| {
                    let b = m.published_image(s.from_resolved.as_deref().unwrap_or(&s.from))?;
                    Some((
                        i.dockerfile.as_str(),
                        k,
                        b.image.dockerfile.as_str(),
                        b.stage,
                    ))
                })
            })
            .collect();
        for image in m.images() {
            let d = image.dockerfile.as_str();
            let other = froms
                .iter()
                .any(|&(f, _, b, bs)| f != d && b == d && !m.runs_directly(d, bs));
            assert_eq!(
                m.is_base_of_other_images(d),
                other,
                "{}: {d}",
                root.display()
            );
            bases += usize::from(other);
            for stage in 0..image.stages.len() {
                let base = !m.runs_directly(d, stage)
                    && froms
                        .iter()
                        .any(|&(f, k, b, bs)| (f != d || k != stage) && b == d && bs == stage);
                assert_eq!(
                    m.is_base_stage(d, stage),
                    base,
                    "{}: {d} stage {stage}",
                    root.display()
                );
                bases += usize::from(base);
            }
        }
    }
    assert!(repos > 10, "{repos} fixture repositories");
    assert!(
        bases > 0,
        "no fixture has a base image: the comparison shows nothing"
    );
}
