"""The conformance runner for Python: EVERY case of tests/conformance/index.json through the public ``ascend`` API.

Semantics follow core/tests/conformance/protocol.rs (and common.rs):

* scripted cases run against one ``ascend-mock-server`` process (reset per case, scripted through ``/__mock/``);
* client parameters come from the case's ``client`` (defaults: api key ``test-api-key-0001``, agent ``test-agent``,
  the mock server's URL) and ``env`` (used *instead of* the process environment, through the private ``_env``);
* time is one virtual clock per case, shared by every client of the case (the schema's description): the core's
  manual clock (private ``_clock="manual:<t>"``), where a client made by ``new_client``/``restart_client`` starts at
  the case's current virtual time (start + ``advance_clock`` steps + every earlier sleep), unless ``clock.real``;
* a step with no ``expect`` fails when its call raises;
* the mock server judges requests, leftover script entries and sleeps (``POST /__mock/verify``); this runner only
  reports the verdict;
* ``call`` names map to the public snake_case methods of :class:`ascend.AscendClient`; runner steps ``new_client``,
  ``restart_client``, ``breaker_state`` (via ``client._circuit_breaker``), ``clock_sleeps``; our additions
  ``spool_pending``/``replay_spool``/``poll_kill_switch`` are the private ``client._<name>()`` methods (their
  ``request_options`` argument becomes ``client.with_options(**request_options)``). A name with no
  Python method at all (the ``unknown-method`` case) goes through the generic native entry point ``_invoke``;
* ``expect.result`` is a subset match on the JSON projection of the *Python* result object, ``expect.error`` checks
  the exception's ``code``, class, ``status_code`` and ``details``;
* pure suites (canonical, normalise, cvss, prescore, webhooks) call the package's public pure functions;

* pure suites use the inputs of their Rust runners (core/tests/conformance/{prescore,webhooks}.rs): prescore
  ``thresholds`` -> ``thresholds=``, ``rules``/``rules_json``/``rules_toml`` -> a temporary file passed as
  ``rules_path=``, ``batch`` -> :func:`ascend.prescore_batch`; webhooks ``scheme`` -> ``scheme=``, ``replay`` /
  ``deliveries`` -> one :class:`ascend.webhooks.ReplayCache`, ``body_as`` text/parsed -> a ``str`` / ``dict`` body
  (refused), ``verify_signature`` -> :func:`ascend.webhooks.verify_signature`, ``sign`` -> any scheme and secrets.

Every case runs and must pass: there is no skip list (no runner has one; under ``CI=true`` conftest.py turns any
skip into a failure).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import re
import tempfile
import urllib.request
import warnings
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import pytest

import conformance_govern
from conftest import REPO, requires_native

pytestmark = requires_native

CONFORMANCE = REPO / "tests" / "conformance"
INDEX = json.loads((CONFORMANCE / "index.json").read_text())
CASE_FILES: List[str] = INDEX["cases"]
DEFAULT_START_UNIX = 1_767_225_600
PURE_SUITES = {"canonical", "normalise", "cvss", "prescore", "webhooks"}
PRIVATE_CALLS = {"spool_pending", "replay_spool", "poll_kill_switch"}
#: Case keys the mock server judges (``POST /__mock/verify``).
VERIFIED = ("expect_requests", "allow_unused", "expect_sleeps", "expect_sleep_total")


def load(rel: str) -> Dict[str, Any]:
    case: Dict[str, Any] = json.loads((CONFORMANCE / rel).read_text())
    return case


def suite_of(rel: str) -> str:
    return rel.split("/")[1]


# -- subset matching (common.rs) -----------------------------------------------------------------------------------

_MISSING = object()


def subset_match(expected: Any, actual: Any, path: str) -> None:
    """Raise AssertionError when ``actual`` does not contain ``expected`` (the matcher every runner shares)."""
    if isinstance(expected, dict):
        if "$absent" in expected:
            assert actual is _MISSING or actual is None, f"{path}: expected absent, got {actual!r}"
            return
        if "$any" in expected:
            assert actual is not _MISSING and actual is not None, f"{path}: expected present, not null: {actual!r}"
            return
        if "$regex" in expected:
            assert isinstance(actual, str) and re.search(expected["$regex"], actual), \
                f"{path}: {actual!r} does not match {expected['$regex']}"
            return
        if "$len" in expected:
            assert isinstance(actual, (list, str, dict)) and len(actual) == expected["$len"], \
                f"{path}: length of {actual!r} != {expected['$len']}"
            return
        if "$approx" in expected:
            tol = expected.get("$tol", 1e-9)
            assert _is_number(actual) and abs(actual - expected["$approx"]) <= tol, \
                f"{path}: {actual!r} not within {tol} of {expected['$approx']}"
            return
    assert actual is not _MISSING, f"{path}: missing (expected {expected!r})"
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            subset_match(value, actual.get(key, _MISSING), f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(expected) == len(actual), f"{path}: array length {len(actual)} != {len(expected)} ({actual!r})"
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset_match(e, a, f"{path}[{i}]")
    elif _is_number(expected) and _is_number(actual):
        assert abs(expected - actual) <= 1e-9 * max(abs(expected), 1.0), f"{path}: {actual!r} != {expected!r}"
    else:
        assert type(expected) is type(actual) and expected == actual, f"{path}: got {actual!r}, expected {expected!r}"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# -- projections of Python results and errors ----------------------------------------------------------------------

def error_class(exc: BaseException) -> str:
    """The SDK class of an exception, ignoring the ``*ValueError`` mixins (``ConfigurationValueError`` etc.)."""
    import ascend.exceptions as ex

    for cls in type(exc).__mro__:
        if cls.__name__ in ex.__all__ and not cls.__name__.endswith("ValueError"):
            return cls.__name__
    return type(exc).__name__


def project_error(exc: Any) -> Dict[str, Any]:
    return {"code": exc.code, "class": error_class(exc), "error_code": exc.error_code, "message": exc.message,
            "status_code": exc.status_code, "correlation_id": exc.correlation_id, "details": project(exc.details)}


def project(value: Any) -> Any:
    """JSON projection of a Python result (keys are the Python attribute names, enums their wire values)."""
    from ascend.exceptions import OWKAIError
    from ascend.models import ActionDetails, AuthorizationDecision, Webhook

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, OWKAIError):
        return project_error(value)
    if isinstance(value, AuthorizationDecision):
        out = {f.name: project(getattr(value, f.name)) for f in dataclasses.fields(value)}
        out.update(status=value.status, raw_status=value.raw_status, risk_level_raw=value.risk_level_raw,
                   raw=project(value.raw))
        return out
    if isinstance(value, Webhook):
        return project(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: project(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, ActionDetails):
            out["status_raw"] = value.status_raw
        return out
    if isinstance(value, SimpleNamespace):
        return project(vars(value))
    if isinstance(value, dict):
        return {str(k): project(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [project(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def config_projection(client: Any) -> Dict[str, Any]:
    cfg = client._config
    return {"api_url": client.api_url, "agent_id": client.agent_id, "agent_name": client.agent_name,
            "environment": client.environment, "fail_mode": client.fail_mode.value, "timeout": client.timeout,
            "max_retries": client.max_retries, "enable_circuit_breaker": cfg["enable_circuit_breaker"],
            "circuit_breaker_threshold": cfg["circuit_breaker_threshold"],
            "circuit_breaker_timeout": cfg["circuit_breaker_timeout"],
            "has_signing_secret": client.signing_secret is not None, "api_key_set": bool(client.api_key)}


# -- scripted cases (protocol.rs) ----------------------------------------------------------------------------------

class Runner:
    """State of one scripted case: the current client, every client made, the spool and rules directories."""

    def __init__(self, case: Dict[str, Any], url: str, tmp: Path) -> None:
        self.case = case
        self.url = url
        self.tmp = tmp
        clock = case.get("clock") or {}
        self.env = dict(case.get("env") or {})
        self.virtual = not clock.get("real", False)
        self.start = float(clock.get("start_unix", DEFAULT_START_UNIX))
        self.advanced = 0.0
        self.client: Any = None
        self.clients: List[Any] = []
        self.spool_dir: Optional[Path] = None

    def make_client(self, overrides: Optional[Dict[str, Any]] = None) -> Any:
        from ascend import AscendClient
        from ascend._base import private_native_params

        c = dict(self.case.get("client") or {})
        c.update(overrides or {})
        kwargs: Dict[str, Any] = {
            "api_key": c.get("api_key", "test-api-key-0001"),  # an explicit null stays None
            "agent_id": c.get("agent_id", "test-agent"),
            "api_url": c.get("api_url", self.url),
        }
        for key in ("agent_name", "environment", "fail_mode", "timeout", "max_retries", "enable_circuit_breaker",
                    "circuit_breaker_threshold", "circuit_breaker_timeout", "signing_secret",
                    "local_auto_approve_below"):
            if key in c:
                kwargs[key] = c[key]
        if c.get("use_spool"):
            if self.spool_dir is None:
                self.spool_dir = Path(tempfile.mkdtemp(dir=self.tmp))
            kwargs["audit_spool_path"] = str(self.spool_dir / "spool.jsonl")
        else:  # never touch the user's cache dir from tests
            kwargs["audit_spool_path"] = str(Path(tempfile.mkdtemp(dir=self.tmp)) / "spool.jsonl")
        if "prescore_rules" in c:
            rules = Path(tempfile.mkdtemp(dir=self.tmp)) / "rules.json"
            rules.write_text(json.dumps(c["prescore_rules"]))
            kwargs["prescore_rules_path"] = str(rules)
        with private_native_params(**self.private()):
            client = AscendClient(**kwargs)
        self.clients.append(client)
        self.client_kwargs = kwargs
        return client

    def cancelled_call(self, call: str, args: Dict[str, Any], after_ms: int) -> Any:
        """Python's cancellation idiom for ``cancel_after_ms``: the call on ``AsyncAscendClient`` (same
        configuration, same spool) as an asyncio task, cancelled after ``after_ms``; ``CancelledError`` is the
        binding's form of the core's ``CANCELLED``."""
        import asyncio

        from ascend import AsyncAscendClient
        from ascend._base import private_native_params
        from ascend.exceptions import OWKAIError

        self.current()
        with private_native_params(**self.private()):
            aclient = AsyncAscendClient(**self.client_kwargs)

        async def go() -> Any:
            task = asyncio.ensure_future(getattr(aclient, call)(**args))
            try:
                await asyncio.sleep(after_ms / 1000)
                task.cancel()
                return await task
            finally:
                await aclient.close()

        try:
            return project(asyncio.run(go()))
        except asyncio.CancelledError:
            error = OWKAIError("The call was cancelled", "CANCELLED")
            error.code = "CANCELLED"
            raise error from None

    def private(self) -> Dict[str, Any]:
        """Private constructor parameters: the case's ``env`` and, on the virtual clock, a manual clock starting at
        the case's current virtual time (one clock per case: a later client continues, it never restarts)."""
        private: Dict[str, Any] = {"_env": self.env}
        if self.virtual:
            private["_clock"] = f"manual:{self.start + self.advanced + sum(self.sleeps()):.6f}"
        return private

    def current(self) -> Any:
        if self.client is None:
            self.client = self.make_client()
        return self.client

    def step(self, step: Dict[str, Any]) -> Any:
        call = step["call"]
        args = dict(step.get("args") or {})
        if call in ("new_client", "restart_client"):
            fresh = self.make_client(args)
            if self.client is not None:
                self.client.close()
            self.client = fresh
            return config_projection(fresh)
        client = self.current()
        if "cancel_after_ms" in step:
            return self.cancelled_call(call, args, step["cancel_after_ms"])
        if call == "breaker_state":
            breaker = client._circuit_breaker
            if breaker is None:
                return {"state": None, "failures": None}
            return {"state": breaker.state.value, "failures": breaker.failures}
        if call == "clock_sleeps":
            return len(self.sleeps())
        if call in conformance_govern.WRAPPER_CALLS:
            return conformance_govern.wrapper_step(client, call, args, project)
        if call in PRIVATE_CALLS:
            options = args.pop("request_options", None)
            if options is not None:  # per-call options: the call runs on a with_options() view
                client = client.with_options(**options)
            return project(getattr(client, f"_{call}")(**args))
        method = getattr(client, call, None)
        if method is None:
            assert not hasattr(type(client), call)
            return client._invoke(call, args)  # no Python method: the generic native entry point
        with warnings.catch_warnings():  # the deprecated shims (submit_action, get_agent, ...) warn by design
            warnings.simplefilter("ignore", DeprecationWarning)
            return project(method(**args))

    def advance(self, seconds: float) -> None:
        if self.virtual:
            self.current()._native.advance_clock(seconds)
            self.advanced += seconds
        else:
            import time

            time.sleep(seconds)

    def sleeps(self) -> List[float]:
        return [s for c in self.clients for s in c._native.clock_sleeps()]

    def close(self) -> None:
        for c in self.clients:
            c.close()


