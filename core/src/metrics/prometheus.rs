//! The Prometheus text exposition format, version 0.0.4, of a [`MetricsSnapshot`].
//!
//! Written here rather than with `prometheus-client`: that crate encodes OpenMetrics from its
//! own registry, whose values cannot be read back as data, and the bindings need the snapshot
//! as data. Rendering the one snapshot keeps a single registry.

use std::fmt::Write as _;

use super::snapshot::{Histogram, MetricsSnapshot};

/// The text of `snapshot`: `# HELP` and `# TYPE` for every family, then its samples.
pub fn render(snapshot: &MetricsSnapshot) -> String {
    let mut out = String::new();
    family(&mut out, "authbridge_calls_total", "counter", "Vendor calls by vendor, operation and outcome.");
    for call in &snapshot.calls {
        let labels = [("vendor", &call.vendor), ("operation", &call.operation), ("outcome", &call.outcome)];
        sample(&mut out, "authbridge_calls_total", &labels, None, call.count as f64);
    }
    family(&mut out, "authbridge_call_errors_total", "counter", "Failed vendor calls by vendor and stable error code.");
    for error in &snapshot.errors {
        sample(
            &mut out,
            "authbridge_call_errors_total",
            &[("vendor", &error.vendor), ("code", &error.code)],
            None,
            error.count as f64,
        );
    }
    family(&mut out, "authbridge_call_retries_total", "counter", "Attempts repeated by the retry policy.");
    for retry in &snapshot.retries {
        let labels = [("vendor", &retry.vendor), ("operation", &retry.operation)];
        sample(&mut out, "authbridge_call_retries_total", &labels, None, retry.count as f64);
    }
    family(&mut out, "authbridge_callbacks_total", "counter", "NoPass portal callbacks by callback and outcome.");
    for callback in &snapshot.callbacks {
        let labels = [("callback", &callback.callback), ("outcome", &callback.outcome)];
        sample(&mut out, "authbridge_callbacks_total", &labels, None, callback.count as f64);
    }
    let name = "authbridge_call_duration_seconds";
    family(&mut out, name, "histogram", "Duration of vendor calls, retries included.");
    for call in &snapshot.call_durations {
        histogram(&mut out, name, &[("vendor", &call.vendor), ("operation", &call.operation)], &call.histogram);
    }
    let name = "authbridge_callback_duration_seconds";
    family(&mut out, name, "histogram", "Time to answer NoPass portal callbacks.");
    for callback in &snapshot.callback_durations {
        histogram(&mut out, name, &[("callback", &callback.callback)], &callback.histogram);
    }
    out
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {}", help.replace('\\', "\\\\").replace('\n', "\\n"));
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn histogram(out: &mut String, name: &str, labels: &[(&str, &String)], histogram: &Histogram) {
    let bucket = format!("{name}_bucket");
    for (bound, count) in histogram.bounds_seconds.iter().zip(&histogram.cumulative_counts) {
        sample(out, &bucket, labels, Some(&bound.to_string()), *count as f64);
    }
    sample(out, &bucket, labels, Some("+Inf"), histogram.count as f64);
    sample(out, &format!("{name}_sum"), labels, None, histogram.sum_seconds);
    sample(out, &format!("{name}_count"), labels, None, histogram.count as f64);
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &String)], le: Option<&str>, value: f64) {
    out.push_str(name);
    out.push('{');
    let le = le.map(|le| ("le", le));
    let all = labels.iter().map(|(name, value)| (*name, value.as_str())).chain(le);
    for (index, (label, value)) in all.enumerate() {
        if index > 0 {
            out.push(',');
        }
        let _ = write!(out, "{label}=\"{}\"", escape_label_value(value));
    }
    let _ = writeln!(out, "}} {value}");
}

/// Backslash, double quote and line feed are the three characters a label value escapes.
fn escape_label_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::snapshot::{CallCount, CallDuration};

    #[test]
    fn renders_families_samples_and_escaped_labels() {
        let snapshot = MetricsSnapshot {
            calls: vec![CallCount {
                vendor: "nevisidm".into(),
                operation: "odd\"op\\\n".into(),
                outcome: "ok".into(),
                count: 3,
            }],
            call_durations: vec![CallDuration {
                vendor: "nevisidm".into(),
                operation: "password_login".into(),
                histogram: Histogram {
                    bounds_seconds: vec![0.5, 1.0],
                    cumulative_counts: vec![1, 2],
                    sum_seconds: 1.25,
                    count: 3,
                },
            }],
            ..MetricsSnapshot::default()
        };
        let text = render(&snapshot);
        assert!(text.contains("# TYPE authbridge_calls_total counter\n"), "{text}");
        assert!(
            text.contains(r#"authbridge_calls_total{vendor="nevisidm",operation="odd\"op\\\n",outcome="ok"} 3"#),
            "{text}"
        );
        assert!(text.contains(
            r#"authbridge_call_duration_seconds_bucket{vendor="nevisidm",operation="password_login",le="0.5"} 1"#
        ));
        assert!(text.contains(
            r#"authbridge_call_duration_seconds_bucket{vendor="nevisidm",operation="password_login",le="1"} 2"#
        ));
        assert!(text.contains(
            r#"authbridge_call_duration_seconds_bucket{vendor="nevisidm",operation="password_login",le="+Inf"} 3"#
        ));
        assert!(
            text.contains(r#"authbridge_call_duration_seconds_sum{vendor="nevisidm",operation="password_login"} 1.25"#)
        );
        assert!(
            text.contains(r#"authbridge_call_duration_seconds_count{vendor="nevisidm",operation="password_login"} 3"#)
        );
        assert!(text.ends_with('\n'));
    }
}
