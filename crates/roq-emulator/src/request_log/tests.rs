use super::*;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn entry(status: u16, request_id: &str) -> Entry {
  Entry {
    at_ms: 1_700_000_000_000,
    endpoint: Endpoint::ServerGraphql,
    noted: Noted::default(),
    status,
    fault: None,
    duration_us: 1234,
    request_id: request_id.into(),
    trace_id: None,
  }
}

fn ids(rows: &[LoggedRequest]) -> Vec<u64> {
  rows.iter().map(|row| row.id).collect()
}

#[test]
fn the_log_keeps_the_newest_rows_numbered_in_order_and_shows_them_newest_first() {
  let log = RequestLog::with_capacity(3);
  for n in 1..=5 {
    assert_eq!(log.write(entry(200, &format!("r{n}"))), n);
  }
  let rows = log.read(&RequestLogQuery::default()).unwrap();
  assert_eq!(ids(&rows), [5, 4, 3], "the two oldest went");
  assert_eq!(
    rows.iter().map(|row| row.request_id.as_str()).collect::<Vec<_>>(),
    ["r5", "r4", "r3"]
  );
  // Emptied, the numbers go on.
  log.clear();
  assert!(log.read(&RequestLogQuery::default()).unwrap().is_empty());
  assert_eq!(log.write(entry(200, "r6")), 6);
  assert_eq!(RequestLog::default().capacity, ROWS);
}

#[test]
fn a_row_shows_what_was_noted_and_no_more() {
  let log = RequestLog::default();
  let mut invites = InviteIds::default();
  invites.add(7, ["i1", "i2", "i3", "i4", "i5", "i6", "i7"]);
  log.write(Entry {
    noted: Noted {
      caller: Some(Caller::User("alice".into())),
      operation: Some("sendUserInvites".into()),
      error_code: None,
      invites,
    },
    trace_id: TraceId::parse(TRACE),
    endpoint: Endpoint::BrowserGraphql,
    ..entry(200, "req-1")
  });
  let row = &log.read(&RequestLogQuery::default()).unwrap()[0];
  assert_eq!(
    serde_json::to_value(row).unwrap(),
    serde_json::json!({
      "id": 1,
      "at": "2023-11-14T22:13:20.000Z",
      "endpoint": "/v01/graphql",
      "operation": "sendUserInvites",
      "caller": "user",
      "userId": "alice",
      "status": 200,
      "errorCode": null,
      "fault": null,
      "failed": false,
      "durationMs": 1.234,
      "requestId": "req-1",
      "traceId": TRACE,
      "inviteIds": ["i1", "i2", "i3", "i4", "i5"],
      "inviteCount": 7,
    })
  );
}

#[test]
fn invite_ids_keep_the_first_few_and_count_them_all() {
  let mut invites = InviteIds::default();
  invites.add(2, ["a", "b"]);
  invites.add(1000, (0..1000).map(|_| "x"));
  invites.add(1, ["late"]);
  assert_eq!(invites.count, 1003);
  assert_eq!(
    invites.first.iter().map(|id| &**id).collect::<Vec<_>>(),
    ["a", "b", "x", "x", "x"]
  );
}

#[test]
fn a_failure_is_an_http_error_an_error_in_the_answer_or_a_spoiling_fault() {
  let failed = |entry: Entry| entry.failed();
  assert!(!failed(entry(200, "a")));
  assert!(!failed(entry(201, "a")));
  assert!(failed(entry(401, "a")));
  assert!(failed(entry(503, "a")));
  assert!(failed(Entry {
    noted: Noted {
      error_code: Some("NOT_FOUND".into()),
      ..Noted::default()
    },
    ..entry(200, "a")
  }));
  assert!(!failed(Entry {
    fault: Some(FaultAnswer::Normal),
    ..entry(200, "a")
  }));
  for spoiled in [
    FaultAnswer::Drop,
    FaultAnswer::NonJson,
    FaultAnswer::Truncated,
    FaultAnswer::DataNull,
  ] {
    assert!(failed(Entry {
      fault: Some(spoiled),
      ..entry(200, "a")
    }));
  }
}

