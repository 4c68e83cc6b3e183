//! Conformance run of the generated vendor clients against Prism mock servers.
//!
//! Usage: `conformance --cinnox URL --zingle URL --crm-contacts URL --conga URL`
//!
//! Each URL is the base URL of a `prism mock --errors spec/<name>.yaml` server. The program
//! calls every generated operation of every spec with realistic arguments that are valid per
//! the spec (UUIDs where `format: uuid`, E.164 phone numbers, ISO codes, RFC 3339 dates...) and
//! with the credential each spec's security scheme asks for. Prism validates each request
//! against the spec (and, with `--errors`, its own response too): any violation comes back as a
//! non-success status. A call passes only if it returns a documented success status whose body
//! decodes into the generated type. Every call is printed; on any failure the program prints
//! which operation failed and why (with the server's body where the client kept it) and exits
//! with status 1. Bad usage exits with status 2.
//!
//! `.ci/conformance.sh` starts the Prism servers and runs this program against them.

use std::fmt::Debug;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Value, json};
use vendor_clients::runtime::{self, Error, Nullable, RetryPolicy};
use vendor_clients::{cinnox, conga, crm_contacts, zingle};

/// Per-attempt timeout; Prism answers in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The base URL of each spec's mock server.
struct Targets {
    cinnox: String,
    zingle: String,
    crm_contacts: String,
    conga: String,
}

const USAGE: &str = "usage: conformance --cinnox URL --zingle URL --crm-contacts URL --conga URL";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Targets, String> {
    let mut cinnox = None;
    let mut zingle = None;
    let mut crm_contacts = None;
    let mut conga = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let slot = match flag.as_str() {
            "--cinnox" => &mut cinnox,
            "--zingle" => &mut zingle,
            "--crm-contacts" => &mut crm_contacts,
            "--conga" => &mut conga,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .ok_or_else(|| format!("`{flag}` needs a base URL"))?,
        };
        if !(value.starts_with("http://") || value.starts_with("https://")) {
            return Err(format!("`{flag}`: `{value}` is not an http(s) URL"));
        }
        *slot = Some(value);
    }
    let missing = |name: &str| format!("missing `--{name} URL`");
    Ok(Targets {
        cinnox: cinnox.ok_or_else(|| missing("cinnox"))?,
        zingle: zingle.ok_or_else(|| missing("zingle"))?,
        crm_contacts: crm_contacts.ok_or_else(|| missing("crm-contacts"))?,
        conga: conga.ok_or_else(|| missing("conga"))?,
    })
}

fn uuid(text: &str) -> runtime::uuid::Uuid {
    text.parse().expect("a UUID")
}

fn body_text(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// Why a call failed, with everything the server said that the client kept.
fn describe<E: Debug>(err: &Error<E>) -> String {
    match err {
        Error::Api(api) => format!(
            "the server answered with the documented error status {}, which is not a \
             success (Prism answers a documented 4xx when the request violates the spec; its \
             log says which rule); decoded body: {:?}",
            api.head.status, api.body
        ),
        Error::UnexpectedStatus(raw) => format!(
            "the server answered with the undocumented status {}; body:\n{}",
            raw.head.status,
            body_text(&raw.raw)
        ),
        Error::Decode(decode) => format!(
            "the {} response does not decode into the generated type ({}); body:\n{}",
            decode.head.status,
            decode.message,
            body_text(&decode.raw)
        ),
        Error::Validation(e) => format!("the client rejected its own arguments: {e}"),
        other => other.to_string(),
    }
}

/// Results of the run.
#[derive(Default)]
struct Report {
    passed: usize,
    failed: Vec<String>,
}

impl Report {
    /// Records one call: `check` inspects a successful result and may still reject it.
    fn record<T: Debug, E: Debug>(
        &mut self,
        name: &str,
        result: Result<T, Error<E>>,
        check: impl FnOnce(&T) -> Result<(), String>,
    ) {
        let outcome = match &result {
            Ok(value) => check(value),
            Err(err) => Err(describe(err)),
        };
        match outcome {
            Ok(()) => {
                self.passed += 1;
                println!("PASS {name}");
            }
            Err(why) => {
                println!("FAIL {name}: {why}");
                self.failed.push(format!("{name}: {why}"));
            }
        }
    }
}

fn expect_eq<T: PartialEq + Debug>(what: &str, actual: &T, expected: &T) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what} is {actual:?}, expected {expected:?}"))
    }
}