def check_error(expected: Dict[str, Any], exc: BaseException) -> None:
    from ascend.exceptions import OWKAIError

    assert isinstance(exc, OWKAIError), f"expected an SDK error {expected}, got {type(exc).__name__}: {exc}"
    actual = {"code": exc.code, "class": error_class(exc), "status_code": exc.status_code,
              "details": project(exc.details)}
    subset_match(expected, actual, f"error ({type(exc).__name__}: {exc})")


def run_scripted(case: Dict[str, Any], mock: Any, tmp: Path) -> None:
    mock.reset()
    if case.get("server"):
        mock.script(case["server"])
    runner = Runner(case, mock.url, tmp)
    try:
        for i, step in enumerate(case["steps"]):
            if "advance_clock" in step:
                runner.advance(step["advance_clock"])
            expect = step.get("expect") or {}
            try:
                outcome: Tuple[str, Any] = ("result", runner.step(step))
            except Exception as exc:
                outcome = ("error", exc)
            where = f"step {i} ({step['call']})"
            if "result" in expect:
                if outcome[0] == "error":
                    raise AssertionError(f"{where}: expected a result, got {type(outcome[1]).__name__}: "
                                         f"{outcome[1]} {getattr(outcome[1], 'details', '')}") from outcome[1]
                subset_match(expect["result"], outcome[1], f"{where} result")
            elif "error" in expect:
                assert outcome[0] == "error", f"{where}: expected an error, got {outcome[1]!r}"
                check_error(expect["error"], outcome[1])
            elif outcome[0] == "error":
                raise AssertionError(f"{where}: a step without expect failed: {type(outcome[1]).__name__}: "
                                     f"{outcome[1]}") from outcome[1]
    finally:
        runner.close()
    expectations = {k: case[k] for k in VERIFIED if k in case}
    verdict = mock.verify({**expectations, "sleeps": runner.sleeps()})
    assert verdict["ok"], "mock server: " + "; ".join(verdict["mismatches"])


