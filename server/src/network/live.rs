//! The configuration in force, as this instance holds it: the stored version is read on each
//! use (one small query), and the document parsed again only when it changed, so a change
//! applied on any instance is in force on every instance at once.

use std::sync::Arc;

use tokio::sync::RwLock;

use crate::domain::configuration::{Configuration, check};
use crate::network::file::parse;
use crate::store::{Store, StoreError};

/// This instance's copy of the configuration in force.
#[derive(Default)]
pub struct Live {
    held: RwLock<Option<(i64, Arc<Configuration>)>>,
}

impl Live {
    /// The configuration in force, or `None` when none was ever applied.
    pub async fn current(
        &self,
        store: &dyn Store,
    ) -> Result<Option<Arc<Configuration>>, StoreError> {
        let version = store.configuration_version().await?;
        if version == 0 {
            return Ok(None);
        }
        if let Some((held, config)) = self.held.read().await.as_ref()
            && *held == version
        {
            return Ok(Some(config.clone()));
        }
        let Some(stored) = store.configuration().await? else {
            return Ok(None);
        };
        let config = Arc::new(read(&stored.document)?);
        *self.held.write().await = Some((stored.version, config.clone()));
        Ok(Some(config))
    }
}

/// A stored document as the configuration (it was checked when applied).
pub fn read(document: &str) -> Result<Configuration, StoreError> {
    let file = parse(document).map_err(|e| StoreError::Corrupt(format!("configuration: {e}")))?;
    check(&file)
        .map_err(|e| StoreError::Corrupt(format!("configuration: {}: {}", e.field, e.message)))
}