// ---------------------------------------------------------------------------------------------
// CINNOX: createExternalContact, updateExternalContact (bearer AppToken)
// ---------------------------------------------------------------------------------------------

fn cinnox_full_contact() -> cinnox::ExternalContactRequest {
    use cinnox::*;
    ExternalContactRequest::new()
        .first_name("Tai Man")
        .last_name("Chan")
        .level(ExternalContactRequestLevel::Secondary)
        .r#type(ExternalContactRequestType::Prospect)
        .phones(vec![
            ExternalContactPhone::new()
                .r#type(ExternalContactPhoneType::Mobile)
                .phone("+85294667788"),
            ExternalContactPhone::new()
                .r#type(ExternalContactPhoneType::Work)
                .phone("+12025550123"),
        ])
        .emails(vec![
            ExternalContactEmail::new()
                .r#type(ExternalContactEmailType::Work)
                .email("tai.man.chan@example.com"),
        ])
        .company("Example Trading Ltd")
        .job_title("Procurement Manager")
        .team("Sales")
        .group("APAC")
        .language("en")
        .birth_date("31/12/1990")
        .addresses(vec![
            ExternalContactAddress::new()
                .street("1 Queen's Road Central")
                .city("Hong Kong")
                .state("Hong Kong Island")
                .zipcode("000000")
                .country("HK"),
        ])
        .social_contacts(vec![
            ExternalContactSocialContact::new()
                .key(ExternalContactSocialContactKey::WhatsApp)
                .value("WhatsApp:+85294667788"),
        ])
        .custom_field(vec![
            ExternalContactCustomField::new()
                .field_type_picklist("Gold")
                .field_type_multi_picklist("Red;Blue")
                .field_type_text("Prefers calls after 6pm")
                .field_type_url("https://example.com/crm/contacts/42")
                .field_type_boolean("true")
                .field_type_date(
                    "2024-01-31T09:30:00Z"
                        .parse::<runtime::chrono::DateTime<runtime::chrono::Utc>>()
                        .expect("a date-time"),
                )
                .field_type_time("18:45"),
        ])
}

/// The spec's documented 200 example, which Prism returns: `{"code": 0, "result": {"id":
/// "string"}, "cid": "string"}`.
fn cinnox_result_is_example(result: &cinnox::ExternalContactResult) -> Result<(), String> {
    expect_eq("code", &result.code, &Some(0))?;
    expect_eq(
        "result.id",
        &result.result.as_ref().and_then(|r| r.id.as_deref()),
        &Some("string"),
    )?;
    expect_eq("cid", &result.cid.as_deref(), &Some("string"))
}

async fn run_cinnox(base_url: &str, report: &mut Report) {
    let client = cinnox::Client::with_base_url(base_url)
        .with_retry_policy(RetryPolicy::disabled())
        .with_timeout(TIMEOUT)
        .with_app_token("cnx-app-token-5d1f9c7e");
    let app_id = "a1b2c3d4e5";
    let contact_id = "ec-7f3a9b21";

    let full = cinnox_full_contact();
    report.record(
        "cinnox createExternalContact (every field)",
        client
            .create_external_contact(app_id)
            .body(full.clone())
            .await,
        cinnox_result_is_example,
    );
    report.record(
        "cinnox createExternalContact (no body)",
        client.create_external_contact(app_id).await,
        cinnox_result_is_example,
    );
    let documented = cinnox::ExternalContactRequest::new()
        .level(cinnox::ExternalContactRequestLevel::Primary)
        .r#type(cinnox::ExternalContactRequestType::Lead);
    report.record(
        "cinnox updateExternalContact (documented example body)",
        client
            .update_external_contact(app_id, contact_id)
            .body(documented)
            .await,
        cinnox_result_is_example,
    );
    report.record(
        "cinnox updateExternalContact (every field)",
        client
            .update_external_contact(app_id, contact_id)
            .body(full)
            .await,
        cinnox_result_is_example,
    );
}

// ---------------------------------------------------------------------------------------------
// Zingle: updateContact (HTTP basic)
// ---------------------------------------------------------------------------------------------

