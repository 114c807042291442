//! The shape of a GraphQL document, read from its text before anything else looks at it: how deep
//! its fields nest, how deep its selections nest, and how many fields, aliases and directives it
//! has, each counted as if every fragment were written out where it is spread (a fragment that is
//! never spread counts once).
//!
//! Each fragment is measured once and its numbers reused at every spread. A document whose
//! fragments spread one another twice over asks for 2^n fields in n lines, and async-graphql's
//! validation walks every spread again; so such a document must be refused on its shape, which
//! this measures in time linear in the document's length, descending at most `max_nesting` levels.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// How deep and how large a document is. Counts saturate at `usize::MAX`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocumentShape {
  /// The most fields nested in one another (`{ a { b } }` is 2 deep); fragments add none.
  pub depth: usize,
  /// The most selection sets nested below the operation's, fragments and inline fragments
  /// included, as async-graphql counts its recursion depth (`{ a { ...F } }` is 2).
  pub nesting: usize,
  pub fields: usize,
  pub aliases: usize,
  pub directives: usize,
}

/// A document's shape, or that its selections nest deeper than the measuring went.
#[derive(Debug, PartialEq, Eq)]
pub enum Measured {
  Shape(DocumentShape),
  NestedDeeperThan(usize),
}

impl DocumentShape {
  /// Measures `document`, descending at most `max_nesting` selection sets below an operation's.
  pub fn of(document: &ExecutableDocument, max_nesting: usize) -> Measured {
    let mut measure = Measure {
      document,
      max_nesting,
      too_deep: false,
      fragments: HashMap::new(),
    };
    let mut shape = Self::default();
    for (_, operation) in document.operations.iter() {
      shape.directives = shape.directives.saturating_add(operation.node.directives.len());
      shape.beside(measure.selection_set(&operation.node.selection_set.node, 0));
    }
    for name in document.fragments.keys() {
      if !measure.too_deep && !measure.fragments.contains_key(name.as_str()) {
        shape.beside(nested(measure.fragment(name.as_str(), 1)));
      }
    }
    if measure.too_deep {
      Measured::NestedDeeperThan(max_nesting)
    } else {
      Measured::Shape(shape)
    }
  }

  /// Puts `other` beside this: counts add up; depths are the deeper of the two.
  fn beside(&mut self, other: Self) {
    self.depth = self.depth.max(other.depth);
    self.nesting = self.nesting.max(other.nesting);
    self.fields = self.fields.saturating_add(other.fields);
    self.aliases = self.aliases.saturating_add(other.aliases);
    self.directives = self.directives.saturating_add(other.directives);
  }
}

/// A fragment's shape (its nesting relative to where it is spread), once known; `Measuring`
/// while its own spreads are being measured.
#[derive(Clone, Copy)]
enum Fragment {
  Measuring,
  Measured(DocumentShape),
}

struct Measure<'a> {
  document: &'a ExecutableDocument,
  max_nesting: usize,
  too_deep: bool,
  fragments: HashMap<&'a str, Fragment>,
}

impl<'a> Measure<'a> {
  /// The shape of a selection set `level` sets below its operation's, its nesting relative to
  /// itself (0 for a set of leaves).
  fn selection_set(&mut self, set: &'a SelectionSet, level: usize) -> DocumentShape {
    let mut shape = DocumentShape::default();
    for selection in &set.items {
      if self.too_deep {
        break;
      }
      shape.directives = shape.directives.saturating_add(selection.node.directives().len());
      let inner = match &selection.node {
        Selection::Field(field) => {
          let field = &field.node;
          let mut inner = if field.selection_set.node.items.is_empty() {
            DocumentShape::default()
          } else {
            nested(self.selection_set_below(&field.selection_set.node, level))
          };
          inner.depth = inner.depth.saturating_add(1);
          inner.fields = inner.fields.saturating_add(1);
          inner.aliases = inner.aliases.saturating_add(usize::from(field.alias.is_some()));
          inner
        }
        Selection::InlineFragment(fragment) => {
          nested(self.selection_set_below(&fragment.node.selection_set.node, level))
        }
        Selection::FragmentSpread(spread) => nested(self.fragment(spread.node.fragment_name.node.as_str(), level + 1)),
      };
      shape.beside(inner);
    }
    shape
  }

  /// The shape of a set one level below `level`, or nothing past `max_nesting`.
  fn selection_set_below(&mut self, set: &'a SelectionSet, level: usize) -> Option<DocumentShape> {
    if level >= self.max_nesting {
      self.too_deep = true;
      return None;
    }
    Some(self.selection_set(set, level + 1))
  }

