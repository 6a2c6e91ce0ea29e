//! OpenAI's embeddings wire format: `{"model", "input": [...]}` out, `{"data": [{"index",
//! "embedding": [...]}]}` back. Decoding checks everything a later cosine relies on.

use serde::{Deserialize, Serialize};

use super::error::EmbedError;

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a [String],
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    index: usize,
    embedding: Vec<f64>,
}

pub fn encode(model: &str, inputs: &[String]) -> Vec<u8> {
    // Serialising strings and a slice of strings cannot fail.
    serde_json::to_vec(&Request { model, input: inputs }).unwrap_or_default()
}

/// One vector per input, in input order. Refused: not the expected JSON, a missing or repeated
/// index, vectors of different lengths, more than `max_dims` values, or a value that is not a
/// finite f32.
pub fn decode(body: &[u8], inputs: usize, max_dims: usize) -> Result<Vec<Vec<f32>>, EmbedError> {
    let response: Response =
        serde_json::from_slice(body).map_err(|e| EmbedError::BadBody(format!("not an embeddings response: {e}")))?;
    if response.data.len() != inputs {
        return Err(EmbedError::BadBody(format!("{} vectors for {inputs} inputs", response.data.len())));
    }
    let mut out: Vec<Option<Vec<f32>>> = vec![None; inputs];
    let mut dims = None;
    for datum in response.data {
        let slot = out.get_mut(datum.index).ok_or_else(|| EmbedError::BadBody(format!("index {}", datum.index)))?;
        if slot.is_some() {
            return Err(EmbedError::BadBody(format!("index {} twice", datum.index)));
        }
        let len = datum.embedding.len();
        if len == 0 || len > max_dims {
            return Err(EmbedError::BadBody(format!("a vector of {len} dimensions (1 to {max_dims} accepted)")));
        }
        if *dims.get_or_insert(len) != len {
            return Err(EmbedError::BadBody("vectors of different dimensions".into()));
        }
        let vector: Vec<f32> = datum.embedding.iter().map(|v| *v as f32).collect();
        if !vector.iter().all(|v| v.is_finite()) {
            return Err(EmbedError::BadBody("a value that is not a finite number".into()));
        }
        *slot = Some(vector);
    }
    // Every slot is filled: as many distinct in-range indices as inputs.
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_model_and_inputs() {
        let body: serde_json::Value = serde_json::from_slice(&encode("m", &["a".into(), "b".into()])).unwrap();
        assert_eq!(body, serde_json::json!({"model": "m", "input": ["a", "b"]}));
    }

    #[test]
    fn vectors_come_back_in_input_order_whatever_the_answer_order() {
        let body = br#"{"object":"list","data":[{"index":1,"embedding":[0.0,1.0]},{"index":0,"embedding":[1.0,0.5]}],"model":"m"}"#;
        assert_eq!(decode(body, 2, 8).unwrap(), [vec![1.0, 0.5], vec![0.0, 1.0]]);
    }

    #[test]
    fn malformed_answers_are_refused() {
        let cases: [(&[u8], &str); 8] = [
            (b"<html>", "not an embeddings response"),
            (br#"{"data":[{"index":0,"embedding":[1.0]}]}"#, "1 vectors for 2 inputs"),
            (br#"{"data":[{"index":0,"embedding":[1.0]},{"index":0,"embedding":[1.0]}]}"#, "twice"),
            (br#"{"data":[{"index":0,"embedding":[1.0]},{"index":5,"embedding":[1.0]}]}"#, "index 5"),
            (br#"{"data":[{"index":0,"embedding":[1.0]},{"index":1,"embedding":[1.0,2.0]}]}"#, "different"),
            (br#"{"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]}"#, "0 dimensions"),
            (br#"{"data":[{"index":0,"embedding":[1e39]},{"index":1,"embedding":[1.0]}]}"#, "finite"),
            (br#"{"data":[{"index":0,"embedding":[1,2,3,4,5,6,7,8,9]},{"index":1,"embedding":[1]}]}"#, "9 dimensions"),
        ];
        for (body, expected) in cases {
            let err = decode(body, 2, 8).unwrap_err().to_string();
            assert!(err.contains(expected), "{}: {err}", String::from_utf8_lossy(body));
        }
    }
}
