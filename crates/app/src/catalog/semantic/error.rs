//! Why an embeddings call failed. Logged in full on the server; a search never passes it on.

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the embeddings endpoint did not answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error("could not reach the embeddings endpoint: {0}")]
    Transport(String),
    #[error("the embeddings endpoint answered {status}: {detail}")]
    Status { status: u16, detail: String },
    #[error("the embeddings endpoint answered with an unusable body: {0}")]
    BadBody(String),
}
