//! What a model with a next-event head (the behaviour model) expects of an account after a
//! cut-off, in a form behaviour prediction (`predict`) reads beside its own features.

/// The next-event head's expectations of each asked account, in the order asked.
#[derive(Debug)]
pub struct NextEventOutlook {
    /// The model's named types: type class `t + 1` is `types[t]`, class 0 every other type.
    pub types: Vec<String>,
    /// `asked × (types.len() + 1)`: the probability of each type class.
    pub type_p: Vec<f32>,
    /// `asked × GAP_CLASSES`: the probability of each gap class.
    pub gap_p: Vec<f32>,
}

impl NextEventOutlook {
    pub fn type_classes(&self) -> usize {
        self.types.len() + 1
    }

    /// The name of type class `class`, `None` for the class of every other type.
    pub fn type_name(&self, class: usize) -> Option<&str> {
        class
            .checked_sub(1)
            .and_then(|t| self.types.get(t))
            .map(String::as_str)
    }
}
