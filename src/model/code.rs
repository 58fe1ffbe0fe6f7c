//! What production source code shows, found in one pass over each source file
//! while the walk holds its text: route registrations (health, readiness,
//! metrics), web frameworks, metrics clients, logging style and database
//! clients. `status` reads the merged result from the model and reads no source
//! itself. Line-based with cheap substring tests; a route only counts
//! where the line registers a handler (`@app.get(`, `HandleFunc(`, `.route(`…),
//! never where a client calls it (`requests.get(`, `fetch(`).

use std::sync::LazyLock;

use regex::Regex;

use super::routes::{self, PrefixFacts, RouteFact, RouteKind};
use super::Evidence;

/// What the production source shows.
#[derive(Debug, Clone, Default)]
pub struct SourceFacts {
    /// Liveness routes.
    pub health: Vec<Evidence>,
    /// Readiness routes.
    pub ready: Vec<Evidence>,
    /// `/metrics` routes and metrics clients.
    pub metrics: Vec<Evidence>,
    /// Structured (JSON / key-value) loggers.
    pub log_structured: Vec<Evidence>,
    /// Plain logging (stdlib logging, log crate…).
    pub log_plain: Vec<Evidence>,
    /// print()/console.log calls (first few) and their count.
    pub prints: Vec<Evidence>,
    /// Number of print-style calls.
    pub print_count: usize,
    /// Web servers and frameworks.
    pub web: Vec<Evidence>,
    /// Database clients.
    pub db: Vec<Evidence>,
    /// Every health/readiness/metrics route registration, with its router's prefix.
    pub routes: Vec<RouteFact>,
    /// Mount prefixes and path constants (for `routes::resolve`).
    pub prefixes: PrefixFacts,
    /// The application's own backup feature: a registered route that takes a
    /// backup (`/backups`, `/admin/export`) or an admin/CLI command
    /// (`@cli.command("backup")`).
    pub backup_feature: Vec<Evidence>,
    /// The application's own restore feature (`/backups/{name}/restore`,
    /// `/admin/import`, `@cli.command("restore")`).
    pub restore_feature: Vec<Evidence>,
}

impl SourceFacts {
    /// Combines two partial results.
    pub fn merge(mut self, other: SourceFacts) -> SourceFacts {
        self.health.extend(other.health);
        self.ready.extend(other.ready);
        self.metrics.extend(other.metrics);
        self.log_structured.extend(other.log_structured);
        self.log_plain.extend(other.log_plain);
        self.prints.extend(other.prints);
        for v in [
            &mut self.log_structured,
            &mut self.log_plain,
            &mut self.prints,
        ] {
            keep_first_shown(v);
        }
        self.print_count += other.print_count;
        self.web.extend(other.web);
        self.db.extend(other.db);
        self.routes.extend(other.routes);
        self.prefixes.mounts.extend(other.prefixes.mounts);
        self.prefixes.constants.extend(other.prefixes.constants);
        self.backup_feature.extend(other.backup_feature);
        self.restore_feature.extend(other.restore_feature);
        self
    }

    /// Every evidence list, for ordering them alike.
    pub fn evidence_mut(&mut self) -> [&mut Vec<Evidence>; 10] {
        [
            &mut self.backup_feature,
            &mut self.restore_feature,
            &mut self.health,
            &mut self.ready,
            &mut self.metrics,
            &mut self.log_structured,
            &mut self.log_plain,
            &mut self.prints,
            &mut self.web,
            &mut self.db,
        ]
    }

    /// Deterministic order (files arrive from the parallel walk in any order).
    pub fn sort(&mut self) {
        for v in self.evidence_mut() {
            v.sort();
            v.dedup();
        }
        self.routes.sort();
        self.routes.dedup();
    }
}

/// How many lines of the logging and print lists anything reads: `status` shows the
/// first three of each after [`SourceFacts::sort`] (`status/areas/observability.rs`),
/// and nothing else reads them (the count of print calls is `print_count`).
const SHOWN: usize = 3;

/// Keeps only the [`SHOWN`] first distinct lines of `v` in sorted order once it grows
/// past a few times that: the three lines [`SourceFacts::sort`] leaves first are the
/// same, and a scan no longer holds a print and a logger line for every module of a
/// large tree (tens of thousands of paths and notes, most of the source facts' memory
/// on the 50k-file benchmark tree).
fn keep_first_shown(v: &mut Vec<Evidence>) {
    if v.len() > 4 * SHOWN {
        v.sort();
        v.dedup();
        v.truncate(SHOWN);
    }
}

const SOURCE_EXTS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "go", "rs", "java", "kt", "rb",
    "php", "cs", "scala", "ex", "exs",
];

/// Whether a file is production source code worth scanning: by extension, not
/// minified or a type declaration, not under docs or build output, and not a
/// test, example or vendored file.
pub fn is_source(path: &str) -> bool {
    let lower_name = super::paths::file_name(path).to_ascii_lowercase();
    let ext = lower_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    SOURCE_EXTS.contains(&ext)
        && !lower_name.ends_with(".min.js")
        && !lower_name.ends_with(".d.ts")
        && matches!(
            crate::roles::role_of(path),
            crate::roles::FileRole::Production
        )
        && !path.starts_with("docs/")
        && !path.contains("/dist/")
        && !path.starts_with("dist/")
        && !path.contains("/build/")
}

static LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["'`]([^"'`\s]{1,80})["'`]"#).unwrap_or_else(|_| unreachable!())
});

const ROUTE_CONTEXT: &[&str] = &[
    ".get(",
    "route(",
    "handlefunc(",
    "handle(",
    "path(",
    "mapping(",
    ".use(",
    "resource(",
    "add_url_rule",
    "api_route",
    "url(",
    "@get(",
    "#[get(",
    ".any(",
    ".all(",
    ".head(",
    "router",
    "endpoint",
    ".mount(",
    "get '",
    "get \"",
    "mapget(",
    "@get",
    "@controller(",
];

const CLIENT_CONTEXT: &[&str] = &[
    "requests.",
    "httpx.",
    "fetch(",
    "axios",
    "client.",
    "session.",
    "urlopen",
    "urllib",
    "curl",
    "wget",
    "http.get(",
    "https.get(",
    "superagent",
    "supertest",
    "newrequest",
    "reqwest",
    "url =",
    "url=",
    "url:",
    "localhost",
    "127.0.0.1",
    "probe",
    "healthcheck_url",
    "assert",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum PathKind {
    Health,
    Ready,
    Metrics,
}

fn classify_path(raw: &str) -> Option<PathKind> {
    let slash = raw.starts_with('/') || raw.starts_with("^/");
    let mut p = raw
        .trim_start_matches('^')
        .trim_end_matches('$')
        .trim_matches('/')
        .to_ascii_lowercase();
    for prefix in [
        "-/",
        "api/",
        "_/",
        "internal/",
        "status/",
        "management/",
        "actuator/",
    ] {
        if let Some(rest) = p.strip_prefix(prefix) {
            p = rest.to_string();
        }
    }
    if let Some((v, rest)) = p.split_once('/') {
        if v.len() >= 2 && v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) {
            p = rest.to_string();
        }
    }
    match p.as_str() {
        "health" | "healthz" | "healthcheck" | "health-check" | "health_check" | "_health"
        | "livez" | "liveness" | "health/live" | "health/liveness" | "healthz/live" => {
            Some(PathKind::Health)
        }
        "live" | "alive" | "ping" if slash => Some(PathKind::Health),
        "ready" | "readyz" | "readiness" | "health/ready" | "health/readiness"
        | "healthz/ready" | "_ready" | "startupz" => Some(PathKind::Ready),
        "metrics" | "prometheus" => Some(PathKind::Metrics),
        _ => None,
    }
}

const WEB: &[(&str, &str)] = &[
    ("from fastapi", "FastAPI"),
    ("import fastapi", "FastAPI"),
    ("from flask", "Flask"),
    ("import flask", "Flask"),
    ("from django.urls", "Django"),
    ("from django.http", "Django"),
    ("aiohttp import web", "aiohttp"),
    ("aiohttp.web", "aiohttp"),
    ("from starlette", "Starlette"),
    ("from sanic", "Sanic"),
    ("tornado.web", "Tornado"),
    ("from litestar", "Litestar"),
    ("from quart", "Quart"),
    ("from bottle", "Bottle"),
    ("import falcon", "Falcon"),
    ("uvicorn.run(", "uvicorn"),
    ("grpc.server(", "gRPC server"),
    ("grpc.aio.server(", "gRPC server"),
    ("websockets.serve(", "websockets server"),
    ("web.run_app(", "aiohttp"),
    ("import gradio", "Gradio"),
    ("import streamlit", "Streamlit"),
    ("socketserver.tcpserver", "socketserver"),
    ("httpserver(", "http.server"),
    ("require('express')", "Express"),
    ("require(\"express\")", "Express"),
    ("from 'express'", "Express"),
    ("from \"express\"", "Express"),
    ("from 'fastify'", "Fastify"),
    ("require('fastify')", "Fastify"),
    ("from 'koa'", "Koa"),
    ("require('koa')", "Koa"),
    ("@nestjs/core", "NestJS"),
    ("http.createserver(", "Node http"),
    ("@hapi/hapi", "hapi"),
    ("from 'hono'", "Hono"),
    ("http.listenandserve", "net/http"),
    ("gin.default()", "Gin"),
    ("gin.new()", "Gin"),
    ("echo.new()", "Echo"),
    ("fiber.new(", "Fiber"),
    ("chi.newrouter", "chi"),
    ("mux.newrouter", "gorilla/mux"),
    ("grpc.newserver(", "gRPC server"),
    ("&http.server{", "net/http"),
    ("use axum", "axum"),
    ("axum::", "axum"),
    ("actix_web", "actix-web"),
    ("warp::serve", "warp"),
    ("#[launch]", "Rocket"),
    ("tonic::transport::server", "tonic"),
    ("poem::", "poem"),
    ("@springbootapplication", "Spring Boot"),
    ("@restcontroller", "Spring"),
    ("io.javalin", "Javalin"),
    ("sinatra", "Sinatra"),
    ("rails.application", "Rails"),
    ("webapplication.createbuilder", "ASP.NET"),
];

const HEALTH_LIBS: &[(&str, &str)] = &[
    ("grpc_health", "gRPC health service"),
    ("health.newserver(", "gRPC health service"),
    ("fastapi_health", "fastapi-health"),
    ("express-healthcheck", "express-healthcheck"),
    ("@godaddy/terminus", "terminus"),
    ("heptiolabs/healthcheck", "healthcheck"),
];

const EXPORTERS: &[(&str, &str)] = &[
    ("start_http_server(", "Prometheus exporter"),
    ("make_asgi_app(", "Prometheus ASGI app"),
    ("make_wsgi_app(", "Prometheus WSGI app"),
];

const METRICS: &[(&str, &str)] = &[
    ("prometheus_client", "prometheus_client"),
    (
        "prometheus_fastapi_instrumentator",
        "prometheus-fastapi-instrumentator",
    ),
    ("starlette_exporter", "starlette-exporter"),
    ("django_prometheus", "django-prometheus"),
    ("prometheus_flask_exporter", "prometheus-flask-exporter"),
    ("aioprometheus", "aioprometheus"),
    ("opentelemetry.sdk.metrics", "OpenTelemetry metrics"),
    ("opentelemetry import metrics", "OpenTelemetry metrics"),
    ("opentelemetry.metrics", "OpenTelemetry metrics"),
    ("import statsd", "statsd"),
    ("from statsd", "statsd"),
    ("from datadog", "Datadog"),
    ("prom-client", "prom-client"),
    ("express-prom-bundle", "express-prom-bundle"),
    ("@opentelemetry/sdk-metrics", "OpenTelemetry metrics"),
    ("hot-shots", "hot-shots (statsd)"),
    ("prometheus/client_golang", "client_golang"),
    ("promhttp", "promhttp"),
    ("otel/metric", "OpenTelemetry metrics"),
    ("metrics_exporter_prometheus", "metrics-exporter-prometheus"),
    ("use prometheus", "prometheus crate"),
    ("prometheus::", "prometheus crate"),
    ("opentelemetry_prometheus", "opentelemetry-prometheus"),
    ("axum_prometheus", "axum-prometheus"),
    ("actix_web_prom", "actix-web-prom"),
    ("io.micrometer", "Micrometer"),
    ("io.prometheus", "Prometheus Java client"),
];

const STRUCTURED: &[(&str, &str)] = &[
    ("structlog", "structlog"),
    ("pythonjsonlogger", "python-json-logger"),
    ("python_json_logger", "python-json-logger"),
    ("jsonlogger", "JSON logger"),
    ("json_log_formatter", "json-log-formatter"),
    ("ecs_logging", "ecs-logging"),
    ("serialize=true", "loguru serialize=True"),
    ("require('pino')", "pino"),
    ("from 'pino'", "pino"),
    ("require(\"pino\")", "pino"),
    ("from \"pino\"", "pino"),
    ("bunyan", "bunyan"),
    ("format.json()", "winston JSON format"),
    ("go.uber.org/zap", "zap"),
    ("\"log/slog\"", "slog"),
    ("rs/zerolog", "zerolog"),
    ("jsonformatter", "JSON formatter"),
    ("json_formatter", "JSON formatter"),
    ("logstash", "logstash encoder"),
    (
        "tracing_subscriber::fmt().json()",
        "tracing-subscriber JSON",
    ),
    (".json().init()", "tracing-subscriber JSON"),
];

const PLAIN: &[(&str, &str)] = &[
    ("import logging", "stdlib logging"),
    ("from logging", "stdlib logging"),
    ("logging.getlogger", "stdlib logging"),
    ("logging.basicconfig", "logging.basicConfig"),
    ("dictconfig(", "logging.config.dictConfig"),
    ("from loguru", "loguru"),
    ("require('winston')", "winston"),
    ("from 'winston'", "winston"),
    ("log4js", "log4js"),
    ("sirupsen/logrus", "logrus"),
    ("env_logger", "env_logger"),
    ("tracing_subscriber", "tracing-subscriber"),
    ("use log::", "log crate"),
    ("use tracing", "tracing"),
    ("org.slf4j", "SLF4J"),
    ("rails.logger", "Rails logger"),
    ("ilogger<", ".NET ILogger"),
    ("logging = {", "Django LOGGING config"),
    // The project's own levelled logger (`class Logger { info() … }` writing to
    // the console): logging, but plain text.
    ("class logger", "the project's own Logger class"),
];

const DB: &[(&str, &str)] = &[
    ("psycopg", "PostgreSQL (psycopg)"),
    ("asyncpg", "PostgreSQL (asyncpg)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("pymongo", "MongoDB"),
    ("motor.motor_asyncio", "MongoDB"),
    ("mysql.connector", "MySQL"),
    ("pymysql", "MySQL"),
    ("sqlite3.connect(", "SQLite"),
    ("from django.db", "Django ORM"),
    ("peewee", "peewee"),
    ("tortoise", "Tortoise ORM"),
    ("database/sql", "database/sql"),
    ("gorm.io", "GORM"),
    ("jackc/pgx", "pgx"),
    ("lib/pq", "lib/pq"),
    ("go-sql-driver/mysql", "MySQL"),
    ("mongo-driver", "MongoDB"),
    ("require('pg')", "node-postgres"),
    ("from 'pg'", "node-postgres"),
    ("mongoose", "Mongoose"),
    ("@prisma/client", "Prisma"),
    ("sequelize", "Sequelize"),
    ("typeorm", "TypeORM"),
    ("knex", "Knex"),
    ("sqlx::", "sqlx"),
    ("diesel::", "Diesel"),
    ("sea_orm", "SeaORM"),
    ("rusqlite", "rusqlite"),
    ("java.sql", "JDBC"),
    ("activerecord", "ActiveRecord"),
    ("influxdb", "InfluxDB"),
    ("clickhouse", "ClickHouse"),
];

/// Words a health/readiness/metrics route contains (file-level prefilter).
const ROUTE_WORDS: &[&str] = &[
    "health",
    "ready",
    "readiness",
    "livez",
    "liveness",
    "ping",
    "alive",
    "live",
    "metrics",
    "prometheus",
    "startupz",
];

/// Words of the application's own backup feature (file-level prefilter).
const BACKUP_WORDS: &[&str] = &["backup", "restore", "/export", "/import"];

/// Where a line registers a command-line or admin command by name
/// (click/typer/Flask `@cli.command("backup")`, commander `.command('restore')`,
/// argparse `add_parser("backup")`).
const COMMAND_CONTEXT: &[&str] = &["command(", "add_parser("];

/// Whether the application's backup feature shows on this line: a route
/// registration whose path (router prefix included) takes a backup or restores
/// one, or a command named so. `Some(true)` for a restore, `Some(false)` for a
/// backup. An `/admin/export` (`/admin/import`) route is a whole-instance
/// export (import): only under an `admin` segment and as the last segment, so
/// `/admin/export/csv` or a user's `/export` is not a backup.
fn backup_feature(trimmed: &str, lower: &str, prefix: Option<&str>) -> Option<(bool, String)> {
    if CLIENT_CONTEXT.iter().any(|c| lower.contains(c)) {
        return None;
    }
    if COMMAND_CONTEXT.iter().any(|c| lower.contains(c)) {
        for cap in LITERAL.captures_iter(trimmed) {
            let Some(m) = cap.get(1) else { continue };
            let name = m.as_str().to_ascii_lowercase();
            let words: Vec<&str> = name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if words.iter().any(|w| w.starts_with("restore")) {
                return Some((true, format!("restore command `{}`", m.as_str())));
            }
            if words.iter().any(|w| w.starts_with("backup")) {
                return Some((false, format!("backup command `{}`", m.as_str())));
            }
        }
        return None;
    }
    // A router's definition (`APIRouter(prefix="/backups")`) registers no handler.
    if !ROUTE_CONTEXT.iter().any(|c| lower.contains(c))
        || lower.contains("apirouter(")
        || lower.contains("blueprint(")
    {
        return None;
    }
    let django = lower.contains("path(") || lower.contains("url(");
    let mut paths: Vec<String> = Vec::new();
    if let Some(pre) = prefix.filter(|p| !p.is_empty()) {
        if lower.contains("(\"\"") || lower.contains("('')") || lower.contains("('',") {
            paths.push(pre.to_string());
        }
    }
    for cap in LITERAL.captures_iter(trimmed) {
        let Some(m) = cap.get(1) else { continue };
        let lit = m.as_str();
        if lit.starts_with('/') || (django && lit.ends_with('/')) {
            paths.push(format!("{}{lit}", prefix.unwrap_or("")));
        }
    }
    for path in paths {
        let lower_path = path.to_ascii_lowercase();
        let segs: Vec<&str> = lower_path.split('/').filter(|s| !s.is_empty()).collect();
        let admin_last =
            |word: &str| segs.last() == Some(&word) && segs[..segs.len() - 1].contains(&"admin");
        if segs.iter().any(|s| s.contains("restore")) || admin_last("import") {
            return Some((true, format!("restore route {path}")));
        }
        if segs.iter().any(|s| s.contains("backup")) || admin_last("export") {
            return Some((false, format!("backup route {path}")));
        }
    }
    None
}

const PRINTS: &[&str] = &["print(", "console.log(", "fmt.print", "println!("];

/// Every needle of every table in one set, so a file is searched once.
static NEEDLE_SET: LazyLock<(regex::RegexSet, Vec<&'static str>)> = LazyLock::new(|| {
    let mut needles: Vec<&'static str> = Vec::new();
    for table in [HEALTH_LIBS, EXPORTERS, METRICS, WEB, DB, STRUCTURED, PLAIN] {
        needles.extend(table.iter().map(|(n, _)| *n));
    }
    needles.extend_from_slice(ROUTE_WORDS);
    needles.extend_from_slice(BACKUP_WORDS);
    needles.extend_from_slice(PRINTS);
    needles.push("health_check.urls");
    needles.push("(logging.formatter)");
    let set = regex::RegexSet::new(needles.iter().map(|n| regex::escape(n)))
        .unwrap_or_else(|_| unreachable!());
    (set, needles)
});

/// Any needle, a docstring quote, or the start of a Rust test module.
static LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let mut alts: Vec<String> = NEEDLE_SET.1.iter().map(|n| regex::escape(n)).collect();
    for extra in ["\"\"\"", "'''", "#[cfg(test)]", "r#\"", "\"#"] {
        alts.push(regex::escape(extra));
    }
    Regex::new(&alts.join("|")).unwrap_or_else(|_| unreachable!())
});

fn is_comment(trimmed: &str) -> bool {
    trimmed.starts_with('#') && !trimmed.starts_with("#[") && !trimmed.starts_with("#!")
        || trimmed.starts_with("//")
        || trimmed.starts_with("/*")
        || trimmed.starts_with("* ")
        || trimmed == "*"
}

fn push(v: &mut Vec<Evidence>, path: &str, line: usize, note: String) {
    if v.len() < 3 {
        v.push(Evidence {
            path: path.to_string(),
            line,
            note,
        });
    }
}

/// An import/use/require line, where library names legitimately sit in strings.
fn is_import(lower: &str, go: bool) -> bool {
    lower.starts_with("import ")
        || lower.starts_with("from ")
        || lower.starts_with("use ")
        || lower.starts_with("pub use ")
        || lower.starts_with("extern crate")
        || lower.find("require(").is_some_and(|p| !in_string(lower, p))
        || (go
            && (lower.starts_with('"')
                || lower
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|w| w.starts_with('"'))))
}

/// Whether byte `pos` of `line` sits inside a string literal (odd quote count before it).
fn in_string(line: &str, pos: usize) -> bool {
    let before = line.get(..pos).unwrap_or("");
    ['"', '\'', '`']
        .iter()
        .any(|q| before.matches(*q).count() % 2 == 1)
}

