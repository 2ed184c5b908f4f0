"""The demo data's documents, from the seed texts in ``shared/seeds``.

The department plan is seed ``000_a6e63ffcbd326bba.txt``: a plan "thực hiện Kế hoạch số
28/KH-UBND" whose section II has five numbered sections of bullet tasks. The seed names
neither its number nor the agencies and timeframes of each bullet; those below are what
such a plan assigns (agencies from the registry, timeframes in the plans' own words),
and the plan's number is illustrative.
"""

import datetime

DIRECTIVE = {
    "kind": "chi_thi",
    "symbol": "16/CT-TTg",
    "issuer": "Thủ tướng Chính phủ",
    "issued_on": datetime.date(2017, 5, 4),
    "title": "Về việc tăng cường năng lực tiếp cận cuộc Cách mạng công nghiệp lần thứ 4",
}

PROVINCE = "Ủy ban nhân dân tỉnh Vĩnh Long"

PLANS = [
    {
        "symbol": "1091/KH-UBND",
        "issuer": PROVINCE,
        "issued_on": datetime.date(2017, 6, 21),
        "title": (
            "Kế hoạch thực hiện Chỉ thị số 16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ về việc tăng cường "
            "năng lực tiếp cận cuộc Cách mạng công nghiệp lần thứ 4"
        ),
        "purpose": (
            "Mỗi cơ quan, đơn vị, đặc biệt là thủ trưởng, người đứng đầu cơ quan, đơn vị phải nhận thức đúng đắn, toàn "
            "diện về cuộc Cách mạng công nghiệp lần thứ 4; nhận thức đúng bản chất, đặc trưng, các cơ hội và thách thức, "
            "có cách tiếp cận, giải pháp phù hợp, hiệu quả; tích cực, chủ động nắm bắt cơ hội, tổ chức thực hiện, phân "
            "bổ nguồn lực, đầu tư đón đầu xu thế của cuộc Cách mạng công nghiệp lần thứ 4 để tạo ra chuỗi giá trị cao nhất.\n\n"
            "Kế hoạch nhằm từng bước tạo sự chuyển biến tích cực về nhận thức và chủ động nắm bắt cơ hội, tận dụng tối đa "
            "các lợi thế; hạn chế tối đa những tác động tiêu cực của cuộc Cách mạng công nghiệp lần thứ 4; góp phần nâng "
            "cao hiệu quả cải cách hành chính, thực hiện mục tiêu phát triển kinh tế – xã hội, bảo đảm quốc phòng, an "
            "ninh trên địa bàn tỉnh."
        ),
        "starts_on": datetime.date(2017, 6, 21),
        "coordinator": "SKHDT",
    },
    {
        "symbol": "28/KH-UBND",
        "issuer": PROVINCE,
        "issued_on": datetime.date(2017, 8, 23),
        "title": (
            "Kế hoạch thực hiện Chỉ thị số 16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ về việc tăng cường năng lực "
            "tiếp cận cuộc Cách mạng công nghiệp lần thứ 4 trên địa bàn tỉnh Vĩnh Long"
        ),
        "purpose": (
            "Tăng cường sự chủ động của các cấp, các ngành và toàn xã hội trong việc thực hiện và phối hợp thực hiện các "
            "giải pháp nhằm nâng cao năng lực tiếp cận Cách mạng công nghiệp lần thứ 4 theo tinh thần Chỉ thị số "
            "16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ."
        ),
        "starts_on": datetime.date(2017, 8, 23),
        "coordinator": "STTTT",
    },
]

