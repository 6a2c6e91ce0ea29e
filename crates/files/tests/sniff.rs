//! Specifications of content sniffing: what each kind looks like, and that streaming in chunks
//! of any size gives the same answer as the whole buffer.

mod sniff {
    mod kinds;
    mod props;
    mod samples;
    mod streaming;
}
