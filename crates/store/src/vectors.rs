//! Item embeddings as both adapters store them: little-endian f32 bytes, checked on the way in
//! (a vector that cannot be compared later is refused now) and on the way out.

use domain::{Error, Result};

use crate::error::corrupt;

/// Most dimensions a stored vector may have (common embedding models use 384 to 3072).
pub const MAX_VECTOR_DIMS: usize = 4096;
/// Longest model name stored with a vector.
pub const MAX_MODEL_CHARS: usize = 256;

/// An item's embedding under one model, with the hash of the text it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemVector {
    pub sku: String,
    pub model: String,
    /// A digest of the embedded text (SHA-256 in practice): a different text, a different hash.
    pub text_hash: Vec<u8>,
    pub vector: Vec<f32>,
}

/// The bytes stored for `vector`: each value as 4 little-endian bytes, in order.
pub fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The vector stored as `bytes`; `None` when they are not whole, finite f32 values.
pub fn decode(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let vector: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    vector.iter().all(|v| v.is_finite()).then_some(vector)
}

pub(crate) fn decode_stored(bytes: &[u8]) -> Result<Vec<f32>> {
    decode(bytes).ok_or_else(|| corrupt("item vector"))
}

/// Checks a batch and keeps the last vector per (SKU, model), sorted by key: one statement never
/// touches a row twice, and concurrent writers lock rows in the same order.
pub(crate) fn prepare(vectors: &[ItemVector]) -> Result<Vec<&ItemVector>> {
    for (i, v) in vectors.iter().enumerate() {
        let row = i + 1;
        if v.sku.trim().is_empty() || v.model.trim().is_empty() || v.model.chars().count() > MAX_MODEL_CHARS {
            return Err(Error::validation(format!("row {row}: a vector needs a SKU and a model")));
        }
        if v.text_hash.is_empty() || v.text_hash.len() > 64 {
            return Err(Error::validation(format!("row {row}: the text hash has 1 to 64 bytes")));
        }
        if v.vector.is_empty() || v.vector.len() > MAX_VECTOR_DIMS {
            return Err(Error::validation(format!("row {row}: a vector has 1 to {MAX_VECTOR_DIMS} dimensions")));
        }
        if !v.vector.iter().all(|x| x.is_finite()) {
            return Err(Error::validation(format!("row {row}: a vector holds only finite numbers")));
        }
    }
    let mut last: std::collections::BTreeMap<(&str, &str), &ItemVector> = std::collections::BTreeMap::new();
    for v in vectors {
        last.insert((v.sku.as_str(), v.model.as_str()), v);
    }
    Ok(last.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(sku: &str, values: Vec<f32>) -> ItemVector {
        ItemVector { sku: sku.into(), model: "m".into(), text_hash: vec![1; 32], vector: values }
    }

    #[test]
    fn vectors_round_trip_as_little_endian_f32() {
        let values = vec![1.0, -0.5, 0.0, f32::MIN_POSITIVE, 3.25e-7];
        let bytes = encode(&values);
        assert_eq!(bytes.len(), 20);
        assert_eq!(&bytes[..4], &[0x00, 0x00, 0x80, 0x3f], "1.0 in little-endian order");
        assert_eq!(decode(&bytes), Some(values));
    }

    #[test]
    fn torn_or_non_finite_bytes_do_not_decode() {
        assert_eq!(decode(&[0, 0, 0x80]), None, "not whole values");
        assert_eq!(decode(&encode(&[f32::NAN])), None);
        assert_eq!(decode(&encode(&[1.0, f32::INFINITY])), None);
        assert_eq!(decode(&[]), Some(vec![]));
    }

    #[test]
    fn a_batch_is_checked_and_the_last_vector_per_key_wins() {
        let batch = [vector("B", vec![1.0]), vector("A", vec![2.0]), vector("B", vec![3.0])];
        let kept = prepare(&batch).unwrap();
        let kept: Vec<(&str, f32)> = kept.iter().map(|v| (v.sku.as_str(), v.vector[0])).collect();
        assert_eq!(kept, [("A", 2.0), ("B", 3.0)]);
        for bad in [
            vector("A", vec![]),
            vector("A", vec![f32::NAN]),
            vector("A", vec![0.0; MAX_VECTOR_DIMS + 1]),
            vector(" ", vec![1.0]),
            ItemVector { text_hash: vec![], ..vector("A", vec![1.0]) },
        ] {
            assert!(prepare(&[vector("ok", vec![1.0]), bad]).unwrap_err().detail().starts_with("row 2:"));
        }
    }
}
