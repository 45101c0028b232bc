# developer overrides, never committed
THUMB_PROCESS = "image/resize,w_0"
