"""Constants (§1.4) and AscendLogger masking (§8.3, D19)."""

from __future__ import annotations

import json
import logging
import warnings

import pytest

from ascend import constants
from ascend._logging import mask_text
from ascend.client import AscendLogger, logger


def test_constants():
    assert constants.SDK_VERSION == "2.7.1" and constants.USER_AGENT == "ascend-sdk/2.7.1 Python"
    assert len(constants.API_ENDPOINTS) == 54
    assert all(path.startswith("/") for path in constants.API_ENDPOINTS.values())
    assert constants.API_ENDPOINTS["audit_logs"] == "/audit/logs"


def test_versions():
    import ascend
    import ascend._native

    # Our own version (the wheel's), and a separate constant naming the peer version we are a drop-in for.
    assert ascend.__version__ == ascend._native.SDK_VERSION == "0.1.0" == ascend.__sdk_version__
    assert ascend.PEER_SDK_VERSION == "2.7.1" == constants.SDK_VERSION
    from importlib.metadata import version

    assert version("ascend-sdk-rs") == ascend.__version__


def test_constants_action_type_alias():
    from ascend import _deprecation
    from ascend.models import ActionType

    _deprecation._seen.discard("ascend.constants.ActionType")
    with pytest.warns(DeprecationWarning):
        assert constants.ActionType is ActionType
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert constants.ActionType is ActionType


@pytest.mark.parametrize("raw,masked", [
    ("key owkai_abc123XYZ used", "key owkai_**** used"),
    ("ascend_live_9f8e and sk_test_1", "ascend_**** and sk_****"),
    ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ****"),
    ("task_id=5 risk_score=3", "task_id=5 risk_score=3"),
])
def test_mask_text(raw, masked):
    assert mask_text(raw) == masked


def test_logger_masks_message_and_fields(caplog):
    log = AscendLogger("ascend_test_text", level="DEBUG")
    log.set_correlation_id("asc_00112233aabbccdd")
    with caplog.at_level(logging.DEBUG, logger="ascend_test_text"):
        log.info("using owkai_secret", api_key="owkai_secret", headers={"Authorization": "Bearer t", "ok": 1},
                 password="hunter2", note="Bearer xyz")
    text = caplog.records[-1].getMessage()
    assert "secret" not in text.replace("owkai_****", "") and "hunter2" not in text and "xyz" not in text
    assert text.startswith("[INFO] using owkai_**** correlation_id=asc_00112233aabbccdd")
    assert "api_key=****" in text and "password=****" in text


def test_logger_json_format(caplog):
    log = AscendLogger("ascend_test_json", level=logging.INFO, json_format=True)
    with caplog.at_level(logging.INFO, logger="ascend_test_json"):
        log.warning("hello", secret="s3", count=2)
        log.debug("hidden")
    records = [r for r in caplog.records if r.name == "ascend_test_json"]
    assert len(records) == 1
    data = json.loads(records[0].getMessage())
    assert data["level"] == "WARNING" and data["logger"] == "ascend_test_json" and data["message"] == "hello"
    assert data["secret"] == "****" and data["count"] == 2 and "correlation_id" not in data


def test_module_logger_and_level_name():
    assert isinstance(logger, AscendLogger) and logger.logger.name == "ascend_sdk"
    assert AscendLogger("ascend_test_lvl", level="warning").logger.level == logging.WARNING
