"""`kb import`: one fixture per kind of damage download sites do, and the draft's contract.

Fixtures in tests/fixtures/import/ are texts written for these tests (made-up units and
facts), saved in the encoding their name says; Word and PDF files are built here from
text at test time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.check import load_project
from generator.errors import ContentErrors
from generator.importer.clean import is_gloss
from generator.rules import PLACEHOLDER
from tests.import_inputs import pdf_bytes
from tests.importing import FIXTURES, body, drafts, make_project, only_draft, run_import

SAMPLE_THEMES = {"learning-forms", "learning-philosophy", "results"}
SAMPLE_ORG_TYPES = {"urban-community", "school"}


@pytest.fixture
def project(write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project, as the current folder."""
    return make_project(write_project, monkeypatch)


def fill(text: str) -> str:
    """What an editor does: decide every marked value (here: keep it, or pick a real id)."""
    text = text.replace(PLACEHOLDER, "")
    text = re.sub(
        r"(?m)^org_type: (.*)$",
        lambda m: m.group() if m.group(1) in SAMPLE_ORG_TYPES else "org_type: school",
        text,
    )

    def themes(match: re.Match[str]) -> str:
        kept = [t for t in match.group(1).split(", ") if t in SAMPLE_THEMES]
        return f"themes: [{', '.join(kept or ['results'])}]"

    text = re.sub(r"(?m)^themes: \[(.*)\]$", themes, text)
    return re.sub(r"(?m)^cases: \[.*\]$", "cases: [river-community]", text)


# --- encodings -------------------------------------------------------------------------------


