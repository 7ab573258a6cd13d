//! Why feature extraction stopped.

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("feature extraction failed: {0}")]
    Polars(#[from] polars::error::PolarsError),
    #[error("cancelled")]
    Cancelled,
}
