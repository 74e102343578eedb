"""Vietnamese names, places, events and sentence patterns the replica writes its articles from.

Every name here comes from ../shared/portal-spec.md ("Realistic names for generated content") or is a
plain Vietnamese word of administration; nothing is real news.
"""

from __future__ import annotations

SITE_TITLE = "Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa"

# The slogan under the site title changes over the years; keyed by the first year it was shown.
SLOGANS = {
    2015: "THỌ XUÂN - QUÊ HƯƠNG HAI VUA",
    2018: "ĐOÀN KẾT - DÂN CHỦ - KỶ CƯƠNG - SÁNG TẠO - PHÁT TRIỂN",
    2021: "XÂY DỰNG THỌ XUÂN TRỞ THÀNH THỊ XÃ TRƯỚC NĂM 2025",
    2024: "THỌ XUÂN - ĐẤT ĐẾ VƯƠNG, VỮNG BƯỚC ĐI LÊN",
}

# The label printed above every headline of the new template, whatever the category.
FIXED_LABEL = "Chiến lược - Định Hướng - Quy hoạch"

PEOPLE = [
    ("Lê Đình Hải", "Bí thư Huyện ủy, Chủ tịch HĐND huyện"),
    ("Hoàng Văn Đồng", "Chủ tịch UBND huyện"),
    ("Lê Thị Hạnh", "Phó Chủ tịch HĐND huyện"),
    ("Thái Xuân Cường", "Phó Chủ tịch UBND huyện"),
    ("Nguyễn Hữu Dũng", "Trưởng Ban Tuyên giáo Huyện ủy"),
    ("Nguyễn Ngọc Thức", "Phó Bí thư Thường trực Huyện ủy"),
    ("Phạm Mai Anh", "Trưởng phòng Văn hóa và Thông tin huyện"),
]

TOWNS = ["thị trấn Thọ Xuân", "thị trấn Lam Sơn", "thị trấn Sao Vàng"]
COMMUNES = ["xã Xuân Lập", "xã Xuân Lai", "xã Thọ Lập", "xã Xuân Hòa", "xã Xuân Hồng", "xã Thọ Hải",
            "xã Trường Xuân", "xã Thọ Diên", "xã Xuân Phả"]
PLACES = TOWNS + COMMUNES

EVENTS = ["Lễ hội Lê Hoàn", "Lễ hội Lam Kinh", "Hội nghị Ban Chấp hành Đảng bộ huyện",
          "Đại hội Thể dục thể thao huyện", "Hội nghị sơ kết công tác xây dựng nông thôn mới nâng cao",
          "Hội chợ sản phẩm OCOP", "Lễ dâng hương tại Đền thờ Lê Hoàn",
          "Hội nghị tổng kết công tác cải cách hành chính"]