DEPARTMENT_PLAN = {
    "symbol": "125/KH-SKHCN",
    "issuer": "Sở Khoa học và Công nghệ tỉnh Vĩnh Long",
    "issuing_agency": "SKHCN",
    "issued_on": datetime.date(2017, 9, 15),
    "parent": "28/KH-UBND",
    "coordinator": "STTTT",
    "title": (
        "Kế hoạch thực hiện Kế hoạch số 28/KH-UBND ngày 23/8/2017 của Ủy ban nhân dân tỉnh Vĩnh Long về thực hiện Chỉ "
        "thị 16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ về việc tăng cường năng lực tiếp cận cuộc Cách mạng "
        "công nghiệp lần thứ 4"
    ),
    "purpose": (
        "- Chủ động nắm bắt cơ hội, tận dụng tối đa các lợi thế, đồng thời giảm thiểu những tác động tiêu cực của cuộc "
        "Cách mạng công nghiệp lần thứ 4 đối với sự phát triển kinh tế xã hội, đảm bảo quốc phòng, an ninh của tỉnh "
        "Vĩnh Long.\n"
        "- Tăng cường sự chủ động của các cấp, các ngành và toàn xã hội trong việc thực hiện và phối hợp thực hiện các "
        "giải pháp nhằm nâng cao năng lực tiếp cận Cách mạng công nghiệp lần thứ 4 theo tinh thần Chỉ thị số "
        "16/CT-TTg ngày 04/5/2017 của Thủ tướng Chính phủ.\n"
        "- Xác định các nhiệm vụ trọng tâm và các giải pháp thiết thực đáp ứng yêu cầu về đẩy mạnh ứng dụng công nghệ "
        "thông tin trong việc hình thành các hệ cơ sở dữ liệu quan trọng của các ngành, lĩnh vực hỗ trợ công tác quản "
        "lý, điều hành, đưa ra quyết định và tạo lợi thế cạnh tranh của tỉnh. Đồng thời đáp ứng yêu cầu cao hơn về bảo "
        "đảm công tác an toàn, an ninh thông tin mạng; nguồn nhân lực có kỹ năng khai thác các ứng dụng công nghệ "
        "thông tin và Internet trong cơ quan nhà nước, doanh nghiệp, tổ chức và công dân.\n"
        "- Góp phần cải thiện chỉ số năng lực cạnh tranh của tỉnh, chỉ số cải cách hành chính, chỉ số mức độ sẵn sàng "
        "cho ứng dụng và phát triển công nghệ thông tin."
    ),
    "starts_on": datetime.date(2017, 9, 15),
}

# (number, title, [tasks]); each task: (title, lead codes, cooperating codes, timeframe as written).
# Codes of groups (SBN, HUYEN) expand to every member.
# A section of work due in the coming months, its tasks dated from the day the demo is loaded (demo.live_tasks).
LIVE_SECTION = ("6", "Nhiệm vụ triển khai sau sắp xếp bộ máy")

