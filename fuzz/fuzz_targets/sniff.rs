//! Any body, split in two at a point chosen by its first byte: streaming must give the same
//! answer as sniffing the whole buffer.

#![no_main]

use files::sniff::{Sniffer, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(&first) = data.first() else {
        assert!(sniff(data).is_err(), "empty body accepted");
        return;
    };
    let split = usize::from(first) % data.len();
    let mut sniffer = Sniffer::new();
    let streamed = sniffer
        .feed(&data[..split])
        .and_then(|()| sniffer.feed(&data[split..]))
        .and_then(|()| sniffer.finish());
    assert_eq!(streamed, sniff(data), "split at {split}");
});
