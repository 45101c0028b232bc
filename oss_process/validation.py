"""Validation: a directive checked against the tables of a catalogue, every problem a diagnostic.

It runs in two phases, and nothing in either names an action: both walk the tables.

1. :func:`structure` looks only at the directive's *shape* (categories, actions, keys,
   bare values): catalogue lookups, modes, stage order, unknown, duplicate and missing
   parameters, and the rules that depend on presence only. Its findings name a place
   (a stage, action or parameter by index) rather than a span, so that one structure
   serves every directive of that shape (``oss_process._accel`` keeps them by shape).
2. :func:`check_values` checks the values: each row's kind, the rules that read values
   or the source, and template variables.

:func:`validate` runs both on a tree and returns a :class:`Validation`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple, Protocol

from ._frozen import Frozen
from ._suggest import did_you_mean
from ._syntax import RawDirective, from_ast, to_ast
from .ast import Action, Directive, Parameter, Span, Stage, Value
from .diagnostics import Diagnostic
from .errors import ArgumentError
from .kinds import Base64Name, ObjectName, template_variables
from .rules import ChainEntry, Rule, RuleContext, SavedName
from .source import Source, SourceAudio
from .tables import MAX_PIPES, MAX_STYLE_NAME, OLDER_MAX_PIPES, ActionInfo, ActionSpec, Catalogue, Mode, ParamSpec, Role
from .tables.catalogue import coerce_catalogue
from .tables.policy import POLICY, STRICT_CODES
from .tables.variables import PER_OPERATION

__all__ = ["ModeLike", "Result", "SourceAudio", "Validation", "validate"]

#: What ``mode=`` accepts: ``"async"``, ``"sync"``, a :class:`Mode`, or None for "unknown".
ModeLike = Mode | str | None


class Result(Frozen):
    """What checking a text gave: the tree with typed values (None when the text did not
    parse: the diagnostics say why), every diagnostic, and the canonical text when there
    is no error. The one result object of the pipeline: ``oss_process.check`` returns it.

    ``strict``: the warnings ``tables/policy.py`` marks (what OSS ignores: an unknown key,
    an empty parameter) refuse the directive too: ``ok`` is False and there is no
    canonical text. No diagnostic changes its severity for it.
    """

    __slots__ = ("_directive", "canonical", "diagnostics", "strict", "text")

    _directive: Directive | None
    diagnostics: tuple[Diagnostic, ...]
    canonical: str | None
    text: str | None
    strict: bool

    def __init__(
        self,
        directive: Directive | None,
        diagnostics: tuple[Diagnostic, ...],
        canonical: str | None = None,
        text: str | None = None,
        *,
        strict: bool = False,
    ) -> None:
        object.__setattr__(self, "_directive", directive)
        object.__setattr__(self, "diagnostics", diagnostics)
        object.__setattr__(self, "strict", strict)
        object.__setattr__(self, "canonical", None if strict and strictly_refused(diagnostics) else canonical)
        object.__setattr__(self, "text", text)

    @property
    def directive(self) -> Directive | None:
        return self._directive

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed; with ``strict``, not those it refuses)."""
        return not any(d.is_error for d in self.diagnostics) and not (self.strict and strictly_refused(self.diagnostics))

    # The canonical text and the input follow from the tree and the tables: compared by
    # what was found, as the frozen dataclass Validation once was.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self._directive, self.diagnostics) == (other._directive, other.diagnostics)

    def __hash__(self) -> int:
        return hash((self._directive, self.diagnostics))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._directive!r}, {self.diagnostics!r}, canonical={self.canonical!r})"


