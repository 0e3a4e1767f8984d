//! The call record and the metrics: one `authbridge::call` event per vendor call with its
//! fields and no secret, and the process-wide counters counting what was done.
#![cfg(all(feature = "nevis", feature = "sandbox"))]
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use authbridge::metrics::{self, MetricsSnapshot};
use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::records::CALL_TARGET;
use authbridge::sandbox::{Fault, Sandbox};
use authbridge::transport::RetryPolicy;
use authbridge::{Secret, Vendor};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const CLIENT: &str = "1000";
const USER: &str = "4711";
/// Recognisable, so that any record holding it is found.
const PASSWORD: &str = "Obs3rvable-Pa55word!";

type Fields = BTreeMap<String, String>;

/// Every event of the process with its target and fields (message included).
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<(String, Fields)>>>);

struct Collect(Events);

impl Visit for FieldsVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

struct FieldsVisitor<'a>(&'a mut Fields);

impl<S: tracing::Subscriber> Layer<S> for Collect {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut FieldsVisitor(&mut fields));
        self.0 .0.lock().unwrap().push((event.metadata().target().to_string(), fields));
    }
}

fn events() -> Events {
    static EVENTS: OnceLock<Events> = OnceLock::new();
    EVENTS
        .get_or_init(|| {
            let events = Events::default();
            let subscriber = tracing_subscriber::registry().with(Collect(events.clone()));
            tracing::subscriber::set_global_default(subscriber).unwrap();
            events
        })
        .clone()
}

/// The call records of `operation` so far.
fn calls_of(events: &Events, operation: &str) -> Vec<Fields> {
    let all = events.0.lock().unwrap();
    all.iter()
        .filter(|(target, fields)| {
            target == CALL_TARGET && fields.get("operation").map(String::as_str) == Some(operation)
        })
        .map(|(_, fields)| fields.clone())
        .collect()
}

fn calls(snapshot: &MetricsSnapshot, operation: &str, outcome: &str) -> u64 {
    let series = snapshot.calls.iter().filter(|c| c.vendor == "nevisidm" && c.operation == operation);
    series.filter(|c| c.outcome == outcome).map(|c| c.count).sum()
}

async fn setup() -> (Sandbox, NevisClient) {
    let sandbox = Sandbox::start().await.unwrap();
    let sim = sandbox.nevis();
    sim.add_client(CLIENT, "Default");
    sim.add_user(CLIENT, USER);
    sim.set_password(CLIENT, USER, PASSWORD);
    let client = NevisClient::new(NevisConfig::new(&sandbox.url(Vendor::Nevis).unwrap()).unwrap()).unwrap();
    (sandbox, client)
}

#[tokio::test]
async fn each_call_is_one_record_with_its_fields_and_no_secret() {
    let events = events();
    let (_sandbox, client) = setup().await;
    let before = metrics::snapshot();
    client.password_login(CLIENT, USER, &Secret::new(PASSWORD)).await.unwrap();
    let wrong = format!("{PASSWORD}-wrong");
    client.password_login(CLIENT, USER, &Secret::new(wrong.clone())).await.unwrap_err();

    let records = calls_of(&events, "password_login");
    assert_eq!(records.len(), 2, "{records:?}");
    for record in &records {
        assert_eq!(record["vendor"], "nevisidm");
        assert_eq!(record["method"], "POST");
        assert_eq!(record["host"], "127.0.0.1");
        // nevisIDM answers a wrong password with 200 and a failure status in the body.
        assert_eq!(record["status"], "200");
        assert_eq!(record["attempts"], "1");
        assert!(record["duration_ms"].parse::<f64>().unwrap() >= 0.0);
        assert!(!record.contains_key("code"), "{record:?}");
        assert!(record["message"].starts_with("nevisidm password_login: POST 127.0.0.1 -> 200 (1 attempt(s), "));
    }
    for (_, fields) in events.0.lock().unwrap().iter() {
        let text = format!("{fields:?}");
        assert!(!text.contains(PASSWORD), "a record holds the password: {text}");
    }

    let after = metrics::snapshot();
    assert_eq!(calls(&after, "password_login", "ok") - calls(&before, "password_login", "ok"), 2);
    let histogram = |s: &MetricsSnapshot| {
        s.call_durations
            .iter()
            .find(|d| d.vendor == "nevisidm" && d.operation == "password_login")
            .map_or(0, |d| d.histogram.count)
    };
    assert_eq!(histogram(&after) - histogram(&before), 2);
    let text = metrics::prometheus_text();
    assert!(text.contains("# TYPE authbridge_calls_total counter"), "{text}");
    assert!(text.contains(r#"authbridge_calls_total{vendor="nevisidm",operation="password_login",outcome="ok"}"#));
}

#[tokio::test]
async fn retries_and_error_codes_are_counted() {
    let events = events();
    let (sandbox, client) = setup().await;
    let before = metrics::snapshot();
    // Refused unprocessed on every attempt, so the policy repeats it until it gives up.
    let attempts = RetryPolicy::default().max_attempts;
    let refused = Fault::Status { status: 503, retry_after: Some("0".into()) };
    sandbox.arm_times("nevisidm.recovery_code_login", refused, attempts + 1);
    let error = client.recovery_code_login(CLIENT, USER, &Secret::new("abcd-efgh-1234-5678")).await.unwrap_err();
    sandbox.clear_faults();

    let records = calls_of(&events, "recovery_code_login");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["attempts"], attempts.to_string());
    assert_eq!(records[0]["status"], "503");
    assert_eq!(records[0]["code"], "http_status", "{records:?}");
    assert_eq!(error.code(), "http_status");

    let after = metrics::snapshot();
    let retries = |s: &MetricsSnapshot| {
        s.retries.iter().filter(|r| r.operation == "recovery_code_login").map(|r| r.count).sum::<u64>()
    };
    assert_eq!(retries(&after) - retries(&before), u64::from(attempts - 1));
    assert_eq!(calls(&after, "recovery_code_login", "error") - calls(&before, "recovery_code_login", "error"), 1);
    let errors = |s: &MetricsSnapshot| {
        s.errors.iter().filter(|e| e.vendor == "nevisidm" && e.code == error.code()).map(|e| e.count).sum::<u64>()
    };
    assert_eq!(errors(&after) - errors(&before), 1);
}
