//! `harden probe` against real HTTP(S) servers started on 127.0.0.1 inside the
//! tests: a healthy service, a slow one, readiness failing, a malformed metrics
//! page, self-signed / expired / private-CA certificates, a redirect to another
//! origin (never followed), nothing listening, routes from a repository's code.
//! Nothing here sends a packet outside the loopback range.

#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use harden::finding::Severity;
use harden::probe::endpoints::RouteHint;
use harden::probe::report::{CodeRef, Role};
use harden::probe::{self, ProbeOptions, ProbeReport, Target};
use server::{Request, Response};

const METRICS: &str = include_str!("fixtures/probe/exposition/python-service.prom");
const HARDENED: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Strict-Transport-Security", "max-age=63072000"),
];

fn fast() -> ProbeOptions {
    let limits = harden::probe::http::Limits {
        timeout: Duration::from_millis(800),
        deadline: Duration::from_secs(20),
        ..Default::default()
    };
    ProbeOptions {
        limits,
        samples: 3,
        ..ProbeOptions::default()
    }
}

fn run(url: &str, opts: &ProbeOptions) -> ProbeReport {
    let target = Target::parse(url).expect("url");
    probe::probe(&target, opts).expect("probe")
}

fn ids(r: &ProbeReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.check.id).collect()
}

fn harden(resp: Response) -> Response {
    HARDENED.iter().fold(resp, |r, (k, v)| r.header(k, v))
}

