//! Large APIs are emitted and formatted in fixed slices (24 operations, 48
//! types) on several threads: the result must be the file one thread
//! writes, byte for byte.

use std::fmt::Write;
use std::path::Path;

use openapi_rustgen::{ModuleOptions, RuntimeLocation, generate_from_bytes};

/// A spec with `count` operations (a query, a path parameter, a body, a
/// shared error response, a security scheme) and a few types each,
/// including tagged unions, constrained fields and nullable ones.
fn synthetic_spec(count: usize) -> String {
    let mut paths = String::new();
    let mut schemas = String::new();
    for i in 0..count {
        write!(
            paths,
            r##"
  /things{i}/{{id}}:
    post:
      operationId: updateThing{i}
      description: Updates thing {i}.
      security: [{{key: []}}]
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
        - {{name: limit, in: query, schema: {{type: integer, format: uint32, minimum: 1}}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Thing{i}"}}
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Shape{i}"}}
        4XX: {{$ref: "#/components/responses/Problem"}}
"##
        )
        .unwrap();
        write!(
            schemas,
            r##"
    Thing{i}:
      type: object
      required: [name]
      properties:
        name: {{type: string, maxLength: 20}}
        note: {{type: string, nullable: true}}
        tags: {{type: array, items: {{type: string, pattern: "^[a-z]+$"}}}}
    Shape{i}:
      description: Shape {i}.
      oneOf:
        - type: object
          required: [kind, radius]
          properties:
            kind: {{type: string, enum: [circle]}}
            radius: {{type: number}}
        - type: object
          required: [kind]
          properties:
            kind: {{type: string, enum: [empty]}}
"##
        )
        .unwrap();
    }
    format!(
        r##"openapi: 3.0.3
info: {{title: Synthetic, version: "1"}}
paths:{paths}
components:
  securitySchemes:
    key: {{type: apiKey, in: header, name: X-Key}}
  responses:
    Problem:
      description: A problem.
      content:
        application/json:
          schema: {{type: object, properties: {{title: {{type: string}}}}}}
  schemas:{schemas}"##
    )
}

#[test]
fn threads_change_nothing_in_the_output() {
    let spec = synthetic_spec(60);
    let generate = |threads: usize, runtime: RuntimeLocation| {
        let mut options = ModuleOptions {
            threads: Some(threads),
            ..ModuleOptions::default()
        };
        options.emit.runtime = runtime;
        generate_from_bytes(Path::new("synthetic.yaml"), spec.as_bytes(), &options)
            .unwrap_or_else(|err| panic!("{err}"))
            .source
    };
    for runtime in [
        RuntimeLocation::default(),
        RuntimeLocation::Vendored("crate::runtime".into()),
    ] {
        let one = generate(1, runtime.clone());
        // The settings, then the methods in slices of 24.
        assert_eq!(
            one.matches("impl Client {").count(),
            1 + 60usize.div_ceil(24)
        );
        assert_eq!(one.matches("pub fn update_thing").count(), 60);
        for threads in [2, 3, 8] {
            assert_eq!(generate(threads, runtime.clone()), one, "{threads} threads");
        }
    }
}
