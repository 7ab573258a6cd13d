//! What can go wrong inside the networks, with Candle's own error kept as the source.

#[derive(Debug, thiserror::Error)]
pub enum NeuralError {
    #[error("the neural network failed: {0}")]
    Candle(#[from] candle_core::Error),
    #[error("the network's weights were left locked by a thread that panicked")]
    WeightsLock,
}
