//! The fixture specs' generated modules (built by `build.rs`), compiled and
//! exercised: wire names, open enums, null vs absent, defaults, formats,
//! maps, composition, recursion, and every way of calling an operation.

macro_rules! fixture {
    ($name:ident) => {
        #[allow(dead_code)]
        mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        }
    };
}

fixture!(composition);
fixture!(containers_formats);
fixture!(edge_cases);
fixture!(enums);
fixture!(hostile);
fixture!(multi_file);
fixture!(naming);
fixture!(naming_both_ways);
fixture!(nullable_defaults);
fixture!(openapi31);
fixture!(operations);
fixture!(real_world);
fixture!(refs);
fixture!(streams);

use serde_json::json;

#[test]
fn wire_names_survive_renaming() {
    // `Thing` is only received; the module generated with `SerdeDerives::Both`
    // can also encode it.
    let thing = naming_both_ways::Thing {
        r#type: Some("t".into()),
        self_: Some("s".into()),
        first_name: Some("snake".into()),
        first_name_2: Some("camel".into()),
        x_rate_limit: Some(5),
        n_2fa: Some(true),
        id: Some("i".into()),
        na_ve: Some("n".into()),
    };
    let wire = serde_json::to_value(&thing).unwrap();
    assert_eq!(
        wire,
        json!({"type": "t", "self": "s", "first_name": "snake", "firstName": "camel",
               "x-rate-limit": 5, "2fa": true, "@id": "i", "naïve": "n"})
    );
    let back: naming_both_ways::Thing = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(back, thing);
    // The default module decodes the same wire names.
    let received: naming::Thing = serde_json::from_value(wire).unwrap();
    assert_eq!(received.first_name_2.as_deref(), Some("camel"));
    assert_eq!(received.na_ve.as_deref(), Some("n"));
    // A schema named like a std type does not shadow it.
    let _ = naming::ResultModel { ok: Some(true) };
}

#[test]
fn a_variant_is_boxed_by_its_size_as_laid_out_not_with_nested_unions_unboxed() {
    use composition::{Expanded, Huge, Listed, Wide};
    // `Expanded` boxes `Huge`, so what holds an `Expanded` is small, and of
    // `Listed` it is `Wide` that is boxed.
    let _: fn(Box<Huge>) -> Expanded = Expanded::Huge;
    let _: fn(Box<Wide>) -> Listed = Listed::Wide;
    assert!(std::mem::size_of::<Listed>() < 200);
    let listed: Listed = serde_json::from_value(json!({"link": "cus_1"})).unwrap();
    assert!(matches!(listed, Listed::Linked(_)), "{listed:?}");
}

