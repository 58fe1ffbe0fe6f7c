//! What a health or readiness body shows: a status field, the dependencies it
//! reports on (Spring Actuator `components`, the health+json draft's `checks`,
//! plain `{"db": "ok"}`), and whether it changes between requests. From that,
//! what the answer proves and what it cannot.

use serde_json::Value;

use super::report::BodyShape;

/// Keys that hold the overall status.
const STATUS_KEYS: &[&str] = &[
    "status", "state", "health", "healthy", "ok", "ready", "live", "alive", "success",
];

/// Keys whose object lists per-dependency results.
const GROUP_KEYS: &[&str] = &[
    "checks",
    "components",
    "details",
    "dependencies",
    "services",
    "results",
    "entries",
];

/// Keys that are metadata, never dependencies.
const META_KEYS: &[&str] = &[
    "version",
    "uptime",
    "timestamp",
    "time",
    "build",
    "commit",
    "service",
    "name",
    "message",
    "description",
    "env",
    "environment",
    "hostname",
    "host",
    "pid",
    "date",
    "now",
    "app",
    "release",
    "notes",
    "output",
    "links",
];

/// Values that read as a check result.
fn status_word(v: &Value) -> Option<String> {
    match v {
        Value::Bool(b) => Some(b.to_string()),
        Value::String(s) => {
            let l = s.to_ascii_lowercase();
            const WORDS: &[&str] = &[
                "ok",
                "up",
                "down",
                "pass",
                "fail",
                "warn",
                "healthy",
                "unhealthy",
                "ready",
                "not ready",
                "connected",
                "disconnected",
                "error",
                "degraded",
                "available",
                "unavailable",
                "online",
                "offline",
                "green",
                "yellow",
                "red",
                "serving",
                "not_serving",
                "true",
                "false",
                "loaded",
                "not loaded",
                "alive",
            ];
            WORDS.contains(&l.as_str()).then(|| s.clone())
        }
        Value::Object(o) => STATUS_KEYS
            .iter()
            .find_map(|k| o.get(*k).and_then(status_word)),
        Value::Array(a) => a.first().and_then(status_word),
        _ => None,
    }
}

/// Reads the shape of a body; `bodies` are the bodies of every sample (for
/// constancy), the first being the one described.
pub fn shape(media_type: Option<&str>, bodies: &[&[u8]]) -> BodyShape {
    let Some(first) = bodies.first() else {
        return BodyShape {
            kind: "empty",
            constant: true,
            ..BodyShape::default()
        };
    };
    let constant = bodies.iter().all(|b| b == first);
    let mut shape = BodyShape {
        kind: "text",
        bytes: first.len(),
        constant,
        ..BodyShape::default()
    };
    if first.iter().all(u8::is_ascii_whitespace) {
        shape.kind = "empty";
        return shape;
    }
    let Ok(text) = std::str::from_utf8(first) else {
        shape.kind = "binary";
        return shape;
    };
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        shape.kind = "json";
        describe_json(&json, &mut shape);
        return shape;
    }
    let trimmed = text.trim_start();
    if media_type == Some("text/html") || trimmed.starts_with('<') {
        shape.kind = "html";
    }
    shape
}

fn describe_json(json: &Value, shape: &mut BodyShape) {
    let Value::Object(obj) = json else {
        if let Some(w) = status_word(json) {
            shape.status_field = Some(("(body)".to_string(), w));
        }
        return;
    };
    for key in STATUS_KEYS {
        if let Some(v) = obj.get(*key) {
            if let Some(w) = status_word(v).filter(|_| !v.is_object()) {
                shape.status_field = Some(((*key).to_string(), w));
                break;
            }
        }
    }
    for (key, value) in obj {
        let lk = key.to_ascii_lowercase();
        if GROUP_KEYS.contains(&lk.as_str()) {
            match value {
                Value::Object(group) => {
                    for (name, v) in group {
                        let state = status_word(v).unwrap_or_else(|| "reported".to_string());
                        shape.dependencies.push((name.clone(), state));
                    }
                }
                Value::Array(items) => {
                    for item in items {
                        if let Value::Object(o) = item {
                            let name = ["name", "component", "id", "componentId"]
                                .iter()
                                .find_map(|k| o.get(*k).and_then(Value::as_str))
                                .unwrap_or("check");
                            let state = status_word(item).unwrap_or_else(|| "reported".to_string());
                            shape.dependencies.push((name.to_string(), state));
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if STATUS_KEYS.contains(&lk.as_str()) || META_KEYS.contains(&lk.as_str()) {
            continue;
        }
        // `{"status": "ok", "database": "connected", "redis": {"status": "up"}}`
        if let Some(state) = status_word(value) {
            shape.dependencies.push((key.clone(), state));
        }
    }
    shape.dependencies.sort();
    shape.dependencies.dedup();
}

/// Whether a body names no dependency at all (a bare 200 or `{"status":"ok"}`).
pub fn is_shallow(shape: &BodyShape) -> bool {
    shape.dependencies.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(body: &str) -> BodyShape {
        shape(Some("application/json"), &[body.as_bytes()])
    }

    #[test]
    fn spring_actuator_components() {
        let s = one(
            r#"{"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL"}},"diskSpace":{"status":"UP"},"ping":{"status":"UP"}}}"#,
        );
        assert_eq!(
            s.status_field,
            Some(("status".to_string(), "UP".to_string()))
        );
        let names: Vec<&str> = s.dependencies.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["db", "diskSpace", "ping"]);
    }

    #[test]
    fn health_json_draft_checks() {
        let s = one(
            r#"{"status":"pass","version":"1","checks":{"postgres:responseTime":[{"componentType":"datastore","observedValue":12,"status":"pass"}],"redis:connections":[{"status":"warn"}]}}"#,
        );
        assert_eq!(
            s.dependencies,
            vec![
                ("postgres:responseTime".to_string(), "pass".to_string()),
                ("redis:connections".to_string(), "warn".to_string())
            ]
        );
    }

    #[test]
    fn flat_dependency_keys_and_shallow_bodies() {
        let s = one(
            r#"{"status":"ok","database":"connected","model_loaded":true,"version":"1.2.0","uptime":12.5}"#,
        );
        assert_eq!(s.dependencies.len(), 2);
        assert!(is_shallow(&one(r#"{"status":"ok"}"#)));
        assert!(is_shallow(&one("true")));
        assert_eq!(
            one("true").status_field,
            Some(("(body)".to_string(), "true".to_string()))
        );
        let text = shape(Some("text/plain"), &[b"OK", b"OK"]);
        assert_eq!((text.kind, text.constant), ("text", true));
        let empty = shape(None, &[b""]);
        assert_eq!(empty.kind, "empty");
        let varying = shape(None, &[b"{\"t\":1}", b"{\"t\":2}"]);
        assert!(!varying.constant);
    }
}
