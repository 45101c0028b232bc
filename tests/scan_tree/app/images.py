"""Thumbnails and renditions of the gallery's photos, with oss2.

A docstring that mentions image/resize,w_0 is not a directive: it does not start with one.
"""

import base64

import oss2

auth = oss2.Auth("<access-key-id>", "<access-key-secret>")
bucket = oss2.Bucket(auth, "https://oss-cn-hangzhou.aliyuncs.com", "gallery")

THUMB = "image/resize,m_fill,w_200,h_200"
AVATAR = 'image/resize,w_0'
WEBP = "image/format,webp/quality,q_900"
LEGACY = "image/resize,w_0"  # oss-process: ignore[E206]
SPACED = "image/resize,w_100 ,h_0"  # oss-process: ignore[E206]
BROKEN = "image/resize,w_0,mode_lfit"  # oss-process: ignore
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
STYLESHEET = 'style/main.css'


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def thumbnail(key: str) -> bytes:
    return bucket.get_object(key, process="image/resize,w_100").read()


def sized(key: str, w: int, h: int) -> bytes:
    # bucket.get_object(key, process="image/resize,w_0") was the old size
    return bucket.get_object(key, process=f"image/resize,w_{w},h_{h}").read()


def framed(key: str, w: int, h: int) -> bytes:
    process = "image/resize,w_%d,h_%d/quality,q_900" % (w, h)
    return bucket.get_object(key, process=process).read()


def named(key: str, w: int) -> bytes:
    process = "image/resize,w_{width} ,h_100".format(width=w)
    return bucket.get_object(key, process=process).read()


def joined(key: str, w: int) -> bytes:
    good = 'image/resize,w_' + str(w) + ',h_100'
    bad = 'image/resize,w_' + str(w) + ',h_0'
    return bucket.get_object(key, process=good if w else bad).read()


def save(key: str, target: str) -> None:
    bucket.process_object(key, "image/resize,w_100|sys/saveas,o_" + _b64(target) + ",b_" + _b64("gallery"))
    bucket.process_object(key, 'image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=')
    bucket.process_object(key, """image/resize,w_200|sys/saveas,o_ZGVzdC5qcGc""")


def transcode(key: str) -> None:
    bucket.async_process_object(key, "video/convert,f_mp4,vcodec_h264,s_1280x720|sys/saveas,o_ZGVzdC5tcDQ,b_Z2FsbGVyeQ")
    bucket.process_object(key, "audio/convert,f_mp3,ab_128000,ar_44100,ac_2|sys/saveas,o_ZGVzdC5tcDM")


def stacked() -> str:
    return (
        "image/resize,w_100"
        "/quality,q_900"
    )


def signed(key: str) -> str:
    return "https://gallery.oss-cn-hangzhou.aliyuncs.com/" + key + "?x-oss-process=image%2Fresize%2Cw_100%2Ch_0"


def presigned(key: str) -> str:
    return bucket.sign_url("GET", key, 300, params={"x-oss-process": "image/resize,w_0"})


def audio_preview(key: str) -> bytes:
    return bucket.get_object(key, process="audio/convert,f_mp3,ab_128000,ar_44100,ac_2").read()
