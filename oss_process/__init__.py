"""Read, check and rewrite the data-processing directives of Alibaba Cloud OSS.

>>> import oss_process
>>> oss_process.canonicalize("audio/convert,f_aac,ss_0,ab_96000|sys/saveas,o_ZGVzdC5hYWM=")
'audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM'
"""

from ._api import CACHE_SIZE, canonicalize, lint, parse
from .ast import Action, Directive, Parameter, Span, Stage, Value
from .diagnostics import CODES, Diagnostic, Severity, render
from .errors import ArgumentError, DirectiveError, InvalidDirectiveError, ParseError
from .printer import print_canonical, unparse
from .tables import MAX_LENGTH, MAX_PARAMETERS, Mode
from .validation import SourceAudio, Validation, validate

__version__ = "0.1.0"

__all__ = [
    "CACHE_SIZE",
    "CODES",
    "MAX_LENGTH",
    "MAX_PARAMETERS",
    "Action",
    "ArgumentError",
    "Diagnostic",
    "Directive",
    "DirectiveError",
    "InvalidDirectiveError",
    "Mode",
    "Parameter",
    "ParseError",
    "Severity",
    "SourceAudio",
    "Span",
    "Stage",
    "Validation",
    "Value",
    "__version__",
    "canonicalize",
    "lint",
    "parse",
    "print_canonical",
    "render",
    "unparse",
    "validate",
]
