"""The parameter tables: data, one table per action, read by the validator, the
canonical printer, the README's parameter reference and ``explain``.

A new action is a new :class:`ActionSpec` in a module here and a line in
:mod:`.catalogue` naming it; the validator knows no action by name. Tables load when
their category is first checked.
"""

from .catalogue import BUILTIN, CATEGORIES, STANDALONE, lookup
from .limits import MAX_DIAGNOSTICS, MAX_INT32, MAX_LENGTH, MAX_PARAMETERS, MAX_PIPES, MAX_STYLE_NAME, MAX_SYNTAX_ERRORS, OLDER_MAX_PIPES
from .model import ASYNC_ONLY, BOTH, SYNC_ONLY, ActionInfo, ActionSpec, Catalogue, CategoryInfo, Confidence, Mode, ParamSpec, Role

__all__ = [
    "ASYNC_ONLY",
    "BOTH",
    "BUILTIN",
    "CATEGORIES",
    "MAX_DIAGNOSTICS",
    "MAX_INT32",
    "MAX_LENGTH",
    "MAX_PARAMETERS",
    "MAX_PIPES",
    "MAX_STYLE_NAME",
    "MAX_SYNTAX_ERRORS",
    "OLDER_MAX_PIPES",
    "STANDALONE",
    "SYNC_ONLY",
    "ActionInfo",
    "ActionSpec",
    "Catalogue",
    "CategoryInfo",
    "Confidence",
    "Mode",
    "ParamSpec",
    "Role",
    "lookup",
]
