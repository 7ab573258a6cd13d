//! A dense row-major f32 matrix: the one shape every detector reads.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` values, row after row. NaN means "not defined for this row".
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// Builds a matrix from columns of equal length.
    pub fn from_columns(columns: &[Vec<f32>]) -> Self {
        let rows = columns.first().map_or(0, Vec::len);
        let cols = columns.len();
        let mut m = Self::zeros(rows, cols);
        for (j, column) in columns.iter().enumerate() {
            debug_assert_eq!(column.len(), rows);
            for (i, &v) in column.iter().enumerate() {
                m.data[i * cols + j] = v;
            }
        }
        m
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    #[inline]
    pub fn set(&mut self, row: usize, col: usize, v: f32) {
        self.data[row * self.cols + col] = v;
    }

    #[inline]
    pub fn get(&self, row: usize, col: usize) -> f32 {
        self.data[row * self.cols + col]
    }

    pub fn row_mut(&mut self, i: usize) -> &mut [f32] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Replaces every value `v` of column `j` by `f(j, v)`, where it is.
    pub fn map_in_place(&mut self, f: impl Fn(usize, f32) -> f32) {
        let cols = self.cols.max(1);
        for row in self.data.chunks_mut(cols) {
            for (j, v) in row.iter_mut().enumerate() {
                *v = f(j, *v);
            }
        }
    }

    pub fn column(&self, j: usize) -> impl Iterator<Item = f32> + '_ {
        (0..self.rows).map(move |i| self.data[i * self.cols + j])
    }

    /// The rows at `indices`, in that order.
    pub fn select_rows(&self, indices: &[usize]) -> Self {
        let mut data = Vec::with_capacity(indices.len() * self.cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Self {
            rows: indices.len(),
            cols: self.cols,
            data,
        }
    }

    /// The first `n` columns (all of them when there are fewer).
    pub fn first_columns(&self, n: usize) -> Self {
        if n >= self.cols {
            return self.clone();
        }
        let mut data = Vec::with_capacity(self.rows * n);
        for i in 0..self.rows {
            data.extend_from_slice(&self.row(i)[..n]);
        }
        Self {
            rows: self.rows,
            cols: n,
            data,
        }
    }

    /// This matrix with `extra`'s columns appended (same number of rows).
    pub fn hstack(&self, extra: &Matrix) -> Self {
        assert_eq!(self.rows, extra.rows, "hstack needs equal row counts");
        let cols = self.cols + extra.cols;
        let mut data = Vec::with_capacity(self.rows * cols);
        for i in 0..self.rows {
            data.extend_from_slice(self.row(i));
            data.extend_from_slice(extra.row(i));
        }
        Self {
            rows: self.rows,
            cols,
            data,
        }
    }
}

/// Rows gathered into groups and averaged: each group's mean row, zeros for a group that got
/// none (a network's reading of each account, from the readings of its events).
pub struct GroupMeans {
    sum: Matrix,
    count: Vec<usize>,
}

impl GroupMeans {
    pub fn new(groups: usize, width: usize) -> Self {
        Self {
            sum: Matrix::zeros(groups, width),
            count: vec![0; groups],
        }
    }

    pub fn add(&mut self, group: usize, row: &[f32]) {
        self.count[group] += 1;
        for (acc, &v) in self.sum.row_mut(group).iter_mut().zip(row) {
            *acc += v;
        }
    }

    pub fn means(mut self) -> Matrix {
        for (g, &n) in self.count.iter().enumerate().filter(|(_, n)| **n > 0) {
            for v in self.sum.row_mut(g) {
                *v /= n as f32;
            }
        }
        self.sum
    }
}
