//! The networks. Each is a struct built from a `VarBuilder` with named parts.

use candle_core::{Module, Result, Tensor};
use candle_nn::rnn::{GRU, GRUConfig, RNN};
use candle_nn::{Conv1d, Conv1dConfig, Linear, VarBuilder, conv1d, linear};

/// Feed-forward classifier: two ReLU layers and one logit.
pub struct MlpNet {
    hidden1: Linear,
    hidden2: Linear,
    out: Linear,
}

impl MlpNet {
    pub fn new(in_dim: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            hidden1: linear(in_dim, 64, vb.pp("hidden1"))?,
            hidden2: linear(64, 32, vb.pp("hidden2"))?,
            out: linear(32, 1, vb.pp("out"))?,
        })
    }
}

impl Module for MlpNet {
    /// `(batch, in_dim)` → `(batch,)` logits.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = self.hidden1.forward(x)?.relu()?;
        let h = self.hidden2.forward(&h)?.relu()?;
        self.out.forward(&h)?.squeeze(1)
    }
}

/// Autoencoder with an 8-wide bottleneck: normal accounts are what it learns to rebuild.
pub struct AutoencoderNet {
    enc1: Linear,
    enc2: Linear,
    dec1: Linear,
    dec2: Linear,
}

impl AutoencoderNet {
    pub fn new(in_dim: usize, vb: VarBuilder) -> Result<Self> {
        let code = 8.min(in_dim.max(2) / 2).max(1);
        Ok(Self {
            enc1: linear(in_dim, 32, vb.pp("enc1"))?,
            enc2: linear(32, code, vb.pp("enc2"))?,
            dec1: linear(code, 32, vb.pp("dec1"))?,
            dec2: linear(32, in_dim, vb.pp("dec2"))?,
        })
    }

    /// Mean squared reconstruction error of each row: `(batch,)`.
    pub fn errors(&self, x: &Tensor) -> Result<Tensor> {
        let rebuilt = self.forward(x)?;
        (rebuilt - x)?.sqr()?.mean(1)
    }
}

impl Module for AutoencoderNet {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = self.enc1.forward(x)?.relu()?;
        let code = self.enc2.forward(&h)?.relu()?;
        let h = self.dec1.forward(&code)?.relu()?;
        self.dec2.forward(&h)
    }
}

const HIDDEN: usize = 32;
const KERNEL: usize = 3;

/// GRU over event steps with a logit per step; with `conv`, a causal Conv1d extracts local
/// patterns first (the CNN+RNN hybrid). Causal: a step never sees later events.
pub struct SequenceNet {
    conv: Option<Conv1d>,
    gru: GRU,
    out: Linear,
}

impl SequenceNet {
    pub fn new(in_dim: usize, with_conv: bool, vb: VarBuilder) -> Result<Self> {
        let conv = match with_conv {
            true => Some(conv1d(
                in_dim,
                HIDDEN,
                KERNEL,
                Conv1dConfig::default(),
                vb.pp("conv"),
            )?),
            false => None,
        };
        let gru_in = if with_conv { HIDDEN } else { in_dim };
        Ok(Self {
            conv,
            gru: candle_nn::rnn::gru(gru_in, HIDDEN, GRUConfig::default(), vb.pp("gru"))?,
            out: linear(HIDDEN, 1, vb.pp("out"))?,
        })
    }
}

impl SequenceNet {
    /// `(batch, steps, in_dim)` → `(batch, steps, HIDDEN)`: the GRU's state after each step,
    /// what the network has read of the account so far.
    pub fn states(&self, x: &Tensor) -> Result<Tensor> {
        let (batch, steps, _) = x.dims3()?;
        let x = match &self.conv {
            Some(conv) => {
                let channels_first = x.transpose(1, 2)?.pad_with_zeros(2, KERNEL - 1, 0)?;
                conv.forward(&channels_first)?
                    .relu()?
                    .transpose(1, 2)?
                    .contiguous()?
            }
            None => x.clone(),
        };
        let states = self.gru.seq(&x)?;
        self.gru
            .states_to_tensor(&states)?
            .reshape((batch, steps, HIDDEN))
    }
}

impl Module for SequenceNet {
    /// `(batch, steps, in_dim)` → `(batch, steps)` logits.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.out.forward(&self.states(x)?)?.squeeze(2)
    }
}