/// First entry of `table` found in code (not inside a string, unless an import line).
fn code_hit(lower: &str, table: &[(&str, &'static str)], import: bool) -> Option<&'static str> {
    table.iter().find_map(|(needle, label)| {
        let pos = lower.find(needle)?;
        (import || !in_string(lower, pos)).then_some(*label)
    })
}

/// Route registrations kept per file (a router module rarely has more).
const MAX_ROUTES_PER_FILE: usize = 20;

/// Scans one source file: `path` is repository-relative, `text` its contents.
pub fn scan(path: &str, text: &str) -> SourceFacts {
    let mut out = SourceFacts::default();
    let is_py = path.ends_with(".py");
    let is_go = path.ends_with(".go");
    let is_rs = path.ends_with(".rs");
    if is_py {
        // Before any early return: a settings module holds the mount constants.
        out.prefixes = routes::prefix_facts(text);
    }
    let lower_all_has_json = text.contains("json");
    // File-level prefilter: most files mention none of the needles, so the
    // per-line work only ever tests the few needles the file contains.
    let lower_file = text.to_ascii_lowercase();
    let found: std::collections::HashSet<&'static str> = NEEDLE_SET
        .0
        .matches(&lower_file)
        .into_iter()
        .filter_map(|i| NEEDLE_SET.1.get(i).copied())
        .collect();
    let present = |table: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        table
            .iter()
            .filter(|(n, _)| found.contains(n))
            .copied()
            .collect()
    };
    let (health_libs, exporters, metrics_t, web_t, db_t, structured_t, plain_t) = (
        present(HEALTH_LIBS),
        present(EXPORTERS),
        present(METRICS),
        present(WEB),
        present(DB),
        present(STRUCTURED),
        present(PLAIN),
    );
    let route_possible = ROUTE_WORDS.iter().any(|w| found.contains(w));
    let print_possible = PRINTS.iter().any(|w| found.contains(w));
    let backup_possible = BACKUP_WORDS.iter().any(|w| found.contains(w));
    let django_health = found.contains("health_check.urls");
    let custom_formatter = lower_all_has_json && found.contains("(logging.formatter)");
    if health_libs.is_empty()
        && exporters.is_empty()
        && metrics_t.is_empty()
        && web_t.is_empty()
        && db_t.is_empty()
        && structured_t.is_empty()
        && plain_t.is_empty()
        && !route_possible
        && !print_possible
        && !backup_possible
        && !django_health
        && !custom_formatter
    {
        return out;
    }
    // Only lines holding a needle (or a docstring quote, or `#[cfg(test)]`) can matter.
    let mut hit_lines: Vec<usize> = Vec::new();
    let mut line_no = 1;
    let mut last = 0;
    for m in LINE_RE.find_iter(&lower_file) {
        line_no += memchr::memchr_iter(b'\n', &lower_file.as_bytes()[last..m.start()]).count();
        last = m.start();
        if hit_lines.last() != Some(&line_no) {
            hit_lines.push(line_no);
        }
    }
    let router_prefixes = if is_py && (route_possible || backup_possible) {
        routes::router_prefixes(text)
    } else {
        Vec::new()
    };
    // A router mounted under a backup prefix (`APIRouter(prefix="/backups")`):
    // its handlers take or list backups even where the line names no backup word.
    for (var, prefix) in &router_prefixes {
        let lower_prefix = prefix.to_ascii_lowercase();
        if !lower_prefix.contains("backup") || lower_prefix.contains("restore") {
            continue;
        }
        let decorator = format!("@{var}.");
        if let Some((n, line)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with(&decorator))
        {
            let lit = LITERAL
                .captures(line)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
                .filter(|l| l.starts_with('/'))
                .unwrap_or("");
            push(
                &mut out.backup_feature,
                path,
                n + 1,
                format!("backup route {prefix}{lit}"),
            );
        }
    }
    let mut next_hit = hit_lines.iter().peekable();
    let mut in_docstring = false;
    let numbered = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    for ((n, line), lower_line) in numbered.zip(lower_file.lines()) {
        while next_hit.peek().is_some_and(|h| **h < n) {
            next_hit.next();
        }
        if next_hit.peek() != Some(&&n) {
            continue;
        }
        if line.len() > 400 {
            continue;
        }
        let trimmed = line.trim();
        if is_rs && trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        // A Rust raw string spanning lines (a rule's documentation) is text, not code:
        // `mysql.connector` named in it does not make the repository stateful.
        if is_rs {
            let opens = trimmed.matches("r#\"").count();
            let closes = trimmed.matches("\"#").count();
            if in_docstring {
                if closes > opens {
                    in_docstring = false;
                }
                continue;
            }
            if opens > closes {
                in_docstring = true;
                continue;
            }
        }
        if is_py {
            let quotes = trimmed.matches("\"\"\"").count() + trimmed.matches("'''").count();
            if in_docstring {
                if quotes % 2 == 1 {
                    in_docstring = false;
                }
                continue;
            }
            if quotes % 2 == 1 {
                in_docstring = true;
                continue;
            }
        }
        if trimmed.is_empty() || is_comment(trimmed) {
            continue;
        }
        let lower = lower_line.trim();

        // Routes.
        if route_possible
            && lower.contains(['"', '\'', '`'])
            && ROUTE_WORDS.iter().any(|w| lower.contains(w))
            && ROUTE_CONTEXT.iter().any(|c| lower.contains(c))
            && !CLIENT_CONTEXT.iter().any(|c| lower.contains(c))
        {
            let django = lower.contains("path(") || lower.contains("url(");
            let decorator = lower.contains("@controller(") || lower.contains("@get(");
            for cap in LITERAL.captures_iter(trimmed) {
                let Some(m) = cap.get(1) else { continue };
                let lit = m.as_str();
                let routed = lit.starts_with('/')
                    || lit.starts_with("^/")
                    || decorator
                    || (django
                        && (lit.ends_with('/') || lit.ends_with('$') || lit.starts_with('^')));
                if !routed {
                    continue;
                }
                let kind = match classify_path(lit) {
                    Some(PathKind::Health) => {
                        push(&mut out.health, path, n, format!("route {}", m.as_str()));
                        RouteKind::Health
                    }
                    Some(PathKind::Ready) => {
                        push(&mut out.ready, path, n, format!("route {}", m.as_str()));
                        RouteKind::Ready
                    }
                    Some(PathKind::Metrics) => {
                        push(&mut out.metrics, path, n, format!("route {}", m.as_str()));
                        RouteKind::Metrics
                    }
                    None => continue,
                };
                if out.routes.len() < MAX_ROUTES_PER_FILE {
                    let router_prefix = routes::decorator_router(trimmed).and_then(|var| {
                        router_prefixes
                            .iter()
                            .find(|(v, _)| v == var)
                            .map(|(_, p)| p.clone())
                    });
                    out.routes.push(RouteFact {
                        kind,
                        path: lit.to_string(),
                        file: path.to_string(),
                        line: n,
                        router_prefix,
                    });
                }
            }
        }
        if backup_possible
            && lower.contains(['"', '\'', '`'])
            && BACKUP_WORDS
                .iter()
                .any(|w| lower.contains(w.trim_start_matches('/')))
        {
            let prefix = routes::decorator_router(trimmed).and_then(|var| {
                router_prefixes
                    .iter()
                    .find(|(v, _)| v == var)
                    .map(|(_, p)| p.as_str())
            });
            if let Some((restore, note)) = backup_feature(trimmed, lower, prefix) {
                let list = if restore {
                    &mut out.restore_feature
                } else {
                    &mut out.backup_feature
                };
                // The router-prefix pass may have cited this line already.
                if !list.iter().any(|e| e.line == n) {
                    push(list, path, n, note);
                }
            }
        }
        let import = is_import(lower, is_go);
        let hit = |table: &[(&str, &'static str)]| {
            if table.is_empty() {
                None
            } else {
                code_hit(lower, table, import)
            }
        };
        if hit(&health_libs).is_some()
            || (django_health
                && lower.find("include(").is_some_and(|p| !in_string(lower, p))
                && lower.contains("health_check.urls"))
        {
            push(&mut out.health, path, n, "health-check library".to_string());
        }
        if let Some(label) = hit(&exporters) {
            push(&mut out.metrics, path, n, label.to_string());
        }
        if let Some(label) = hit(&metrics_t) {
            push(&mut out.metrics, path, n, label.to_string());
        }
        if let Some(label) = hit(&web_t) {
            push(&mut out.web, path, n, label.to_string());
        }
        if let Some(label) = hit(&db_t) {
            push(&mut out.db, path, n, label.to_string());
        }
        // dictConfig and Django LOGGING name formatter classes in strings.
        let config_line =
            lower.contains("formatter") || lower.contains("class") || lower.contains("\"()\"");
        let structured_hit = if config_line && !structured_t.is_empty() {
            code_hit(lower, &structured_t, true)
        } else {
            hit(&structured_t)
        };
        if let Some(label) = structured_hit {
            push(&mut out.log_structured, path, n, label.to_string());
        } else if custom_formatter
            && lower.starts_with("class ")
            && lower.contains("(logging.formatter)")
        {
            push(
                &mut out.log_structured,
                path,
                n,
                "custom JSON logging.Formatter".to_string(),
            );
        } else if let Some(label) = hit(&plain_t) {
            push(&mut out.log_plain, path, n, label.to_string());
        }
        if print_possible
            && (lower.starts_with("print(")
                || lower.starts_with("console.log(")
                || lower.starts_with("fmt.println(")
                || lower.starts_with("fmt.printf(")
                || lower.starts_with("println!("))
        {
            out.print_count += 1;
            push(&mut out.prints, path, n, "print-style output".to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, text: &str) -> SourceFacts {
        scan(path, text)
    }

    /// Merging in any order, bounded or not, leaves the same first lines after `sort`.
    #[test]
    fn merged_print_and_logging_lines_keep_the_first_shown() {
        let mut prints = Vec::new();
        let mut logs = Vec::new();
        let mut merged = SourceFacts::default();
        // Modules arrive in walk order, not sorted; some lines repeat.
        for i in [7, 3, 11, 0, 42, 3, 19, 5, 28, 1, 33, 9, 14, 2, 40, 6, 21, 8] {
            let one = facts(
                &format!("pkg/m{i:02}.py"),
                "import logging\nlog = logging.getLogger(__name__)\nprint('tick')\n",
            );
            prints.extend(one.prints.clone());
            logs.extend(one.log_plain.clone());
            merged = merged.merge(one);
        }
        merged.sort();
        for all in [&mut prints, &mut logs] {
            all.sort();
            all.dedup();
            assert!(all.len() > 4 * SHOWN);
        }
        assert!(merged.prints.len() <= 4 * SHOWN && merged.log_plain.len() <= 4 * SHOWN);
        assert_eq!(merged.prints[..SHOWN], prints[..SHOWN]);
        assert_eq!(merged.log_plain[..SHOWN], logs[..SHOWN]);
        let first: Vec<&str> = merged.prints[..SHOWN]
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(first, ["pkg/m00.py", "pkg/m01.py", "pkg/m02.py"]);
    }

    #[test]
    fn backup_and_restore_features_are_registrations_and_commands() {
        let flask = facts(
            "app/admin/__init__.py",
            "admin = Blueprint(\"admin\", __name__)\n\n@admin.route(\"/admin/import\", methods=[\"GET\", \"POST\"])\ndef import_ctf():\n    pass\n\n@admin.route(\"/admin/export\", methods=[\"GET\", \"POST\"])\ndef export_ctf():\n    pass\n\n@admin.route(\"/admin/export/csv\")\ndef export_csv():\n    pass\n",
        );
        assert_eq!(
            flask.restore_feature.len(),
            1,
            "{:?}",
            flask.restore_feature
        );
        assert_eq!(flask.restore_feature[0].line, 3);
        assert_eq!(flask.backup_feature.len(), 1, "{:?}", flask.backup_feature);
        assert_eq!(flask.backup_feature[0].line, 7);
        let fastapi = facts(
            "app/routes/admin/admin_backups.py",
            "router = APIRouter(prefix=\"/backups\")\n\nclass C:\n    @router.get(\"\", response_model=AllBackups)\n    def list(self):\n        pass\n\n    @router.post(\"/{file_name}/restore\")\n    def restore(self, file_name: str):\n        pass\n",
        );
        assert_eq!(
            fastapi.backup_feature.len(),
            1,
            "{:?}",
            fastapi.backup_feature
        );
        assert_eq!(fastapi.backup_feature[0].line, 4);
        assert_eq!(
            fastapi.restore_feature.len(),
            1,
            "{:?}",
            fastapi.restore_feature
        );
        assert!(fastapi.restore_feature[0]
            .note
            .contains("/backups/{file_name}/restore"));
        let cli = facts(
            "app/cli.py",
            "@cli.command(\"backup-db\")\ndef backup():\n    pass\n@cli.command(\"restore_db\")\ndef restore():\n    pass\n",
        );
        assert_eq!(
            (cli.backup_feature.len(), cli.restore_feature.len()),
            (1, 1)
        );
        // A user's data export, a client calling a backup endpoint, a string: no feature.
        let none = facts(
            "app/client.py",
            "@app.route(\"/users/export\")\ndef export():\n    pass\nr = requests.post(base + \"/api/backups\")\nmsg = \"restore failed\"\n",
        );
        assert!(none.backup_feature.is_empty(), "{:?}", none.backup_feature);
        assert!(
            none.restore_feature.is_empty(),
            "{:?}",
            none.restore_feature
        );
    }

    #[test]
    fn own_logger_class_is_plain_logging() {
        let f = facts(
            "src/util.ts",
            "export class Logger {\n    info(module: string, msg: string) {\n        console.info(module, msg);\n    }\n}\nexport const log = new Logger();\n",
        );
        assert_eq!(f.log_plain.len(), 1, "{:?}", f.log_plain);
        assert_eq!(f.log_plain[0].line, 1);
        let s = facts("src/app.ts", "const msg = \"class Logger\";\n");
        assert!(s.log_plain.is_empty());
    }

    #[test]
    fn rust_raw_string_documentation_is_not_code() {
        let f = facts(
            "src/rules/python/unclosed.rs",
            "const DOCS: &str = r#\"\nConnections (`mysql.connector`, `psycopg`) leak.\n\"#;\nfn f() {}\n",
        );
        assert!(f.db.is_empty(), "{:?}", f.db);
        let g = facts(
            "src/db.rs",
            "const Q: &str = r#\"select 1\"#;\nuse sqlx::PgPool;\n",
        );
        assert_eq!(g.db.len(), 1, "{:?}", g.db);
    }

    #[test]
    fn routes_are_registrations_not_calls() {
        let f = facts(
            "app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {}\n\n@app.get('/readyz')\ndef ready():\n    return {}\n",
        );
        assert_eq!(f.health.len(), 1);
        assert_eq!(f.health[0].line, 4);
        assert_eq!(f.ready.len(), 1);
        assert_eq!(f.web.len(), 1);
        let c = facts(
            "app/check.py",
            "import requests\nr = requests.get(BASE + \"/health\")\n# @app.get(\"/health\")\n",
        );
        assert!(c.health.is_empty());
    }

    #[test]
    fn go_express_django_routes() {
        let g = facts(
            "cmd/api/main.go",
            "package main\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", h)\n\tmux.Handle(\"/metrics\", promhttp.Handler())\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
        );
        assert_eq!(g.health.len(), 1);
        assert!(!g.metrics.is_empty());
        assert!(!g.web.is_empty());
        let e = facts(
            "src/server.js",
            "const express = require('express')\nrouter.get('/api/v1/health', (req, res) => res.json({ok: true}))\n",
        );
        assert_eq!(e.health.len(), 1);
        let d = facts(
            "web/urls.py",
            "urlpatterns = [\n    path(\"healthz/\", views.health),\n    path(\"admin/\", admin.site.urls),\n]\n",
        );
        assert_eq!(d.health.len(), 1);
    }

    #[test]
    fn nest_and_spring_routes() {
        let n = facts(
            "src/health/health.controller.ts",
            "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get()\n  check() { return { ok: true }; }\n}\n",
        );
        assert_eq!(n.health.len(), 1);
        let s = facts(
            "src/main/java/com/acme/HealthController.java",
            "@RestController\npublic class HealthController {\n  @GetMapping(\"/healthz\")\n  public String ok() { return \"ok\"; }\n}\n",
        );
        assert_eq!(s.health.len(), 1);
        let cfg = facts("app/settings.py", "x = config.get(\"healthcheck\")\n");
        assert!(cfg.health.is_empty());
    }

    #[test]
    fn library_names_in_strings_do_not_count() {
        let f = facts(
            "tools/detect.py",
            "NEEDLES = [\"from fastapi\", \"prometheus_client\", \"structlog\"]\n",
        );
        assert!(f.web.is_empty() && f.metrics.is_empty() && f.log_structured.is_empty());
        let g = facts(
            "main.go",
            "import (\n\t\"log/slog\"\n\t\"github.com/prometheus/client_golang/prometheus/promhttp\"\n)\n",
        );
        assert_eq!(g.log_structured.len(), 1);
        assert!(!g.metrics.is_empty());
    }

    #[test]
    fn logging_styles() {
        let s = facts("a.py", "import structlog\nlog = structlog.get_logger()\n");
        assert_eq!(s.log_structured.len(), 2);
        let p = facts(
            "b.py",
            "import logging\nlogger = logging.getLogger(__name__)\n",
        );
        assert!(s.log_plain.is_empty());
        assert_eq!(p.log_plain.len(), 2);
        let q = facts("c.py", "def main():\n    print('hi')\n    print('x')\n");
        assert_eq!(q.print_count, 2);
    }

    #[test]
    fn docstrings_are_skipped() {
        let f = facts(
            "d.py",
            "def f():\n    \"\"\"\n    @app.get(\"/health\")\n    \"\"\"\n    return 1\n",
        );
        assert!(f.health.is_empty());
    }

    #[test]
    fn path_kinds() {
        assert!(classify_path("/health") == Some(PathKind::Health));
        assert!(classify_path("/api/v2/healthz") == Some(PathKind::Health));
        assert!(classify_path("^health/$") == Some(PathKind::Health));
        assert!(classify_path("/ping") == Some(PathKind::Health));
        assert!(classify_path("ping").is_none());
        assert!(classify_path("/health/ready") == Some(PathKind::Ready));
        assert!(classify_path("/metrics") == Some(PathKind::Metrics));
        assert!(classify_path("/users").is_none());
    }
}
