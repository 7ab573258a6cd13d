//! The behaviour model's network: a small Transformer encoder over a pass of an account's
//! events under causal attention, with a head per field of the next event (its type, amount
//! bucket, gap and whether each entity value is new to the pass). What it learns is what
//! normal behaviour looks like; how unlikely an event's fields were is its surprise.

use candle_core::{D, Device, Module, Result, Tensor};
use candle_nn::{Embedding, Init, Linear, VarBuilder, embedding, linear};

use crate::features::{
    GAP_CLASSES, HASH_BUCKETS, HOUR_CLASSES, MAX_PASS_TOKENS, ROLE_STATES, TokenBatch,
};

/// The width of every token's vector.
pub const WIDTH: usize = 32;
const HEADS: usize = 4;
const LAYERS: usize = 2;
const FEED_FORWARD: usize = 64;
/// What a masked attention score is set to: far below any real one, and finite (an
/// infinity would turn a fully masked padding row into NaN).
const MASKED: f32 = -1e9;

/// The sizes of a log's vocabulary the network is built for.
#[derive(Clone, Copy, Debug)]
pub struct Classes {
    pub types: usize,
    pub amounts: usize,
    pub roles: usize,
}

/// Layer normalisation from tensor operations: Candle's fused one has no backward pass.
struct Norm {
    gain: Tensor,
    bias: Tensor,
}

impl Norm {
    fn new(vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            gain: vb.get_with_hints(WIDTH, "gain", Init::Const(1.0))?,
            bias: vb.get_with_hints(WIDTH, "bias", Init::Const(0.0))?,
        })
    }
}

impl Module for Norm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let centred = x.broadcast_sub(&x.mean_keepdim(D::Minus1)?)?;
        let spread = (centred.sqr()?.mean_keepdim(D::Minus1)? + 1e-5)?.sqrt()?;
        centred
            .broadcast_div(&spread)?
            .broadcast_mul(&self.gain)?
            .broadcast_add(&self.bias)
    }
}

/// One pre-norm encoder layer: causal self-attention, then a feed-forward step.
struct Layer {
    attention_norm: Norm,
    qkv: Linear,
    mixed: Linear,
    feed_norm: Norm,
    up: Linear,
    down: Linear,
}

impl Layer {
    fn new(vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            attention_norm: Norm::new(vb.pp("attention_norm"))?,
            qkv: linear(WIDTH, 3 * WIDTH, vb.pp("qkv"))?,
            mixed: linear(WIDTH, WIDTH, vb.pp("mixed"))?,
            feed_norm: Norm::new(vb.pp("feed_norm"))?,
            up: linear(WIDTH, FEED_FORWARD, vb.pp("up"))?,
            down: linear(FEED_FORWARD, WIDTH, vb.pp("down"))?,
        })
    }

    /// `(passes, len, WIDTH)` → the same, each token reading itself and the tokens before it.
    fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, t, _) = x.dims3()?;
        let per_head = WIDTH / HEADS;
        let qkv = self
            .qkv
            .forward(&self.attention_norm.forward(x)?)?
            .reshape((b, t, 3, HEADS, per_head))?;
        let part = |i: usize| {
            qkv.narrow(2, i, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (part(0)?, part(1)?, part(2)?);
        let scores = (q.matmul(&k.t()?)? / (per_head as f64).sqrt())?.broadcast_add(mask)?;
        let weights = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let read = weights
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((b, t, WIDTH))?;
        let x = (x + self.mixed.forward(&read)?)?;
        let h = self.up.forward(&self.feed_norm.forward(&x)?)?.gelu()?;
        x + self.down.forward(&h)?
    }
}

/// `(len, len)`: 0 where a token may read another (itself and earlier ones), `MASKED` after.
fn causal_mask(len: usize, device: &Device) -> Result<Tensor> {
    let cells = (0..len * len)
        .map(|i| if i % len > i / len { MASKED } else { 0.0 })
        .collect();
    Tensor::from_vec(cells, (len, len), device)
}

/// Each scored event's negative log-likelihood of each field: `(events, 3 + roles)`, the
/// columns type, amount, gap, then one per role.
pub type FieldSurprise = Tensor;

pub struct BehaviourNet {
    kind: Embedding,
    amount: Embedding,
    gap: Embedding,
    hour: Embedding,
    position: Embedding,
    role_state: Embedding,
    role_bucket: Embedding,
    /// The time encoder: the log of the gap since the previous event, as a direction.
    time: Linear,
    layers: Vec<Layer>,
    norm: Norm,
    kind_head: Linear,
    amount_head: Linear,
    gap_head: Linear,
    role_head: Linear,
    roles: usize,
}

impl BehaviourNet {
    pub fn new(classes: Classes, vb: VarBuilder) -> Result<Self> {
        let roles = classes.roles;
        Ok(Self {
            kind: embedding(classes.types + 1, WIDTH, vb.pp("kind"))?,
            amount: embedding(classes.amounts, WIDTH, vb.pp("amount"))?,
            gap: embedding(GAP_CLASSES, WIDTH, vb.pp("gap"))?,
            hour: embedding(HOUR_CLASSES, WIDTH, vb.pp("hour"))?,
            position: embedding(MAX_PASS_TOKENS, WIDTH, vb.pp("position"))?,
            role_state: embedding((roles * ROLE_STATES).max(1), WIDTH, vb.pp("role_state"))?,
            role_bucket: embedding(1 + roles * HASH_BUCKETS, WIDTH, vb.pp("role_bucket"))?,
            time: linear(1, WIDTH, vb.pp("time"))?,
            layers: (0..LAYERS)
                .map(|i| Layer::new(vb.pp(format!("layer{i}"))))
                .collect::<Result<_>>()?,
            norm: Norm::new(vb.pp("norm"))?,
            kind_head: linear(WIDTH, classes.types, vb.pp("kind_head"))?,
            amount_head: linear(WIDTH, classes.amounts, vb.pp("amount_head"))?,
            gap_head: linear(WIDTH, GAP_CLASSES, vb.pp("gap_head"))?,
            role_head: linear(WIDTH, (roles * ROLE_STATES).max(1), vb.pp("role_head"))?,
            roles,
        })
    }

