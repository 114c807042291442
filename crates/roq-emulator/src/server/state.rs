//! What every handler of the server is given: the platform and the GraphQL schema built over it.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::platform::Platform;
use crate::schema::RoqSchema;

#[derive(Clone)]
pub(super) struct AppState {
  pub(super) platform: Arc<Platform>,
  pub(super) schema: RoqSchema,
}

impl FromRef<AppState> for Arc<Platform> {
  fn from_ref(state: &AppState) -> Self {
    Arc::clone(&state.platform)
  }
}
