//! Fixed replies, one per language. Plain about what the offline assistant can and cannot do.

use super::Language;

pub fn help(language: Language) -> &'static str {
    match language {
        Language::Indonesian => {
            "Saya asisten offline. Saya bisa: mencari barang dan stok (\"cari aqua 600ml\"), cek harga (\"harga aqua untuk Toko Maju\"), mencatat stok habis (\"catat stok habis aqua 10 dus untuk Toko Maju\"), laporan penjualan (\"laporan penjualan bulan ini per pelanggan\"), dan memproses lembar pesanan (\"proses pesanan untuk Toko Maju\")."
        }
        Language::English => {
            "I am the offline assistant. I can: find items and stock (\"find aqua 600ml\"), look up a price (\"price of aqua for Toko Maju\"), register out-of-stock (\"register out of stock aqua 10 for Toko Maju\"), show a sales report (\"sales report this month by customer\"), and process an order sheet (\"process this order for Toko Maju\")."
        }
        Language::Chinese => {
            "我是离线助手。我可以：查找商品和库存（“查 雪碧 330”），查询价格（“雪碧 价格 给 Toko Maju”），登记缺货（“登记缺货 雪碧 10箱 给 Toko Maju”），销售报告（“本月销售报告 按客户”），以及处理订单表（“处理订单 给 Toko Maju”）。"
        }
    }
}

pub fn cannot(language: Language) -> &'static str {
    match language {
        Language::Indonesian => {
            "Maaf, tanpa model bahasa saya hanya memahami permintaan tertentu, dan yang ini belum bisa saya kerjakan. Ketik \"bantuan\" untuk melihat apa yang bisa saya lakukan."
        }
        Language::English => {
            "Sorry, without a language model I understand only certain requests, and I cannot do this one. Type \"help\" to see what I can do."
        }
        Language::Chinese => "抱歉，没有语言模型时我只能理解特定的请求，这个我还做不到。输入“帮助”查看我能做什么。",
    }
}