async fn run_zingle(base_url: &str, report: &mut Report) {
    let client = zingle::Client::with_base_url(base_url)
        .with_retry_policy(RetryPolicy::disabled())
        .with_timeout(TIMEOUT)
        .with_basic_auth("ops@example.com", "correct horse battery staple");
    let service_id = uuid("aff7bc93-6e28-4e70-8770-defa35cdfc1b");
    let contact_id = uuid("f119fe3b-67e2-4b59-b605-5586616978d0");

    let check = |response: &zingle::UpdateContactResponse| {
        expect_eq(
            "status.status_code",
            &response.status.status_code,
            &Some(200),
        )?;
        expect_eq("result.id", &response.result.id, &Some(contact_id))?;
        expect_eq("result.notes", &response.result.notes, &Nullable::Null)
    };

    let field_values = vec![
        zingle::CustomFieldValueInput::new()
            .custom_field_id(uuid("56c70519-6c70-40e5-904e-7652e54a07b6"))
            .value("Rebeka"),
    ];
    let documented = zingle::UpdateContactRequest::new()
        .is_starred(true)
        .custom_field_values(field_values.clone());
    report.record(
        "zingle updateContact (documented example body)",
        client
            .update_contact(service_id, contact_id)
            .body(documented)
            .await,
        check,
    );

    let mut channel = zingle::ContactChannel::new();
    channel.insert(
        "channel_type_id".into(),
        json!("0b8ab0d5-9ee8-4c6c-a1f5-0f6c8b1c1f3e"),
    );
    channel.insert("value".into(), json!("+15555550100"));
    channel.insert("is_default".into(), json!(true));
    let full = zingle::UpdateContactRequest::new()
        .channels(vec![channel])
        .custom_field_values(field_values)
        .is_starred(false)
        .is_confirmed(true)
        .is_closed(false);
    report.record(
        "zingle updateContact (every field)",
        client
            .update_contact(service_id, contact_id)
            .body(full)
            .await,
        check,
    );
    report.record(
        "zingle updateContact (no body)",
        client.update_contact(service_id, contact_id).await,
        check,
    );
}

// ---------------------------------------------------------------------------------------------
// CRM contacts: updateContact (apiKey header X-Api-Key)
// ---------------------------------------------------------------------------------------------

async fn run_crm_contacts(base_url: &str, report: &mut Report) {
    use crm_contacts::*;
    let client = Client::with_base_url(base_url)
        .with_retry_policy(RetryPolicy::disabled())
        .with_timeout(TIMEOUT)
        .with_api_key_auth("crm-live-3f8e2a6b9c0d4e1f");

    let mut phone = AdditionalPhone::new();
    phone.insert("phone".into(), json!("+525598765432"));
    phone.insert("label".into(), json!("work"));
    let mut email = AdditionalEmail::new();
    email.insert("email".into(), json!("ana@work.example.com"));
    let mut skill = Skill::new();
    skill.insert("name".into(), json!("spanish"));
    let mut attribute = CustomAttribute::new();
    attribute.insert("key".into(), json!("tier"));
    attribute.insert("value".into(), json!("gold"));
    let full = UpdateContactRequest::new()
        .first_name("Ana")
        .last_name("García")
        .second_last_name("López")
        .email("ana.garcia@example.com")
        .phone("+525512345678")
        .company_name("Ejemplo SA de CV")
        .additional_phones(vec![phone])
        .additional_emails(vec![email])
        .priority(ContactPriority::V4)
        .source(ContactSource::Whatsapp)
        .country_code("MX")
        .language("es")
        .whatsapp_transactional_opt_in(true)
        .email_transactional_opt_in(true)
        .whatsapp_marketing_opt_in(false)
        .email_marketing_opt_in(false)
        .external_reference_id("erp-77")
        .external_reference_url("https://erp.example.com/contacts/77")
        .skills(vec![skill])
        .custom_attributes(vec![attribute]);
    // Prism generates this body from the schema (no example is documented): every property
    // is present, so the decoded contact must at least carry its id.
    let has_id = |contact: &Contact| match &contact.id {
        Some(_) => Ok(()),
        None => Err("the decoded contact has no `id`".to_owned()),
    };
    report.record(
        "crm_contacts updateContact (every field)",
        client.update_contact("c-1001").body(full).await,
        has_id,
    );
    let clearing = UpdateContactRequest::new()
        .priority(ContactPriority::V1)
        .source(ContactSource::Crm)
        .custom_attributes(Nullable::Null);
    report.record(
        "crm_contacts updateContact (custom_attributes: null)",
        client
            .update_contact("ext-ref-2024-0042")
            .body(clearing)
            .await,
        has_id,
    );
    report.record(
        "crm_contacts updateContact (no body)",
        client.update_contact("c-1001").await,
        has_id,
    );
}