#[test]
fn a_query_picks_rows_by_trace_request_id_and_status() {
  let log = RequestLog::default();
  let traced = |status, request_id: &str| Entry {
    trace_id: TraceId::parse(TRACE),
    ..entry(status, request_id)
  };
  log.write(traced(200, "a"));
  log.write(entry(401, "b"));
  log.write(traced(503, "c"));
  log.write(Entry {
    noted: Noted {
      error_code: Some("NOT_FOUND".into()),
      ..Noted::default()
    },
    ..entry(200, "d")
  });
  let read = |query: RequestLogQuery| ids(&log.read(&query).unwrap());
  assert_eq!(read(RequestLogQuery::default()), [4, 3, 2, 1]);
  let by_trace = |trace: &str| RequestLogQuery {
    trace_id: Some(trace.into()),
    ..Default::default()
  };
  assert_eq!(read(by_trace(TRACE)), [3, 1]);
  assert_eq!(read(by_trace(&TRACE.to_uppercase())), [3, 1], "in either case");
  assert_eq!(read(by_trace("")), [4, 3, 2, 1], "empty is no filter (a form's)");
  assert_eq!(
    read(RequestLogQuery {
      request_id: Some("b".into()),
      ..Default::default()
    }),
    [2]
  );
  let by_status = |status| RequestLogQuery {
    status: Some(status),
    ..Default::default()
  };
  assert_eq!(read(by_status(StatusFilter::Code(200))), [4, 1]);
  assert_eq!(read(by_status(StatusFilter::Failed)), [4, 3, 2]);
  assert_eq!(
    read(RequestLogQuery {
      status: Some(StatusFilter::Failed),
      trace_id: Some(TRACE.into()),
      limit: Some(5),
      ..Default::default()
    }),
    [3]
  );
  assert_eq!(
    read(RequestLogQuery {
      limit: Some(2),
      ..Default::default()
    }),
    [4, 3]
  );
  assert_eq!(log.statuses(), [200, 401, 503]);
}

#[test]
fn a_query_that_can_match_nothing_is_refused_saying_why() {
  let log = RequestLog::default();
  let refused = |query: RequestLogQuery| match log.read(&query) {
    Err(Problem::BadRequest(message)) => message,
    other => panic!("{query:?} gave {other:?}"),
  };
  assert_eq!(
    refused(RequestLogQuery {
      trace_id: Some(format!("00-{TRACE}-00f067aa0ba902b7-01")),
      ..Default::default()
    }),
    format!(
      "traceId \"00-{TRACE}-00f067aa0ba902b7-01\" is not a trace id: 32 hexadecimal characters, the second part of a traceparent"
    )
  );
  assert!(
    refused(RequestLogQuery {
      request_id: Some("a b".into()),
      ..Default::default()
    })
    .starts_with("requestId \"a b\" is not a request id: 1 to 128 characters")
  );
  assert_eq!(
    refused(RequestLogQuery {
      limit: Some(1001),
      ..Default::default()
    }),
    "limit must be 0 to 1000, got 1001"
  );
}

#[test]
fn status_is_read_from_json_and_from_a_query_string() {
  let from_json = |text: &str| serde_json::from_str::<RequestLogQuery>(text).map(|query| query.status);
  assert_eq!(from_json(r#"{"status": 503}"#).unwrap(), Some(StatusFilter::Code(503)));
  assert_eq!(
    from_json(r#"{"status": "503"}"#).unwrap(),
    Some(StatusFilter::Code(503))
  );
  assert_eq!(
    from_json(r#"{"status": "failed"}"#).unwrap(),
    Some(StatusFilter::Failed)
  );
  assert_eq!(from_json(r#"{"status": null}"#).unwrap(), None);
  assert_eq!(from_json("{}").unwrap(), None);
  for wrong in [
    r#"{"status": 99}"#,
    r#"{"status": 600}"#,
    r#"{"status": -1}"#,
    r#"{"status": 70000}"#,
    r#"{"status": "+200"}"#,
    r#"{"status": "FAILED"}"#,
    r#"{"status": "ok"}"#,
    r#"{"status": true}"#,
  ] {
    let error = from_json(wrong).unwrap_err().to_string();
    assert!(error.contains("\"failed\""), "{wrong}: {error}");
  }
  assert!(
    serde_json::from_str::<RequestLogQuery>(r#"{"trace": "x"}"#)
      .unwrap_err()
      .to_string()
      .contains("unknown field `trace`")
  );
  let from_url = |text: &str| {
    let uri: axum::http::Uri = format!("/__emulator/requests?{text}").parse().unwrap();
    axum::extract::Query::<RequestLogQuery>::try_from_uri(&uri).map(|query| query.0.status)
  };
  assert_eq!(from_url("status=404").unwrap(), Some(StatusFilter::Code(404)));
  assert_eq!(from_url("status=failed").unwrap(), Some(StatusFilter::Failed));
  assert_eq!(from_url("status=").unwrap(), None);
  assert!(from_url("status=teapot").is_err());
}

#[test]
fn a_trace_id_comes_only_from_a_valid_traceparent_and_an_operation_is_cut_short() {
  assert_eq!(
    TraceId::of_traceparent(format!("00-{TRACE}-00f067aa0ba902b7-01").as_bytes()).map(|id| id.as_str().to_owned()),
    Some(TRACE.to_owned())
  );
  assert_eq!(TraceId::parse("not hex, but 32 characters long!"), None);
  let note = GraphqlNote::default();
  note.set_operation(&"a".repeat(500));
  note.set_operation("second");
  let mut noted = Noted::default();
  note.into_noted(&mut noted);
  assert_eq!(noted.operation.as_deref().map(str::len), Some(MAX_OPERATION_BYTES));
  assert!(is_request_id(b"0b8e4d3c-5f1a-4c2e-9a77-3f0e6f1d2c3b"));
  assert!(!is_request_id(b""));
  assert!(!is_request_id("é".as_bytes()));
}