# -- pure cases ----------------------------------------------------------------------------------------------------

PRESCORE_RUNNER_KEYS = ("thresholds", "rules", "rules_json", "rules_toml", "batch")


def _rules_path(data: Dict[str, Any], tmp: Path) -> Optional[Path]:
    """``rules`` (a document), ``rules_json`` / ``rules_toml`` (text) -> a file, as core/tests/conformance/prescore.rs
    writes it for ``Prescorer::from_rules_file``."""
    if "rules" in data:
        name, text = "rules.json", json.dumps(data["rules"], indent=2)
    elif isinstance(data.get("rules_json"), str):
        name, text = "rules.json", data["rules_json"]
    elif isinstance(data.get("rules_toml"), str):
        name, text = "rules.toml", data["rules_toml"]
    else:
        return None
    path = Path(tempfile.mkdtemp(dir=tmp)) / name
    path.write_text(text, encoding="utf-8")
    return path


def _prescore(data: Dict[str, Any], tmp: Path) -> Any:
    """``ascend.prescore`` / ``ascend.prescore_batch`` with the runner keys as ``thresholds=`` / ``rules_path=``."""
    from ascend import prescore, prescore_batch

    options = {"thresholds": data.get("thresholds"), "rules_path": _rules_path(data, tmp)}
    if "batch" in data:
        return {"results": [p.raw for p in prescore_batch(data["batch"], **options)]}
    action = {k: v for k, v in data.items() if k not in PRESCORE_RUNNER_KEYS}
    # action_type is passed even when absent: the core reports it (ValidationError)
    return prescore(action.pop("action_type", None), **action, **options).raw


