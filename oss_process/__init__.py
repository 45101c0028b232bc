"""Read, check and rewrite the data-processing directives of Alibaba Cloud OSS.

>>> import oss_process
>>> oss_process.canonicalize("audio/convert,f_aac,ss_0,ab_96000|sys/saveas,o_ZGVzdC5hYWM=")
'audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM'

The names below load on first use, so ``import oss_process`` costs next to nothing.
"""

__version__ = "0.1.0"

# Which module defines each public name; `__getattr__` imports it on first access.
_DEFINED_IN = {
    "CACHE_SIZE": "_api",
    "canonicalize": "_api",
    "check": "_api",
    "lint": "_api",
    "parse": "_api",
    "Action": "ast",
    "Directive": "ast",
    "Parameter": "ast",
    "Span": "ast",
    "Stage": "ast",
    "Value": "ast",
    "AudioConvert": "builder",
    "BuiltDirective": "builder",
    "UnsupportedDirectiveError": "builder",
    "CODES": "diagnostics",
    "Diagnostic": "diagnostics",
    "Severity": "diagnostics",
    "render": "diagnostics",
    "ArgumentError": "errors",
    "DirectiveError": "errors",
    "InvalidDirectiveError": "errors",
    "ParseError": "errors",
    "StylesError": "errors",
    "print_canonical": "printer",
    "unparse": "printer",
    "MAX_LENGTH": "tables",
    "MAX_PARAMETERS": "tables",
    "Catalogue": "tables",
    "Mode": "tables",
    "MissingExtraError": "media",
    "SourceFileError": "media",
    "Source": "source",
    "SourceAudio": "source",
    "SourceField": "source",
    "Styles": "styles",
    "Result": "validation",
    "Validation": "validation",
    "validate": "validation",
    "URLDirective": "urls",
    "from_url": "urls",
}

__all__ = [
    "CACHE_SIZE",
    "CODES",
    "MAX_LENGTH",
    "MAX_PARAMETERS",
    "Action",
    "ArgumentError",
    "AudioConvert",
    "BuiltDirective",
    "Catalogue",
    "Diagnostic",
    "Directive",
    "DirectiveError",
    "InvalidDirectiveError",
    "MissingExtraError",
    "Mode",
    "Parameter",
    "ParseError",
    "Result",
    "Severity",
    "Source",
    "SourceAudio",
    "SourceField",
    "SourceFileError",
    "Span",
    "Stage",
    "Styles",
    "StylesError",
    "URLDirective",
    "UnsupportedDirectiveError",
    "Validation",
    "Value",
    "__version__",
    "canonicalize",
    "check",
    "from_url",
    "lint",
    "parse",
    "print_canonical",
    "render",
    "unparse",
    "validate",
]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._api import CACHE_SIZE, canonicalize, check, lint, parse
    from .ast import Action, Directive, Parameter, Span, Stage, Value
    from .builder import AudioConvert, BuiltDirective, UnsupportedDirectiveError
    from .diagnostics import CODES, Diagnostic, Severity, render
    from .errors import ArgumentError, DirectiveError, InvalidDirectiveError, ParseError, StylesError
    from .media import MissingExtraError, SourceFileError
    from .printer import print_canonical, unparse
    from .source import Source, SourceAudio, SourceField
    from .styles import Styles
    from .tables import MAX_LENGTH, MAX_PARAMETERS, Catalogue, Mode
    from .urls import URLDirective, from_url
    from .validation import Result, Validation, validate


# Subpackages that load on first access too: ``oss_process.scan.scan_text(...)`` after
# ``import oss_process``.
_SUBMODULES = frozenset({"scan", "sarif"})


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None and name not in _SUBMODULES:
        raise AttributeError(f"module 'oss_process' has no attribute {name!r}")
    from importlib import import_module

    if module is None:
        return import_module(f".{name}", __name__)  # the import binds it here
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_DEFINED_IN) | _SUBMODULES)
