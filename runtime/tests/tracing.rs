//! The `tracing` feature: a span per call and per attempt with the
//! operation, method, route template, status and attempt number, captured
//! by a test subscriber; no secret, URL or body is ever recorded.
//! (`cargo test --workspace` builds the runtime with `tracing`: the test
//! crate enables it.)
#![cfg(feature = "tracing")]

mod common;

use std::fmt::Write;
use std::sync::{Arc, Mutex};

use common::*;
use openapi_rustgen_runtime::{Credential, Method, Operation, Request, SecurityRequirement};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every span (name and fields, recorded later too) and event, as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut fields = Fields(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: Context<'_, S>,
    ) {
        let mut fields = Fields("record".into());
        values.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields("event".into());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

#[tokio::test]
async fn calls_and_attempts_are_spans_without_secrets() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("secret-body"))
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential("bearerAuth", Credential::Bearer("tok-SECRET".into()));
    core.set_credential("queryKey", Credential::ApiKey("key-SECRET".into()));
    let response = send(&core, Request::new(&TRACED_OP, "/things/1?q=query-SECRET"))
        .await
        .unwrap();
    assert_eq!(response.status_code(), 200);

    let lines = capture.0.lock().unwrap().join("\n");
    assert!(
        lines.contains("span api_call operation=\"getThing\" method=GET route=\"/things/{id}\""),
        "{lines}"
    );
    assert!(
        lines.contains("span attempt number=1") && lines.contains("span attempt number=2"),
        "{lines}"
    );
    assert!(
        lines.contains("status=503") && lines.contains("status=200"),
        "{lines}"
    );
    assert!(lines.contains("attempts=2"), "{lines}");
    assert!(
        !lines.contains("SECRET") && !lines.contains("secret-body"),
        "{lines}"
    );
}

static TRACED_SECURITY: &[SecurityRequirement] = &[&[&BEARER, &KEY_QUERY]];

static TRACED_OP: Operation = Operation {
    id: "getThing",
    method: Method::GET,
    route: "/things/{id}",
    security: TRACED_SECURITY,
    accept: None,
};
