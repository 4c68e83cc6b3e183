//! The typed mocks of the generated crate (`mock` feature): a canned body of
//! the operation's success type, served on 127.0.0.1, decoded by the client.

use vendor_clients::cinnox;
use vendor_clients::runtime::mock::{MockServer, matchers};

fn contact_result(id: &str) -> cinnox::ExternalContactResult {
    cinnox::ExternalContactResult::new()
        .code(0)
        .result(cinnox::ExternalContactId::new().id(id))
        .cid("c-1")
}

#[tokio::test]
async fn a_typed_mock_answers_its_operation_with_the_success_body() {
    let server = MockServer::start().await;
    cinnox::mock::update_external_contact()
        .and(matchers::bearer_token("t"))
        .ok(&contact_result("ec-1"))
        .expect(1)
        .mount(&server)
        .await;
    let client = cinnox::Client::with_base_url(server.uri()).with_app_token("t");
    let result = client
        .update_external_contact("app", "ec-1")
        .await
        .expect("the mocked success");
    assert_eq!(result, contact_result("ec-1"));
}

#[tokio::test]
async fn a_mock_matches_only_its_method_and_route() {
    let server = MockServer::start().await;
    // `update` is a PUT on `/v1/api/apps/{appId}/contacts/{contactId}`-like
    // route; a create (POST, no contact id) must not reach it.
    cinnox::mock::update_external_contact()
        .ok(&contact_result("ec-1"))
        .expect(0)
        .mount(&server)
        .await;
    let client = cinnox::Client::with_base_url(server.uri()).with_app_token("t");
    let err = client.create_external_contact("app").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
}

#[tokio::test]
async fn a_mock_can_answer_a_documented_error() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"code": 40001, "message": "bad phone"});
    cinnox::mock::create_external_contact()
        .status(400, &body)
        .mount(&server)
        .await;
    let client = cinnox::Client::with_base_url(server.uri()).with_app_token("t");
    let err = client.create_external_contact("app").await.unwrap_err();
    match err.into_api_body() {
        Some(cinnox::ApiError::BadRequest(e)) => {
            assert_eq!(e.message.as_deref(), Some("bad phone"));
        }
        other => panic!("expected the documented 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mock_matches_a_typed_request_body_and_the_path() {
    let server = MockServer::start().await;
    let wanted = cinnox::ExternalContactRequest::new().first_name("Tai Man");
    cinnox::mock::update_external_contact()
        .path("/apps/app/management/update_externalcontact/ec-1")
        .body(&wanted)
        .ok(&contact_result("ec-1"))
        .expect(1)
        .mount(&server)
        .await;
    let client = cinnox::Client::with_base_url(server.uri()).with_app_token("t");
    // Another body does not match (wiremock answers 404)...
    let other = cinnox::ExternalContactRequest::new().first_name("Someone Else");
    let err = client
        .update_external_contact("app", "ec-1")
        .body(other)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    // ...the typed one does.
    let result = client
        .update_external_contact("app", "ec-1")
        .body(wanted)
        .await
        .unwrap();
    assert_eq!(result, contact_result("ec-1"));
}