def _webhook_body(data: Dict[str, Any]) -> Any:
    """The body as bytes, or (``body_as``) as text / parsed JSON, which the API must refuse."""
    raw = base64.b64decode(data["body_b64"]) if "body_b64" in data else str(data.get("body", "")).encode()
    body_as = data.get("body_as", "bytes")
    if body_as == "text":
        return raw.decode("utf-8", "replace")
    if body_as == "parsed":
        return json.loads(raw or b"null")
    assert body_as == "bytes", f"unknown body_as {body_as}"
    return raw


def _webhook_headers(data: Dict[str, Any]) -> Any:
    headers = data.get("headers") or {}
    return [tuple(p) for p in headers] if isinstance(headers, list) else headers


def _secret_value(v: Any) -> Any:
    """``secret_arg`` as the host value (webhooks.rs): ``{"$bytes_utf8"}``/``{"$bytes_hex"}`` are bytes, an array
    a list, ``{"$tuple"}`` a tuple, anything else the JSON value itself."""
    if isinstance(v, dict) and "$bytes_utf8" in v:
        return str(v["$bytes_utf8"]).encode()
    if isinstance(v, dict) and "$bytes_hex" in v:
        return bytes.fromhex(v["$bytes_hex"])
    if isinstance(v, dict) and "$tuple" in v:
        return tuple(_secret_value(i) for i in v["$tuple"])
    if isinstance(v, list):
        return [_secret_value(i) for i in v]
    return v


