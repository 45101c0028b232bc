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

# --- Images (spec/media-actions.md sections 0, 1 and 6) ---------------------------------

#: Resize sides: the current page says [1,16384]; the 2021 page and EC 0040-00000007 say
#: 4096 (a warning above it, W219).
MAX_RESIZE_SIDE: Final = 16384
OLDER_MAX_RESIZE_SIDE: Final = 4096

#: Image watermarks on one image: 3 on the current page and EC 0040-00000026; one English
#: revision said 6 (a warning from 4 to 6, an error above).
MAX_IMAGE_WATERMARKS: Final = 3
OLDER_MAX_IMAGE_WATERMARKS: Final = 6

#: A text watermark: 64 characters after Base64 encoding (current page); the older error
#: page EC 0040-00000377 counts 64 after decoding (an error beyond both, a warning between).
MAX_WATERMARK_TEXT: Final = 64

#: A blind watermark's text: 256 characters (OSS page); IMM's API says 100 bytes (warned).
MAX_BLIND_CONTENT: Final = 256
IMM_MAX_BLIND_CONTENT_BYTES: Final = 100

#: image/blur p: 50 is a documented valid value and 1000 a refused one; the range between
#: is not documented: 1000 and above is an error, above 100 a warning.
MAX_BLUR_PERCENT: Final = 999
DOUBTFUL_BLUR_PERCENT: Final = 100

#: What OSS takes as a source image, and gives as an output (resize page).
MAX_SOURCE_BYTES: Final = 20 * 1024 * 1024
MAX_SOURCE_SIDE: Final = 30_000
MAX_SOURCE_PIXELS: Final = 250_000_000
MAX_OUTPUT_SIDE: Final = 16_384
MAX_OUTPUT_PIXELS: Final = 16_777_216
#: image/rotate takes a source of at most 4096 x 4096 px (rotate page).
MAX_ROTATE_SIDE: Final = 4096
