//! The build.rs-generated client against a local HTTP server.

use build_script_demo::{pet_name, pets};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn fetches_a_pet_with_the_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/p%2F1"))
        .and(header("authorization", "Bearer s3cret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "p/1", "name": "Rex", "kind": "lizard"
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = pets::Client::with_base_url(server.uri()).with_token("s3cret");
    assert_eq!(
        pet_name(&client, "p/1").await.unwrap(),
        Some("Rex".to_string())
    );
    // The enum keeps a value the spec does not list.
    let pet = client.get_pet("p/1").await.unwrap();
    assert_eq!(pet.kind, Some(pets::PetKind::Unrecognized("lizard".into())));
}

#[tokio::test]
async fn a_documented_404_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/gone"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "no"})),
        )
        .mount(&server)
        .await;
    let client = pets::Client::with_base_url(server.uri()).with_token("t");
    assert_eq!(pet_name(&client, "gone").await.unwrap(), None);
}
