"""sys/saveas and notify: the steps that store a result and announce it."""

from ..kinds import Base64Name, BucketName, ObjectName, TopicName, templated
from . import variables
from .model import ActionSpec, ParamSpec

_TEMPLATES = templated(variables.ALL, variables.PREFIXES, variables.SHORTEST)

SAVEAS = ActionSpec(
    summary="Save the processed result as an object.",
    reference="https://www.alibabacloud.com/help/en/oss/user-guide/sys-or-saveas",
    builder_name="SaveAs",
    parameters=(
        ParamSpec(
            "b",
            Base64Name(BucketName(_TEMPLATES)),
            "The destination bucket, URL-safe Base64; may use template variables.",
            keyword="bucket",
            when_omitted="the source bucket",
        ),
        ParamSpec(
            "o",
            Base64Name(ObjectName(_TEMPLATES)),
            "The destination object name, URL-safe Base64; may use template variables such as {autoext}.",
            keyword="object",
            required=True,
        ),
    ),
)

NOTIFY = ActionSpec(
    summary="Send a message to a Simple Message Queue (formerly MNS) topic when the job ends (asynchronous only).",
    reference="https://www.alibabacloud.com/help/en/oss/user-guide/message-notification",
    builder_name="Notify",
    parameters=(ParamSpec("topic", Base64Name(TopicName()), "The message-queue topic, URL-safe Base64.", required=True),),
)