def test_gbk_page_with_site_chrome(project: Path) -> None:
    """A GBK web page: the encoding is named, the article kept, navigation and footers listed as removed."""
    result = run_import(FIXTURES / "gbk-page-with-site-chrome.html", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "编码：GBK" in result.output
    draft = only_draft(project)
    assert "读书会" in draft and "每两周围绕一本教育类书目交流一次" in draft
    for chrome in ("党建频道", "版权所有", "教师党员学习心得体会范文", "联系客服", "阅读：381"):
        assert chrome not in body(draft), chrome
        assert chrome in result.output, chrome  # listed in the report
    assert "published: 2019-05-16" in draft
    assert "title: 青禾县第二中学党支部：读书会连着课堂" in draft


def test_lying_meta_charset(project: Path) -> None:
    """A page whose meta tag says gb2312 while its bytes are UTF-8 is read as UTF-8, and the report says so."""
    result = run_import(FIXTURES / "lying-meta-charset.html", "--kind", "practice")
    assert result.exit_code == 0, result.output
    assert "编码：UTF-8" in result.output and "gb2312" in result.output
    draft = only_draft(project)
    assert "周四下午定为学习日" in draft
    assert "网站首页" not in body(draft) and "note:" not in draft


def test_big5_text(project: Path) -> None:
    """A Big5 file is detected, converted to Simplified by phrase (計畫→计划), a 「」 name kept and flagged."""
    result = run_import(FIXTURES / "big5-text.txt", "--kind", "material")
    assert result.exit_code == 0, result.output
    assert "编码：Big5" in result.output
    draft = only_draft(project)
    assert "学习计划" in draft and "計畫" not in draft and "计画" not in draft
    assert "「星火書屋」" in draft
    assert "引号中的名称保持原样" in result.output


def test_gb18030_file(project: Path) -> None:
    """A GB18030 file keeps a character GBK cannot hold, and the report names GB18030."""
    result = run_import(FIXTURES / "gb18030-file.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "编码：GB18030" in result.output
    assert "刘䶮" in only_draft(project)


# --- text damage -------------------------------------------------------------------------------


def test_glosses_removed_and_real_parentheses_survive(project: Path) -> None:
    """Pinyin glosses go; a year (2008), an English term and a list marker in brackets stay."""
    result = run_import(
        FIXTURES / "glossed-traditional-with-real-parentheses.txt", "--kind", "material"
    )
    assert result.exit_code == 0, result.output
    draft = only_draft(project)
    assert "(chuàng)" not in draft and "(xué)" not in draft
    assert "（Learning Organization）" in draft
    assert "(2008)" in draft
    assert "（一）固定学习时间" in draft and "（二）结合农时安排内容" in draft
    assert "创建学习型组织" in draft and "概念，把它" in draft  # Simplified, full-width comma
    assert "拼音注音" in result.output


def test_gloss_check_asks_pypinyin() -> None:
    """A bracket is a gloss only when it is a reading of the character before it."""
    assert is_gloss("創", "chuàng") and is_gloss("學", "xue")
    assert not is_gloss("組", "learning") and not is_gloss("年", "nian2")


def test_page_counters_and_download_prompts(project: Path) -> None:
    """Page counters, download prompts and the repeated title are removed and listed; the date bar gives the date."""
    result = run_import(FIXTURES / "page-counters-and-download-prompts.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    for prompt in (
        "已阅读",
        "下载本文档",
        "复制全文",
        "下载文档",
        "PDF转换可能丢失图片或格式",
        "第1页",
        "建议阅读原文",
    ):
        assert prompt not in draft, prompt
    assert "published:2021-03-08" in draft
    assert draft.count("石门镇党委开展“三学三比”活动的做法") == 2  # title and sources.title
    assert "学政策比服务" in draft
    assert result.output.count("与标题重复") == 2


def test_copyright_related_essays_and_footer(project: Path) -> None:
    """Disclaimers, related-essay lists, VIP adverts, tips and comment boxes are removed, each line listed."""
    result = run_import(FIXTURES / "copyright-related-essays-footer.txt", "--kind", "practice")
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    assert "楼道课堂" in draft and "防范电信诈骗" in draft
    for junk in (
        "不代表本站观点",
        "版权说明",
        "相关范文",
        "社区党建工作总结",
        "尊享会员",
        "开通VIP",
        "温馨提示",
        "提交评论",
        "0/150",
    ):
        assert junk not in draft, junk
    for line in ("第 3 行", "第 9 行", "第 12 行", "第 18 行", "第 24 行", "第 31 行"):
        assert line in result.output, line


def test_nothing_is_lost_silently(project: Path) -> None:
    """Every line of the source is either in the draft or, piece by piece, in the report's removed spans."""
    source = FIXTURES / "copyright-related-essays-footer.txt"
    result = run_import(source, "--kind", "material")
    draft = body(only_draft(project))
    removed = re.findall(r"第 (\d+) 行［[^］]*］“(.*?)”(?:（共 \d+ 字）)?$", result.output, re.M)
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        rest = re.sub(r"^\s*•\s*", "", line).strip()
        for where, text in removed:
            if int(where) == number:
                cut = text.removesuffix("…")
                rest = (
                    rest.split(cut, 1)[1]
                    if cut != text and cut in rest
                    else rest.replace(text, "", 1)
                )
        rest = re.sub(r"\s+", "", rest)
        assert not rest or rest in draft, (number, rest)


def test_keep_all_keeps_everything(project: Path) -> None:
    """With --keep-all nothing is removed: boilerplate stays in the draft and is flagged instead."""
    result = run_import(
        FIXTURES / "copyright-related-essays-footer.txt", "--kind", "material", "--keep-all"
    )
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    for junk in ("不代表本站观点", "相关范文", "开通VIP", "提交评论"):
        assert junk in draft, junk
    assert "按 --keep-all 保留" in result.output
    assert "删去的内容（1 处" in result.output  # only the title, which moved to sources.title


def test_list_numbers_stay_and_chunk_numbers_join(project: Path) -> None:
    """Page-chunk numbers inside a sentence are removed and the halves joined; real list numbers stay."""
    result = run_import(FIXTURES / "list-numbers-vs-chunk-numbers.txt", "--kind", "material")
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    assert "人人爱学习的良好氛围" in draft
    assert "督促他们把学习抓紧抓实" in draft
    assert "逐步完善相关的考核办法" in draft
    for item in ("1、坚持每月一次", "2、坚持每季度一次", "3、坚持每年一次"):
        assert item in draft, item
    assert "分页块编号" in result.output
    assert "标题序号不连续" in result.output  # 一、 then 三、
    assert "括号不成对" in result.output
    assert "文档在句子中间结束" in result.output


def test_docx_cut_into_page_chunks(project: Path, tmp_path: Path) -> None:
    """A .docx whose paragraphs a site cut into numbered page chunks is read and rejoined."""
    import docx

    document = docx.Document()
    document.add_heading("红旗社区党委建立学习档案的做法", level=1)
    document.add_paragraph(
        "1、红旗社区党委为每名党员建立了学习档案，档案里记着每次集中学习的出勤、发言和心得，"
        "每季度由支部书记审阅一次，年底作为评议党员的"
    )
    document.add_paragraph("2、重要依据。社区党委的具体要求有：")
    document.add_paragraph("1、每名党员每年至少写四篇心得。")
    document.add_paragraph("2、心得要结合自己承担的社区服务工作。")
    path = tmp_path / "docx-page-chunks.docx"
    document.save(str(path))
    result = run_import(path, "--kind", "practice")
    assert result.exit_code == 0, result.output
    assert "Word 文档" in result.output
    draft = body(only_draft(project))
    assert "年底作为评议党员的重要依据" in draft
    assert "1、每名党员每年至少写四篇心得" in draft and "2、心得要结合" in draft
    assert "title:红旗社区党委建立学习档案的做法" in draft


def test_wrongly_decoded_run_is_flagged(project: Path) -> None:
    """A mis-decoded run, a lost character shown as ? and a variant character are flagged with their line."""
    result = run_import(FIXTURES / "wrongly-decoded-run.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert re.search(r"第 3 行：疑似编码错误造成的乱码", result.output)
    assert "可能是一个无法显示的字" in result.output
    assert "“臵”是生僻字或异体字" in result.output
    assert "王?在动员会上说" in only_draft(project)  # flagged, not silently changed


def test_a_character_beyond_the_basic_plane_is_flagged_like_any_rare_one(
    project: Path, tmp_path: Path
) -> None:
    """A variant character of Extension B (𠮷 for 吉) is flagged and kept, as 臵 is."""
    source = tmp_path / "variant.txt"
    source.write_text(
        "青山村党支部学习制度\n青山村党支部书记王𠮷每月带领党员集中学习一次，学习后交流体会。\n",
        encoding="utf-8",
    )
    result = run_import(source, "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "“𠮷”是生僻字或异体字" in result.output
    assert "王𠮷每月带领党员" in only_draft(project)


def test_template_placeholders_are_flagged(project: Path) -> None:
    """Template placeholders such as **年 and xx区 stay in the text and are flagged."""
    result = run_import(FIXTURES / "template-placeholders.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert result.output.count("模板占位符") == 3
    assert "**年以来" in only_draft(project)
    assert "“一个重点”" in only_draft(project)


# --- structure and facts ----------------------------------------------------------------------


def test_headings_map_onto_case_fields(project: Path) -> None:
    """背景/做法/成效/启示 headings fill background, actions (one per subheading), results and lessons."""
    result = run_import(FIXTURES / "headings-mapped-to-case-fields.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    draft = only_draft(project)
    parts = re.split(r"(?m)^(background|actions|results|lessons):", draft)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert "青壮年大多外出务工" in sections["background"]
    assert "离种地太远" in body(sections["background"])  # rejoined across the page break
    for title in ("把课堂搬到田间", "请能人上讲台"):
        assert f"- title: {title}" in sections["actions"]
    assert "学用结合" in sections["actions"]
    assert "夜校共开课86期" in sections["results"]
    for value in ("86期", "2100人次", "23户", "45.6万元"):
        assert f"value: {value}" in sections["results"], value
    assert "学习内容要贴近党员的生产生活" in sections["lessons"]


def test_every_role_a_field_takes_is_one_headings_can_have() -> None:
    """The roles the model's Imported markers name are roles the importer reads headings as
    (a misspelt role would leave its field empty without a word)."""
    from generator.fields import marker
    from generator.importer.structure import ROLE_NAMES, ROLE_WORDS
    from generator.model import KINDS, Imported

    named = {
        role
        for kind in KINDS.values()
        for info in kind.model.model_fields.values()
        if (found := marker(info, Imported)) is not None
        for role in found.roles
    }
    assert named and named <= {role for role, _ in ROLE_WORDS} == set(ROLE_NAMES)


def test_suggestions_come_with_evidence(project: Path) -> None:
    """The organization type and themes are suggested from the text, marked, with the words that matched."""
    run_import(FIXTURES / "gbk-page-with-site-chrome.html", "--kind", "case")
    draft = only_draft(project)
    assert f"org_type: {PLACEHOLDER}school" in draft
    assert re.search(r"# 建议：院校（学校）（school），依据：“\w+”\d+ 次", draft)
    assert re.search(rf"themes: \[{PLACEHOLDER}[a-z-]+", draft)


def test_given_org_type_and_themes_are_taken_as_they_are(project: Path) -> None:
    """--org-type and --theme are used unmarked; an unknown id is refused in Chinese."""
    run_import(
        FIXTURES / "gb18030-file.txt",
        "--kind",
        "case",
        "--org-type",
        "school",
        "--theme",
        "results",
    )
    draft = only_draft(project)
    assert "org_type: school\n" in draft and "themes: [results]" in draft
    result = run_import(FIXTURES / "gb18030-file.txt", "--kind", "case", "--org-type", "scool")
    assert result.exit_code == 2 and "不存在编号为“scool”的组织类型" in result.output


# --- the draft's contract ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("headings-mapped-to-case-fields.txt", "case"),
        ("gbk-page-with-site-chrome.html", "case"),
        ("page-counters-and-download-prompts.txt", "practice"),
        ("glossed-traditional-with-real-parentheses.txt", "material"),
        ("list-numbers-vs-chunk-numbers.txt", "material"),
        ("big5-text.txt", "case"),
    ],
)
def test_draft_fails_check_until_filled_then_passes(project: Path, fixture: str, kind: str) -> None:
    """kb check refuses the draft while placeholders remain and accepts it once they are filled."""
    assert run_import(FIXTURES / fixture, "--kind", kind).exit_code == 0
    with pytest.raises(ContentErrors) as refused:
        load_project(project / "content", root=project)
    assert "模板中的占位文字" in str(refused.value)
    for path in (project / "content").glob("*/*.yml"):
        path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    load_project(project / "content", root=project)


def test_the_draft_and_report_name_the_check_command_that_works(
    write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report and the draft say to run `bash scripts/site.sh check`, not bare `kb check`."""
    root = make_project(write_project, monkeypatch, {"scripts/site.sh": 'exec .venv/bin/kb "$@"\n'})
    result = run_import(FIXTURES / "gb18030-file.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "然后运行 bash scripts/site.sh check 检查" in result.output
    assert "kb check" not in result.output
    draft = only_draft(root)
    assert "运行 bash scripts/site.sh check 检查不会通过" in draft and "kb check" not in draft


def test_never_overwrites(project: Path) -> None:
    """An id already taken gets a suffix and the existing file stays; an existing report file is refused."""
    source = FIXTURES / "gb18030-file.txt"
    run_import(source, "--kind", "case")
    (first,) = drafts(project)
    before = (project / "content" / "cases" / first).read_text(encoding="utf-8")
    run_import(source, "--kind", "material")
    assert (project / "content" / "cases" / first).read_text(encoding="utf-8") == before
    second = project / "content" / "materials" / first.replace(".yml", "-2.yml")
    assert second.is_file() and f"id: {second.stem}\n" in second.read_text(encoding="utf-8")
    report = project / "report.txt"
    report.write_text("mine", encoding="utf-8")
    result = run_import(source, "--kind", "case", "--report", report)
    assert result.exit_code == 2 and "不会覆盖" in result.output
    assert report.read_text(encoding="utf-8") == "mine"


def test_folder_import_writes_report_file(project: Path, tmp_path: Path) -> None:
    """A folder imports every document in it; other files are listed; --report saves the report."""
    folder = tmp_path / "materials"
    folder.mkdir()
    for name in ("gb18030-file.txt", "lying-meta-charset.html", "big5-text.txt"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = run_import(folder, "--kind", "case", "--report", project / "import-report.txt")
    assert result.exit_code == 0, result.output
    assert len(drafts(project)) == 3
    saved = (project / "import-report.txt").read_text(encoding="utf-8")
    assert "photo.jpg" in saved and "共导入 3 个文档" in saved
    assert "必须用自己的话写" in saved


# --- files that cannot be imported ---------------------------------------------------------


def test_pdf_text_layer_is_read(project: Path, tmp_path: Path) -> None:
    """A PDF with a text layer is read; lines broken at the page width are joined again."""
    path = tmp_path / "text-layer.pdf"
    path.write_bytes(
        pdf_bytes(
            [
                [
                    "白沙镇党委学习制度",
                    "白沙镇党委规定每月十日为党员学习日，当天上午集中学习，下午",
                    "分组讨论，讨论记录交党委办公室存档。",
                ]
            ]
        )
    )
    result = run_import(path, "--kind", "practice")
    assert result.exit_code == 0, result.output
    assert "PDF 文字层" in result.output
    assert "下午分组讨论" in body(only_draft(project))


def test_scanned_pdf_needs_ocr(project: Path, tmp_path: Path) -> None:
    """A PDF with only an image and no text layer is refused, saying it needs OCR, without a traceback."""
    path = tmp_path / "scanned.pdf"
    path.write_bytes(pdf_bytes([[""]], image_only=True))
    result = run_import(path, "--kind", "case")
    assert result.exit_code == 1
    assert "没有文字层" in result.output and "OCR" in result.output
    assert "Traceback" not in result.output and not drafts(project)


def test_password_protected_files_are_refused(project: Path, tmp_path: Path) -> None:
    """Password-protected .docx and .pdf files are refused with a Chinese message naming the file."""
    import docx
    from msoffcrypto.format.ooxml import OOXMLFile
    from pypdf import PdfWriter

    document = docx.Document()
    document.add_paragraph("内部材料")
    plain = io.BytesIO()
    document.save(plain)
    plain.seek(0)
    locked_docx = tmp_path / "locked.docx"
    with locked_docx.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    locked_pdf = tmp_path / "locked.pdf"
    with locked_pdf.open("wb") as out:
        writer.write(out)
    for path in (locked_docx, locked_pdf):
        result = run_import(path, "--kind", "case")
        assert result.exit_code == 1, result.output
        assert f"{path}：" in result.output and "密码" in result.output
        assert "Traceback" not in result.output
    assert not drafts(project)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是文本文件"),
        ("empty.txt", b"  \n\n ", "文件是空的"),
        ("notes.rtf", "随便写的笔记".encode(), "不支持的文件类型“.rtf”"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "旧版 Word 文件"),
        ("fake.docx", "不是压缩包".encode(), "不是有效的 Word"),
        ("only-chrome.html", b"<html><body><script>x()</script></body></html>", "没有文字"),
    ],
)
def test_bad_input_gets_a_chinese_message(
    project: Path, tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    """Files that cannot be imported get a Chinese message with the file name and a non-zero exit."""
    path = tmp_path / name
    path.write_bytes(data)
    result = run_import(path, "--kind", "case")
    assert result.exit_code != 0
    assert said in result.output and name in result.output
    assert "Traceback" not in result.output and not drafts(project)


def test_outside_a_project_says_where_to_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run outside a project, kb import says so in Chinese instead of failing on a missing folder."""
    monkeypatch.chdir(tmp_path)
    result = run_import(FIXTURES / "gb18030-file.txt", "--kind", "case")
    assert result.exit_code == 1 and "不是知识库项目" in result.output