TOPICS = {
    "xay-dung-dang": ["công tác xây dựng Đảng", "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                      "kết nạp đảng viên mới", "kiểm tra, giám sát của Đảng", "Nghị quyết Đại hội Đảng bộ huyện"],
    "kinh-te-xa-hoi": ["xây dựng nông thôn mới nâng cao", "phát triển sản phẩm OCOP", "thu ngân sách nhà nước",
                       "chuyển đổi số", "giải phóng mặt bằng Khu công nghiệp Lam Sơn - Sao Vàng",
                       "sản xuất vụ Chiêm Xuân"],
    "tin-van-hoa-amp;-the-thao": ["phong trào văn hóa, văn nghệ", "giải bóng đá thanh niên", "bảo tồn di tích lịch sử",
                                  "Lễ hội Lê Hoàn", "hội thi hát dân ca"],
    "chien-luoc-dinh-huong-quy-hoach": ["quy hoạch chung đô thị Thọ Xuân", "quy hoạch sử dụng đất",
                                        "định hướng phát triển du lịch Lam Kinh", "chiến lược phát triển công nghiệp",
                                        "kế hoạch đầu tư công trung hạn"],
}

TITLE_PATTERNS = [
    "{person} dự {event} tại {place} ngày {day}/{month}",
    "Huyện Thọ Xuân đẩy mạnh {topic} trong {half} năm {year}",
    "{place_cap} tổ chức {event} năm {year}",
    "{place_cap} triển khai {topic} với {number} hộ dân tham gia",
    "Đoàn công tác của huyện kiểm tra {topic} tại {place} ngày {day}/{month}/{year}",
    "Thọ Xuân: kết quả {topic} trong {half} năm {year}",
    "Hội nghị triển khai {topic} tại {place} năm {year}",
    "{place_cap}: {small} kết quả nổi bật về {topic} năm {year}",
    "Đồng chí {person} làm việc với {place} về {topic}",
    "{event} lần thứ {number} tại {place}",
    "Thọ Xuân tăng cường {topic}, hoàn thành {number} chỉ tiêu",
    "Tuyên truyền {topic} đến {number} hộ dân {place}",
]

LONG_TITLE_TAIL = ("góp phần thực hiện thắng lợi Nghị quyết Đại hội Đảng bộ huyện lần thứ XXVIII, "
                   "nhiệm kỳ 2020 - 2025, xây dựng huyện Thọ Xuân trở thành thị xã trước năm 2025 "
                   "và phát triển nhanh, bền vững")

SENTENCES = [
    "Tham dự có đồng chí {person}, {role}.",
    "Năm {year}, {place} đã hoàn thành {number} chỉ tiêu về {topic}, vượt kế hoạch đề ra.",
    "Theo báo cáo, toàn huyện có {number} hộ dân tham gia {topic}, tăng {small} hộ so với cùng kỳ.",
    "Phát biểu tại buổi làm việc, đồng chí {person} ghi nhận những kết quả mà {place} đã đạt được.",
    "Đồng chí đề nghị các cấp ủy, chính quyền tiếp tục quan tâm chỉ đạo {topic}.",
    "Ban tổ chức đã trao {small} giải nhất, {small} giải nhì cho các tập thể và cá nhân.",
    "Dịp này, {place} được UBND tỉnh Thanh Hóa tặng Bằng khen vì có thành tích xuất sắc.",
    "Tổng kinh phí thực hiện đạt {number} triệu đồng, trong đó nhân dân đóng góp {small} tỷ đồng.",
    "{event} thu hút hàng nghìn người dân và du khách thập phương về dự.",
    "Trong {half} năm {year}, huyện đã tổ chức {small} hội nghị chuyên đề về {topic}.",
    "Đến nay, toàn huyện có 27 xã và 3 thị trấn, trong đó {small} xã đạt chuẩn nông thôn mới nâng cao.",
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết về {topic}.",
    "Huyện ủy Thọ Xuân yêu cầu các tổ chức cơ sở đảng nghiêm túc quán triệt, triển khai thực hiện.",
    "Khu di tích lịch sử Lam Kinh và Đền thờ Lê Hoàn tại xã Xuân Lập là điểm đến của nhiều đoàn khách.",
]

LEADS = [
    "Ngày {day}/{month}/{year}, tại {place}, {organiser} đã tổ chức {event}.",
    "Sáng ngày {day}/{month}/{year}, {organiser} tổ chức hội nghị về {topic}.",
    "Thực hiện kế hoạch của Huyện ủy, trong những năm qua {place} đã tập trung {topic}.",
]

ORGANISERS = ["UBND huyện Thọ Xuân", "Huyện ủy Thọ Xuân", "Ban Thường vụ Huyện ủy", "Đảng ủy {place}",
              "Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện"]

AUTHORS = [
    "Đỗ Duy Nhã, Trung tâm VHTT, TT và DL huyện Thọ Xuân",
    "Phạm Mai Anh - Phòng Văn hóa và Thông tin huyện",
    "Thái Xuân Cường (Văn phòng HĐND - UBND huyện)",
    "Nguyễn Ngọc Thức, Ban Tuyên giáo Huyện ủy",
    "Lê Thị Hạnh",
]

CAPTIONS = [
    "Đồng chí {person}, {role} phát biểu tại {event}",
    "Các đại biểu dự {event}",
    "Quang cảnh {event} tại {place}",
    "Lãnh đạo huyện trao Bằng khen cho các tập thể có thành tích xuất sắc",
    "Người dân {place} tham gia {topic}",
]

IMAGE_STEMS = ["bch", "hoi nghi", "Le hoi Le Hoan", "DSC0{n}", "IMG_20{n}", "anh (1)", "toan canh", "ocop {n}"]

DOCUMENT_KINDS = [
    ("Quyết định", "QĐ-UBND"), ("Kế hoạch", "KH-UBND"), ("Thông báo", "TB-UBND"),
    ("Báo cáo", "BC-UBND"), ("Nghị quyết", "NQ-HĐND"), ("Công văn", "UBND-VP"),
]

DOCUMENT_SUBJECTS = ["phê duyệt quy hoạch chung đô thị Thọ Xuân", "tổ chức Lễ hội Lê Hoàn",
                     "triển khai xây dựng nông thôn mới nâng cao", "giao chỉ tiêu thu ngân sách",
                     "kiện toàn Ban Chỉ đạo chuyển đổi số", "công bố thủ tục hành chính",
                     "lịch tiếp công dân của Chủ tịch UBND huyện"]

POLL_QUESTION = "Bạn đánh giá thế nào về giao diện mới của Cổng thông tin?"
POLL_ANSWERS = ["Rất đẹp", "Đẹp", "Bình thường", "Chưa đẹp"]

BOOK_TITLE = "Lịch sử Đảng bộ huyện Thọ Xuân"
BOOK_CHAPTERS = {
    1: ["Phần mở đầu", "Chương I: Vùng đất, con người Thọ Xuân", "Chương II: Đảng bộ huyện ra đời", "Phần kết"],
    2: ["Phần mở đầu", "Chương I: Thọ Xuân trong kháng chiến chống thực dân Pháp",
        "Chương II: Thọ Xuân trong kháng chiến chống Mỹ, cứu nước", "Phần kết"],
    # Two chapters of volume 3 share a title: the second gets the "(1)" slug the real portal shows.
    3: ["Phần mở đầu", "Chương I: Thọ Xuân trong thời kỳ đổi mới", "Phần mở đầu", "Phần kết"],
}

STATIC_PAGES = [
    ("chuc-nang-nhiem-vu", "Chức năng nhiệm vụ"),
    ("gioi-thieu-chung", "Giới thiệu chung"),
    ("dieu-kien-tu-nhien", "Điều kiện tự nhiên"),
]
