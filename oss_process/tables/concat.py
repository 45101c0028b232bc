"""audio/concat and video/concat: the output's settings, then the clips joined to the
object, each a sub-step (``/pre,o_...`` before it, ``/sur,o_...`` after it, in the order
written), from ``spec/media-actions.md`` sections 2.6 and 3.2."""

from ..kinds import Base64Name, Choice, Integer, ObjectName, templated
from ..rules import Advised
from . import audio, video
from .limits import MAX_INT32
from .model import ActionSpec, Confidence, ParamSpec

#: IMM's CreateMediaConvertTask takes at most this many inputs, the object itself among them.
MAX_INPUTS = 11

# An input object names an object that exists: no template variables.
_INPUT = Base64Name(ObjectName(templated({}, (), {})))

_CLIP = (
    ParamSpec(
        "o",
        _INPUT,
        "The clip's object, in the same bucket, URL-safe Base64 of its name.",
        required=True,
        keyword="object",
        source="spec/media-actions.md 2.6 (EX; the encoding INF)",
    ),
    ParamSpec(
        "ss",
        Integer(0, MAX_INT32),
        "Where in the clip its part begins.",
        unit="ms",
        default="0",
        when_omitted="the clip's start",
        keyword="start_ms",
        source="spec/media-actions.md 2.6, 3.2 (DOC AC)",
    ),
    ParamSpec(
        "t",
        Integer(0, MAX_INT32),
        "How long the clip's part lasts; 0 is to its end.",
        unit="ms",
        default="0",
        when_omitted="to the clip's end",
        keyword="duration_ms",
        source="spec/media-actions.md 2.6, 3.2 (DOC AC)",
    ),
)

PRE = ActionSpec("A clip joined before the object (the /pre sub-step).", _CLIP, builder_name="ConcatPre")
SUR = ActionSpec("A clip joined after the object (the /sur sub-step).", _CLIP, builder_name="ConcatSur")
CLIPS = {"pre": PRE, "sur": SUR}

ALIGN = ParamSpec(
    "align",
    Integer(0, MAX_INT32),
    "How the inputs are aligned to one another; the values seen are 1 (video/concat) and 2 (audio/concat), "
    "what each means is not documented.",
    confidence=Confidence.EX,
    bounds=Confidence.INF,
    source="spec/media-actions.md 2.6, 3.2: official samples only",
)

_AUDIO = audio.CONVERT.by_key

AUDIO_CONCAT = ActionSpec(
    summary="Join audio clips to the object, before and after it (asynchronous only; at most 11 inputs).",
    reference="spec/media-actions.md 3.2 (DOC AC)",
    parameters=(_AUDIO["f"], _AUDIO["ar"], _AUDIO["ac"], _AUDIO["ab"], ALIGN),
    rules=(
        audio.RATE_BY_FORMAT,
        audio.CHANNELS_PER_FORMAT,
        Advised(
            keys=("ar", "ac"),
            reason="each input keeps its own sample rate and channels, and the audio-stitching page says the job may fail when they differ",
        ),
    ),
    substeps=CLIPS,
    max_substeps=MAX_INPUTS - 1,
)

_VIDEO = video.CONVERT.by_key

# Joining re-encodes: copy, which keeps each input's stream, is refused (DOC VC: not copy).
CONCAT_VCODEC = ParamSpec(
    "vcodec",
    Choice(video.VIDEO_CODECS),
    "The video codec of the output; copy cannot join inputs, so it is not one of them.",
    keyword="video_codec",
    source="spec/media-actions.md 2.6 (DOC VC: vcodec, not copy)",
)

VIDEO_CONCAT = ActionSpec(
    summary="Join video clips to the object, before and after it (asynchronous only; at most 11 inputs).",
    reference="spec/media-actions.md 2.6 (DOC VC)",
    parameters=(
        _VIDEO["ss"],
        _VIDEO["t"],
        _VIDEO["f"],
        CONCAT_VCODEC,
        _VIDEO["fps"],
        _VIDEO["vb"],
        _VIDEO["acodec"],
        _VIDEO["ab"],
        _VIDEO["ar"],
        _VIDEO["ac"],
        ALIGN,
    ),
    # f is video/convert's (spec 2.6: "as convert"), audio formats too: their limits hold as there.
    rules=(audio.RATE_BY_FORMAT, audio.CHANNELS_PER_FORMAT),
    substeps=CLIPS,
    max_substeps=MAX_INPUTS - 1,
)