SECTIONS = [
    (
        "1",
        "Tuyên truyền, nâng cao nhận thức về cuộc Cách mạng công nghiệp lần thứ 4",
        [
            (
                "Tổ chức các hoạt động tuyên truyền về nội dung, bản chất của cuộc Cách mạng công nghiệp lần thứ 4, những "
                "lợi thế và các tác động của Cuộc cách mạng đến đời sống kinh tế - xã hội và môi trường sản xuất, kinh doanh.",
                ["STTTT"],
                ["DPTTH", "BVL"],
                "Thường xuyên",
            ),
            (
                "Thường xuyên cập nhật xu hướng phát triển công nghệ của cuộc Cách mạng công nghiệp lần thứ 4 để phục vụ "
                "công tác tuyên truyền và định hướng đầu tư cho các doanh nghiệp trong tỉnh.",
                ["SKHCN"],
                ["STTTT", "HHDN"],
                "Hằng năm",
            ),
        ],
    ),
    (
        "2",
        "Xác định công nghệ thông tin và hạ tầng công nghệ thông tin - truyền thông là trọng tâm phát triển của cuộc "
        "Cách mạng công nghiệp lần thứ 4",
        [
            (
                "Tập trung đầu tư đồng bộ về hạ tầng công nghệ thông tin. Phát triển hạ tầng kết nối số và bảo đảm an "
                "toàn, an ninh mạng tạo điều kiện cho người dân và doanh nghiệp dễ dàng, bình đẳng trong tiếp cận các cơ "
                "hội phát triển nội dung số.",
                ["STTTT"],
                ["SKHDT", "STC"],
                "2017 - 2020",
            ),
            (
                "Đẩy mạnh ứng dụng công nghệ thông tin - truyền thông trong các cơ quan Đảng, Nhà nước, tổ chức chính trị "
                "- đoàn thể, các doanh nghiệp trong tỉnh. Trong đó chú trọng ứng dụng công nghệ thông tin trong các hoạt "
                "động quản lý nhà nước, cải cách hành chính và quản trị kinh doanh. Theo dõi, kiểm tra, đánh giá, xếp "
                "loại mức độ ứng dụng công nghệ thông tin trong cải cách hành chính của các cơ quan nhà nước. Xây dựng kế "
                "hoạch chuyển đổi số, nền quản trị thông minh.",
                ["STTTT"],
                ["SNV", "SBN", "HUYEN"],
                "Quý IV/2018",
            ),
            (
                "Đẩy mạnh việc ứng dụng công nghệ thông tin vào các hoạt động của đời sống và sản xuất kinh doanh, từ đó "
                "làm tiền đề cho việc nâng cao năng lực tiếp cận với cuộc Cách mạng công nghiệp lần thứ 4.",
                ["HUYEN"],
                ["STTTT"],
                "2018 - 2020",
            ),
        ],
    ),
    (
        "3",
        "Hỗ trợ, thúc đẩy sự phát triển của doanh nghiệp, hệ sinh thái khởi nghiệp",
        [
            (
                "Tiếp tục đẩy mạnh quán triệt và tổ chức thực hiện Nghị quyết số 19-2017/NQ-CP ngày 06/02/2017 của Chính "
                "phủ về tiếp tục thực hiện những nhiệm vụ, giải pháp chủ yếu cải thiện môi trường kinh doanh, nâng cao "
                "năng lực cạnh tranh quốc gia năm 2017, định hướng đến năm 2020; Nghị quyết số 35/NQ-CP ngày 16/5/2016 "
                "của Chính phủ về hỗ trợ và phát triển doanh nghiệp đến năm 2020; Nghị quyết số 36a/NQ-CP ngày 14/10/2015 "
                "của Chính phủ về Chính phủ điện tử nhằm cải thiện môi trường cạnh tranh kinh doanh theo hướng hiện đại "
                "để thúc đẩy sự phát triển của doanh nghiệp, tạo điều kiện cho doanh nghiệp nhanh chóng hấp thụ và phát "
                "triển được các công nghệ sản xuất mới.",
                ["SKHDT"],
                ["SBN"],
                "Hằng năm",
            ),
            (
                "Tiếp tục chủ động rà soát, bãi bỏ các điều kiện kinh doanh không còn phù hợp; sửa đổi các quy định quản "
                "lý chuyên ngành đối với hàng hóa xuất khẩu, nhập khẩu (nếu có) theo hướng đơn giản hóa và hiện đại hóa "
                "thủ tục hành chính.",
                ["SCT"],
                ["STP", "SKHDT"],
                "Trước ngày 30/6/2018",
            ),
            (
                "Thúc đẩy phát triển hệ sinh thái khởi nghiệp đổi mới sáng tạo để phát triển mạnh mẽ doanh nghiệp khởi "
                "nghiệp sáng tạo. Triển khai có kết quả tốt: Chương trình khởi nghiệp của tỉnh Vĩnh Long giai đoạn 2016 - "
                "2020 theo Quyết định số 3177/QĐ-UBND, ngày 30/12/2016; Chương trình phát triển tài sản trí tuệ theo "
                "Quyết định số 2537/QĐ-UBND, ngày 24/10/2016 của Chủ tịch Ủy ban nhân dân tỉnh.",
                ["SKHCN"],
                ["TDTN", "HHDN"],
                "2017 - 2020",
            ),
        ],
    ),
    (
        "4",
        "Ưu tiên phát triển công nghệ sinh học, công nghệ vật liệu mới, năng lượng mới",
        [
            (
                "Đẩy mạnh việc ứng dụng các kết quả nghiên cứu vào sản xuất, khuyến khích các hoạt động chuyển giao công "
                "nghệ, tạo lập môi trường đầu tư thuận lợi, phát triển mạnh ngành công nghiệp sinh học trong sản xuất, "
                "chế biến các sản phẩm chủ lực, sản phẩm cạnh tranh nhằm nâng cao năng suất, chất lượng. Thực hiện có "
                "hiệu quả Chương trình phát triển công nghệ sinh học theo Quyết định số 1091/QĐ-UBND ngày 23/5/2017 của "
                "Chủ tịch UBND tỉnh; Đề án nông nghiệp công nghệ cao theo Quyết định số 488/QĐ-UBND ngày 15/3/2017 của "
                "Chủ tịch UBND tỉnh.",
                ["SKHCN"],
                ["SNNPTNT"],
                "2017 - 2020",
            ),
            (
                "Áp dụng các công nghệ tiết kiệm năng lượng, sử dụng hợp lý nguồn tài nguyên, năng lượng tái tạo. Tư vấn "
                "hỗ trợ doanh nghiệp thực hiện Dự án Năng suất chất lượng hàng hóa theo Quyết định số 1655/QĐ-UBND, ngày "
                "03/8/2016 của Chủ tịch Ủy ban nhân dân tỉnh.",
                ["SCT"],
                ["SKHCN", "STNMT"],
                "Năm 2018",
            ),
            (
                "Xây dựng những cơ chế, chính sách khuyến khích, hỗ trợ các hoạt động nghiên cứu, ứng dụng, chuyển giao "
                "công nghệ thuộc các lĩnh vực: công nghệ sinh học, công nghệ vật liệu mới, năng lượng mới, năng lượng "
                "tái tạo.",
                ["SKHCN"],
                ["STC", "STP"],
                "Quý IV/2018",
            ),
        ],
    ),
    (
        "5",
        "Đào tạo, nâng cao trình độ nguồn nhân lực",
        [
            (
                "Tiếp tục thực hiện tốt Quy hoạch Phát triển nhân lực tỉnh Vĩnh Long giai đoạn 2011 - 2020.",
                ["SLDTBXH"],
                ["SGDDT", "SNV"],
                "2017 - 2020",
            ),
        ],
    ),
]

