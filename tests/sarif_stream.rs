//! Issue 13 (8): SARIF for 100k findings took 2.2 GB because the whole document was
//! built as a JSON value tree first. `sarif::render` streams; its output is the same
//! document `to_sarif` builds. Alone in its test binary, so the process's peak memory
//! is this test's.

use harden::engine::{Diagnostic, ScanReport};
use harden::finding::{Finding, Related, Severity};
use harden::output::sarif;
use harden::source::{Position, Region};

fn finding(i: usize) -> Finding {
    let at = Region {
        start: Position {
            line: i % 5000 + 1,
            column: 3,
        },
        end: Position {
            line: i % 5000 + 1,
            column: 17,
        },
    };
    Finding {
        grouped: false,
        rule: if i % 2 == 0 {
            "shell/unsafe-rm"
        } else {
            "shell/curl-pipe-shell"
        },
        severity: Severity::High,
        message: format!("`rm -rf \"$DIR{i}/\"` deletes `/` if `DIR{i}` is empty or unset").into(),
        path: format!("scripts/part{}/deploy{}.sh", i / 1000, i % 1000).into(),
        span: 10..24,
        region: at,
        snippet: format!("rm -rf \"$DIR{i}/\"").into(),
        related: vec![Related {
            path: "scripts/common.sh".into(),
            span: 0..4,
            region: at,
            message: "also here".into(),
        }]
        .into(),
        fix: None,
    }
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn render_streams_the_same_document_to_sarif_builds() {
    let mut report = ScanReport {
        findings: (0..50).map(finding).collect(),
        ..Default::default()
    };
    report.diagnostics.push(Diagnostic {
        path: "broken.yml".into(),
        line: Some(3),
        message: "YAML syntax error".into(),
    });
    let mut streamed = Vec::new();
    sarif::render(&report, None, &mut streamed).unwrap();
    let built = sarif::to_sarif(&report, &harden::rules::catalog(), None);
    let expected = serde_json::to_string_pretty(&built).unwrap() + "\n";
    assert_eq!(String::from_utf8(streamed).unwrap(), expected);
    // And with nothing to stream.
    let empty = ScanReport::default();
    let mut streamed = Vec::new();
    sarif::render(&empty, None, &mut streamed).unwrap();
    let built = sarif::to_sarif(&empty, &harden::rules::catalog(), None);
    assert_eq!(
        String::from_utf8(streamed).unwrap(),
        serde_json::to_string_pretty(&built).unwrap() + "\n"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_hundred_thousand_findings_render_in_bounded_memory() {
    let report = ScanReport {
        findings: (0..100_000).map(finding).collect(),
        ..Default::default()
    };
    let before = vm_hwm_kb();
    let mut sink = CountingSink(0);
    sarif::render(&report, None, &mut sink).unwrap();
    let grew_mb = (vm_hwm_kb().saturating_sub(before)) / 1024;
    assert!(sink.0 > 50_000_000, "wrote {} bytes", sink.0);
    // A value tree of this document takes gigabytes; streaming needs one result at a time.
    assert!(grew_mb < 64, "rendering grew the peak by {grew_mb} MB");
}

struct CountingSink(usize);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
