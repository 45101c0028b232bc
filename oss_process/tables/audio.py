"""audio/convert, row for row from the OSS "Audio transcoding" page (the seed); audio/info
(spec/media-actions.md section 3.3)."""

from types import MappingProxyType

from ..kinds import Choice, Integer, IntegerChoice
from ..rules import AllowedPerChoice, EndsChain, Exclusive, FailsBelowSource, Needs, OnlyWith
from .limits import MAX_INT32
from .model import ActionSpec, ParamSpec

FORMATS = ("mp3", "aac", "flac", "oga", "ac3", "opus", "amr")
SAMPLE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)

# The seed's notes on sample rates and channels per format. A format missing here has no
# restriction beyond the parameter's own values.
SAMPLE_RATES_BY_FORMAT = MappingProxyType(
    {
        "mp3": tuple(r for r in SAMPLE_RATES if r <= 48000),
        "opus": (8000, 12000, 16000, 24000, 48000),
        "ac3": (32000, 44100, 48000),
        "amr": (8000, 16000),
    }
)
CHANNELS_BY_FORMAT = MappingProxyType(
    {
        "mp3": (1, 2),
        "ac3": (1, 2, 3, 4, 5, 6),
        "amr": (1,),
    }
)

# The per-format notes as rules, shared by every table whose output is an audio format.
RATE_BY_FORMAT = AllowedPerChoice(
    key="ar",
    selector="f",
    allowed=SAMPLE_RATES_BY_FORMAT,
    source_field="sample_rate",
    noun="sample rate",
    unit="Hz",
    preferred=(48000, 44100, 16000, 8000),
)
CHANNELS_PER_FORMAT = AllowedPerChoice(
    key="ac",
    selector="f",
    allowed=CHANNELS_BY_FORMAT,
    source_field="channels",
    noun="channel count",
    unit="channels",
    preferred=(2, 1),
)

CONVERT = ActionSpec(
    summary="Convert audio from one format to another (asynchronous only; needs an IMM-bound bucket).",
    reference="https://www.alibabacloud.com/help/en/oss/user-guide/audio-transcoding",
    parameters=(
        ParamSpec(
            "ss",
            Integer(0, MAX_INT32),
            "The time in the audio from which transcoding begins.",
            unit="ms",
            default="0",
            when_omitted="transcoding begins at the start of the audio",
            keyword="start_ms",
        ),
        ParamSpec(
            "t",
            Integer(0, MAX_INT32),
            "The duration of audio to transcode after the start time.",
            unit="ms",
            default="0",
            when_omitted="transcoding lasts until the end of the audio",
            keyword="duration_ms",
        ),
        ParamSpec("f", Choice(FORMATS), "The container format of the output audio.", required=True, keyword="format"),
        ParamSpec(
            "ar",
            IntegerChoice(SAMPLE_RATES),
            "The sampling rate of the output audio.",
            unit="Hz",
            when_omitted="the output keeps the source audio's sampling rate",
            keyword="sample_rate",
        ),
        ParamSpec(
            "ac",
            Integer(1, 8),
            "The number of sound channels in the output audio.",
            when_omitted="the output keeps the source audio's number of channels",
            keyword="channels",
        ),
        ParamSpec("aq", Integer(0, 100), "The audio compression quality; exclusive with ab.", keyword="quality"),
        ParamSpec("ab", Integer(1000, 10_000_000), "The audio bitrate; exclusive with aq.", unit="bit/s", keyword="bitrate"),
        ParamSpec(
            "abopt",
            Choice(("0", "1", "2")),
            "The bitrate option: 0 always uses the target bitrate; 1 uses the source bitrate when it is "
            "lower than the target; 2 fails when the source bitrate is lower than the target.",
            default="0",
            when_omitted="always use the target bitrate",
            keyword="bitrate_option",
        ),
        ParamSpec(
            "adepth",
            IntegerChoice((16, 24)),
            "The sampling bit depth of the output audio; takes effect only with f_flac.",
            unit="bit",
            keyword="bit_depth",
        ),
    ),
    rules=(
        Exclusive(keys=("aq", "ab"), hint="keep one: aq sets a compression quality, ab a bitrate"),
        RATE_BY_FORMAT,
        CHANNELS_PER_FORMAT,
        OnlyWith(key="adepth", selector="f", choices=("flac",)),
        Needs(key="abopt", needed="ab"),
        FailsBelowSource(
            key="ab",
            when=("abopt", "2"),
            source_field="bitrate",
            noun="bitrate",
            unit="bit/s",
            hint="use abopt_1 to keep the lower source bitrate, or lower ab",
        ),
    ),
    output_variables=frozenset({"autoext", "streamindex"}),
)

# audio/info takes no parameter: one given is an unknown key (tables/policy.py).
INFO = ActionSpec(
    summary="Answer the audio's media information (streams, duration, bitrate) as JSON.",
    reference="https://help.aliyun.com/en/oss/user-guide/asynchronous-processing",
    parameters=(),
    chain_rules=(EndsChain(reason="its answer is JSON, not media"),),
    builder_name="AudioInfo",
)
