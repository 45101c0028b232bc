"""The document actions (IMM-backed), row for row from ``spec/media-actions.md`` section 4.

A row's ``source`` names where its facts are: DS: the document-snapshot page, DC: the
document-conversion page, EX: seen only in real strings (``wild-directives.tsv``),
IMM: an IMM API page read as the action's engine (spec/media-actions.md, "Source keys").
doc/preview's ``/watermark`` sub-step is not tabled here: it needs a sub-step mechanism.
"""

from typing import Final

from ..kinds import Base64Name, Choice, Integer, IntegerChoice, PageRange
from ..rules import AllowedPerChoice, Alone, OnlyWith, SourceAtMost
from . import image
from .model import ActionSpec, Confidence, ParamSpec

_SNAPSHOT_PAGE = "https://www.alibabacloud.com/help/tc/oss/user-guide/document-snapshot"
_CONVERSION_PAGE = "https://www.alibabacloud.com/help/ja/oss/document-conversion"
_PREVIEW_IMM = "https://help.aliyun.com/document_detail/444135.html"

#: The last page doc/snapshot renders (DS, zh parameter table).
MAX_SNAPSHOT_PAGE: Final = 2000

#: What doc/snapshot takes (DS, pt-br revision: "pdf, xlsx, xls, docx, doc, pptx, ppt").
SNAPSHOT_SOURCES: Final = ("pdf", "xlsx", "xls", "docx", "doc", "pptx", "ppt")

#: What doc/convert takes, by family (DC; the same lists as IMM CreateOfficeConversionTask).
WORD_SOURCES: Final = ("doc", "docx", "wps", "wpss", "docm", "dotm", "dot", "dotx", "html")
PRESENTATION_SOURCES: Final = ("pptx", "ppt", "pot", "potx", "pps", "ppsx", "dps", "dpt", "pptm", "potm", "ppsm", "dpss")
SPREADSHEET_SOURCES: Final = ("xls", "xlt", "et", "ett", "xlsx", "xltx", "csv", "xlsb", "xlsm", "xltm", "ets")
CONVERT_SOURCES: Final = (*WORD_SOURCES, *PRESENTATION_SOURCES, *SPREADSHEET_SOURCES, "pdf")

_SOURCE_OMITTED = "the type is read from the object's suffix; an object without one fails"

#: The largest document each action takes (DS, pt-br revision: 20 MB; DC: 200 MB).
MAX_SNAPSHOT_BYTES: Final = 20 * 1024 * 1024
MAX_CONVERT_BYTES: Final = 200 * 1024 * 1024

#: doc/convert's targets from a spreadsheet or a PDF: txt is from Word and PowerPoint
#: documents only (IMM CreateOfficeConversionTask, so inferred for OSS: W232).
NON_TEXT_TARGETS: Final = ("jpg", "png", "pdf")
TARGET_BY_SOURCE = AllowedPerChoice(
    key="target",
    selector="source",
    allowed={source: NON_TEXT_TARGETS for source in (*SPREADSHEET_SOURCES, "pdf")},
    noun="target",
    preferred=("pdf",),
    code="W232",
    basis="IMM's CreateOfficeConversionTask converts only Word and PowerPoint documents to txt",
)

SNAPSHOT = ActionSpec(
    summary="Render one page of a document (Word, Excel, PowerPoint, PDF; at most 20 MB) as an image.",
    reference=_SNAPSHOT_PAGE,
    parameters=(
        ParamSpec(
            "target",
            Choice(("jpg", "png")),
            "The image format of the snapshot.",
            # The page gives no default; jpg is inferred, so target_jpg is kept as written.
            when_omitted="a JPG image (inferred: the page gives no default)",
            keyword="to",
            source="DS (zh parameter table)",
        ),
        ParamSpec(
            "source",
            Choice(SNAPSHOT_SOURCES),
            "The document's type, as its file extension.",
            when_omitted=_SOURCE_OMITTED,
            keyword="source_type",
            source="DS (zh parameter table; the inputs from the pt-br revision)",
        ),
        ParamSpec(
            "page",
            Integer(1, MAX_SNAPSHOT_PAGE),
            "The page to render, counted from 1.",
            default="1",
            when_omitted="the first page",
            source="DS (zh parameter table)",
        ),
    ),
    rules=(SourceAtMost(field="size", maximum=MAX_SNAPSHOT_BYTES, noun="document", unit="bytes"),),
)

