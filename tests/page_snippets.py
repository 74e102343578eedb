"""Hand-written article pages for the tests of archive/page: one page skeleton, the parts each test varies."""

from __future__ import annotations

from archive.page.extract import extract
from archive.page.records import Page

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/kinh-te-xa-hoi/hoi-nghi-ocop.html"
CHAPTER_URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tong-quan/lich-su-dang-bo-huyen-tho-xuan/tap-1/phan-ket.html"
SITE = "Cổng thông tin điện tử huyện Thọ Xuân"
HEADLINE = "Thọ Xuân tổ chức Hội nghị phát triển sản phẩm OCOP năm 2023"
P1 = ("Theo báo cáo, toàn huyện có 120 sản phẩm OCOP được công nhận, tăng 15 sản phẩm so với cùng kỳ năm trước. "
      "Các đại biểu đã thảo luận nhiều ý kiến tâm huyết.")
P2 = ("Phát biểu tại hội nghị, đồng chí Lê Đình Hải, Bí thư Huyện ủy, đề nghị các xã, thị trấn tiếp tục quan tâm "
      "chỉ đạo, nâng cao chất lượng sản phẩm.")
P3 = "Dịp này, xã Xuân Lập được UBND tỉnh Thanh Hóa tặng Bằng khen vì có thành tích xuất sắc trong phong trào."
MENU = ('<nav><ul><li><a href="/web/trang-chu">Trang chủ</a></li><li><a href="/web/trang-chu/tin-tuc-su-kien">'
        'Tin tức - Sự kiện</a></li><li><a href="/web/trang-chu/van-ban">Văn bản</a></li>'
        '<li><a href="/web/trang-chu/tong-quan">Tổng quan</a></li></ul></nav>')
SIDEBAR = ('<aside><div>Liên kết</div><ul><li><a href="https://thanhhoa.gov.vn">Cổng thông tin điện tử tỉnh Thanh Hóa'
           '</a></li><li><a href="http://thoxuan.vn/web/trang-chu">Cổng thông tin thoxuan.vn</a></li></ul></aside>')
FOOTER = ("<footer>Cơ quan chủ quản: UBND huyện Thọ Xuân. Địa chỉ: thị trấn Thọ Xuân, huyện Thọ Xuân, tỉnh "
          "Thanh Hóa. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</footer>")
OTHERS = ('<div><h3>Các tin khác</h3><ul><li><a href="/web/trang-chu/tin-tuc-su-kien/a.html">Lễ hội Lê Hoàn năm '
          '2022 tại xã Xuân Lập</a> (01/03/2022)</li><li><a href="/web/trang-chu/tin-tuc-su-kien/b.html">Hội nghị '
          'Ban Chấp hành Đảng bộ huyện lần thứ 12</a> (02/02/2022)</li></ul></div>')


def page(article: str, title: str = f"{HEADLINE} - {SITE}", head: str = "", around: str = "",
         site_h1: bool = True) -> str:
    """A whole page: the site's name as the only <h1>, a menu, `article` in a column beside a sidebar, a footer."""
    banner = f"<h1>{SITE}</h1>" if site_h1 else f"<div>{SITE}</div>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
            f"<header>{banner}<div>THỌ XUÂN - QUÊ HƯƠNG HAI VUA</div></header>{MENU}"
            f"<div><main>{article}</main>{around}{SIDEBAR}</div>{FOOTER}</body></html>")


def read(html: str, url: str = URL, content_type: str = "text/html; charset=utf-8") -> Page:
    return extract(url, html.encode("utf-8"), content_type)
