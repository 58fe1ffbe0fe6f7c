//! `harden probe URL`: the live half of validation, and the only code in
//! harden that touches a network — and then only the origin given.
//!
//! Layout: `target` (the one origin), `http` (requests, limits), `tls`
//! (certificate inspection), `exposition` (Prometheus/OpenMetrics parser),
//! `metrics`, `health`, `headers` (what the answers show), `endpoints` (which
//! paths: code routes from `status`, conventions, `--path`), `run` (one probe
//! end to end), `report` (the model), `render/` (every output format),
//! `checks` (the catalog `harden explain` reads).

pub mod checks;
pub mod endpoints;
pub mod exposition;
pub mod headers;
pub mod health;
pub mod http;
pub mod metrics;
pub mod render;
pub mod report;
pub mod run;
pub mod target;
pub mod tls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use crate::finding::Severity;

pub use render::ProbeFormat;
pub use report::ProbeReport;
pub use run::{probe, ProbeError, ProbeOptions};
pub use target::Target;

/// Options shared by `harden probe` and `harden status --probe`.
#[derive(Args, Debug, Clone)]
pub struct ProbeLimitsArgs {
    /// Also probe this path (repeatable), e.g. `--path /api/v1/ready`.
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Requests per endpoint that answers, for latency (p50/p95).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub samples: u16,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: f64,
    /// Requests in all, redirects included; the rest are reported as not sent.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_requests: u16,
    /// Seconds for the whole probe.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS", value_parser = parse_seconds)]
    pub deadline: f64,
    /// PEM file of extra CA certificates to trust (a private CA).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Probe only the routes from the code and `--path`, not /health, /healthz, /livez, /readyz, /ready, /metrics.
    #[arg(long)]
    pub no_conventional: bool,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(0.05..=600.0).contains(&v) {
        return Err("between 0.05 and 600 seconds".to_string());
    }
    Ok(v)
}

impl ProbeLimitsArgs {
    /// The run options these flags describe (routes from the code added by the caller).
    pub fn options(&self) -> Result<ProbeOptions, String> {
        let cacert = match &self.cacert {
            Some(p) => {
                // Through the files module like every open: bounded (a CA bundle is a few
                // hundred KiB), a directory refused.
                let bytes = crate::files::read_user(p, 16 << 20)
                    .map_err(|e| format!("{}: {e}", p.display()))?;
                tls::load_pem_roots(&bytes).map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => Vec::new(),
        };
        Ok(ProbeOptions {
            limits: http::Limits {
                timeout: Duration::from_secs_f64(self.timeout),
                max_requests: usize::from(self.max_requests),
                deadline: Duration::from_secs_f64(self.deadline),
                ..http::Limits::default()
            },
            samples: usize::from(self.samples),
            paths: self.paths.clone(),
            hints: Vec::new(),
            conventional: !self.no_conventional,
            cacert,
        })
    }
}

/// Arguments of `harden probe`.
#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// Base URL of the running service, e.g. http://localhost:8000.
    pub url: String,
    /// Repository whose code names the routes to probe (default: the current
    /// directory when it is a repository: it holds .git or harden.toml).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Do not read routes from any repository.
    #[arg(long, conflicts_with = "repo")]
    pub no_repo: bool,
    /// Paths, samples, timeouts, budgets, trust.
    #[command(flatten)]
    pub limits: ProbeLimitsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProbeFormat::Terminal)]
    pub format: ProbeFormat,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, default_value = "high", value_parser = |s: &str| s.parse::<Severity>())]
    pub fail_on: Severity,
    /// Write the report to a file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// The repository to read routes from, if any.
fn repo_of(args: &ProbeArgs) -> Option<PathBuf> {
    if args.no_repo {
        return None;
    }
    if let Some(r) = &args.repo {
        return Some(r.clone());
    }
    let here = Path::new(".");
    (here.join(".git").exists() || here.join("harden.toml").is_file()).then(|| here.to_path_buf())
}

/// The health, readiness and metrics routes the repository's code registers.
pub fn route_hints(common: &crate::cli::CommonArgs) -> Result<Vec<endpoints::RouteHint>, i32> {
    let report = crate::cli::load_and_scan(common)?;
    let config = crate::config::Config::load(&common.path, common.config.as_deref())
        .map_err(crate::cli::error)?;
    let status = crate::status::assess(&common.path, &report, &config);
    Ok(endpoints::hints_from_routes(&status.routes))
}

/// Answers `harden status --probe URL` with the default limits.
pub struct StatusProber;

impl crate::status::live::LiveProber for StatusProber {
    fn probe(
        &self,
        status: &crate::status::StatusReport,
        url: &str,
    ) -> Result<Vec<crate::status::live::LiveCheck>, String> {
        let target = Target::parse(url)?;
        let opts = ProbeOptions {
            hints: endpoints::hints_from_routes(&status.routes),
            ..ProbeOptions::default()
        };
        let report = probe(&target, &opts).map_err(|e| e.0)?;
        Ok(live_checks(&report))
    }
}

/// Per control, the answer that counts: the best endpoint of its role, else the
/// first route from the code that was tried, else the first path tried.
pub fn live_checks(report: &ProbeReport) -> Vec<crate::status::live::LiveCheck> {
    use report::{Origin, Role};
    [
        (Role::Health, "health-endpoint"),
        (Role::Ready, "readiness-endpoint"),
        (Role::Metrics, "metrics"),
    ]
    .into_iter()
    .map(|(role, control)| {
        let of_role: Vec<&report::EndpointResult> =
            report.endpoints.iter().filter(|e| e.role == role).collect();
        let chosen = report.best(role).or_else(|| {
            of_role
                .iter()
                .find(|e| e.origins.iter().any(|o| matches!(o, Origin::Code(_))))
                .or_else(|| of_role.first())
                .copied()
        });
        crate::status::live::LiveCheck {
            control,
            url: chosen.map(|e| e.url.clone()),
            status: chosen.and_then(|e| e.status),
            p50_ms: chosen.and_then(|e| e.latency.as_ref()).map(|l| l.p50_ms),
            error: chosen.and_then(|e| e.error.clone()),
            tried: of_role.iter().map(|e| e.path.clone()).collect(),
        }
    })
    .collect()
}

/// Runs `harden probe`.
pub fn run_cli(args: ProbeArgs) -> i32 {
    let target = match Target::parse(&args.url) {
        Ok(t) => t,
        Err(e) => return crate::cli::error(e),
    };
    let mut opts = match args.limits.options() {
        Ok(o) => o,
        Err(e) => return crate::cli::error(e),
    };
    let repo = repo_of(&args);
    if let Some(root) = &repo {
        let common = crate::cli::CommonArgs {
            path: root.clone(),
            config: None,
            threads: 0,
        };
        match route_hints(&common) {
            Ok(hints) => opts.hints = hints,
            Err(code) => return code,
        }
    }
    let report = match probe(&target, &opts) {
        Ok(r) => r,
        Err(e) => return crate::cli::error(e),
    };
    let color = crate::cli::use_color(args.output.is_some());
    if let Err(code) = crate::cli::emit(args.output.as_deref(), |w| {
        render::render(args.format, &report, color, repo.as_deref(), w)
    }) {
        return code;
    }
    if report.findings.iter().any(|f| f.severity >= args.fail_on) {
        crate::cli::EXIT_FINDINGS
    } else {
        crate::cli::EXIT_OK
    }
}