    /// Every token's reading of its pass so far: `(passes * len, WIDTH)`.
    pub fn hidden(&self, batch: &TokenBatch, device: &Device) -> Result<Tensor> {
        let (b, t, r) = (batch.passes, batch.len, batch.roles);
        let ids = |v: &[u32]| Tensor::from_slice(v, (b, t), device);
        let mut x = self.kind.forward(&ids(&batch.kind)?)?;
        x = (x + self.amount.forward(&ids(&batch.amount)?)?)?;
        x = (x + self.gap.forward(&ids(&batch.gap)?)?)?;
        x = (x + self.hour.forward(&ids(&batch.hour)?)?)?;
        x = (x + self.position.forward(&ids(&batch.position)?)?)?;
        x = (x + self
            .time
            .forward(&Tensor::from_slice(&batch.log_gap, (b, t, 1), device)?)?)?;
        if r > 0 {
            let per_role = |table: &Embedding, v: &[u32]| {
                table
                    .forward(&Tensor::from_slice(v, (b, t, r), device)?)?
                    .sum(2)
            };
            x = (x + per_role(&self.role_state, &batch.role_state)?)?;
            x = (x + per_role(&self.role_bucket, &batch.role_bucket)?)?;
        }
        let mask = causal_mask(t, device)?;
        for layer in &self.layers {
            x = layer.forward(&x, &mask)?;
        }
        self.norm.forward(&x)?.reshape((b * t, WIDTH))
    }

    /// The reading each scored event is predicted from (the token before it), out of every
    /// token's `hidden` reading: `(events, WIDTH)`.
    fn before_scored(&self, hidden: &Tensor, batch: &TokenBatch) -> Result<Tensor> {
        let from = &batch.predicted.from_token;
        hidden.index_select(&Tensor::from_slice(from, from.len(), hidden.device())?, 0)
    }

    /// Each scored event's surprise (`surprise`) and its own reading (what the model has read
    /// of the account up to and including it: `(events, WIDTH)`), from one pass of the
    /// encoder.
    pub fn surprise_and_readings(
        &self,
        batch: &TokenBatch,
        device: &Device,
    ) -> Result<(FieldSurprise, Tensor)> {
        let hidden = self.hidden(batch, device)?;
        let surprise = self.surprise_from(&hidden, batch)?;
        Ok((surprise, own_readings(&hidden, batch)?))
    }

    /// Each scored event's most likely type class, as the model saw it before reading it.
    pub fn predicted_types(&self, batch: &TokenBatch, device: &Device) -> Result<Vec<u32>> {
        let h = self.before_scored(&self.hidden(batch, device)?, batch)?;
        self.kind_head.forward(&h)?.argmax(1)?.to_vec1::<u32>()
    }

    /// What the model expects of the event after each of `cells` (flat token positions, the
    /// last token each pass read): the probabilities of its type class and of its gap class,
    /// `(cells, types)` and `(cells, GAP_CLASSES)`.
    pub fn next_event(
        &self,
        batch: &TokenBatch,
        cells: &[u32],
        device: &Device,
    ) -> Result<(Tensor, Tensor)> {
        let hidden = self.hidden(batch, device)?;
        let h = hidden.index_select(&Tensor::from_slice(cells, cells.len(), device)?, 0)?;
        let p = |head: &Linear| candle_nn::ops::softmax(&head.forward(&h)?, D::Minus1);
        Ok((p(&self.kind_head)?, p(&self.gap_head)?))
    }

    /// How unlikely each scored event's fields were given what came before it in its pass.
    pub fn surprise(&self, batch: &TokenBatch, device: &Device) -> Result<FieldSurprise> {
        self.surprise_from(&self.hidden(batch, device)?, batch)
    }

    /// `surprise`, from every token's `hidden` reading.
    fn surprise_from(&self, hidden: &Tensor, batch: &TokenBatch) -> Result<FieldSurprise> {
        let s = &batch.predicted;
        let n = s.event.len();
        let device = hidden.device();
        let h = self.before_scored(hidden, batch)?;
        let nll = |head: &Linear, classes: &[u32], rows: usize| -> Result<Tensor> {
            let logits = head.forward(&h)?.reshape((rows, ()))?;
            let log_p = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
            log_p
                .gather(&Tensor::from_slice(classes, (rows, 1), device)?, 1)?
                .neg()
        };
        let mut fields = vec![
            nll(&self.kind_head, &s.kind, n)?,
            nll(&self.amount_head, &s.amount, n)?,
            nll(&self.gap_head, &s.gap, n)?,
        ];
        if self.roles > 0 {
            let roles = nll(&self.role_head, &s.role_state, n * self.roles)?;
            fields.push(roles.reshape((n, self.roles))?);
        }
        Tensor::cat(&fields, 1)
    }
}

/// Each scored event's own reading out of every token's `hidden` one: the token after the
/// one it is predicted from.
fn own_readings(hidden: &Tensor, batch: &TokenBatch) -> Result<Tensor> {
    let own: Vec<u32> = batch.predicted.from_token.iter().map(|t| t + 1).collect();
    let n = own.len();
    hidden.index_select(&Tensor::from_vec(own, n, hidden.device())?, 0)
}