#[tokio::test]
async fn schemas_named_like_prelude_traits_or_constructors_shadow_nothing() {
    use naming::{Client, FromModel, NewModel};
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/new/n1"))
        .and(body_json(json!({"from": {"into": "sent"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"into": "back"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    // `From` and `New` became `FromModel` and `NewModel`: the module's
    // `impl From<..>` and every type's `new` still mean what they say.
    let body = NewModel::new(FromModel::new().with_into("sent"));
    let back: FromModel = client.new_2("n1", body).await.unwrap();
    assert_eq!(back.into.as_deref(), Some("back"));
}

#[tokio::test]
async fn operations_named_like_the_client_or_prelude_names_shadow_nothing() {
    use naming::{Client, builder};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    for (verb, route) in [("GET", "/client"), ("GET", "/result")] {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/into"))
        .and(query_param("into", "x"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    // The builders took a `Call` suffix: inside `mod builder`, `Client`,
    // `Into` and `Result` still name the client and the prelude's. The
    // method is `call_into`: `client.into()` is the prelude's `Into::into`.
    let call: builder::ClientCall<'_> = client.client();
    call.await.unwrap();
    let call: builder::IntoCall<'_> = client.call_into().into("x");
    call.await.unwrap();
    let call: builder::ResultCall<'_> = client.result();
    call.await.unwrap();
}

#[test]
fn received_structs_decode_as_serde_derive_would() {
    use naming::Reader;
    // Fields named like the decoder's locals (`map`, `key`) and generics.
    let reader: Reader = serde_json::from_value(
        json!({"map": 1, "key": "k", "deserializer": "d", "A": true, "de": "x"}),
    )
    .unwrap();
    assert_eq!(
        (
            reader.map,
            reader.key.as_str(),
            reader.deserializer.as_deref(),
            reader.a,
            reader.de.as_deref()
        ),
        (1, "k", Some("d"), Some(true), Some("x"))
    );
    // A required nullable field may be absent (`None`), a required one may not.
    let reader: Reader =
        serde_json::from_str(r#"{"map": 1, "key": "k", "other": [1, 2]}"#).unwrap();
    assert_eq!(reader.deserializer, None);
    // A deprecated field decodes (and decoding it does not warn: clippy -D warnings).
    #[allow(deprecated)]
    let old = serde_json::from_value::<Reader>(json!({"map": 1, "key": "k", "old": "o"}))
        .unwrap()
        .old;
    assert_eq!(old.as_deref(), Some("o"));
    let error = serde_json::from_str::<Reader>(r#"{"map": 1}"#).unwrap_err();
    assert!(error.to_string().contains("missing field `key`"), "{error}");
    let error =
        serde_json::from_str::<Reader>(r#"{"map": 1, "key": "a", "key": "b"}"#).unwrap_err();
    assert!(
        error.to_string().contains("duplicate field `key`"),
        "{error}"
    );
    let error = serde_json::from_str::<Reader>("[1, \"k\", null]").unwrap_err();
    assert!(error.to_string().contains("struct Reader"), "{error}");
}

#[test]
fn enums_keep_colliding_and_unknown_values() {
    use enums::{Named, Priority, SortOrder, Status};
    let all = [
        SortOrder::Asc,
        SortOrder::Desc,
        SortOrder::Asc2,
        SortOrder::Desc2,
    ];
    let wire: Vec<String> = all
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(wire, ["ASC", "DESC", "asc", "desc"]);
    let unknown: SortOrder = serde_json::from_value(json!("Random")).unwrap();
    assert_eq!(unknown, SortOrder::Unrecognized("Random".into()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("Random"));

    let seven: Priority = serde_json::from_value(json!(7)).unwrap();
    assert_eq!(seven, Priority::Unrecognized(7));
    assert_eq!(serde_json::to_value(seven).unwrap(), json!(7));
    assert_eq!(
        serde_json::from_value::<Priority>(json!(3)).unwrap(),
        Priority::V3
    );

    // `unknown` and `Unrecognized` are real values here, not the catch-all.
    for value in ["opted-in", "opted_out", "", "unknown", "Unrecognized"] {
        let status: Status = serde_json::from_value(json!(value)).unwrap();
        assert!(
            !matches!(status, Status::Unrecognized(_)),
            "{value} is a known value"
        );
        assert_eq!(status.as_str(), value);
    }
    assert_eq!(
        serde_json::from_value::<Status>(json!("Unrecognized")).unwrap(),
        Status::Unrecognized2
    );
    assert_eq!(
        serde_json::from_value::<Status>(json!("new")).unwrap(),
        Status::Unrecognized("new".into())
    );
    assert_eq!(serde_json::to_value(Named::On).unwrap(), json!(1));
}

#[test]
fn null_and_absent_are_different() {
    use nullable_defaults::runtime::Nullable;
    use nullable_defaults::{Owner, Update};
    let mut update = Update {
        id: "1".into(),
        note: None,
        name: None,
        nickname: Nullable::Absent,
        level: None,
        count: None,
        ratio: None,
        active: None,
        tags: None,
        owner: Nullable::Absent,
    };
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"id": "1", "note": null})
    );
    update.nickname = Nullable::Null;
    update.owner = Nullable::Value(Owner {
        id: Some("o".into()),
    });
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"id": "1", "note": null, "nickname": null, "owner": {"id": "o"}})
    );
    let decoded: Update =
        serde_json::from_value(json!({"id": "1", "note": "n", "nickname": null})).unwrap();
    assert_eq!(decoded.nickname, Nullable::Null);
    assert_eq!(decoded.owner, Nullable::Absent);
    assert_eq!(decoded.note.as_deref(), Some("n"));
}

#[test]
fn defaults_fill_absent_fields_when_decoding() {
    use nullable_defaults::{Update, UpdateLevel};
    let decoded: Update = serde_json::from_value(json!({"id": "1", "note": null})).unwrap();
    assert_eq!(decoded.level, Some(UpdateLevel::Primary));
    assert_eq!(decoded.count, Some(10));
    assert_eq!(decoded.ratio, Some(0.5));
    assert_eq!(decoded.active, Some(true));
    assert_eq!(decoded.tags, Some(Vec::new()));
    let explicit: Update =
        serde_json::from_value(json!({"id": "1", "note": null, "count": 3})).unwrap();
    assert_eq!(explicit.count, Some(3));
}

#[test]
fn formats_and_maps() {
    use containers_formats::{Closed, Formats, Maps, WithExtras};
    let formats: Formats = serde_json::from_value(json!({
        "at": "2024-05-01T10:00:00Z", "on": "2024-05-01", "id": "6f1c3c9e-8a53-4bfb-9a0e-2a6fd2a1b001",
        "small": 1, "big": 9007199254740993i64, "unsigned": 18446744073709551615u64, "single": 1.5, "double": 2.25,
        "odd": "kept as a string"
    }))
    .unwrap();
    assert_eq!(
        formats.at.unwrap().to_rfc3339(),
        "2024-05-01T10:00:00+00:00"
    );
    assert_eq!(formats.on.unwrap().to_string(), "2024-05-01");
    assert_eq!(formats.unsigned, Some(u64::MAX));
    assert!(serde_json::from_value::<Formats>(json!({"id": "not-a-uuid"})).is_err());

    let maps: Maps = serde_json::from_value(json!({
        "free_form": {"a": [1]}, "any_value": 3, "counts": {"x": 1}, "open": {"k": null},
        "nested": [["a"]], "items": [{"name": "n"}]
    }))
    .unwrap();
    assert_eq!(maps.counts.unwrap()["x"], 1);
    assert_eq!(maps.items.unwrap()[0].name.as_deref(), Some("n"));

    let extras: WithExtras = serde_json::from_value(json!({"known": "k", "other": "o"})).unwrap();
    assert_eq!(extras.additional_properties["other"], "o");
    assert!(!extras.additional_properties.contains_key("known"));
    // An additional property must have the type the schema gives them.
    let error = serde_json::from_str::<WithExtras>(r#"{"known": "k", "other": 5}"#).unwrap_err();
    assert!(error.to_string().contains("invalid type"), "{error}");
    assert_eq!(
        serde_json::to_value(&extras).unwrap(),
        json!({"known": "k", "other": "o"})
    );
    let crowded: containers_formats::Crowded = serde_json::from_value(
        json!({"additional_properties": "a", "map": 1, "key": "k", "x": 2, "y": 3}),
    )
    .unwrap();
    assert_eq!(crowded.additional_properties_2.as_deref(), Some("a"));
    assert_eq!((crowded.map, crowded.key.as_deref()), (Some(1), Some("k")));
    assert_eq!(crowded.additional_properties.len(), 2);
    assert_eq!(crowded.additional_properties["y"], 3);
    // additionalProperties: false still ignores unknown keys, so that a
    // server adding a field does not break decoding.
    let closed: Closed = serde_json::from_value(json!({"known": "k", "new": 1})).unwrap();
    assert_eq!(closed.known.as_deref(), Some("k"));
}

#[test]
fn composition_and_recursion() {
    use composition::{Deep, IdOrName, Pet, Tree};
    let deep: Deep = serde_json::from_value(json!({"id": "1", "name": "n", "depth": 2})).unwrap();
    assert_eq!(
        (deep.id.as_str(), deep.name.as_deref(), deep.depth),
        ("1", Some("n"), 2)
    );

    let cat: Pet = serde_json::from_value(json!({"pet_type": "cat", "meows": true})).unwrap();
    assert!(matches!(&cat, Pet::Cat(c) if c.meows == Some(true)));
    assert_eq!(
        serde_json::to_value(&cat).unwrap(),
        json!({"pet_type": "cat", "meows": true})
    );
    let dog: Pet = serde_json::from_value(json!({"pet_type": "dog", "barks": true})).unwrap();
    assert!(matches!(dog, Pet::Dog(_)), "mapping by bare schema name");
    let bird: Pet = serde_json::from_value(json!({"pet_type": "bird"})).unwrap();
    assert!(matches!(bird, Pet::Unrecognized(_)));

    assert_eq!(
        serde_json::from_value::<IdOrName>(json!(5)).unwrap(),
        IdOrName::Integer(5)
    );
    assert_eq!(
        serde_json::from_value::<IdOrName>(json!("x")).unwrap(),
        IdOrName::String("x".into())
    );

    let tree: Tree =
        serde_json::from_value(json!({"children": [{}], "parent": {"parent": {}}})).unwrap();
    assert!(tree.parent.unwrap().parent.is_some());
}

#[test]
fn implied_tags_name_variants_and_leave_the_tag_to_the_union() {
    use composition::{Shape, ShapeCircle, Square, SquareKind};
    let cases = [
        (
            Shape::Circle(ShapeCircle { radius: 2.0 }),
            json!({"kind": "circle", "radius": 2.0}),
        ),
        (Shape::Empty, json!({"kind": "empty"})),
        (
            Shape::Labels([("colour".to_string(), "red".to_string())].into()),
            json!({"kind": "labels", "colour": "red"}),
        ),
        (
            // A $ref variant keeps its own tag field.
            Shape::Square(Square {
                kind: SquareKind::Square,
                side: 1.5,
            }),
            json!({"kind": "square", "side": 1.5}),
        ),
    ];
    for (shape, wire) in cases {
        assert_eq!(serde_json::to_value(&shape).unwrap(), wire, "{shape:?}");
        let back: Shape = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(back, shape, "{wire}");
    }
    // The tag does not land in the labels map.
    let Shape::Labels(labels) =
        serde_json::from_value(json!({"kind": "labels", "a": "b"})).unwrap()
    else {
        panic!("labels");
    };
    assert_eq!(labels.len(), 1);
    // A known tag with a body that does not fit is an error, not a silent fallback.
    let err = serde_json::from_value::<Shape>(json!({"kind": "circle"})).unwrap_err();
    assert!(err.to_string().contains("radius"), "{err}");
    // An unknown tag is kept and encodes back unchanged.
    let wire = json!({"kind": "hexagon", "sides": 6});
    let unknown: Shape = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(unknown, Shape::Unrecognized(wire.clone()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), wire);
}

#[test]
fn discriminator_over_inline_variants() {
    use composition::{Event, EventCreated, EventVariant2Type, SameTag};
    let created: Event = serde_json::from_value(json!({"type": "created", "at": "noon"})).unwrap();
    assert_eq!(created, Event::Created(EventCreated { at: "noon".into() }));
    assert_eq!(
        serde_json::to_value(&created).unwrap(),
        json!({"type": "created", "at": "noon"})
    );
    // Two values select one variant: it keeps the tag as its own field.
    for value in ["deleted", "purged"] {
        let Event::EventVariant2(variant) =
            serde_json::from_value(json!({ "type": value })).unwrap()
        else {
            panic!("{value}");
        };
        assert_eq!(variant.r#type, EventVariant2Type::from(value.to_string()));
    }
    // The same one-value enum in both variants tells nothing: untagged, first fit wins.
    let same: SameTag = serde_json::from_value(json!({"k": "a", "y": "text"})).unwrap();
    assert!(matches!(same, SameTag::SameTagVariant2(_)), "{same:?}");
}

mod operations_client {
    use super::operations::{self, Client, runtime};
    use serde_json::json;
    use wiremock::matchers::{
        body_json, body_string, header, header_regex, method, path, query_param,
    };
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> Client {
        Client::with_base_url(server.uri()).with_retry_policy(runtime::RetryPolicy::disabled())
    }

    #[test]
    fn types_no_operation_uses_encode_and_decode_with_what_they_hold() {
        // `Item` is only received, but `ItemArchive` (used by no operation)
        // holds it, so both derive both serde traits.
        let wire = json!({"items": [{"id": 1}]});
        let archive: operations::ItemArchive = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(archive.items.as_ref().map(Vec::len), Some(1));
        assert_eq!(serde_json::to_value(&archive).unwrap(), wire);
    }

    #[test]
    fn server_variables_are_substituted() {
        assert_eq!(Client::DEFAULT_BASE_URL, "https://eu.example.com/v2");
    }

    #[tokio::test]
    async fn parameters_of_every_kind() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/items/42"))
            .and(query_param("fields", "a,b"))
            .and(query_param("filter[state]", "open"))
            .and(query_param("limit", "5"))
            .and(header("if-none-match", "etag"))
            .and(header("cookie", "session=abc"))
            .and(header("authorization", "Bearer tok"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 42})))
            .expect(1)
            .mount(&server)
            .await;
        let item = client(&server)
            .with_bearer("tok")
            .get_items_by_item_id(42)
            .fields(vec!["a".to_string(), "b".to_string()])
            .tags(vec!["x".to_string(), "y".to_string()])
            .filter(operations::GetItemsByItemIdFilter::new().state("open"))
            .if_none_match("etag")
            .session("abc")
            .limit(5)
            .await
            .unwrap();
        assert_eq!(item.id, 42);
        let requests = server.received_requests().await.unwrap();
        let query = requests[0].url.query().unwrap().to_string();
        assert!(query.contains("tags=x&tags=y"), "exploded array: {query}");
    }

    #[tokio::test]
    async fn constraints_are_checked_before_sending() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        let err = client(&server)
            .with_bearer("tok")
            .get_items_by_item_id(1)
            .limit(500)
            .await
            .unwrap_err();
        match err {
            runtime::Error::Validation(v) => assert_eq!(v.field, "limit"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn statuses_map_to_typed_results() {
        let server = MockServer::start().await;
        Mock::given(path("/items/1"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"title": "nope"})))
            .mount(&server)
            .await;
        Mock::given(path("/items/2"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        Mock::given(path("/items/3"))
            .respond_with(ResponseTemplate::new(418).set_body_json(json!({"title": "teapot"})))
            .mount(&server)
            .await;
        let c = client(&server).with_bearer("tok");
        let call = |id| c.get_items_by_item_id(id);
        let not_found = call(1).await.unwrap_err();
        assert_eq!(not_found.status().map(|s| s.as_u16()), Some(404));
        match not_found.into_api_body() {
            Some(operations::ApiError::NotFound(p)) => assert_eq!(p.title.as_deref(), Some("nope")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            call(2).await.unwrap_err().api_body(),
            Some(operations::ApiError::Status5xx(()))
        ));
        match call(3).await.unwrap_err().into_api_body() {
            Some(operations::ApiError::Default(p)) => {
                assert_eq!(p.title.as_deref(), Some("teapot"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn operations_with_the_same_errors_share_one_enum() {
        // Both operations' errors are `runtime::Error<ApiError>`.
        fn same(error: runtime::Error<operations::ApiError>) -> Option<operations::ApiError> {
            error.into_api_body()
        }
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/items/1/history"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"title": "gone"})))
            .mount(&server)
            .await;
        let c = client(&server).with_bearer("tok");
        match same(c.get_item_history(1).await.unwrap_err()) {
            Some(operations::ApiError::NotFound(p)) => assert_eq!(p.title.as_deref(), Some("gone")),
            other => panic!("{other:?}"),
        }
        // A 404 without a body does not decode: an error, but not `Api`.
        assert!(same(c.get_items_by_item_id(1).await.unwrap_err()).is_none());
    }

    #[tokio::test]
    async fn security_alternatives_and_none() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path("/items/9"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/items"))
            .and(query_param("key", "k"))
            .and(body_json(json!({"name": "box"})))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7})))
            .expect(1)
            .mount(&server)
            .await;
        // No credentials at all: `security: []` sends anyway.
        client(&server).delete_item(9).await.unwrap();
        // Without any credential the alternatives cannot be met.
        let missing = client(&server)
            .create_item(operations::CreateItemRequest::new("box"))
            .await
            .unwrap_err();
        assert!(matches!(missing, runtime::Error::MissingCredentials { .. }));
        let created = client(&server)
            .with_api_key("k")
            .create_item(operations::CreateItemRequest::new("box"))
            .await
            .unwrap();
        assert!(
            matches!(created, operations::CreateItemResponse::Created(body) if body.id == Some(7))
        );
    }

    #[tokio::test]
    async fn text_binary_and_form_bodies() {
        let server = MockServer::start().await;
        Mock::given(path("/render"))
            .and(header("content-type", "text/plain"))
            .and(body_string("# hi"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("<h1>hi</h1>", "text/html"))
            .mount(&server)
            .await;
        Mock::given(path("/upload"))
            .and(header("content-type", "application/octet-stream"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(vec![0u8, 255], "application/octet-stream"),
            )
            .mount(&server)
            .await;
        Mock::given(path("/avatar"))
            .and(header_regex(
                "content-type",
                "^multipart/form-data; boundary=",
            ))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/form"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string("a=x+y%26z&b=2"))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let c = client(&server).with_bearer("tok");
        assert_eq!(c.render().body("# hi").await.unwrap(), "<h1>hi</h1>");
        let bytes = c
            .upload(runtime::Bytes::from_static(&[1, 2]))
            .await
            .unwrap();
        assert_eq!(&bytes[..], &[0, 255]);
        c.upload_avatar(
            operations::UploadAvatarRequest::new(runtime::Bytes::from_static(b"\x89PNG"))
                .caption("me"),
        )
        .await
        .unwrap();
        let requests = server.received_requests().await.unwrap();
        let multipart = requests
            .iter()
            .find(|r| r.url.path() == "/avatar")
            .expect("multipart request");
        let text = String::from_utf8_lossy(&multipart.body);
        assert!(
            text.contains("name=\"picture\"; filename=\"picture\""),
            "{text}"
        );
        assert!(
            text.contains("name=\"caption\"") && text.contains("\r\n\r\nme\r\n"),
            "{text}"
        );
        assert!(
            !text.contains("name=\"size\""),
            "absent fields send no part: {text}"
        );
        c.submit_form(operations::SubmitFormRequest::new().a("x y&z").b(2))
            .await
            .unwrap();
    }

    /// A string of any media type is read by the response's own
    /// `Content-Type`: raw text, or a JSON string when it says JSON and holds
    /// one (Spring sends `String` results raw even as `application/json`).
    #[tokio::test]
    async fn a_string_of_any_media_type_is_read_by_its_content_type() {
        let server = MockServer::start().await;
        let c = client(&server).with_bearer("tok");
        for (body, content_type, expected) in [
            ("hello \"you\"", "text/plain", "hello \"you\""),
            ("\"hi\\nthere\"", "application/json", "hi\nthere"),
            ("raw", "application/json; charset=utf-8", "raw"),
        ] {
            server.reset().await;
            Mock::given(path("/greeting"))
                .and(header("accept", "*/*"))
                .respond_with(ResponseTemplate::new(200).set_body_raw(body, content_type))
                .expect(1)
                .mount(&server)
                .await;
            assert_eq!(c.get_greeting().await.unwrap(), expected, "{content_type}");
        }
    }

    /// With `default` alone documented, a 2xx carries the default's body as
    /// the success, and any other status as the error.
    #[tokio::test]
    async fn a_default_only_response_is_the_success_too() {
        let server = MockServer::start().await;
        Mock::given(path("/legacy/1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1, "name": "a"})))
            .mount(&server)
            .await;
        Mock::given(path("/legacy/2"))
            .respond_with(ResponseTemplate::new(503).set_body_json(json!({"id": 2})))
            .mount(&server)
            .await;
        let c = client(&server).with_bearer("tok");
        let item = c.get_legacy("1").await.unwrap();
        assert_eq!((item.id, item.name.as_deref()), (1, Some("a")));
        let err = c.get_legacy("2").await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        match err.into_api_body() {
            Some(operations::GetLegacyError::Default(item)) => assert_eq!(item.id, 2),
            other => panic!("{other:?}"),
        }
    }

    /// Each property whose `encoding` gives a style is sent in it (deep
    /// objects as `metadata[order]=7`, their arrays indexed), the others
    /// with the defaults (`shipping` as JSON, its declared content type).
    #[tokio::test]
    async fn form_bodies_follow_their_encoding() {
        let server = MockServer::start().await;
        Mock::given(path("/charges"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string(
                "amount=250&metadata%5Border%5D=7&expand%5B0%5D=customer\
                 &items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2\
                 &items%5B1%5D%5Bprice%5D=p+2&tags=a%7Cb\
                 &shipping=%7B%22city%22%3A%22Z%C3%BCrich%22%7D",
            ))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let body = operations::CreateChargeRequest::new(250)
            .metadata(
                [("order".to_string(), "7".to_string())]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>(),
            )
            .expand(vec!["customer".to_string()])
            .items(vec![
                operations::CreateChargeRequestItemsItem::new("p_1").quantity(2),
                operations::CreateChargeRequestItemsItem::new("p 2"),
            ])
            .tags(vec!["a".to_string(), "b".to_string()])
            .shipping(operations::CreateChargeRequestShipping::new().city("Zürich"));
        client(&server)
            .with_bearer("tok")
            .create_charge(body)
            .await
            .unwrap();
    }
}

#[test]
fn openapi_3_1_common_subset() {
    use openapi31::{Note, NoteKind, NotePatch, NoteValue, runtime::Nullable};
    let note: Note = serde_json::from_value(json!({
        "id": "1", "kind": "note", "title": null, "rating": 4.5, "author": {"name": "a"}, "value": "v"
    }))
    .unwrap();
    assert_eq!(note.kind, NoteKind::Note);
    assert_eq!(note.title, Nullable::Null);
    assert_eq!(note.value, Some(NoteValue::String("v".into())));
    let patch = NotePatch {
        title: Nullable::Null,
        rating: None,
    };
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"title": null})
    );
    // `additionalProperties: false` leaves no catch-all map field: the
    // literal names every field there is.
    let closed = openapi31::Closed {
        id: Some("c".into()),
        marker: None,
    };
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"id": "c"}));
    // A `type: "null"` property is there or not; its setter takes nothing.
    // A `$ref` into a schema's `$defs`, and a path item by reference: the
    // document is generated (both were refused), the types are the targets'.
    let label: openapi31::Label =
        serde_json::from_value(json!({"name": "ab", "icon": "aGk="})).unwrap();
    let name: String = label.name;
    assert_eq!((name.as_str(), label.icon.as_deref()), ("ab", Some("aGk=")));
    let _: fn(&openapi31::Client) -> openapi31::builder::ListLabels<'_> =
        openapi31::Client::list_labels;
    let marked = openapi31::Closed::new().marker();
    assert_eq!(
        serde_json::to_value(&marked).unwrap(),
        json!({"marker": null})
    );
    use openapi31::runtime::Validate;
    // The numeric `exclusiveMaximum: 5` of 3.1 became `maximum: 5` + exclusive
    // (checked on what the client sends: `Note` is only received).
    let at_bound = NotePatch {
        title: Nullable::Absent,
        rating: Some(5.0),
    };
    assert_eq!(at_bound.validate("body").unwrap_err().field, "body.rating");
    let inside = NotePatch {
        title: Nullable::Absent,
        rating: Some(4.5),
    };
    assert!(inside.validate("body").is_ok());
    let too_long = NotePatch {
        title: Nullable::Value("x".repeat(21)),
        rating: None,
    };
    assert_eq!(too_long.validate("body").unwrap_err().field, "body.title");
}

#[test]
fn references_into_components_resolve() {
    use refs::{Alias, Labelled, Tag};
    let labelled: Labelled =
        serde_json::from_value(json!({"label_part": {"label": "l"}, "verbosity": "high"})).unwrap();
    assert_eq!(labelled.label_part.unwrap().label, "l");
    assert_eq!(labelled.verbosity.unwrap().as_str(), "high");
    let tag: Alias = serde_json::from_value(json!({"label": "x", "color": "red"})).unwrap();
    let _: &Tag = &tag;
    assert_eq!(tag.color.as_deref(), Some("red"));
}

#[test]
fn references_to_references_and_cycles_of_references_are_types() {
    use refs::{Gateway, GatewayRules, Pointed, Rule, RulePropertiesTarget, Tag};
    // `Wrapper/allOf/0` is itself a `$ref` to `Tag`: the field is a `Tag`.
    let pointed: Pointed = serde_json::from_value(json!({"tag": {"label": "t"}})).unwrap();
    let tag: Tag = pointed.tag.unwrap();
    assert_eq!(tag.label, "t");
    // `Gateway.rules` and `Rule.target` point into each other: one type
    // each, however they are reached, and data nests through them.
    let gateway: Gateway = serde_json::from_value(json!({
        "rules": [{"name": "outer", "gateway": [{"name": "inner"}]}]
    }))
    .unwrap();
    let rules: GatewayRules = gateway.rules.unwrap();
    let inner: &RulePropertiesTarget = &rules[0].gateway.as_ref().unwrap()[0];
    assert_eq!(inner.name.as_deref(), Some("inner"));
    let rule: Rule = serde_json::from_value(json!({"target": {"name": "r"}})).unwrap();
    let _: Option<RulePropertiesTarget> = rule.target;
}

#[tokio::test]
async fn references_into_paths_are_followed_percent_decoded() {
    use refs::{Client, CopyNoteResponse, GetNoteResponse};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes/n1/copy"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"text": "copied"})))
        .expect(1)
        .mount(&server)
        .await;
    // A path item that is a `$ref` to another path item.
    Mock::given(method("GET"))
        .and(path("/memos/n1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    // The parameter is another operation's (`#/paths/~1notes~1%7Bnote_id%7D/...`),
    // and the 201 schema is that operation's response schema: the same type.
    match client.copy_note("n1").await.unwrap() {
        CopyNoteResponse::Created(GetNoteResponse { text, .. }) => assert_eq!(text, "copied"),
        other => panic!("expected the 201 body, got {other:?}"),
    }
    client.get_memos_by_note_id("n1").await.unwrap();
}

#[tokio::test]
async fn edge_cases_still_make_a_usable_client() {
    use edge_cases::{Client, ClientModel, ClientModelX};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/a"))
        .and(query_param("self", "me"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/b"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    // The unusable `ghost` path parameter and `Bad Header` were left out;
    // the duplicate operationId got a suffix.
    client.dup().self_("me").await.unwrap();
    client.dup_2().await.unwrap();
    let model: ClientModel = serde_json::from_value(json!({"x": "2"})).unwrap();
    assert_eq!(model.x, Some(ClientModelX::V2));
}

/// `format: binary` inside a JSON body, and in parameters, is a string on the wire (`Bytes`
/// alone would write an array of numbers), in every shape a field takes; the bytes read back
/// are the same.
#[tokio::test]
async fn binary_data_in_json_bodies_and_parameters_is_text_on_the_wire() {
    use real_world::runtime::{Bytes, Nullable};
    use real_world::{Client, Document, DocumentPayload, runtime};
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let sent = serde_json::json!({
        "content": "%PDF-1.7",
        "signature": "sig",
        "pages": ["p1", "p2"],
        "parts": {"cover": "c"},
        "note": null,
        "payload": "raw",
    });
    Mock::given(method("POST"))
        .and(path("/documents"))
        .and(body_json(&sent))
        .and(query_param("tag", "t 1"))
        .and(header("x-checksum", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&sent))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    let mut document = Document::new(Bytes::from_static(b"%PDF-1.7"));
    document.signature = Some(Bytes::from_static(b"sig"));
    document.pages = Some(vec![Bytes::from_static(b"p1"), Bytes::from_static(b"p2")]);
    document.parts = Some([("cover".to_string(), Bytes::from_static(b"c"))].into());
    document.note = Nullable::Null;
    document.payload = Some(DocumentPayload::Bytes(Bytes::from_static(b"raw")));
    let back = client
        .post_document(document.clone())
        .tag(Bytes::from_static(b"t 1"))
        .x_checksum(Bytes::from_static(b"c2"))
        .await
        .unwrap();
    assert_eq!(back.content, document.content);
    assert_eq!(back.pages, document.pages);
    assert_eq!(back.parts, document.parts);
    // Bytes that are not UTF-8 cannot be a JSON string: an error before anything is sent.
    let err = client
        .post_document(Document::new(Bytes::from_static(&[0xff, 0x00])))
        .await
        .unwrap_err();
    assert!(matches!(err, runtime::Error::InvalidRequest(_)), "{err}");
    // `maxLength` of binary data counts its bytes.
    let err = client
        .post_document(Document::new(Bytes::from_static(b"0123456789abcdefg")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, runtime::Error::Validation(_)) && err.to_string().contains("maxLength = 16"),
        "{err}"
    );
}

#[tokio::test]
async fn real_world_classes_send_what_the_spec_says() {
    use real_world::{Client, Legacy, ListNotesPaging, Name, runtime};
    use wiremock::matchers::{body_string, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    // A matrix-style exploded array path parameter.
    Mock::given(method("GET"))
        .and(path("/notes/;ids=a;ids=b"))
        .and(query_param("paging[page]", "2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // A `text/plain` body with a binary schema is sent as bytes.
    Mock::given(method("PUT"))
        .and(path("/raw"))
        .and(header("content-type", "text/plain"))
        .and(body_string("raw\u{0}bytes"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    client
        .list_notes(vec!["a".to_string(), "b".to_string()])
        .paging(ListNotesPaging {
            page: Some(2),
            per_page: None,
        })
        .await
        .unwrap();
    client.put_raw(b"raw\0bytes".to_vec()).await.unwrap();
    // The constraints inside an optional object query parameter are checked.
    let err = client
        .list_notes(vec!["a".to_string()])
        .paging(ListNotesPaging {
            page: Some(0),
            per_page: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, runtime::Error::Validation(_)), "{err}");
    // A constrained alias is a type that checks.
    assert!("abc".parse::<Name>().is_ok());
    assert!("ABC".parse::<Name>().is_err());
    assert!(Name::try_from("x".repeat(64)).is_err());
    // Setting a deprecated field warns users (not the generated code).
    Mock::given(method("POST"))
        .and(path("/legacy"))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"name": "ok"}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let legacy = Legacy::new().name("ok".parse::<Name>().unwrap());
    client.post_legacy(legacy).await.unwrap();
    // An `image/png` body is bytes, whatever its schema says.
    Mock::given(method("GET"))
        .and(path("/widget.png"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0x89, b'P', 0xff], "image/png"))
        .mount(&server)
        .await;
    let png: runtime::Bytes = client.get_widget().await.unwrap();
    assert_eq!(&png[..], &[0x89, b'P', 0xff]);
    // An operation named like its body schema: the builder yields the name.
    Mock::given(method("POST"))
        .and(path("/tickets"))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"count": 2}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"grid": [[[[[[[[["x"]]]]]]]]]})),
        )
        .mount(&server)
        .await;
    let call: real_world::builder::BuyTicketsCall<'_> =
        client.buy_tickets(real_world::BuyTickets { count: Some(2) });
    let bought = call.await.unwrap();
    let grid = bought.grid.unwrap();
    assert_eq!(grid[0][0][0][0][0][0][0][0][0], "x");
    // A placeholder twice in the path: one argument, filled in both places.
    Mock::given(method("GET"))
        .and(path("/accounts/a1/members/a1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client.get_self_membership("a1").await.unwrap();
    // Page-number pagination stops at the first empty page; a member named
    // like a std trait method gets a `with_` setter.
    for (page, names) in [
        ("1", json!(["a", "b"])),
        ("2", json!(["c"])),
        ("3", json!([])),
    ] {
        Mock::given(method("GET"))
            .and(path("/pages"))
            .and(query_param("page", page))
            .and(query_param("add", "x"))
            .respond_with(ResponseTemplate::new(200).set_body_json(names))
            .expect(1)
            .mount(&server)
            .await;
    }
    use futures_util::{StreamExt, TryStreamExt};
    let names: Vec<String> = client
        .list_pages()
        .page(1)
        .with_add("x")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    // `Link: <...>; rel="next"` pagination over free-form objects.
    Mock::given(method("GET"))
        .and(path("/clients"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{}/clients?page=2>; rel=\"next\"", server.uri()),
                )
                .set_body_json(json!([{"id": 1}, {"id": 2}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The last page links to itself, as some servers do: it is fetched once.
    Mock::given(method("GET"))
        .and(path("/clients"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{}/clients?page=2>; rel=\"next\"", server.uri()),
                )
                .set_body_json(json!([{"id": 3}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let clients: Vec<_> = client
        .list_clients()
        .items()
        .take(10)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = clients.iter().map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    // Offset pagination advances by the page's length and stops at a short page.
    Mock::given(method("GET"))
        .and(path("/records"))
        .and(query_param("limit", "2"))
        .and(wiremock::matchers::query_param_is_missing("offset"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": ["r1", "r2"]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/records"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": ["r3"]})))
        .expect(1)
        .mount(&server)
        .await;
    let records: Vec<String> = client
        .list_records()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records, ["r1", "r2", "r3"]);
    // `required` holds one way only for `readOnly` and `writeOnly`: the
    // request leaves out the server-set id, the response its password.
    Mock::given(method("POST"))
        .and(path("/accounts"))
        .and(wiremock::matchers::body_json(
            json!({"email": "a@b.c", "password": "long enough"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7, "email": "a@b.c"})))
        .expect(1)
        .mount(&server)
        .await;
    let created = client
        .create_account(real_world::Account::new("a@b.c").password("long enough"))
        .await
        .unwrap();
    assert_eq!((created.id, created.password), (Some(7), None));
    // A parameter with `content` goes as JSON text, not exploded.
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("filter", r#"{"email":"a@b.c","ids":[1,2]}"#))
        // (`header` would split the value at its commas.)
        .and(wiremock::matchers::header_regex(
            "x-context",
            r#"^\["a","b c"\]$"#,
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .search_accounts()
        .filter(
            real_world::SearchAccountsFilter::new()
                .email("a@b.c")
                .ids(vec![1, 2]),
        )
        .x_context(vec!["a".to_string(), "b c".to_string()])
        .await
        .unwrap();
    let division = real_world::Division::new()
        .with_div("d")
        .tier(real_world::Tier::try_from(8).unwrap());
    assert_eq!(
        serde_json::to_value(&division).unwrap(),
        json!({"div": "d", "tier": 8})
    );
    assert!(real_world::Tier::try_from(9).is_err());
    // An `allOf` that only restates its member is that member's type, not a
    // `serde_json::Value`: a scalar narrowing an enum, and a `$ref` beside
    // a bare `{type: string}`.
    let badge: real_world::Badge =
        serde_json::from_value(json!({"kind": 2, "name": "gold"})).unwrap();
    let kind: real_world::Kind = badge.kind;
    let name: Name = badge.name;
    assert_eq!(kind, real_world::Kind::V2);
    assert_eq!(name.as_ref(), "gold");
    // An `allOf` of scalars is that scalar with every member's constraints
    // (Cloudflare's IDs), however deep the members nest.
    use real_world::{Handle, HandleRef};
    assert!(Handle::try_from("abc").is_ok());
    assert!(
        Handle::try_from("ab").is_err(),
        "minLength of its own member"
    );
    assert!(
        Handle::try_from("ABC").is_err(),
        "pattern of the referenced member"
    );
    assert!(
        Handle::try_from("a".repeat(64)).is_err(),
        "maxLength of the referenced member"
    );
    assert!(HandleRef::try_from("abc").is_ok());
    assert!(HandleRef::try_from("ab").is_err());
    assert!(HandleRef::try_from("ABC").is_err());
    // A member of constraints only adds them.
    assert!(real_world::Label::try_from("abc").is_ok());
    assert!(real_world::Label::try_from("a".repeat(17)).is_err());
    assert!(real_world::Label::try_from("ABC").is_err());
    // Alternatives that only list `required` add no shape: the object is
    // the struct of its other members.
    let rules: real_world::Rules = serde_json::from_value(json!({"div": "d", "tier": 3})).unwrap();
    assert_eq!(rules.div.as_deref(), Some("d"));
    // An object that is also one of a union of objects: the union is
    // flattened into the struct, its variants named after their titles.
    use real_world::{AppConfig, AppConfigVariant};
    let managed: AppConfig =
        serde_json::from_value(json!({"id": "a1", "priority": 2, "managed_app_id": "m9"})).unwrap();
    assert_eq!(managed.id, "a1");
    match &managed.variant {
        AppConfigVariant::ManagedApp(app) => assert_eq!(app.managed_app_id, "m9"),
        other => panic!("{other:?}"),
    }
    let account: AppConfig =
        serde_json::from_value(json!({"id": "a2", "account_app_id": "c3"})).unwrap();
    assert!(
        matches!(&account.variant, AppConfigVariant::AccountApp(app) if app.account_app_id == "c3")
    );
    assert!(serde_json::from_value::<AppConfig>(json!({"id": "a3"})).is_err());
    // An `allOf` of annotations only is any value.
    let anything: real_world::Anything = json!({"kept": [1, 2]});
    assert_eq!(anything["kept"][1], 2);
}

#[tokio::test]
async fn a_multi_file_spec_makes_one_working_client() {
    use multi_file::{Client, Owner, Pet, runtime};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "1", "name": "Rex", "owner": {"name": "Ann", "favourite": {"id": "2", "name": "Tom"}},
             "friends": [{"id": "3", "name": "Kit"}], "tags": [{"label": "good"}]}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    let pets: Vec<Pet> = client.list_pets().limit(2).await.unwrap();
    let owner: &Owner = pets[0].owner.as_deref().unwrap();
    assert_eq!(
        owner.favourite.as_ref().map(|p| p.name.as_str()),
        Some("Tom")
    );
    assert_eq!(pets[0].friends.as_ref().unwrap()[0].name, "Kit");
    // The parameter's constraint, from `common/params.yaml`, is checked.
    let err = client.list_pets().limit(500).await.unwrap_err();
    assert!(matches!(err, runtime::Error::Validation(_)), "{err}");
}

#[test]
fn hostile_spec_text_stays_text() {
    // The module compiled (it is included above); its source must hold no
    // code block rustdoc would run, and none of the characters removed.
    let source = include_str!(concat!(env!("OUT_DIR"), "/hostile.rs"));
    let mut open = false;
    for line in source.lines() {
        let doc = line.trim_start();
        // One line per doc attribute: prettyplease prints a doc string with
        // a line break in it as a block comment, whose lines could open a
        // code block unseen by the checks below.
        assert!(
            !doc.starts_with("/**") && !doc.starts_with("/*!"),
            "a doc of several lines: {line}"
        );
        let Some(text) = doc.strip_prefix("///").or_else(|| doc.strip_prefix("//!")) else {
            continue;
        };
        let text = text.trim();
        if text.starts_with("```") || text.starts_with("~~~") {
            assert!(
                open || text == "```text",
                "a code block that is not `text`: {line}"
            );
            open = !open;
        }
        assert!(!text.starts_with("<pre"), "raw <pre>: {line}");
    }
    assert!(!open, "an unclosed code block");
    // Documentation is written as raw strings: text that would end one is
    // still documentation, word for word.
    assert!(source.contains(
        r###"/// Text that would close a raw string: "# and "## and r#"x"#, a backslash \n, and a quote at the end""###
    ));
    assert!(!source.contains('\r'), "a bare CR");
    assert!(
        !source.contains('\u{202e}') && !source.contains('\u{2066}'),
        "a bidi control"
    );
    // The enum value with a bidi control is still matched on the wire.
    let mood: hostile::ItemMood = serde_json::from_value(json!("an\u{202e}evil")).unwrap();
    assert_eq!(mood.as_str(), "an\u{202e}evil");
    assert!(!matches!(mood, hostile::ItemMood::Unrecognized(_)));
    // Server variables are substituted, and can be set.
    assert_eq!(
        hostile::Client::DEFAULT_BASE_URL,
        "https://eu.example.com/v1"
    );
    assert_eq!(
        hostile::Client::server_url("us", "v2"),
        "https://us.example.com/v2"
    );
}

#[tokio::test]
async fn hostile_values_cannot_change_the_request() {
    use hostile::{Client, runtime};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    // An API key a cookie cannot carry is refused (encoding it would send
    // another key), without sending.
    let refused = Client::with_base_url(server.uri()).with_key("k; admin=true");
    let err = refused.get_item("1").await.unwrap_err();
    assert!(matches!(err, runtime::Error::InvalidRequest(_)), "{err}");
    assert!(!err.to_string().contains("admin"), "{err}");
    let client = Client::with_base_url(server.uri()).with_key("k");
    client
        .get_item("1")
        .session("abc; admin=true")
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let cookie = requests[0]
        .headers
        .get("cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    // One cookie per value: `;` and spaces are percent-encoded (RFC 6265).
    let names: Vec<&str> = cookie
        .split("; ")
        .map(|c| c.split('=').next().unwrap())
        .collect();
    assert_eq!(names, ["session", "token"], "{cookie}");
    assert!(cookie.starts_with("session=abc%3B%20admin"), "{cookie}");
    // Header values that would split the header or that are not ASCII are
    // refused before anything is sent, without echoing the value.
    for bad in ["a\r\nX-Admin: 1", "ünï"] {
        let err = client.get_item("1").x_trace(bad).await.unwrap_err();
        assert!(matches!(err, runtime::Error::InvalidRequest(_)), "{err}");
        assert!(!err.to_string().contains(bad), "{err}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Reads a request head (up to the blank line) from a raw connection.
async fn read_request_head(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).to_ascii_lowercase()
}

#[tokio::test]
async fn an_event_stream_get_reconnects_with_last_event_id_until_the_server_ends_it() {
    use std::time::{Duration, Instant};
    use streams::{Client, runtime};
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let replies: [&'static [u8]; 3] = [
        // An event with an ID and a reconnection time, then the connection ends.
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\nretry: 30\nid: 7\ndata: {\"n\":1}\n\n",
        // An event without an ID, then the connection breaks inside a chunk.
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\nf\r\ndata: {\"n\":2}\n\n\r\n40\r\ndata: {",
        // The server's way to say the stream is over.
        b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n",
    ];
    let server = tokio::spawn(async move {
        let mut heads = Vec::new();
        for reply in replies {
            let (mut stream, _) = listener.accept().await.unwrap();
            heads.push(read_request_head(&mut stream).await);
            stream.write_all(reply).await.unwrap();
            stream.shutdown().await.ok();
        }
        heads
    });
    let client = Client::with_base_url(url);
    // The server's `retry: 30` overrides the policy's delay.
    let policy = runtime::Reconnect::new()
        .delay(Duration::from_millis(1))
        .max_attempts(3);
    let started = Instant::now();
    let mut events = client.watch_ticks().topic("t").send_reconnecting(policy);
    let events_seen = tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen = Vec::new();
        while let Some(event) = events.next().await {
            let event = event.unwrap();
            seen.push((event.data.n, event.id));
        }
        seen
    })
    .await
    .expect("the stream ends");
    // The second event has no `id:` of its own: it carries the last one.
    assert_eq!(
        events_seen,
        [(1, Some("7".to_string())), (2, Some("7".to_string()))]
    );
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "{:?}",
        started.elapsed()
    );
    let heads = server.await.unwrap();
    assert!(!heads[0].contains("last-event-id"), "{}", heads[0]);
    assert!(heads[1].contains("last-event-id: 7"), "{}", heads[1]);
    assert!(heads[2].contains("last-event-id: 7"), "{}", heads[2]);
    assert!(
        heads.iter().all(|h| h.starts_with("get /ticks?topic=t ")),
        "{heads:?}"
    );
}

#[tokio::test]
async fn a_reconnecting_event_stream_ends_with_a_documented_error_without_retrying_it() {
    use std::time::Duration;
    use streams::{Client, WatchTicksError, runtime};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ticks"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "no topic"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri());
    let policy = runtime::Reconnect::new().delay(Duration::from_millis(1));
    let mut events = client.watch_ticks().send_reconnecting(policy);
    let err = events.next().await.unwrap().unwrap_err();
    match err {
        runtime::Error::Api(api) => {
            let WatchTicksError::NotFound(problem) = api.body;
            assert_eq!(problem.detail.as_deref(), Some("no topic"));
        }
        other => panic!("{other:?}"),
    }
    assert!(events.next().await.is_none());
}
