//! What a W3C `traceparent` is: the client sends one only when it is valid, and the emulator
//! records the trace id only of a valid one, so both read it by this one rule.

/// The trace id of a valid `traceparent` of version `00`
/// (`00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, lowercase, neither id all zeros),
/// as its 32 bytes; none for anything else.
pub fn trace_id_of_traceparent(value: &[u8]) -> Option<&[u8]> {
  let [b'0', b'0', b'-', rest @ ..] = value else {
    return None;
  };
  if rest.len() != 52 || rest[32] != b'-' || rest[49] != b'-' {
    return None;
  }
  let (trace, parent, flags) = (&rest[..32], &rest[33..49], &rest[50..]);
  let hex = |part: &[u8]| part.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
  let zeros = |part: &[u8]| part.iter().all(|b| *b == b'0');
  (hex(trace) && hex(parent) && hex(flags) && !zeros(trace) && !zeros(parent)).then_some(trace)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn reads_the_trace_id_of_a_valid_traceparent_only() {
    let good = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert_eq!(
      trace_id_of_traceparent(good),
      Some(&b"4bf92f3577b34da6a3ce929d0e0e4736"[..])
    );
    for bad in [
      &b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"[..],
      b"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n",
      b"",
    ] {
      assert_eq!(trace_id_of_traceparent(bad), None, "{}", String::from_utf8_lossy(bad));
    }
  }
}