  /// A fragment's shape, measured once, from where it is first spread (at `level`). One that is
  /// unknown, or spread inside itself, adds nothing: validation refuses such a document in its
  /// own words.
  fn fragment(&mut self, name: &'a str, level: usize) -> Option<DocumentShape> {
    match self.fragments.get(name) {
      Some(Fragment::Measured(shape)) => return Some(*shape),
      Some(Fragment::Measuring) => return None,
      None => {}
    }
    let definition = self.document.fragments.get(name)?;
    if level > self.max_nesting {
      self.too_deep = true;
      return None;
    }
    self.fragments.insert(name, Fragment::Measuring);
    let mut shape = self.selection_set(&definition.node.selection_set.node, level);
    shape.directives = shape.directives.saturating_add(definition.node.directives.len());
    self.fragments.insert(name, Fragment::Measured(shape));
    Some(shape)
  }
}

/// A set's shape seen from the set that holds it: one level more.
fn nested(shape: Option<DocumentShape>) -> DocumentShape {
  shape.map_or_else(DocumentShape::default, |mut shape| {
    shape.nesting = shape.nesting.saturating_add(1);
    shape
  })
}

#[cfg(test)]
mod tests {
  use async_graphql::parser::parse_query;

  use super::{DocumentShape, Measured};

  fn measure(document: &str, max_nesting: usize) -> Measured {
    DocumentShape::of(&parse_query(document).expect("a document"), max_nesting)
  }

  fn shape(document: &str) -> DocumentShape {
    match measure(document, 32) {
      Measured::Shape(shape) => shape,
      Measured::NestedDeeperThan(n) => panic!("nested deeper than {n}"),
    }
  }

  #[test]
  fn fields_aliases_and_directives_are_counted_where_fragments_are_spread() {
    let document = "query Q { a: userInvites { data { ...I } } b: userInvites { data { ...I @include(if: true) } } }
      fragment I on UserInviteModel { id @skip(if: false) e: email createdBy { id } }";
    assert_eq!(
      shape(document),
      DocumentShape {
        depth: 4,
        nesting: 4,
        fields: 4 + 2 * 4,
        aliases: 2 + 2,
        directives: 1 + 2,
      }
    );
  }

  #[test]
  fn nesting_counts_fragments_and_inline_fragments_as_async_graphql_does() {
    assert_eq!(shape("{ a }").nesting, 0);
    assert_eq!(shape("{ a { ... on A { ...F } } } fragment F on A { b }").nesting, 3);
    assert_eq!(shape("{ a { ... on A { ...F } } } fragment F on A { b }").depth, 2);
  }

  #[test]
  fn a_fragment_never_spread_counts_once_and_one_spread_inside_itself_adds_nothing() {
    assert_eq!(
      shape("{ __typename } fragment Lone on Query { a b } fragment Loop on Query { c ...Loop }").fields,
      1 + 2 + 1
    );
  }

  #[test]
  fn a_fragment_bomb_is_measured_without_writing_it_out() {
    // 30 fragments, each spreading the next twice: 2^30 fields in 30 lines. Written out, the
    // measuring would take a billion steps; measured once per fragment, it takes 31.
    let mut document = String::from("query { ...F0 }\n");
    for i in 0..30 {
      document.push_str(&format!(
        "fragment F{i} on Query {{ ...F{next} ...F{next} }}\n",
        next = i + 1
      ));
    }
    document.push_str("fragment F30 on Query { __typename }\n");
    let shape = shape(&document);
    assert_eq!((shape.fields, shape.depth, shape.nesting), (1 << 30, 1, 31));
  }

  #[test]
  fn measuring_stops_below_the_deepest_nesting_it_allows() {
    // A chain of 10,000 fragments would take as many nested calls to measure.
    let mut document = String::from("query { ...F0 }\n");
    for i in 0..10_000 {
      document.push_str(&format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1));
    }
    document.push_str("fragment F10000 on Query { __typename }\n");
    assert_eq!(measure(&document, 32), Measured::NestedDeeperThan(32));
    assert_eq!(
      measure("{ a { b { c } } }", 2),
      Measured::Shape(shape("{ a { b { c } } }"))
    );
    assert_eq!(measure("{ a { b { c { d } } } }", 2), Measured::NestedDeeperThan(2));
  }
}
