//! User segments: k-means on the standardised account features, k given or chosen by the
//! silhouette over 4..12, a 2-D projection for display, each account's distance from its
//! segment's centre, and a profile per segment (size, the features where it differs most from
//! the other accounts, fraud among its labelled members).

mod kmeans;
mod pca;
mod profile;
mod quality;
mod segmentation;
mod standardise;

pub use kmeans::{KMeans, fit as kmeans};
pub use pca::project_2d;
pub use profile::{SegmentProfile, Trait};
pub use quality::{adjusted_rand_index, silhouette};
pub use segmentation::{AUTO_K, ChosenBy, Segmentation, segment, segment_by};