CONVERT = ActionSpec(
    summary="Convert a document (at most 200 MB) to images, PDF or text (asynchronous only; needs an IMM-bound bucket).",
    reference=_CONVERSION_PAGE,
    parameters=(
        ParamSpec(
            "target",
            Choice(("jpg", "png", "pdf", "txt")),
            "The output: one image per page (jpg, png), a PDF, or the text (txt; from Word and PowerPoint documents only).",
            keyword="to",
            source="DC; IMM CreateOfficeConversionTask",
        ),
        ParamSpec(
            "source",
            Choice(CONVERT_SOURCES),
            "The document's type, as its file extension.",
            when_omitted=_SOURCE_OMITTED,
            keyword="source_type",
            source="DC",
        ),
        ParamSpec(
            "pages",
            Base64Name(PageRange()),
            "The pages to convert, as URL-safe Base64 of start-end (MS0xMA is 1-10).",
            when_omitted="every page",
            source="DC; doc/convert,pages_MS0xMA,target_png,source_docx",
            # Only the form start-end is documented, by one example: what else is refused is inferred.
            bounds=Confidence.INF,
        ),
    ),
    rules=(TARGET_BY_SOURCE, SourceAtMost(field="size", maximum=MAX_CONVERT_BYTES, noun="document", unit="bytes")),
    output_variables=frozenset({"index", "sheetname", "autoext"}),
)

_NO_PIPES = "document preview and editing do not support pipes (spec/directive-language.md section 1.2)"

_SWITCH = IntegerChoice((0, 1))
_SEEN = "seen only in public code (doc/preview,export_1,print_1); named like IMM's WebOffice permissions"

_SEEN_WATERMARK = "seen only in public code (doc/preview,export_1,print_1,copy_1/watermark,text_...,size_30,t_100); as image/watermark's"


def _seen_as(row: ParamSpec) -> ParamSpec:
    """image/watermark's row as the viewer's watermark takes it: known only from use."""
    return row.known_as(Confidence.EX, _SEEN_WATERMARK)


#: The viewer's watermark (the /watermark sub-step): image/watermark's text keys.
PREVIEW_WATERMARK = ActionSpec(
    "A watermark over the pages in the viewer (the /watermark sub-step of doc/preview).",
    tuple(_seen_as(image.WATERMARK.by_key[key]) for key in ("text", "type", "color", "size", "t", "rotate")),
    builder_name="DocPreviewWatermark",
)

PREVIEW = ActionSpec(
    summary="Open the document in the WebOffice viewer (needs an IMM-bound bucket).",
    reference=_PREVIEW_IMM,
    parameters=(
        ParamSpec(
            "export",
            _SWITCH,
            "1 lets the viewer export (download) the document; in IMM, exporting needs printing allowed too.",
            keyword="allow_export",
            source=_SEEN,
            confidence=Confidence.EX,
            bounds=Confidence.EX,
        ),
        ParamSpec(
            "print",
            _SWITCH,
            "1 lets the viewer print the document.",
            keyword="allow_print",
            source=_SEEN,
            confidence=Confidence.EX,
            bounds=Confidence.EX,
        ),
        ParamSpec(
            "copy",
            _SWITCH,
            "1 lets the viewer copy text.",
            keyword="allow_copy",
            source=_SEEN,
            confidence=Confidence.EX,
            bounds=Confidence.EX,
        ),
    ),
    # IMM's WebOffice permissions: Export needs Print (INF); what print left out allows is not known.
    rules=(OnlyWith(key="export", value=1, selector="print", choices=(1,)),),
    chain_rules=(Alone(reason=_NO_PIPES),),
    substeps={"watermark": PREVIEW_WATERMARK},
)

EDIT = ActionSpec(
    summary="Open the document for editing in WebOffice (needs an IMM-bound bucket); no parameter is documented.",
    reference=_PREVIEW_IMM,
    parameters=(),
    chain_rules=(Alone(reason=_NO_PIPES),),
)
