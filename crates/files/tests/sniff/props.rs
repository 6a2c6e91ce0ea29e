//! Chunking invariance over arbitrary bytes, and over mutated real samples so that the ZIP
//! scanner's states are exercised rather than refused at byte 0.

use super::samples;
use files::sniff::{FileKind, Sniffer, Unrecognized, sniff};
use proptest::prelude::*;

/// Feeds `bytes` split at the given cut points (sorted, clamped), stopping at the first refusal.
fn sniff_split(bytes: &[u8], cuts: &[usize]) -> Result<FileKind, Unrecognized> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut sniffer = Sniffer::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        sniffer.feed(&bytes[start..cut])?;
        start = cut;
    }
    sniffer.finish()
}

/// A sample with a few bytes overwritten and possibly truncated.
fn mutated_sample() -> impl Strategy<Value = Vec<u8>> {
    let sample = prop::sample::select(samples::all().into_iter().map(|(_, b, _)| b).collect::<Vec<_>>());
    (
        sample,
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(mut bytes, edits, cut, truncate)| {
            for (at, byte) in edits {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

fn any_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        mutated_sample(),
        // Text-like bodies, so the UTF-8 carry-over is exercised.
        ".{0,64}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn any_chunking_gives_the_same_answer_as_the_whole_buffer(
        body in any_body(),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        prop_assert_eq!(sniff_split(&body, &cuts), sniff(&body));
    }

    #[test]
    fn one_byte_chunks_give_the_same_answer_as_the_whole_buffer(body in any_body()) {
        let mut sniffer = Sniffer::new();
        let streamed = body
            .iter()
            .try_for_each(|b| sniffer.feed(&[*b]))
            .and_then(|()| sniffer.finish());
        prop_assert_eq!(streamed, sniff(&body));
    }
}