def strictly_refused(diagnostics: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """The warnings among ``diagnostics`` that ``strict=True`` refuses (``STRICT_CODES``)."""
    return tuple(d for d in diagnostics if d.code in STRICT_CODES)


class Validation(Result):
    """The result of :func:`validate`: a tree always comes with it."""

    __slots__ = ()

    def __init__(
        self, directive: Directive, diagnostics: tuple[Diagnostic, ...], canonical: str | None = None, *, strict: bool = False
    ) -> None:
        super().__init__(directive, diagnostics, canonical, strict=strict)

    @property
    def directive(self) -> Directive:
        assert self._directive is not None
        return self._directive


def coerce_mode(mode: ModeLike) -> Mode | None:
    if mode is None or isinstance(mode, Mode):
        return mode
    if mode in ("sync", "async"):
        return Mode(mode)
    raise ArgumentError((), message=f"mode must be 'async', 'sync' or None, not {mode!r}")


def coerce_source(source: object, catalogue: Catalogue) -> Source | None:
    if source is None:
        return None
    if not isinstance(source, Source):
        raise ArgumentError((), message=f"source must be a Source (or SourceAudio) or None, not {type(source).__name__}")
    return catalogue.check_source(source)


def validate(
    directive: Directive,
    *,
    mode: ModeLike = None,
    source: Source | None = None,
    catalogue: Catalogue | None = None,
    strict: bool = False,
) -> Validation:
    """Check a parsed (or built) directive against the tables.

    Diagnostics point into the text the directive was parsed from; for a tree built
    without spans they point into its :func:`~oss_process.unparse` form. A tree that no
    text parses back to is an error (lint of that text would read another directive):
    E018 names each node the grammar cannot write (E003 for the empty tree, E001 and
    E002 for a printed text over a limit). ``strict``: as for :class:`Result`.
    """
    from ._pipeline import explained
    from .printer import print_canonical, unparse

    _check_tree(directive)
    tables = coerce_catalogue(catalogue)
    known = coerce_source(source, tables)
    if not directive.span.end:  # built, not parsed: give it the spans of its printed form
        raw = from_ast(directive)
        directive = to_ast(raw, raw[-1][2] if raw else 0)
    unprintable = _unprintable(directive)
    shape = structure(directive, coerce_mode(mode), tables)
    diagnostics, values = check_values(directive, shape, known)
    if unprintable:
        # A value its kind refuses already says why; E018 stays where nothing else does.
        refused = {d.span for d in diagnostics if d.is_error}
        diagnostics += [d for d, of_value in unprintable if not (of_value and d.span in refused)]
        diagnostics.sort(key=diagnostic_order)
    typed = with_values(directive, values)
    failed = any(d.is_error for d in diagnostics)
    if not unprintable:  # as lint reports the printed text: causes named, bounded
        diagnostics = list(explained(unparse(directive), diagnostics, coerce_mode(mode), known, tables))
    canonical = None if failed else print_canonical(typed, catalogue=tables)
    return Validation(typed, tuple(diagnostics), canonical, strict=strict)


# Each node's fields: a str (str), a str or None (None), or a tuple of child nodes (their type).
_FIELDS: dict[type, tuple[tuple[str, type | None], ...]] = {
    Directive: (("stages", Stage),),
    Stage: (("category", None), ("actions", Action)),
    Action: (("name", str), ("parameters", Parameter)),
    Parameter: (("key", None), ("text", str)),
}


def _check_tree(directive: object) -> None:
    """Raise ArgumentError when ``directive`` is not a tree of the documented node types."""
    # Exactly a Directive: a subclass's nodes never compare equal to a parsed tree's.
    if type(directive) is not Directive:
        raise ArgumentError((), message=f"validate takes a Directive, not {type(directive).__name__}")
    _check_node(directive, "directive")


def _check_node(node: object, where: str) -> None:
    def wrong(place: str, wanted: str, found: object) -> ArgumentError:
        return ArgumentError((), message=f"validate: {place} must be {wanted}, not {type(found).__name__} ({found!r:.60})")

    for name, kind in _FIELDS[type(node)]:
        value, place = getattr(node, name), f"{where}.{name}"
        if kind in _FIELDS:
            assert kind is not None
            if not isinstance(value, tuple):
                raise wrong(place, f"a tuple of {kind.__name__}", value)
            for index, child in enumerate(value):
                if type(child) is not kind:
                    raise wrong(f"{place}[{index}]", kind.__name__, child)
                _check_node(child, f"{place}[{index}]")
        elif not isinstance(value, str) and (kind is str or value is not None):
            raise wrong(place, "a str" if kind is str else "a str or None", value)


# --- Trees no text holds: validate's verdict is lint's for the printed tree ---------------

# Each E018 with whether it is about a parameter's value (which its kind may refuse too).
_Unprintable = list[tuple[Diagnostic, bool]]


def _unprintable(directive: Directive) -> _Unprintable:
    """Why no text parses to ``directive``: the empty tree (E003, as lint says of the empty
    text), a limit its printed text breaks (E001, E002), each node the grammar cannot write
    (E018). The scanner reading the printed tree back decides; the nodes only say why.
    An empty bare parameter is a piece between commas, not a node the grammar lacks."""
    from ._pipeline import limits  # imports this module
    from ._syntax import in_alphabet, scan
    from .printer import unparse

    text = unparse(directive)
    if not directive.stages:
        return [(d, False) for d in [limits(text)] if d is not None]
    # Stages that print as nothing (Stage(None, ())) get E018 below, not E003.
    limit = limits(text) if text else None
    found: _Unprintable = [] if limit is None else [(limit, False)]
    raw = scan(text) if in_alphabet()(text) else None
    if raw is None or not _reads_as(raw, directive):
        reads = "does not parse" if raw is None else "parses to another tree"
        whole = Diagnostic("E018", f"the tree prints as {text!r:.80}, which {reads}", directive.span)
        found += _unwritable_nodes(directive) or [(whole, False)]
    return found


def _reads_as(raw: RawDirective, directive: Directive) -> bool:
    """Whether the scanned ``raw`` is ``directive``, spans aside (as ``to_ast(raw) ==``, without the nodes)."""
    if len(raw) != len(directive.stages):
        return False
    for (category, _, _, actions), stage in zip(raw, directive.stages, strict=True):
        if category != stage.category or len(actions) != len(stage.actions):
            return False
        for (name, _, _, params), action in zip(actions, stage.actions, strict=True):
            if name != action.name or len(params) != len(action.parameters):
                return False
            if any(key != p.key or text != p.text for (key, text, _, _), p in zip(params, action.parameters, strict=True)):
                return False
    return True


# Why a separator cannot stand inside a node.
_SEPARATES = {"|": "separates stages", "/": "separates a category and its actions", ",": "separates parameters", "_": "ends a key"}


_ALPHABETS: dict[str, frozenset[str]] = {}


def _alphabet(pattern: str) -> frozenset[str]:
    """The characters some match of ``pattern`` holds, alone or after a letter."""
    import re

    found = _ALPHABETS.get(pattern)
    if found is None:
        compiled = re.compile(pattern)
        found = _ALPHABETS[pattern] = frozenset(c for c in map(chr, range(128)) if compiled.fullmatch(c) or compiled.fullmatch("a" + c))
    return found


def _unwritable_nodes(directive: Directive) -> _Unprintable:
    """An E018 for each node the grammar's terminals cannot write, named and spanned."""
    import re

    from ._grammar import terminal_patterns

    patterns = terminal_patterns()
    found: _Unprintable = []

    def fits(terminal: str, text: str) -> bool:
        return re.fullmatch(patterns[terminal], text) is not None

    def refuse(message: str, span: Span, hint: str | None, of_value: bool = False) -> None:
        found.append((Diagnostic("E018", message, span, hint), of_value))

    def check(terminal: str, what: str, text: str, place: str, span: Span, of_value: bool = False) -> None:
        pattern = patterns[terminal]
        # The grammar's KEY holds the "_" that ends a key.
        written, letters = (text + "_", pattern.removesuffix("_")) if terminal == "KEY" else (text, pattern)
        if fits(terminal, written):
            return
        bad = next((c for c in text if c not in _alphabet(letters)), None)
        if not text:
            hint: str | None = "it is empty"
        elif bad is None:
            hint = None  # the right characters in the wrong order: the pattern says which
        else:
            hint = f"{bad!r} {_SEPARATES.get(bad, 'is not allowed there')}"
        refuse(f"{what} {text!r:.60} of {place} does not match the grammar's {terminal} /{pattern}/", span, hint, of_value)

    for number, stage in enumerate(directive.stages, 1):
        category, actions, start = stage.category, stage.actions, stage.span.start
        if category is None:
            if not actions:
                refuse(f"stage {number} has neither a category nor an action", stage.span, "leave the stage out")
            elif len(actions) > 1:
                refuse(f"stage {number} has no category and {len(actions)} actions", stage.span, "give the stage its category")
            elif not fits("NOTIFY", actions[0].name):
                name, (a_start, _) = actions[0].name, actions[0].span
                message = f"the action {name!r:.60} of stage {number} has no category; only notify stands as a stage of its own"
                refuse(message, Span(a_start, a_start + len(name)), "give the stage its category")
        elif fits("STYLE", category):
            if len(actions) != 1:
                held = "no style name" if not actions else f"{len(actions)} actions"
                refuse(f"the style stage {number} has {held}; it applies one style, by name", stage.span, "style/<name>")
            for action in actions:
                a_start = action.span.start
                check("STYLE_NAME", "the style name", action.name, f"stage {number}", Span(a_start, a_start + len(action.name)))
                if action.parameters:
                    span = Span(action.parameters[0].span.start, action.span.end)
                    refuse(f"the style {action.name!r:.60} of stage {number} has parameters", span, "a style stage takes none")
            continue
        elif fits("NOTIFY", category):
            span = Span(start, start + len(category))
            refuse(f"the category {category!r} of stage {number} is the keyword of the notify stage", span, "|notify,... has category None")
        else:
            check("CATEGORY", "the category", category, f"stage {number}", Span(start, start + len(category)))
        if not actions and category is not None:
            refuse(f"stage {number} has no action", stage.span, "add an action, or leave the stage out")
        for action in actions:
            name, a_start = action.name, action.span.start
            if category is not None:
                check("ACTION", "the action name", name, f"stage {number}", Span(a_start, a_start + len(name)))
            for index, parameter in enumerate(action.parameters, 1):
                key, text, (p_start, p_end) = parameter.key, parameter.text, parameter.span
                where = f"parameter {index} of {_label(category, name)!r:.60} in stage {number}"
                if key is None:
                    if text:  # the empty one prints as nothing between commas
                        check("BARE", "the bare value", text, where, parameter.span)
                    continue
                check("KEY", "the key", key, where, Span(p_start, p_start + len(key)))
                check("VALUE", "the value", text, where, Span(p_end - len(text), p_end), of_value=True)
    return found


# --- Phase 1: the structure of a shape ----------------------------------------------------

# Where a finding points, resolved to a span against each directive of the shape.
# AT_COMMA: the ',' before a parameter.
AT_STAGE, AT_CATEGORY, AT_ACTION, AT_ACTION_NAME, AT_PARAM, AT_KEY, AT_VALUE, AT_PIPE, AT_COMMA = range(9)


class Finding(NamedTuple):
    code: str
    message: str
    hint: str | None
    at: int  # one of the AT_ constants
    target: int  # the index of the stage, action or parameter there


class _Find(Protocol):
    def __call__(self, code: str, message: str, at: int, index: int, hint: str | None = None) -> None: ...


class ActionCheck(NamedTuple):
    """A tabled action's value rules, and where its parameters are."""

    action_index: int
    spec: ActionSpec
    keys: dict[str, int]  # key -> index of the parameter that counts
    rules: tuple[Rule, ...]  # the rules that read values or the source


class Templated(NamedTuple):
    """A name that may hold per-operation variables, and what the action before it sets."""

    parameter: int  # its index
    producer: str  # the processing action's label
    variables: frozenset[str]


class SavedCheck(NamedTuple):
    """The object name a processing action's output is saved as, and that action's rules
    about the name (its table's chain rules with ``check_saved``: :class:`SavedName`)."""

    parameter: int  # its index
    key: str
    rules: tuple[SavedName, ...]


class Structure:
    """Everything about a directive that follows from its shape alone."""

    __slots__ = ("checks", "effects", "findings", "has_bare", "has_style", "infos", "rows", "saved_names", "templated", "threads")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.infos: list[ActionInfo | None] = []  # per action
        self.rows: list[ParamSpec | None] = []  # per parameter: the row that checks it
        self.checks: list[ActionCheck] = []
        #: The actions whose tables say what they do to the object (ActionSpec.effect).
        self.effects: list[ActionCheck] = []
        #: Some rule reads the object as the actions before it left it: a given source is
        #: threaded through the directive (:func:`threaded`).
        self.threads = False
        self.templated: list[Templated] = []
        #: Saved object names that the action producing them has rules about.
        self.saved_names: list[SavedCheck] = []
        self.has_bare = False
        # A style name's "_" cannot be told from a key's: such a structure is not shared.
        self.has_style = False


def _label(category: str | None, name: str) -> str:
    return name if category is None else f"{category}/{name}"


_MODE_WORDS = {mode: f"{'a' if mode is Mode.ASYNC else ''}synchronous processing ({mode.parameter})" for mode in Mode}

# (stage index, action index in stage, category, name, catalogue entry), every action
_Flat = list[tuple[int, int, str | None, str, ActionInfo | None]]


def structure(directive: Directive, mode: Mode | None, catalogue: Catalogue) -> Structure:
    """The findings of a directive's shape, and the rows that will check its values."""
    shape = Structure()
    findings = shape.findings
    categories = catalogue.categories

    def find(code: str, message: str, at: int, index: int, hint: str | None = None) -> None:
        findings.append(Finding(code, message, hint, at, index))

    stages = directive.stages
    pipes = len(stages) - 1
    if pipes > MAX_PIPES:
        find("E105", f"{pipes} pipes: OSS allows at most {MAX_PIPES}", AT_PIPE, MAX_PIPES + 1, "split the work into separate requests")
    elif pipes > OLDER_MAX_PIPES:
        find("W106", f"{pipes} pipes: older OSS documentation allows only {OLDER_MAX_PIPES}", AT_PIPE, pipes)

    # Actions written after a repeated category (E107): meant as a stage of their own.
    meant_as_stage: set[int] = set()
    # Actions that are sub-steps of the one before (a table's ``substeps``): part of it.
    sub_steps: set[int] = set()
    # category -> (first stage using it, its actions without a table), for one warning each
    unchecked: dict[str, tuple[int, dict[str, None]]] = {}
    flat: _Flat = []
    present: list[frozenset[str]] = []  # per action: the keys given
    action_index = param_index = 0
    for stage_index, stage in enumerate(stages):
        category = stage.category
        category_info = categories.get(category) if category is not None else None
        if category is not None and category_info is None:
            hint = did_you_mean(category, categories) or "categories: " + ", ".join(categories)
            find(POLICY["unknown category"].code, f"unknown category {category!r}", AT_CATEGORY, stage_index, hint)
        actions = stage.actions
        # After an action without a table, a name the category does not list is one of its
        # sub-steps (audio/concat,.../pre,o_.../sur,o_...): not checked, like the action.
        after_untabled = False
        # The action whose sub-steps (its table's ``substeps``) may follow, and how many did.
        parent: ActionInfo | None = None
        substeps = 0
        for position, action in enumerate(actions):
            name, params = action.name, action.parameters
            info: ActionInfo | None
            sub = parent.substep(name) if parent is not None else None
            if sub is not None and parent is not None:
                info = sub
                substeps += 1
                sub_steps.add(action_index)
                limit = parent.spec.max_substeps if parent.spec is not None else None
                if limit is not None and substeps == limit + 1:
                    kinds = "/".join(parent.spec.substeps) if parent.spec is not None else ""
                    find(
                        "E117",
                        f"more than {limit} sub-steps ({kinds}) after {_label(category, parent.name)}: no source allows more",
                        AT_ACTION,
                        action_index,
                        "split the work into separate requests",
                    )
            elif category_info is None:
                info = catalogue.standalone.get(name) if category is None else None
            else:
                info = category_info.actions.get(name)
                if category_info.open_ended:
                    shape.has_style = True
                    if len(name) > MAX_STYLE_NAME:
                        find(
                            "E110", f"the style name is {len(name)} characters long; the limit is {MAX_STYLE_NAME}", AT_ACTION, action_index
                        )
                elif info is None and category_info.covered and not after_untabled:
                    hint = did_you_mean(name, category_info.actions) or f"{category} actions: " + ", ".join(category_info.actions)
                    find(POLICY["unknown action"].code, f"unknown action {name!r} in {category}", AT_ACTION_NAME, action_index, hint)
                elif (info is None or not info.has_table) and category is not None:
                    unchecked.setdefault(category, (stage_index, {}))[1][name] = None
            after_untabled = after_untabled or (
                category_info is not None and not category_info.open_ended and (info is None or not info.has_table)
            )
            if sub is None:
                parent, substeps = info, 0
            shape.infos.append(info)
            flat.append((stage_index, position, category, name, info))
            present.append(frozenset(p.key for p in params if p.key is not None))
            repeated = None
            if params and position < len(actions) - 1 and params[-1].key is None and params[-1].text in categories:
                repeated = param_index + len(params) - 1
                meant_as_stage.add(action_index + 1)
                find(
                    "E107",
                    f"the category {params[-1].text!r} is repeated inside a stage after {_label(category, name)}",
                    AT_PARAM,
                    repeated,
                    f"chain the next action with '/' alone, or start a new stage with '|{params[-1].text}/'",
                )
            shape.has_bare = shape.has_bare or any(p.key is None for p in params)
            for index, parameter in enumerate(params, start=param_index):
                if parameter.key is None and not parameter.text:
                    find(
                        POLICY["empty parameter"].code,
                        f"empty parameter in {_label(category, name)}: it has no effect",
                        AT_COMMA,
                        index,
                        "remove the extra ','",
                    )
            spec = info.spec if info is not None else None
            if spec is None:
                shape.rows.extend([None] * len(params))
            else:
                _parameters(shape, find, _label(category, name), spec, params, action_index, param_index, repeated)
            action_index += 1
            param_index += len(params)

    _chain(flat, present, find, sub_steps)
    for category, (stage_index, names) in unchecked.items():
        them = "it" if len(names) == 1 else "them"
        find("W102", f"{category}/{', '.join(names)} not checked: no parameter table for {them} yet", AT_STAGE, stage_index)
    _modes(flat, mode, find, meant_as_stage, sub_steps)
    _roles(flat, find)
    _templates(shape, directive)
    return shape


def _parameters(
    shape: Structure,
    find: _Find,
    where: str,
    spec: ActionSpec,
    params: tuple[Parameter, ...],
    action_index: int,
    first_param: int,
    repeated: int | None,
) -> None:
    keys: dict[str, int] = {}
    positional = spec.positional
    bare_at: int | None = None  # the parameter that holds the positional value
    for index, parameter in enumerate(params, start=first_param):
        key = parameter.key
        row = None
        if key is None:
            if index == repeated or not parameter.text:  # an empty one is found for every action
                pass
            elif positional is None:
                find(
                    POLICY["bare value"].code,
                    f"{where} takes key_value parameters; {parameter.text!r} has no key",
                    AT_PARAM,
                    index,
                    "parameters: " + ", ".join(spec.by_key),
                )
            elif bare_at is None:
                bare_at = index
                row = positional
                keys[positional.key] = index
            else:
                find(
                    POLICY["extra bare value"].code,
                    f"{where} takes one value ({positional.key}); {parameter.text!r} is another",
                    AT_PARAM,
                    index,
                    "keep one",
                )
        elif key not in spec.by_key:
            hint = did_you_mean(key, spec.by_key) or "parameters: " + ", ".join(spec.by_key)
            find(
                POLICY["unknown key"].code,
                f"unknown parameter {key!r} for {where}: OSS ignores it, so it has no effect",
                AT_KEY,
                index,
                hint,
            )
        elif key in keys:
            find(POLICY["repeated key"].code, f"{key} is given twice: which one OSS uses is not documented", AT_PARAM, index, "keep one")
        else:
            keys[key] = index
            row = spec.by_key[key]
        if row is not None and not row.confidence.documented:
            written = f"the bare value {parameter.text!r}" if key is None else key
            find("W223", f"{written} is not documented for {where}: {row.source}", AT_PARAM, index)
        shape.rows.append(row)
    if positional is not None and bare_at is None:
        if positional.required:
            find(
                POLICY["missing value"].code,
                f"{where} needs its value ({positional.key}): {positional.meaning}",
                AT_ACTION,
                action_index,
                f"write {where.rpartition('/')[2]},<{positional.kind.describe()}>",
            )
        elif positional.default is not None:
            find(
                POLICY["bare value left out"].code,
                f"{where} without its value ({positional.key}): the documented default is {positional.default}, "
                "but the action is documented to take exactly one value",
                AT_ACTION,
                action_index,
                f"write it: {where.rpartition('/')[2]},{positional.default}",
            )
    for row in spec.parameters:
        if row.required and row.key not in keys:
            find(
                POLICY["missing value"].code,
                f"{where} needs {row.key}: {row.meaning}",
                AT_ACTION,
                action_index,
                f"add {row.key}_<{row.kind.describe()}>",
            )

    def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
        if key is None:
            find(code, message, AT_ACTION, action_index, hint)
        else:
            find(code, message, AT_PARAM, keys[key], hint)

    # Rules that read no value depend on the shape alone: decided here, once.
    context = RuleContext({}, keys, None, emit, lambda key, value: True)
    for rule in spec.rules:
        if not rule.reads and not rule.uses_source:
            rule.check(context)
    value_rules = tuple(r for r in spec.rules if r.reads or r.uses_source)
    if value_rules:
        shape.checks.append(ActionCheck(action_index, spec, keys, value_rules))
    if spec.effect is not None:
        shape.effects.append(ActionCheck(action_index, spec, keys, ()))
    shape.threads = shape.threads or spec.effect is not None or any(getattr(r, "threaded", False) for r in value_rules)


def _chain(flat: _Flat, present: list[frozenset[str]], find: _Find, sub_steps: set[int]) -> None:
    """The chain rules of each table: what may follow an action, how many there may be."""
    entries: tuple[ChainEntry, ...] | None = None
    for index, (_, _, _, _, info) in enumerate(flat):
        spec = info.spec if info is not None else None
        if spec is None or not spec.chain_rules:
            continue
        if entries is None:
            entries = tuple(
                ChainEntry(_label(c, n), _role(i).value, i.spec if i is not None else None, keys, at in sub_steps)
                for at, ((_, _, c, n, i), keys) in enumerate(zip(flat, present, strict=True))
            )

        def emit(code: str, message: str, at: int, hint: str | None = None) -> None:
            find(code, message, AT_ACTION, at, hint)

        for rule in spec.chain_rules:
            rule.check_chain(entries, index, emit)


def _modes(flat: _Flat, mode: Mode | None, find: _Find, meant_as_stage: set[int], sub_steps: set[int]) -> None:
    effective = mode
    if mode is not None:
        for index, (_, _, category, name, info) in enumerate(flat):
            if info is not None and mode not in info.modes and index not in sub_steps:
                other = next(iter(info.modes))
                find(
                    "E103",
                    f"{_label(category, name)} runs only in {_MODE_WORDS[other]}, not in {_MODE_WORDS[mode]}",
                    AT_ACTION,
                    index,
                    f"send it as {other.parameter}",
                )
    else:
        first = {m: next((i for i, entry in enumerate(flat) if entry[4] is not None and entry[4].modes == {m}), None) for m in Mode}
        async_at, sync_at = first[Mode.ASYNC], first[Mode.SYNC]
        if async_at is not None and sync_at is not None:
            a, s = flat[async_at], flat[sync_at]
            find(
                "E103",
                f"{_label(a[2], a[3])} runs only in {_MODE_WORDS[Mode.ASYNC]} and "
                f"{_label(s[2], s[3])} only in {_MODE_WORDS[Mode.SYNC]}: no one request runs both",
                AT_ACTION,
                max(async_at, sync_at),
            )
        effective = Mode.ASYNC if async_at is not None else Mode.SYNC if sync_at is not None else None
    if effective is Mode.ASYNC:
        message = "in x-oss-async-process only sys/saveas and notify may follow the processing action"
        hint = "run further processing as a separate request on the saved result"
        stages = sorted({s for s, _, _, _, info in flat if s > 0 and _role(info) is Role.PROCESS})
        for stage_index in stages:
            find("E104", message, AT_STAGE, stage_index, hint)
        # A second catalogued action chained in the first stage (audio/convert,.../convert,...).
        # Sub-steps the catalogue does not list, such as concat's /pre and /sur, are left be.
        chained = [
            i
            for i, (s, position, _, _, info) in enumerate(flat)
            if s == 0 and position > 0 and info is not None and i not in meant_as_stage and i not in sub_steps
        ]
        for index in chained:
            if _role(flat[index][4]) is Role.PROCESS:
                find("E104", message, AT_ACTION, index, hint)
        infos = [info for _, _, _, _, info in flat]
        # Only for a job that can run there: not beside E103 (an action that cannot) or E109.
        runs_async = all(i is None or Mode.ASYNC in i.modes for i in infos) and _role(infos[0] if infos else None) is Role.PROCESS
        by_notification = any(i is not None and i.result_by_notification for i in infos)
        notified = any(_role(i) is Role.NOTIFY for i in infos)
        if runs_async and infos and (not notified if by_notification else not any(_role(i) is Role.SAVE for i in infos)):
            if by_notification:
                find(
                    "W111",
                    "an x-oss-async-process job whose result comes only in its notification, without notify: it goes nowhere",
                    AT_STAGE,
                    0,
                    "add |notify,topic_<URL-safe Base64 of the topic name>",
                )
            else:
                find(
                    "W111",
                    "an x-oss-async-process job without sys/saveas: its output is stored nowhere",
                    AT_STAGE,
                    0,
                    "add |sys/saveas,o_<URL-safe Base64 of the object name> (and b_ for another bucket)",
                )


def _role(info: ActionInfo | None) -> Role:
    return info.role if info is not None else Role.PROCESS


def _roles(flat: _Flat, find: _Find) -> None:
    """Processing first; then at most one save, followed only by at most one notify."""
    roles = [_role(entry[4]) for entry in flat]
    if flat and roles[0] is not Role.PROCESS:
        _, _, category, name, _ = flat[0]
        find(
            "E109",
            f"nothing to process: the directive starts with {_label(category, name)}",
            AT_ACTION,
            0,
            "put the processing action first, as in audio/convert,...|sys/saveas,...",
        )
    seen: set[Role] = set()
    for index, (_, position, category, name, _) in enumerate(flat):
        role = roles[index]
        if role is Role.PROCESS:
            continue
        label = _label(category, name)
        if role in seen:
            find("E108", f"{label} appears twice", AT_ACTION, index, "keep one")
            continue
        seen.add(role)
        # A repeat is reported once, as a repeat, not also as something following the first.
        if role is Role.SAVE:
            if any(r not in (Role.NOTIFY, Role.SAVE) for r in roles[index + 1 :]):
                find("E108", f"{label} must be the last step; only notify may follow it", AT_ACTION, index)
        elif any(r is not Role.NOTIFY for r in roles[index + 1 :]):
            find("E108", f"{label} must be the last step", AT_ACTION, index)
        elif category is not None and position > 0 and roles[index - 1] is not Role.SAVE:
            find(
                "E108",
                f"{label} inside a stage must follow sys/saveas",
                AT_ACTION,
                index,
                "write .../saveas,o_.../notify,topic_... or a stage of its own: |notify,topic_...",
            )


def _templates(shape: Structure, directive: Directive) -> None:
    """Names that may hold per-operation variables, and what the action before them sets."""
    producer: tuple[str, frozenset[str] | None] | None = None
    # The producer's rules about the name its output is saved as.
    naming: tuple[SavedName, ...] = ()
    index = 0
    infos = iter(shape.infos)
    for stage in directive.stages:
        for action in stage.actions:
            info = next(infos)
            count = len(action.parameters)
            if info is not None and info.role is Role.PROCESS:
                spec = info.spec
                producer = (_label(stage.category, action.name), spec.output_variables if spec else None)
                naming = tuple(r for r in spec.chain_rules if isinstance(r, SavedName)) if spec else ()
                count = 0  # its own names are not its output's
            for offset in range(count):
                row = shape.rows[index + offset]
                if row is None or not isinstance(row.kind, Base64Name):
                    continue
                if producer is not None and producer[1] is not None and row.kind.rule.allows_templates:
                    shape.templated.append(Templated(index + offset, producer[0], producer[1]))
                key = action.parameters[offset].key
                if naming and info is not None and info.role is Role.SAVE and isinstance(row.kind.rule, ObjectName) and key:
                    shape.saved_names.append(SavedCheck(index + offset, key, naming))
            index += len(action.parameters)


# --- Phase 2: the values -----------------------------------------------------------------


def locator(directive: Directive) -> Callable[[int, int], Span]:
    """Turns a finding's place (stage, action or parameter index) into a span of the tree."""
    stages = directive.stages
    actions = [a for stage in stages for a in stage.actions]
    params = [p for action in actions for p in action.parameters]

    def locate(at: int, index: int) -> Span:
        if at in (AT_STAGE, AT_CATEGORY, AT_PIPE):
            stage = stages[index]
            start, end = stage.span
            if at == AT_PIPE:
                return Span(start - 1, start)
            return Span(start, start + len(stage.category)) if at == AT_CATEGORY and stage.category else Span(start, end)
        if at in (AT_ACTION, AT_ACTION_NAME):
            action = actions[index]
            start, end = action.span
            return Span(start, start + len(action.name)) if at == AT_ACTION_NAME else Span(start, end)
        parameter = params[index]
        start, end = parameter.span
        if at == AT_COMMA:
            return Span(start - 1, start)
        if at == AT_KEY and parameter.key is not None:
            return Span(start, start + len(parameter.key))
        if at == AT_VALUE and parameter.key is not None:
            return Span(start + len(parameter.key) + 1, end)
        return Span(start, end)

    return locate


def saved_name_diagnostics(shape: Structure, values: Sequence[Value | None], locate: Callable[[int, int], Span]) -> list[Diagnostic]:
    """What the producing actions' rules (:class:`SavedName`) find in the names their
    outputs are saved as."""
    found: list[Diagnostic] = []
    for check in shape.saved_names:
        name = values[check.parameter]
        if not isinstance(name, str):
            continue
        span = locate(AT_VALUE, check.parameter)

        def emit(code: str, message: str, hint: str | None = None, key: str = check.key, span: Span = span) -> None:
            found.append(Diagnostic(code, f"{key}: {message}", span, hint))

        for rule in check.rules:
            rule.check_saved(name, emit)
    return found


def saved_name_quiet(check: SavedCheck, name: object) -> bool:
    """True when the rules of ``check`` find nothing in ``name`` (the fast path's test)."""
    reported: list[str] = []

    def emit(code: str, message: str, hint: str | None = None) -> None:
        reported.append(code)

    if isinstance(name, str):
        for rule in check.rules:
            rule.check_saved(name, emit)
    return not reported


def unset_variables(value: str, variables: frozenset[str]) -> list[str]:
    """The per-operation variables ``value`` uses that its producer does not set."""
    return [v for v in template_variables(value)[0] if v in PER_OPERATION and v not in variables]


def unset_variable_diagnostic(key: str | None, variable: str, where: Templated, span: Span) -> Diagnostic:
    return Diagnostic(
        "W309",
        f"{key}: {{{variable}}} is not set by {where.producer}",
        span,
        "variables it sets: " + ", ".join("{" + v + "}" for v in sorted(where.variables)),
    )


def check_values(directive: Directive, shape: Structure, source: Source | None) -> tuple[list[Diagnostic], list[Value | None]]:
    """Every diagnostic of the directive (the structure's findings too), in source order,
    and each parameter's typed value (None where it did not check out)."""
    locate = locator(directive)
    diagnostics = [Diagnostic(f.code, f.message, locate(f.at, f.target), f.hint) for f in shape.findings]
    params = [p for stage in directive.stages for action in stage.actions for p in action.parameters]
    values: list[Value | None] = [None] * len(params)
    for index, row in enumerate(shape.rows):
        if row is None:
            continue
        parameter = params[index]
        result = row.check(parameter.text)
        for problem in result.problems:
            # row.key: the parameter's key, or the name of a bare value's positional row
            diagnostics.append(Diagnostic(problem.code, f"{row.key}: {problem.message}", locate(AT_VALUE, index), problem.hint))
        values[index] = result.value

    before, output = threaded(shape, values, source)
    for check in shape.checks:

        def valid_for_parameter(key: str, value: Value, spec: ActionSpec = check.spec) -> bool:
            row = spec.by_key.get(key) or spec.positional
            return row is not None and row.check(str(value)).value is not None

        run_rules(check, values, before.get(check.action_index, source), locate, valid_for_parameter, diagnostics, output, source)
    if shape.templated:
        diagnostics.extend(variable_diagnostics(shape, values, [p.key for p in params], locate))
    if shape.saved_names:
        diagnostics.extend(saved_name_diagnostics(shape, values, locate))
    diagnostics.sort(key=diagnostic_order)
    return diagnostics, values


def threaded(shape: Structure, values: Sequence[Value | None], source: Source | None) -> tuple[dict[int, Source], Source | None]:
    """The source as each action receives it (by action index), and as the directive
    gives it: each table's ``effect`` applied in turn; after an action without a table,
    nothing is known. Without a source, or a rule that reads it so, nothing."""
    if source is None or not shape.threads:
        return {}, None
    effects = {check.action_index: check for check in shape.effects}
    before: dict[int, Source] = {}
    current = source
    for index, info in enumerate(shape.infos):
        before[index] = current
        found = effects.get(index)
        if found is not None:
            known = {key: v for key, i in found.keys.items() if (v := values[i]) is not None}
            assert found.spec.effect is not None
            current = found.spec.effect(known, current)
        elif info is None or (info.spec is None and info.role is Role.PROCESS):
            current = Source()
    return before, current


def run_rules(
    check: ActionCheck,
    values: Sequence[Value | None],
    source: Source | None,
    locate: Callable[[int, int], Span],
    valid_for_parameter: Callable[[str, Value], bool],
    diagnostics: list[Diagnostic],
    output: Source | None = None,
    original: Source | None = None,
) -> None:
    """Run an action's value rules on the parameters' typed values; add what they report.
    ``source``: the object as the action receives it; ``output``: as the directive gives it."""
    known = {key: v for key, i in check.keys.items() if (v := values[i]) is not None}

    def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
        span = locate(AT_ACTION, check.action_index) if key is None else locate(AT_PARAM, check.keys[key])
        diagnostics.append(Diagnostic(code, message, span, hint))

    context = _new_context((known, check.keys, source, emit, valid_for_parameter, check.action_index, output, original))
    for rule in check.rules:
        rule.check(context)


# A RuleContext without NamedTuple's __new__ in Python: one per action on every full check.
_new_context = partial(tuple.__new__, RuleContext)


def variable_diagnostics(
    shape: Structure, values: Sequence[Value | None], keys: Sequence[str | None], locate: Callable[[int, int], Span]
) -> list[Diagnostic]:
    """W309 for each per-operation variable a name uses that the action before it does not set."""
    found = []
    for where in shape.templated:
        value = values[where.parameter]
        if isinstance(value, str) and "{" in value:
            for variable in unset_variables(value, where.variables):
                found.append(unset_variable_diagnostic(keys[where.parameter], variable, where, locate(AT_VALUE, where.parameter)))
    return found


def diagnostic_order(diagnostic: Diagnostic) -> tuple[int, str]:
    """Source order, then code: the order every list of diagnostics is given in."""
    span = diagnostic.span
    return (span.start if span is not None else -1, diagnostic.code)


def with_values(directive: Directive, values: Sequence[Value | None]) -> Directive:
    """The tree with each parameter's typed value set."""
    typed = iter(values)
    return Directive(
        tuple(
            Stage(
                stage.category,
                tuple(
                    Action(action.name, tuple(Parameter(p.key, p.text, p.span, next(typed)) for p in action.parameters), action.span)
                    for action in stage.actions
                ),
                stage.span,
            )
            for stage in directive.stages
        ),
        directive.span,
    )
