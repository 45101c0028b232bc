"""Template variables for sys/saveas names: OSS Variables page and the IMM TargetURI template."""

from types import MappingProxyType
from typing import Final

# Public variables: set for every operation.
PUBLIC: Final = MappingProxyType(
    {
        "bucket": "the source bucket's name",
        "key": "the source object's name: {dirname}/{basename}",
        "dirname": "the source object's directory path",
        "barename": "the source file name without its extension",
        "basename": "the source file name with its extension",
        "ext": "the source extension, from its MIME type or name",
        "year": "upload time: year",
        "mon": "upload time: month",
        "day": "upload time: day",
        "hour": "upload time: hour",
        "min": "upload time: minute",
        "sec": "upload time: second",
        "t_year": "task-creation time: year",
        "t_mon": "task-creation time: month",
        "t_day": "task-creation time: day",
        "t_hour": "task-creation time: hour",
        "t_min": "task-creation time: minute",
        "t_sec": "task-creation time: second",
    }
)

# Set only by the operations that produce them (see ActionSpec.output_variables).
PER_OPERATION: Final = MappingProxyType(
    {
        "index": "the output's number, from 1 (document pages, media segments and frames)",
        "sheetname": "the spreadsheet sheet's name (document conversion)",
        "autoext": "the output's own extension, such as aac or jpg",
        "streamindex": "the output stream's number, from 0 (media conversion)",
        "resolution": "the output resolution, such as 1920x1080 (video transcoding)",
    }
)

ALL: Final = MappingProxyType({**PUBLIC, **PER_OPERATION})

#: The fewest characters a variable expands to, where more than none is certain.
SHORTEST: Final = MappingProxyType({"bucket": 3})

#: {tags.<name>}: a tag given with the request.
PREFIXES: Final = ("tags.",)