def _secrets_of(data: Dict[str, Any]) -> Any:
    """The ``secret`` argument: ``secret_arg`` when given, else ``secrets`` (+ ``secret``)."""
    if "secret_arg" in data:
        return _secret_value(data["secret_arg"])
    return list(data.get("secrets") or []) + ([data["secret"]] if "secret" in data else [])


def _webhook_verify(data: Dict[str, Any]) -> Any:
    """``verify`` of webhooks.rs: ``scheme`` pins, ``replay`` pre-loads a :class:`ReplayCache` (ids kept until
    now + ceil(tolerance)), ``deliveries`` verifies that many times through it (the last outcome counts)."""
    from ascend import webhooks

    tolerance = data.get("tolerance_seconds", 300)
    now = data.get("now_unix")
    deliveries = max(int(data.get("deliveries", 1)), 1)
    cache = None
    if data.get("replay") or deliveries > 1 or "replay" in data:
        cache = webhooks.ReplayCache(1000)
        start = now if now is not None else 0
        for msg_id in data.get("replay") or []:
            cache.remember(msg_id, start + math.ceil(tolerance), now=start)
    result: Any = None
    for i in range(deliveries):
        try:
            result = webhooks.verify(_webhook_body(data), _webhook_headers(data), _secrets_of(data),
                                     tolerance, scheme=data.get("scheme"), replay_cache=cache, now=now)
        except Exception:
            if i == deliveries - 1:
                raise
    return result


def _webhook_verify_signature(data: Dict[str, Any]) -> Any:
    from ascend import webhooks

    return project(webhooks.verify_signature(_webhook_body(data), _webhook_headers(data), _secrets_of(data),
                                             data.get("tolerance_seconds", 300), scheme=data.get("scheme"),
                                             now=data.get("now_unix")))


def _webhook_sign(spec: Dict[str, Any], data: Dict[str, Any]) -> Dict[str, str]:
    from ascend import webhooks

    return webhooks.sign(_webhook_body(data), _secrets_of(spec), spec.get("msg_id"), spec.get("timestamp_unix"),
                         scheme=spec.get("scheme", "standard_webhooks"))


def _cvss_one(vector: str) -> Any:
    from ascend import cvss
    from ascend.exceptions import OWKAIError

    try:
        return cvss.score(vector).raw
    except OWKAIError as exc:
        return {"error": {"code": exc.code, "class": error_class(exc), "details": project(exc.details)}}


