"""Thumbnails and transcoding with the oss2 SDK."""

import oss2

bucket = oss2.Bucket(oss2.Auth("id", "secret"), "https://oss-cn-hangzhou.aliyuncs.com", "examplebucket")


def thumbnail(key: str, width: int) -> bytes:
    return bucket.get_object(key, process=f"image/resize,m_lfit,w_{width},h_0/quality,q_90").read()


def cover(key: str) -> bytes:
    return bucket.get_object(key, process="image/resize,w_300/format,webp").read()


def transcode(key: str) -> None:
    # process_object sends x-oss-process: audio/convert runs only as x-oss-async-process
    bucket.process_object(key, "audio/convert,f_mp3,ab_96000|sys/saveas,o_b3V0Lm1wMw")


LEGACY = "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc="  # oss-process: ignore[W302]
