//! SQL `LIKE` as Postgres has it, which the platform's `like` and `iLike` filters follow: the
//! store registers it as SQLite's `pg_like` (SQLite's own `LIKE` ignores case for ASCII), and the
//! listing's filters call it.

/// SQL `LIKE` as Postgres has it: `%` any run, `_` one character, `\` escapes the next one;
/// case-sensitive unless `ignore_case`.
pub fn like_matches(value: &str, pattern: &str, ignore_case: bool) -> bool {
  let fold = |s: &str| if ignore_case { s.to_lowercase() } else { s.to_owned() };
  let value: Vec<char> = fold(value).chars().collect();
  let pattern: Vec<char> = fold(pattern).chars().collect();
  // Iterative matching with one backtrack point: the last `%`.
  let (mut v, mut p) = (0, 0);
  let mut star: Option<(usize, usize)> = None;
  while v < value.len() {
    match pattern.get(p) {
      Some('%') => {
        star = Some((p, v));
        p += 1;
        continue;
      }
      Some('\\') if pattern.get(p + 1) == Some(&value[v]) => {
        p += 2;
        v += 1;
        continue;
      }
      Some('_') => {
        p += 1;
        v += 1;
        continue;
      }
      Some(&c) if c != '\\' && c == value[v] => {
        p += 1;
        v += 1;
        continue;
      }
      _ => {}
    }
    match star {
      Some((star_p, star_v)) => {
        p = star_p + 1;
        v = star_v + 1;
        star = Some((star_p, star_v + 1));
      }
      None => return false,
    }
  }
  pattern[p..].iter().all(|&c| c == '%')
}

#[cfg(test)]
mod tests {
  use super::like_matches;

  #[test]
  fn like_follows_postgres() {
    for (value, pattern, ignore_case, expected) in [
      ("ada@example.com", "%@example.com", false, true),
      ("ada@EXAMPLE.com", "%@example.com", false, false),
      ("ada@EXAMPLE.com", "%@example.com", true, true),
      ("ada", "a_a", false, true),
      ("ada", "a_", false, false),
      ("ada", "%", false, true),
      ("", "%", false, true),
      ("", "_", false, false),
      ("50%", "50\\%", false, true),
      ("500", "50\\%", false, false),
      ("a_b", "a\\_b", false, true),
      ("axb", "a\\_b", false, false),
      ("abcabc", "%b%c", false, true),
      ("Ünïcödé", "ü%É", true, true),
    ] {
      assert_eq!(
        like_matches(value, pattern, ignore_case),
        expected,
        "{value:?} LIKE {pattern:?} ({ignore_case})"
      );
    }
  }
}
