"""Governed wrappers for risky local operations: subprocesses, dynamic code, static code screening."""

from __future__ import annotations

from . import subprocess
from .ast_analyzer import ASTAnalysisResult, ASTAnalyzer, ASTFinding, analyze_code, is_code_safe
from .dynamic_code import (
    CodeTooLongError,
    DangerousCodeError,
    SafeEvalError,
    SafeEvaluator,
    analyze_expression,
    safe_eval,
    safe_exec,
)
from .dynamic_code import configure as configure_dynamic_code
from .subprocess import (
    GovernanceError,
    ShellNotAllowedError,
    classify_command_risk,
    govern_subprocess,
    governed_run,
)
from .subprocess import configure as configure_subprocess

__all__ = [
    "subprocess",
    "configure_subprocess",
    "governed_run",
    "govern_subprocess",
    "classify_command_risk",
    "GovernanceError",
    "ShellNotAllowedError",
    "SafeEvaluator",
    "safe_eval",
    "safe_exec",
    "analyze_expression",
    "configure_dynamic_code",
    "SafeEvalError",
    "DangerousCodeError",
    "CodeTooLongError",
    "ASTAnalyzer",
    "ASTAnalysisResult",
    "ASTFinding",
    "analyze_code",
    "is_code_safe",
]
