"""hls/m3u8: a playlist transcoded live, as the video is played (synchronous).

No OSS page lists its keys (spec/media-actions.md 2.8, low confidence): the console's
presets send video/convert's transcoding keys, and add the segment keys below. So every
row is seen only in those strings (EX): video/convert's rows are taken as they are, known
only so (``ParamSpec.known_as``; a limit video/convert documents is then a warning here,
W232), and so is its rule that only vp9 takes yuva420p. The output is always ts, so there
is no f, and audio/convert's limits per output format do not apply.
"""

from ..kinds import Integer
from . import video
from .limits import MAX_INT32
from .model import ActionSpec, Confidence, ParamSpec

_PRESETS = "EX console presets (hls/m3u8,...,st_5000,initd_30000)"


def _seen(row: ParamSpec) -> ParamSpec:
    """video/convert's row, seen in hls/m3u8 only in the console's presets and strings."""
    return row.known_as(Confidence.EX, f"{_PRESETS}; as video/convert's row ({row.source or 'the audio-transcoding page'})")


_SHARED = ("vcodec", "fps", "fpsopt", "pixfmt", "s", "sopt", "scaletype", "arotate", "crf", "vb", "vbopt", "g", "acodec")
_AUDIO = ("ar", "ac", "ab", "abopt", "adepth")

M3U8 = ActionSpec(
    summary="Answer an HLS playlist whose ts segments are transcoded as they are played (synchronous).",
    reference="https://www.alibabacloud.com/help/en/oss/video-transcoding",
    parameters=(
        *(_seen(video.CONVERT.by_key[key]) for key in (*_SHARED, *_AUDIO)),
        ParamSpec(
            "st",
            Integer(1, MAX_INT32),
            "The length of one segment.",
            unit="ms",
            keyword="segment_ms",
            source=_PRESETS + "; the range INF",
            confidence=Confidence.EX,
            bounds=Confidence.INF,
        ),
        ParamSpec(
            "initd",
            Integer(0, MAX_INT32),
            "The duration transcoded before the playlist is answered.",
            unit="ms",
            keyword="initial_ms",
            source=_PRESETS + "; the range INF",
            confidence=Confidence.EX,
            bounds=Confidence.INF,
        ),
        ParamSpec(
            "ta",
            Integer(0, MAX_INT32),
            "Seen as ta_10 in hls/m3u8 strings; what it sets is not known.",
            source="EX hls/m3u8 strings (facts section 4); the meaning and range unknown",
            confidence=Confidence.EX,
            bounds=Confidence.INF,
        ),
    ),
    rules=(
        *video.TRANSCODING_RULES,
        video.alpha_by_codec("W232", "as video/convert's transcoding page has it (VT)"),
    ),
)
