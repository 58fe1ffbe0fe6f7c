//! The `[plan]` section of `harden.toml`: a team calibrates the tables to itself.
//!
//! ```toml
//! [plan]
//! devs = 4                  # default for --devs
//! hours_per_day = 5         # default for --hours-per-day
//! review_percent = 30       # default for --review-percent (25)
//! buffer_percent = 25       # default for --buffer-percent (20)
//! owner_wait_hours = 6      # default for --owner-wait (3)
//!
//! [plan.phase]              # phase (0-6) by rule id; critical severity still means 0
//! "shell/missing-strict-mode" = 1
//!
//! [plan.effort."config/duplicated-credential"]   # any of base, per_file, per_hit, cap
//! base = 6
//! cap = 16
//! ```

use std::collections::BTreeMap;

use super::effort::{self, EffortModel};
use super::model::Phase;
use crate::config::Config;

/// Overrides of the phase and effort tables, by rule id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Phase by rule id.
    pub phase: BTreeMap<String, Phase>,
    /// Effort parameters by rule id.
    pub effort: BTreeMap<String, EffortModel>,
}

/// What `[plan]` sets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanSettings {
    /// Default developers.
    pub devs: Option<usize>,
    /// Default hours per day.
    pub hours_per_day: Option<f64>,
    /// Default review share, in percent.
    pub review_percent: Option<f64>,
    /// Default daily buffer, in percent.
    pub buffer_percent: Option<f64>,
    /// Default wait for a task's track developer, in hours.
    pub owner_wait_hours: Option<f64>,
    /// Table overrides.
    pub overrides: Overrides,
}

fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// Reads `[plan]` from the config; an error names the key that is wrong.
pub fn from_config(cfg: &Config) -> Result<PlanSettings, String> {
    let mut s = PlanSettings::default();
    let Some(plan) = cfg.extra.get("plan") else {
        return Ok(s);
    };
    let where_ = cfg
        .source
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "harden.toml".to_string());
    let bad = |key: &str, what: &str| format!("{where_}: [plan] {key}: {what}");
    let table = plan.as_table().ok_or_else(|| bad("", "expected a table"))?;
    for (k, v) in table {
        match k.as_str() {
            "devs" => match v.as_integer() {
                Some(n) if (1..=100).contains(&n) => s.devs = Some(n as usize),
                _ => return Err(bad("devs", "expected a whole number from 1 to 100")),
            },
            "hours_per_day" => match number(v) {
                Some(h) if (1.0..=24.0).contains(&h) => s.hours_per_day = Some(h),
                _ => return Err(bad("hours_per_day", "expected hours from 1 to 24")),
            },
            "review_percent" => match number(v) {
                Some(p) if (0.0..=200.0).contains(&p) => s.review_percent = Some(p),
                _ => return Err(bad("review_percent", "expected a percentage from 0 to 200")),
            },
            "buffer_percent" => match number(v) {
                Some(p) if (0.0..=90.0).contains(&p) => s.buffer_percent = Some(p),
                _ => return Err(bad("buffer_percent", "expected a percentage from 0 to 90")),
            },
            "owner_wait_hours" => match number(v) {
                Some(h) if (0.0..=1000.0).contains(&h) => s.owner_wait_hours = Some(h),
                _ => return Err(bad("owner_wait_hours", "expected hours from 0 to 1000")),
            },
            "phase" => {
                let t = v
                    .as_table()
                    .ok_or_else(|| bad("phase", "expected a table of rule id = 0-6"))?;
                for (rule, p) in t {
                    match p.as_integer() {
                        Some(i) if (0..=6).contains(&i) => {
                            s.overrides
                                .phase
                                .insert(rule.clone(), Phase::from_index(i as u8));
                        }
                        _ => return Err(bad(&format!("phase.\"{rule}\""), "expected 0 to 6")),
                    }
                }
            }
            "effort" => {
                let t = v
                    .as_table()
                    .ok_or_else(|| bad("effort", "expected tables of rule id"))?;
                for (rule, e) in t {
                    let key = format!("effort.\"{rule}\"");
                    let et = e
                        .as_table()
                        .ok_or_else(|| bad(&key, "expected base, per_file, per_hit, cap"))?;
                    let mut m = effort::model_for(rule);
                    for (field, val) in et {
                        let n = number(val)
                            .filter(|n| *n >= 0.0 && *n <= 1000.0)
                            .ok_or_else(|| bad(&format!("{key}.{field}"), "expected hours"))?;
                        match field.as_str() {
                            "base" => m.base = n,
                            "per_file" => m.per_file = n,
                            "per_hit" => m.per_hit = n,
                            "cap" => m.cap = n,
                            other => {
                                return Err(bad(
                                    &format!("{key}.{other}"),
                                    "unknown key (base, per_file, per_hit, cap)",
                                ))
                            }
                        }
                    }
                    s.overrides.effort.insert(rule.clone(), m);
                }
            }
            other => return Err(bad(
                other,
                "unknown key (devs, hours_per_day, review_percent, buffer_percent, owner_wait_hours, phase, effort)",
            )),
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_overrides_and_rejects_mistakes() {
        let cfg = Config::parse(
            "[plan]\ndevs = 4\nhours_per_day = 5\n[plan.phase]\n\"shell/missing-strict-mode\" = 1\n\
             [plan.effort.\"config/duplicated-credential\"]\nbase = 6\n",
            "harden.toml",
        )
        .unwrap();
        let s = from_config(&cfg).unwrap();
        assert_eq!(s.devs, Some(4));
        assert_eq!(s.hours_per_day, Some(5.0));
        assert_eq!(
            s.overrides.phase.get("shell/missing-strict-mode"),
            Some(&Phase::SecurityStability)
        );
        let e = s.overrides.effort["config/duplicated-credential"];
        assert_eq!(e.base, 6.0);
        assert_eq!(e.cap, effort::model_for("config/duplicated-credential").cap);

        for bad in [
            "[plan]\ndevs = 0\n",
            "[plan]\nphase = { \"x/y\" = 9 }\n",
            "[plan]\nteam = 3\n",
            "[plan.effort.\"x/y\"]\nbase = \"lots\"\n",
        ] {
            let cfg = Config::parse(bad, "harden.toml").unwrap();
            assert!(from_config(&cfg).is_err(), "{bad}");
        }
    }
}