// ---------------------------------------------------------------------------------------------
// Conga: updateContactByExternalId (apiKey header Authorization, value "Bearer <token>")
// ---------------------------------------------------------------------------------------------

async fn run_conga(base_url: &str, report: &mut Report) {
    use conga::*;
    let client = Client::with_base_url(base_url)
        .with_retry_policy(RetryPolicy::disabled())
        .with_timeout(TIMEOUT)
        .with_conga_authorization_header("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl");
    let external_id = "2614d72c-edfc-4dc5-b72f-45104fe5ef43";
    let accept_any = |_: &RecordUpdateResult| Ok(());

    let documented = ContactRecord::new().name("Mark").description("Description");
    report.record(
        "conga updateContactByExternalId (documented example body, no query)",
        client
            .update_contact_by_external_id(external_id, documented)
            .await,
        accept_any,
    );

    let mut full = ContactRecord::new()
        .id("0035g00000XyZ12AAB")
        .account(
            RecordReference::new()
                .id("0015g00000AbC34AAD")
                .name("Acme Corporation"),
        )
        .name("Mark Smith")
        .first_name("Mark")
        .last_name("Smith")
        .assistant_name(Nullable::Null)
        .department("Finance")
        .description("Key decision maker")
        .call_options(Nullable::Null)
        .email("mark.smith@example.com")
        .is_email_bounced(false)
        .email_bounced_date(Nullable::Null)
        .email_bounced_reason(Nullable::Null)
        .lead_source("Web")
        .assistant_phone(Nullable::Null)
        .birthdate("1980-04-12")
        .fax(Nullable::Null)
        .email_settings(Nullable::Null)
        .fax_settings(Nullable::Null)
        .home_phone("+14155550123")
        .mailing_address("1 Market St, San Francisco, CA 94105")
        .mailing_city("San Francisco")
        .mailing_country("United States")
        .mailing_country_code("US")
        .mailing_postal_code("94105")
        .mailing_state("CA")
        .mailing_street("1 Market St")
        .mobile_phone("+14155550199")
        .other_address(Nullable::Null)
        .other_city(Nullable::Null)
        .other_country(Nullable::Null)
        .other_country_code(Nullable::Null)
        .other_phone(Nullable::Null)
        .other_postal_code(Nullable::Null)
        .other_state(Nullable::Null)
        .other_street(Nullable::Null)
        .owner(Nullable::Null)
        .phone("+14155550100")
        .photo_url(Nullable::Null)
        .salutation("Mr.")
        .title("CFO");
    full.additional_properties
        .insert("Region__c".to_owned(), json!("AMER"));
    report.record(
        "conga updateContactByExternalId (every field, both query parameters)",
        client
            .update_contact_by_external_id(external_id, full)
            .include_record_payload_in_response(true)
            .enforce_optimistic_locking(false)
            .await,
        accept_any,
    );
    report.record(
        "conga updateContactByExternalId (empty record, optimistic locking only)",
        client
            .update_contact_by_external_id("ERP-000123", ContactRecord::new())
            .enforce_optimistic_locking(true)
            .await,
        accept_any,
    );
}

fn main() -> ExitCode {
    let targets = match parse_args(std::env::args().skip(1)) {
        Ok(targets) => targets,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("conformance: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("conformance: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let report = runtime.block_on(async {
        let mut report = Report::default();
        run_cinnox(&targets.cinnox, &mut report).await;
        run_zingle(&targets.zingle, &mut report).await;
        run_crm_contacts(&targets.crm_contacts, &mut report).await;
        run_conga(&targets.conga, &mut report).await;
        report
    });
    println!(
        "conformance: {} passed, {} failed",
        report.passed,
        report.failed.len()
    );
    if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("conformance: FAILED operations:");
        for failure in &report.failed {
            eprintln!("  - {failure}");
        }
        ExitCode::FAILURE
    }
}