# One demo account per role, and a second coordinator (password Demo@2017), listed in the README.
# A title is the position only: the pages show it with the agency the account belongs to now (``User.title_line``),
# so an account moved by a merger (Sở TT&TT into Sở KH&CN, 01/03/2025, Nghị định 45/2025) reads true.
USERS = [
    ("quantri", "Nguyễn Văn Quản", "Quản trị hệ thống", "admin", None),
    ("lanhdao", "Trần Thị Lãnh", "Phó Chủ tịch UBND tỉnh", "leadership", "VPUBND"),
    ("daumoi", "Lê Văn Đầu", "Chuyên viên Phòng Công nghệ thông tin", "coordinator", "STTTT"),
    # Sở Tài chính coordinates 1091/KH-UBND since Sở KH&ĐT merged into it (01/03/2025): its reports need a reviewer there
    ("daumoi.stc", "Ngô Thị Tài", "Chuyên viên Phòng Tổng hợp", "coordinator", "STC"),
    ("truongdonvi.stttt", "Phạm Minh Trưởng", "Phó Giám đốc", "head", "STTTT"),
    ("chuyenvien.stttt", "Võ Thị Chuyên", "Chuyên viên", "officer", "STTTT"),
    ("truongdonvi.skhcn", "Đỗ Văn Khoa", "Giám đốc", "head", "SKHCN"),
    ("chuyenvien.skhcn", "Huỳnh Thị Học", "Chuyên viên", "officer", "SKHCN"),
]
DEMO_PASSWORD = "Demo@2017"  # noqa: S105 - documented demo password, refused when DEBUG is off
