# Saved on Windows: CRLF line ends.
THUMB = "image/resize,w_100,h_0"
STACK = (
    "image/resize,w_100"
    "/quality,q_900"
)
SPACED = """image/resize,w_100 ,h_100"""
