//! The limits kept on a schema without a platform: an operation that reaches execution is
//! counted and answered with nothing, so that no resolver runs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation};
use async_graphql::parser::parse_query;
use async_graphql::{Request, Response, ServerError, ValidationResult, Variables};
use serde_json::{Value, json};

use super::*;
use crate::schema::RoqSchema;

/// Counts the operations that reached execution, and answers them with nothing, so that no
/// resolver ever runs (the schema here has no platform); keeps what validation computed.
#[derive(Clone, Default)]
struct Recorder {
  executed: Arc<AtomicUsize>,
  validated: Arc<Mutex<Option<ValidationResult>>>,
}

impl ExtensionFactory for Recorder {
  fn create(&self) -> Arc<dyn Extension> {
    Arc::new(self.clone())
  }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Recorder {
  async fn validation(
    &self,
    ctx: &ExtensionContext<'_>,
    next: NextValidation<'_>,
  ) -> Result<ValidationResult, Vec<ServerError>> {
    let result = next.run(ctx).await?;
    *self.validated.lock().unwrap() = Some(result);
    Ok(result)
  }

  async fn execute(&self, _: &ExtensionContext<'_>, _: Option<&str>, _: NextExecute<'_>) -> Response {
    self.executed.fetch_add(1, Ordering::SeqCst);
    Response::default()
  }
}

fn schema() -> (RoqSchema, Recorder) {
  let recorder = Recorder::default();
  (crate::schema::builder().extension(recorder.clone()).finish(), recorder)
}

/// The errors of `document` and whether it reached execution.
async fn run(document: &str, variables: Value) -> (Vec<String>, bool) {
  let (schema, recorder) = schema();
  let request = Request::new(document).variables(Variables::from_json(variables));
  let response = schema.execute(request).await;
  let messages = response.errors.iter().map(|e| e.message.clone()).collect();
  (messages, recorder.executed.load(Ordering::SeqCst) == 1)
}

async fn assert_accepted(document: &str) {
  let (errors, executed) = run(document, json!({})).await;
  assert!(errors.is_empty() && executed, "{errors:?}");
}

async fn assert_refused(document: &str, message: &str) {
  let (schema, recorder) = schema();
  let response = schema.execute(document).await;
  let errors: Vec<_> = response
    .errors
    .iter()
    .map(|e| (e.message.as_str(), e.extensions.clone()))
    .collect();
  assert_eq!(errors.len(), 1, "{errors:?}");
  assert_eq!(errors[0].0, message);
  let code = errors[0].1.as_ref().and_then(|e| e.get("code")).cloned();
  assert_eq!(code, Some("GRAPHQL_VALIDATION_FAILED".into()));
  assert_eq!(recorder.executed.load(Ordering::SeqCst), 0, "nothing may run");
}

fn repeat(times: usize, each: impl Fn(usize) -> String) -> String {
  (0..times).map(each).collect::<Vec<_>>().join(" ")
}

/// `{ __schema { types { fields { type { ofType { ... { name } } } } } } }`, `depth` fields deep.
fn introspection_of_depth(depth: usize) -> String {
  let of_types = depth - 5;
  format!(
    "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
    "ofType { ".repeat(of_types),
    "} ".repeat(of_types)
  )
}

#[tokio::test]
async fn a_document_as_long_as_allowed_is_parsed_and_one_byte_more_is_refused() {
  let padded = |bytes: usize| format!("{{ __typename }}{}", " ".repeat(bytes - 14));
  assert_accepted(&padded(MAX_DOCUMENT_BYTES)).await;
  assert_refused(
    &padded(MAX_DOCUMENT_BYTES + 1),
    "the document is 131073 bytes long; the emulator allows 131072",
  )
  .await;
}

#[tokio::test]
async fn a_document_as_deep_as_allowed_runs_and_one_level_more_is_refused() {
  assert_accepted(&introspection_of_depth(MAX_DEPTH)).await;
  assert_refused(
    &introspection_of_depth(MAX_DEPTH + 3),
    "the document is 23 levels deep; the emulator allows 20",
  )
  .await;
}

#[tokio::test]
async fn selections_nested_as_deep_as_allowed_run_and_one_level_more_is_refused() {
  let nested = |levels: usize| {
    format!(
      "{{ {} __typename {} }}",
      "... on Query { ".repeat(levels),
      "} ".repeat(levels)
    )
  };
  assert_accepted(&nested(MAX_NESTING)).await;
  assert_refused(
    &nested(MAX_NESTING + 1),
    "the document nests selections more than 32 levels deep, fragments included; the emulator allows 32",
  )
  .await;
}

#[tokio::test]
async fn fields_aliases_and_directives_up_to_their_limits_run_and_one_more_is_refused() {
  assert_accepted(&format!("{{ {} }}", repeat(MAX_FIELDS, |_| "__typename".into()))).await;
  assert_refused(
    &format!("{{ {} }}", repeat(MAX_FIELDS + 1, |_| "__typename".into())),
    "the document asks for 2001 fields, each fragment counted where it is spread; the emulator allows 2000",
  )
  .await;
  // Written out, this fragment bomb asks for 2^16 fields.
  let mut bomb = String::from("query { ...F0 }");
  for i in 0..16 {
    bomb.push_str(&format!(
      " fragment F{i} on Query {{ ...F{next} ...F{next} }}",
      next = i + 1
    ));
  }
  bomb.push_str(" fragment F16 on Query { __typename }");
  assert_refused(
    &bomb,
    "the document asks for 65536 fields, each fragment counted where it is spread; the emulator allows 2000",
  )
  .await;

  assert_accepted(&format!(
    "{{ {} }}",
    repeat(MAX_ALIASES, |i| format!("a{i}: __typename"))
  ))
  .await;
  assert_refused(
    &format!("{{ {} }}", repeat(MAX_ALIASES + 1, |i| format!("a{i}: __typename"))),
    "the document has 101 aliases; the emulator allows 100",
  )
  .await;

  let included = |n: usize| format!("{{ {} }}", repeat(n, |_| "__typename @include(if: true)".into()));
  assert_accepted(&included(MAX_DIRECTIVES)).await;
  assert_refused(
    &included(MAX_DIRECTIVES + 1),
    "the document has 51 directives; the emulator allows 50",
  )
  .await;
}

#[tokio::test]
async fn a_document_that_costs_what_is_allowed_runs_and_one_more_is_refused() {
  // A page costs its fields times its limit, plus 1: 99 pages of 1000 and one of 900 cost 100,000.
  let pages = |last: usize| {
    format!(
      "{{ {} last: userInvites(limit: {last}) {{ totalCount }} }}",
      repeat(99, |i| format!("p{i}: userInvites(limit: 1000) {{ totalCount }}"))
    )
  };
  assert_accepted(&pages(900)).await;
  let message = "the document costs 100001; the emulator allows 100000 (a field costs 1 and the fields below it, \
                 a page of invites its fields times its limit, a send its fields times 1000): \
                 ask for fewer invites or fewer fields";
  assert_refused(&pages(901), message).await;

  // The bomb of the issue (1,000 aliases of a page of 1,000), cut to 17 aliases: under the
  // alias limit, over the cost.
  let bomb = format!(
    "{{ {} }}",
    repeat(17, |i| format!(
      "a{i}: userInvites(limit: 1000) {{ data {{ id email status createdAt }} totalCount }}"
    ))
  );
  assert_refused(&bomb, &message.replace("100001", "102017")).await;
}

#[tokio::test]
async fn an_answer_has_at_most_the_errors_allowed_and_says_how_many_it_left_out() {
  let (errors, _) = run(
    &format!("{{ {} }}", repeat(MAX_ERRORS, |i| format!("unknown{i}"))),
    json!({}),
  )
  .await;
  assert_eq!(errors.len(), MAX_ERRORS);
  assert!(errors.iter().all(|e| e.starts_with("Unknown field")), "{errors:?}");

  let (errors, _) = run(&format!("{{ {} }}", repeat(1500, |i| format!("unknown{i}"))), json!({})).await;
  assert_eq!(errors.len(), MAX_ERRORS);
  assert_eq!(
    errors[MAX_ERRORS - 1],
    "1401 more errors left out; the emulator reports at most 100 in one answer"
  );
}

/// The documents of `@roq/nodejs` 1.0.20 and `@roq/client` 0.0.6 and 0.0.12, as captured.
const GOLDENS: [&str; 13] = [
  include_str!("../../../../../reference/roq-golden/02-superadmin-sendUserInvites--graphql.json"),
  include_str!("../../../../../reference/roq-golden/03-superadmin-resendUserInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/04-superadmin-userInvites--graphql.json"),
  include_str!("../../../../../reference/roq-golden/05-superadmin-userInvites-novars--graphql.json"),
  include_str!("../../../../../reference/roq-golden/06-superadmin-userInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/07-superadmin-cancelUserInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/08-superadmin-acceptUserInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/09-superadmin-graphqlRequest-v1-sendUserInvites--graphql.json"),
  include_str!("../../../../../reference/roq-golden/10-superadmin-graphqlRequest-v1-acceptUserInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/11-superadmin-graphqlRequest-checkUserInviteToken--graphql.json"),
  include_str!("../../../../../reference/roq-golden/12-superadmin-graphqlRequest-updateUserInvite--graphql.json"),
  include_str!("../../../../../reference/roq-golden/b1-browser-roq-client-0.0.6-sendUserInvites--browser-graphql.json"),
  include_str!(
    "../../../../../reference/roq-golden/b2-browser-roq-client-0.0.12-sendUserInvites--browser-graphql.json"
  ),
];

#[tokio::test]
async fn the_documents_of_real_clients_run_and_use_at_most_a_quarter_of_any_limit() {
  for golden in GOLDENS {
    let golden: Value = serde_json::from_str(golden).unwrap();
    let body = &golden["request"]["body"];
    let (scenario, document) = (golden["scenario"].as_str().unwrap(), body["query"].as_str().unwrap());
    let mut variables = body["variables"].clone();
    if let Some(limit) = variables.get_mut("limit") {
      // The largest page our client asks for.
      *limit = json!(MAX_PAGE_SIZE);
    }
    let (schema, recorder) = schema();
    let request = Request::new(document).variables(Variables::from_json(variables));
    let response = schema.execute(request).await;
    assert!(response.errors.is_empty(), "{scenario}: {:?}", response.errors);
    assert_eq!(recorder.executed.load(Ordering::SeqCst), 1, "{scenario}");
    let validated = recorder.validated.lock().unwrap().expect("validated");
    let Measured::Shape(shape) = DocumentShape::of(&parse_query(document).unwrap(), MAX_NESTING) else {
      panic!("{scenario}: too deep")
    };
    // The depth measured first is the one async-graphql computes in validation.
    assert_eq!(shape.depth, validated.depth, "{scenario}");
    for (used, limit) in [
      (shape.depth, MAX_DEPTH),
      (shape.nesting, MAX_NESTING),
      (shape.fields, MAX_FIELDS),
      (shape.aliases, MAX_ALIASES),
      (shape.directives, MAX_DIRECTIVES),
      (validated.complexity, MAX_COMPLEXITY),
    ] {
      assert!(used * 4 <= limit, "{scenario}: {used} of {limit}");
    }
  }
}

#[tokio::test]
async fn a_document_sent_again_is_checked_again_unless_it_passed() {
  // One schema for every request, as the server has: the documents it parsed are kept.
  let (schema, recorder) = schema();
  let too_deep = introspection_of_depth(MAX_DEPTH + 3);
  for _ in 0..2 {
    let response = schema.execute(too_deep.as_str()).await;
    let messages: Vec<_> = response.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["the document is 23 levels deep; the emulator allows 20"]);
  }
  assert_eq!(recorder.executed.load(Ordering::SeqCst), 0, "nothing may run");
  let fine = introspection_of_depth(MAX_DEPTH);
  for _ in 0..2 {
    assert!(schema.execute(fine.as_str()).await.errors.is_empty());
  }
  assert_eq!(recorder.executed.load(Ordering::SeqCst), 2);
}
