/// The language a message is written in, for the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Indonesian,
    English,
    Chinese,
}

/// Words common in Indonesian requests and rare in English ones.
const INDONESIAN: [&str; 24] = [
    "cari",
    "carikan",
    "harga",
    "berapa",
    "stok",
    "untuk",
    "laporan",
    "penjualan",
    "pesanan",
    "proses",
    "tolong",
    "ada",
    "habis",
    "catat",
    "daftar",
    "minggu",
    "bulan",
    "hari",
    "ini",
    "barang",
    "pelanggan",
    "halo",
    "bantuan",
    "kosong",
];

impl Language {
    pub fn detect(text: &str) -> Self {
        if text.chars().any(is_cjk) {
            return Language::Chinese;
        }
        let lower = text.to_lowercase();
        let hits = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| INDONESIAN.contains(w)).count();
        if hits > 0 { Language::Indonesian } else { Language::English }
    }
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(Language::detect("雪碧 330 一箱"), Language::Chinese);
        assert_eq!(Language::detect("harga aqua 600ml untuk toko maju"), Language::Indonesian);
        assert_eq!(Language::detect("price of aqua for Toko Maju"), Language::English);
    }
}
