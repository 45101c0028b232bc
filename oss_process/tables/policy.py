"""What each kind of mistake is, for every action: refused (an error) or ignored (a warning).

One table binds every action of every category, the image and media tables included: the
validator looks a situation up here instead of naming a code. The rule it follows is the
project's: what OSS documents refusing is an error, and what has no defined meaning (a
repeated key: which one OSS uses is unknown, so there is no canonical form); what OSS
likely ignores is a warning whose message says it has no effect. ``strict=True`` (the
library, the gateway guard and the middleware) refuses the warnings marked ``strict``
too, for users who want a request OSS would half ignore to fail.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

__all__ = ["POLICY", "STRICT_CODES", "Treatment"]


class Treatment(NamedTuple):
    code: str
    why: str
    strict: bool = False  # refused by strict=True although a warning


POLICY: Final = MappingProxyType(
    {
        "unknown category": Treatment("E100", "no processing of that name exists: nothing OSS could run"),
        "unknown action": Treatment("E101", "documented: EC 0040-00000213 (example image/slim)"),
        "empty action": Treatment("E011", "documented: EC 0040-00000212 (example image/ with no action)"),
        "unknown key": Treatment(
            "W220",
            "not documented; the official PHP and Python SDKs' integration tests send "
            "image/crop,w_100,h_100,x_100,y_100,r_1 (r is no documented key) and get a 100 x 100 image back: "
            "OSS ignores it. Kept in the canonical form, after the table's keys, as written (one given twice: both kept, both ignored)",
            strict=True,
        ),
        "empty parameter": Treatment("W221", "not documented; ',,' carries nothing: dropped from the canonical form", strict=True),
        "repeated key": Treatment(
            "E201", "a key of the table given twice: which of the two OSS uses is not documented, so the directive has no one meaning"
        ),
        "missing value": Treatment("E202", "documented: a required parameter missing is refused"),
        "bare value": Treatment(
            "E204", "malformed: every parameter of a tabled action is documented as key_value, except a bare-value action's one value"
        ),
        "extra bare value": Treatment(
            "E209", "documented: a bare-value action (image/rotate,90) takes exactly one value; extra values are refused (EC 0040-00000203)"
        ),
        "bare value left out": Treatment(
            "W222",
            "the bare value of an action whose page gives it a default (image/rotate: 0) left out: the pages also say such an "
            "action takes exactly one value (EC 0040-00000203), and none says which applies. A required one is E202",
        ),
    }
)

#: The warnings that ``strict=True`` refuses.
STRICT_CODES: Final = frozenset(t.code for t in POLICY.values() if t.strict)