/// A service that does everything right.
fn healthy(req: &Request) -> Response {
    let r = match req.path.as_str() {
        "/healthz" => Response::json(200, r#"{"status":"ok"}"#),
        "/readyz" => Response::json(
            200,
            r#"{"status":"ok","checks":{"database":{"status":"up"},"redis":{"status":"up"}}}"#,
        ),
        "/metrics" => Response::new(200, "text/plain; version=0.0.4; charset=utf-8", METRICS),
        _ => Response::not_found(),
    };
    harden(r)
}

#[test]
fn healthy_service() {
    let s = server::http(healthy);
    let r = run(&s.url("http"), &fast());
    let found: Vec<(&str, Severity)> = r
        .findings
        .iter()
        .map(|f| (f.check.id, f.severity))
        .collect();
    // Only the liveness route's bare body is worth a note.
    assert_eq!(
        found,
        vec![("probe/shallow-health-check", Severity::Info)],
        "{:#?}",
        r.findings
    );
    let health = r.best(Role::Health).expect("health");
    assert_eq!(
        (health.path.as_str(), health.status),
        ("/healthz", Some(200))
    );
    assert_eq!(health.latency.as_ref().map(|l| l.samples_ms.len()), Some(3));
    let ready = r.best(Role::Ready).expect("ready");
    let deps: Vec<&str> = ready
        .body
        .as_ref()
        .expect("body")
        .dependencies
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(deps, vec!["database", "redis"]);
    let m = r.metrics.as_ref().expect("metrics parsed");
    assert!(m.errors.is_empty() && m.service_families.len() >= 5);
    assert!(r
        .proven
        .iter()
        .any(|p| p.starts_with("health: GET /healthz answered 200")));
    assert!(r
        .proven
        .iter()
        .any(|p| p.contains("database: up, redis: up")));
    assert!(r
        .not_proven
        .iter()
        .any(|p| p.contains("cannot be told apart")));
    // Six conventional paths probed once each, three samples of each answering
    // path, one CORS request at the root.
    assert_eq!(r.requests, 6 + 3 * 2 + 1);
    let cors = s
        .seen()
        .into_iter()
        .filter(|q| q.header("origin").is_some())
        .count();
    assert_eq!(cors, 1);
    assert!(s.seen().iter().all(|q| q
        .header("user-agent")
        .is_some_and(|u| u.starts_with("harden-probe/"))));
}

#[test]
fn slow_health_times_out_and_is_reported() {
    let s = server::http(|req| match req.path.as_str() {
        "/health" => harden(
            Response::json(200, r#"{"status":"ok","db":"ok"}"#).after(Duration::from_millis(600)),
        ),
        _ => harden(Response::not_found()),
    });
    let mut o = fast();
    o.limits.timeout = Duration::from_millis(250);
    let r = run(&s.url("http"), &o);
    let slow = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/slow-endpoint")
        .expect("slow");
    assert_eq!(slow.message, "GET /health gave no answer within 0.25 s");
    assert!(
        ids(&r).contains(&"probe/no-health-endpoint"),
        "{:#?}",
        r.findings
    );
    let e = r
        .endpoints
        .iter()
        .find(|e| e.path == "/health")
        .expect("probed");
    assert_eq!(e.error.as_deref(), Some("no answer within the timeout"));
}

#[test]
fn readiness_503_names_the_failing_dependency() {
    let s = server::http(|req| {
        harden(match req.path.as_str() {
            "/health" => Response::json(200, r#"{"status":"ok"}"#),
            "/ready" => Response::json(
                503,
                r#"{"status":"fail","checks":{"db":{"status":"down"},"cache":{"status":"up"}}}"#,
            ),
            _ => Response::not_found(),
        })
    });
    let r = run(&s.url("http"), &fast());
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/not-ready")
        .expect("not-ready");
    assert_eq!(f.severity, Severity::Medium);
    assert!(
        f.message.contains("answered 503") && f.message.contains("db: down"),
        "{}",
        f.message
    );
}

#[test]
fn health_500_is_high_and_fails_the_gate() {
    let s = server::http(|req| {
        harden(match req.path.as_str() {
            "/healthz" => Response::json(500, r#"{"status":"error"}"#),
            _ => Response::not_found(),
        })
    });
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args([
            "probe",
            "--no-repo",
            "--samples",
            "1",
            "--timeout",
            "1",
            &s.url("http"),
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("probe/health-failing"), "{text}");
}

#[test]
fn malformed_metrics_page() {
    let page = "# HELP jobs Jobs.\n# TYPE jobs counter\njobs{queue=\"default} 3\njobs_failed 1 2 3\nlatency_ms{le=0.5} 2\n";
    let s = server::http(move |req| {
        harden(match req.path.as_str() {
            "/health" => Response::json(200, r#"{"status":"ok"}"#),
            "/metrics" => Response::new(200, "text/plain; version=0.0.4", page),
            _ => Response::not_found(),
        })
    });
    let r = run(&s.url("http"), &fast());
    let f = &r.findings[0];
    assert_eq!(
        (f.check.id, f.severity),
        ("probe/metrics-unparseable", Severity::High)
    );
    assert!(f.message.starts_with("3 line(s)"), "{}", f.message);
    assert!(f.message.contains("line 3"), "{}", f.message);
    // The scraper sees nothing, so naming gaps are hygiene at most.
    assert!(r
        .findings
        .iter()
        .skip(1)
        .all(|f| f.severity <= Severity::Low));
    assert_eq!(r.metrics.as_ref().map(|m| m.errors.len()), Some(3));
}

#[test]
fn self_signed_certificate_is_inspected_not_trusted() {
    let (cert, key) = server::self_signed((2024, 1, 1), (2099, 1, 1));
    let s = server::https(vec![cert], key, healthy);
    let r = run(&s.url("https"), &fast());
    let tls = r.tls.as_ref().expect("tls facts");
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    assert!(
        tls.untrusted
            .as_deref()
            .is_some_and(|u| u.contains("self-signed")),
        "{tls:?}"
    );
    assert!(tls
        .leaf()
        .is_some_and(|l| l.self_signed && l.names.contains(&"127.0.0.1".to_string())));
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/tls-untrusted")
        .expect("untrusted");
    assert_eq!(f.severity, Severity::High);
    // The endpoints were still probed, flagged as unauthenticated.
    assert!(r.unverified_tls);
    assert!(r.best(Role::Health).is_some_and(|h| h.ok()));
    assert!(r.not_proven.iter().any(|p| p.contains("not authenticated")));
}

#[test]
fn expired_certificate() {
    let (cert, key) = server::self_signed((2020, 1, 1), (2021, 1, 1));
    let s = server::https(vec![cert], key, healthy);
    let r = run(&s.url("https"), &fast());
    let tls = r.tls.as_ref().expect("tls");
    assert!(tls.leaf().is_some_and(|l| l.days_left < -1000));
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/tls-untrusted")
        .expect("finding");
    assert!(f.message.contains("expired"), "{}", f.message);
}

#[test]
fn private_ca_with_cacert_is_trusted_and_headers_checked() {
    let (ca_pem, leaf, key) = server::private_ca();
    let s = server::https(vec![leaf], key, |req| match req.path.as_str() {
        "/" => Response::new(200, "text/html", "<h1>app</h1>").header("Server", "nginx/1.18.0"),
        "/health" => Response::json(200, r#"{"status":"ok","database":"connected"}"#),
        _ => Response::not_found(),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, ca_pem).expect("write");
    let mut o = fast();
    o.cacert = harden::probe::tls::load_pem_roots(&std::fs::read(&ca).expect("read")).expect("pem");
    let r = run(&s.url("https"), &o);
    let tls = r.tls.as_ref().expect("tls");
    assert!(tls.trusted() && tls.private_ca, "{tls:?}");
    assert!(!r.unverified_tls);
    let got = ids(&r);
    for id in [
        "probe/missing-hsts",
        "probe/missing-nosniff",
        "probe/missing-csp",
        "probe/server-version-leak",
    ] {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }
    // Without --cacert the same server is untrusted.
    let r = run(&s.url("https"), &fast());
    assert!(ids(&r).contains(&"probe/tls-untrusted"));
}

#[test]
fn redirect_to_another_origin_is_not_followed() {
    let other = server::http(|_| Response::json(200, r#"{"status":"ok"}"#));
    let elsewhere = format!("{}/health", other.url("http"));
    let s = server::http(move |req| {
        harden(match req.path.as_str() {
            "/health" => Response::new(302, "text/plain", "").header("Location", &elsewhere),
            "/healthz" => Response::new(301, "text/plain", "").header("Location", "/healthz/"),
            "/healthz/" => Response::json(200, r#"{"status":"ok"}"#),
            _ => Response::not_found(),
        })
    });
    let r = run(&s.url("http"), &fast());
    assert!(other.seen().is_empty(), "the other origin was contacted");
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/cross-origin-redirect")
        .expect("finding");
    assert!(f.message.contains("not followed"));
    // The same-origin redirect was followed.
    let h = r
        .endpoints
        .iter()
        .find(|e| e.path == "/healthz")
        .expect("healthz");
    assert_eq!(h.status, Some(200));
    assert_eq!(h.followed.len(), 1);
}

#[test]
fn cors_reflecting_any_origin_with_credentials() {
    let s = server::http(|req| {
        let mut r = harden(match req.path.as_str() {
            "/health" => Response::json(200, r#"{"status":"ok","db":"ok"}"#),
            _ => Response::not_found(),
        });
        if let Some(o) = req.header("origin") {
            r = r
                .header("Access-Control-Allow-Origin", o)
                .header("Access-Control-Allow-Credentials", "true");
        }
        r
    });
    let r = run(&s.url("http"), &fast());
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/cors-credentials")
        .expect("cors");
    assert_eq!(f.severity, Severity::High);
}

#[test]
fn nothing_listening_is_a_clear_error() {
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["probe", "--no-repo", &nothing_listening()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing listens") && err.contains("connection refused"),
        "{err}"
    );
}

#[test]
fn bad_urls_are_refused_before_any_request() {
    for url in [
        "localhost:8000",
        "ftp://h/",
        "http://user:hunter2@127.0.0.1:1/",
        "http://127.0.0.1:1/?k=v",
    ] {
        let out = Command::cargo_bin("harden")
            .expect("bin")
            .args(["probe", "--no-repo", url])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    }
}

#[test]
fn request_budget_is_a_hard_cap() {
    let s = server::http(healthy);
    let mut o = fast();
    o.limits.max_requests = 4;
    let r = run(&s.url("http"), &o);
    assert_eq!(r.requests, 4);
    assert_eq!(s.seen().len(), 4);
    assert!(r.skipped > 0);
    assert!(r.not_proven.iter().any(|p| p.contains("budget")));
}

#[test]
fn routes_from_code_resolved_and_unserved() {
    let s = health_only_service();
    let mut o = fast();
    o.conventional = false;
    o.hints = vec![
        RouteHint {
            role: Role::Health,
            paths: vec![
                "/api/v1/utils/health-check/".into(),
                "/utils/health-check/".into(),
                "/health-check/".into(),
            ],
            code: CodeRef {
                path: "backend/app/api/routes/utils.py".into(),
                line: 29,
            },
        },
        RouteHint {
            role: Role::Ready,
            paths: vec!["/ready".into()],
            code: CodeRef {
                path: "backend/app/api/routes/ops.py".into(),
                line: 12,
            },
        },
    ];
    let r = run(&s.url("http"), &o);
    let h = r.best(Role::Health).expect("health");
    assert_eq!(h.path, "/api/v1/utils/health-check/");
    let f = r
        .findings
        .iter()
        .find(|f| f.check.id == "probe/route-not-served")
        .expect("unserved");
    assert_eq!(
        f.code.as_ref().map(|c| (c.path.as_str(), c.line)),
        Some(("backend/app/api/routes/ops.py", 12))
    );
    assert!(f.message.contains("answered 404"));
    assert!(
        !r.findings.iter().any(|f| f.message.contains("utils.py")),
        "the resolved route is served"
    );
}

fn write_fastapi_repo(root: &Path) {
    let files: &[(&str, &str)] = &[
        ("backend/app/core/config.py", "class Settings:\n    API_V1_STR: str = \"/api/v1\"\n\nsettings = Settings()\n"),
        ("backend/app/main.py", "from fastapi import FastAPI\nfrom app.api.main import api_router\nfrom app.core.config import settings\n\napp = FastAPI()\napp.include_router(api_router, prefix=settings.API_V1_STR)\n"),
        ("backend/app/api/main.py", "from fastapi import APIRouter\nfrom app.api.routes import utils\n\napi_router = APIRouter()\napi_router.include_router(utils.router)\n"),
        ("backend/app/api/routes/utils.py", "from fastapi import APIRouter\n\nrouter = APIRouter(prefix=\"/utils\", tags=[\"utils\"])\n\n\n@router.get(\"/health-check/\")\nasync def health_check() -> bool:\n    return True\n\n\n@router.get(\"/readyz\")\nasync def ready() -> dict:\n    return {\"status\": \"ok\", \"database\": \"ok\"}\n"),
        ("backend/Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nEXPOSE 8000\nCMD [\"fastapi\", \"run\", \"app/main.py\"]\n"),
    ];
    for (p, text) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

#[test]
fn cli_reads_routes_from_the_repository_and_writes_every_format() {
    let repo = tempfile::tempdir().expect("tmp");
    write_fastapi_repo(repo.path());
    let s = health_only_service();
    let base = s.url("http");
    let run_fmt = |fmt: &str| {
        let out = Command::cargo_bin("harden")
            .expect("bin")
            .args(["probe", "--repo"])
            .arg(repo.path())
            .args([
                "--samples",
                "2",
                "--timeout",
                "1",
                "--fail-on",
                "critical",
                "--format",
                fmt,
                &base,
            ])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json: serde_json::Value = serde_json::from_str(&run_fmt("json")).expect("json");
    assert_eq!(json["schema_version"], 1);
    let eps = json["endpoints"].as_array().expect("endpoints");
    let served = eps
        .iter()
        .find(|e| e["path"] == "/api/v1/utils/health-check/")
        .expect("resolved route probed");
    assert_eq!(served["status"], 200);
    assert_eq!(
        served["sources"][0]["path"],
        "backend/app/api/routes/utils.py"
    );
    assert_eq!(served["sources"][0]["line"], 6);
    let unserved = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "probe/route-not-served")
        .expect("the readiness route is not served");
    assert_eq!(unserved["code"]["line"], 11);

    let sarif: serde_json::Value = serde_json::from_str(&run_fmt("sarif")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let loc = results
        .iter()
        .find(|r| r["ruleId"] == "probe/route-not-served")
        .map(|r| &r["locations"][0]["physicalLocation"])
        .expect("sarif result");
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "backend/app/api/routes/utils.py"
    );
    assert_eq!(loc["region"]["startLine"], 11);
    assert!(results
        .iter()
        .all(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string()));

    let md = run_fmt("markdown");
    assert!(
        md.contains("# Probe of") && md.contains("probe/route-not-served"),
        "{md}"
    );
    let html = run_fmt("html");
    assert!(html.starts_with("<!doctype html>") && html.contains("probe/route-not-served"));
    assert!(!html.contains("<script"));
    let term = run_fmt("terminal");
    assert!(
        term.contains("Endpoints") && term.contains("Not proven"),
        "{term}"
    );
}

#[test]
fn explain_documents_probe_checks() {
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["explain", "probe/metrics-runtime-only"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("runtime defaults"));
}

/// The service of [`write_fastapi_repo`] with only its health route up: readiness
/// and metrics answer 404.
fn health_only_service() -> server::Server {
    server::http(|req| {
        harden(match req.path.as_str() {
            "/api/v1/utils/health-check/" => Response::json(200, "true"),
            _ => Response::not_found(),
        })
    })
}

/// A loopback URL on a port nothing listens on.
fn nothing_listening() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    format!("http://127.0.0.1:{port}")
}

#[test]
fn status_probe_proves_and_disproves_controls() {
    let repo = tempfile::tempdir().expect("tmp");
    write_fastapi_repo(repo.path());
    let s = health_only_service();
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["status", "--format", "json", "--probe", &s.url("http")])
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let control = |id: &str| {
        doc["controls"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["id"] == id))
            .cloned()
            .expect("control")
    };
    let health = control("health-endpoint");
    assert_eq!(health["state"], "done");
    let first = health["evidence"][0]["note"].as_str().expect("note");
    assert!(
        first.starts_with(&format!(
            "answered 200 at {}/api/v1/utils/health-check/ in",
            s.url("http")
        )),
        "{first}"
    );
    let ready = control("readiness-endpoint");
    assert_eq!(ready["state"], "missing", "{ready}");
    assert!(ready["summary"]
        .as_str()
        .is_some_and(|t| t.contains("does not answer it (answered 404")));
    // Nothing listening: an error, not a report.
    drop(s);
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["status", "--probe", &nothing_listening()])
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// `plan --probe URL` and `plan --since … --probe URL` show what the running service
/// answered (issue 17): the health route answers, the readiness route does not.
#[test]
fn plan_shows_live_evidence_from_a_probe() {
    let repo = tempfile::tempdir().expect("tmp");
    write_fastapi_repo(repo.path());
    let s = health_only_service();
    let url = s.url("http");
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["plan", "--probe", &url])
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Live evidence"), "{md}");
    let health = md
        .lines()
        .find(|l| l.starts_with("| `health-endpoint` |"))
        .expect("health row");
    assert!(
        health.contains(&format!(
            "answered 200 at {url}/api/v1/utils/health-check/ in"
        )),
        "{health}"
    );
    let ready = md
        .lines()
        .find(|l| l.starts_with("| `readiness-endpoint` |"))
        .expect("readiness row");
    assert!(ready.contains("| missing |"), "{ready}");

    // JSON carries it; the progress report shows it too.
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["plan", "--format", "json", "--probe", &url])
        .arg(repo.path())
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let live = doc["live"].as_array().expect("live");
    assert!(live
        .iter()
        .any(|e| e["control"] == "health-endpoint" && e["state"] == "done"));
    let base = repo.path().join("base.json");
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .arg("baseline")
        .arg(repo.path())
        .arg("-o")
        .arg(&base)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["plan", "--probe", &url, "--since"])
        .arg(&base)
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("# Hardening progress"), "{md}");
    assert!(md.contains("## Live evidence"), "{md}");
    assert!(md.contains(&format!("answered 200 at {url}")), "{md}");
    // Without --probe, nothing live and no network.
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .arg("plan")
        .arg(repo.path())
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Live evidence"));
    // Nothing listening: an error, as for status.
    drop(s);
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["plan", "--probe", &nothing_listening()])
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// `scan --format markdown|html --probe URL`: the report's readiness section shows
/// what the running service answered (issue 17); other formats refuse the flag.
#[test]
fn scan_reports_show_live_evidence_from_a_probe() {
    let repo = tempfile::tempdir().expect("tmp");
    write_fastapi_repo(repo.path());
    let s = health_only_service();
    let url = s.url("http");
    let answered = format!("answered 200 at {url}/api/v1/utils/health-check/ in");
    for format in ["markdown", "html"] {
        let out = Command::cargo_bin("harden")
            .expect("bin")
            .args([
                "scan",
                "--fail-on",
                "critical",
                "--format",
                format,
                "--probe",
                &url,
            ])
            .arg(repo.path())
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains(&answered), "{format}: {report}");
    }
    // Without --probe the same report has no live evidence.
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["scan", "--fail-on", "critical", "--format", "markdown"])
        .arg(repo.path())
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("answered 200 at"));
    // A format without a readiness section refuses the flag.
    let out = Command::cargo_bin("harden")
        .expect("bin")
        .args(["scan", "--format", "json", "--probe", &url])
        .arg(repo.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--probe"));
}