def run_pure(suite: str, case: Dict[str, Any], tmp: Path) -> None:
    """Pure suites through the package's pure functions (``input`` -> ``expected`` / ``expected_error``)."""
    from ascend import _native_loader, cvss
    from ascend.models import AuthorizationDecision

    data = case["input"]
    try:
        if suite == "canonical":
            text = data.get("json", "null")
            result: Any = {"canonical": _native_loader.native_call(lambda n: n.canonical_json(text))}
            if isinstance(data.get("secret"), str) and isinstance(data.get("timestamp"), str):
                result["signature"] = _native_loader.native_call(
                    lambda n: n._sign_request(data["secret"], data["timestamp"], text))
        elif suite == "normalise":
            result = project(AuthorizationDecision.from_dict(data["response"]))
        elif suite == "cvss":
            if "vectors" in data:
                result = {"results": [_cvss_one(v) for v in data["vectors"]]}
            else:
                result = cvss.score(data["vector"]).raw
        elif suite == "prescore":
            result = _prescore(data, tmp)
        else:  # webhooks
            op = data["op"]
            if op == "verify":
                result = _webhook_verify(data)
            elif op == "verify_signature":
                result = _webhook_verify_signature(data)
            elif op == "sign":
                result = {"headers": _webhook_sign(data, data)}
            else:
                assert op == "sign_verify", f"unknown op {op}"
                headers = _webhook_sign(data["sign"], data)
                result = {"headers": headers, "event": _webhook_verify({**data, "headers": headers})}
    except Exception as exc:
        if "expected_error" in case:
            check_error(case["expected_error"], exc)
            return
        raise
    assert "expected" in case, f"expected an error {case.get('expected_error')}, got {result!r}"
    subset_match(case["expected"], result, "result")


# -- the tests -----------------------------------------------------------------------------------------------------

def _id(rel: str) -> str:
    return f"{suite_of(rel)}::{load(rel)['id']}"


@pytest.mark.parametrize("rel", CASE_FILES, ids=[_id(r) for r in CASE_FILES])
def test_case(rel: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    case = load(rel)
    suite = suite_of(rel)
    if conformance_govern.is_pure(suite, case):
        conformance_govern.run_pure(case, check_error, subset_match)
    elif suite in PURE_SUITES:
        run_pure(suite, case, tmp_path)
    else:
        run_scripted(case, request.getfixturevalue("mock"), tmp_path)


def test_every_case_is_listed() -> None:
    on_disk = sorted(str(p.relative_to(CONFORMANCE)) for p in (CONFORMANCE / "cases").rglob("*.json"))
    assert on_disk == sorted(CASE_FILES)


def test_any_means_present_and_not_null() -> None:
    subset_match({"a": {"$any": True}}, {"a": 0}, "r")
    for actual in ({"a": None}, {}):
        with pytest.raises(AssertionError):
            subset_match({"a": {"$any": True}}, actual, "r")
    with pytest.raises(AssertionError):
        subset_match(1, True, "r")


def test_mock_server_verdict_is_type_strict_and_reports_unused_entries(mock: Any) -> None:
    mock.script([{"match": {"method": "POST", "path": "/t"}, "respond": {"body": {}}},
                 {"match": {"path": "/never"}, "respond": {}}])
    sent = urllib.request.Request(mock.url + "/t", data=b'{"n": 1}', method="POST",
                                  headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(sent, timeout=10) as resp:
        resp.read()
    for wrong in (True, 1.0):
        verdict = mock.verify({"expect_requests": [{"method": "POST", "path": "/t", "body_exact": {"n": wrong}}],
                               "allow_unused": True})
        assert not verdict["ok"], f"body_exact {wrong!r} matched 1"
    exact = {"expect_requests": [{"method": "POST", "path": "/t", "body_exact": {"n": 1}}]}
    verdict = mock.verify(exact)
    assert not verdict["ok"] and [u["entry"] for u in verdict["unused"]] == [1], verdict
    assert mock.verify({**exact, "allow_unused": True})["ok"]
