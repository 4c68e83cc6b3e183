//! `diff`: before/after spec pairs with the expected classification of each
//! change, and a snapshot of the Markdown report.

use std::path::Path;

use openapi_rustgen::diff::{ChangeKind, Report, Side, compare, to_markdown};

const BASE: &str = r##"openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /items/{id}:
    put:
      operationId: updateItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ItemUpdate"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "404":
          description: missing
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    ItemUpdate:
      type: object
      required: [name]
      properties:
        name: {type: string}
        color: {type: string, enum: [red, green]}
    Item:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
"##;

fn report(old: &str, new: &str) -> Report {
    let file = Path::new("spec/shop.yaml");
    let old = Side::from_text(file, "shop", old).expect("old spec");
    let new = Side::from_text(file, "shop", new).expect("new spec");
    compare(&old, &new)
}

/// Each case: an edit of BASE and the one change it must produce.
#[test]
fn classification_table() {
    let table: Vec<(&str, String, ChangeKind, &str, bool)> = vec![
        ("new optional response field",
         BASE.replace("        id: {type: string}\n        name: {type: string}", "        id: {type: string}\n        name: {type: string}\n        price: {type: number}"),
         ChangeKind::Added, "shop::Item::price", false),
        ("new optional request field",
         BASE.replace("        color: {type: string, enum: [red, green]}", "        color: {type: string, enum: [red, green]}\n        size: {type: integer}"),
         ChangeKind::Added, "shop::ItemUpdate::size", false),
        ("request field becomes required",
         BASE.replace("required: [name]", "required: [name, color]"),
         ChangeKind::Changed, "shop::ItemUpdate::color", true),
        ("response field removed",
         BASE.replace("        id: {type: string}\n        name: {type: string}\n", "        id: {type: string}\n"),
         ChangeKind::Removed, "shop::Item::name", true),
        ("field type narrowed",
         BASE.replace("        id: {type: string}\n        name: {type: string}", "        id: {type: integer}\n        name: {type: string}"),
         ChangeKind::Changed, "shop::Item::id", true),
        ("enum value added",
         BASE.replace("enum: [red, green]", "enum: [red, green, blue]"),
         ChangeKind::Added, "shop::ItemUpdateColor::Blue", false),
        ("enum value removed",
         BASE.replace("enum: [red, green]", "enum: [red]"),
         ChangeKind::Removed, "shop::ItemUpdateColor::Green", true),
        ("operation added",
         BASE.replace("components:\n", "  /health:\n    get:\n      operationId: health\n      responses:\n        \"204\": {description: ok}\ncomponents:\n"),
         ChangeKind::Added, "shop::Client::health", false),
        ("operation removed",
         BASE.replace("operationId: updateItem", "operationId: replaceItem"),
         ChangeKind::Removed, "shop::Client::update_item", true),
        ("optional parameter added",
         BASE.replace("        - {name: dry_run, in: query, schema: {type: boolean}}", "        - {name: dry_run, in: query, schema: {type: boolean}}\n        - {name: trace, in: header, schema: {type: string}}"),
         ChangeKind::Added, "shop::Client::update_item(trace)", false),
        ("required parameter added",
         BASE.replace("        - {name: dry_run, in: query, schema: {type: boolean}}", "        - {name: dry_run, in: query, schema: {type: boolean}}\n        - {name: trace, in: header, required: true, schema: {type: string}}"),
         ChangeKind::Added, "shop::Client::update_item(trace)", true),
        ("parameter becomes required",
         BASE.replace("{name: dry_run, in: query, schema", "{name: dry_run, in: query, required: true, schema"),
         ChangeKind::Changed, "shop::Client::update_item(dry_run)", true),
        ("error status added",
         BASE.replace("        \"404\":\n          description: missing", "        \"404\":\n          description: missing\n        \"409\":\n          description: conflict"),
         ChangeKind::Added, "shop::UpdateItemError::Conflict", false),
        ("error status removed",
         BASE.replace("        \"404\":\n          description: missing\n", ""),
         ChangeKind::Removed, "shop::UpdateItemError::NotFound", true),
        ("credential added",
         BASE.replace("    key: {type: apiKey, in: header, name: X-Key}", "    key: {type: apiKey, in: header, name: X-Key}\n    token: {type: http, scheme: bearer}"),
         ChangeKind::Added, "shop::Client::with_token", false),
    ];
    for (name, new, kind, item, breaking) in &table {
        assert_ne!(new, BASE, "{name}: the edit did not apply");
        let report = report(BASE, new);
        let change = report
            .changes
            .iter()
            .find(|c| c.rust_item == *item)
            .unwrap_or_else(|| panic!("{name}: no change for {item} in {:#?}", report.changes));
        assert_eq!(change.kind, *kind, "{name}");
        assert_eq!(change.breaking, *breaking, "{name}: {}", change.detail);
        assert!(
            change.location.line_col.is_some(),
            "{name}: no line for {:?}",
            change.location.pointer
        );
    }
}

#[test]
fn identical_specs_have_no_changes() {
    let report = report(BASE, BASE);
    assert!(report.changes.is_empty());
    assert_eq!(
        to_markdown(&[report]),
        "## Changes to the generated Rust API\n\nNo change to the generated Rust API.\n"
    );
}

#[test]
fn markdown_report() {
    let new = BASE
        .replace("enum: [red, green]", "enum: [red, blue]")
        .replace("required: [name]", "required: [name, color]")
        .replace("        id: {type: string}\n        name: {type: string}", "        id: {type: string}\n        name: {type: string}\n        price: {type: number}");
    insta::assert_snapshot!(to_markdown(&[report(BASE, &new)]));
}

#[test]
fn changes_point_at_spec_lines() {
    let new = BASE.replace("enum: [red, green]", "enum: [red]");
    let report = report(BASE, &new);
    let removed = &report.changes[0];
    let (line, _) = removed.location.line_col.expect("a line");
    assert!(
        BASE.lines().nth(line - 1).unwrap().contains("color"),
        "line {line} of the old spec"
    );
}
