"""Numbers the OSS documentation leaves open or states in conflict, each the strict choice.

Change one here and every check, the README's table and the tests follow.
"""

from typing import Final

#: Longest directive accepted, in characters, checked before any parsing. OSS documents a
#: limit (EC 0017-00000288) without its value; 8 KiB holds the longest official example
#: eight times over and a 1023-byte object name with room to spare.
MAX_LENGTH: Final = 8192

#: Most parameters in one directive (commas), checked before any parsing.
MAX_PARAMETERS: Final = 256

#: Most '|' pipes: EC 0040-00000211 says 5; an older error page says 4 (warned about).
MAX_PIPES: Final = 5
OLDER_MAX_PIPES: Final = 4

#: Style names: 1-63 characters (image-styles page).
MAX_STYLE_NAME: Final = 63

#: Millisecond parameters documented only as "an integer greater than 0" are bounded by
#: the largest signed 32-bit integer (about 24.8 days), the strict reading.
MAX_INT32: Final = 2**31 - 1

#: Syntax errors reported in one directive before the parser stops recovering (each
#: recovery reruns the LALR automaton over the text: hostile input stays cheap).
MAX_SYNTAX_ERRORS: Final = 20

#: Diagnostics reported for one directive; the rest are counted in one last E004 (W005
#: when only warnings were left out). 256 parameters could otherwise give 256 findings.
MAX_DIAGNOSTICS: Final = 100
