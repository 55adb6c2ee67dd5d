"""Static screening of Python source before dynamic evaluation (PROTOCOL §8.6).

Flags imports, ``eval``/``exec``/``compile``/``__import__``, the ``getattr`` family and namespace introspection,
dunder names and attributes, and file/network/process names. Each finding carries CWE and MITRE ATT&CK ids.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

__all__ = ["ASTAnalyzer", "ASTAnalysisResult", "ASTFinding", "analyze_code", "is_code_safe"]

SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_BLOCKING = ("high", "critical")

# (category, severity, description, CWE ids, MITRE techniques)
_Spec = Tuple[str, str, str, List[str], List[str]]
_CODE_EXEC: _Spec = ("code_execution", "critical", "Dynamic code execution", ["CWE-95"], ["T1059.006"])
_REFLECTION: _Spec = ("reflection", "high", "Attribute reflection can reach restricted objects", ["CWE-470"],
                      ["T1059.006"])
_INTROSPECTION: _Spec = ("introspection", "high", "Namespace introspection", ["CWE-94"], ["T1059.006"])
_FILE: _Spec = ("file_access", "high", "File system access", ["CWE-73"], ["T1005"])
_NETWORK: _Spec = ("network_access", "high", "Network access", ["CWE-918"], ["T1071"])
_PROCESS: _Spec = ("process_execution", "critical", "Operating system command execution", ["CWE-78"], ["T1059"])

DANGEROUS_NAMES: Dict[str, _Spec] = {
    "eval": _CODE_EXEC, "exec": _CODE_EXEC, "compile": _CODE_EXEC, "__import__": _CODE_EXEC,
    "getattr": _REFLECTION, "setattr": _REFLECTION, "delattr": _REFLECTION,
    "globals": _INTROSPECTION, "locals": _INTROSPECTION, "vars": _INTROSPECTION, "dir": _INTROSPECTION,
    "breakpoint": _INTROSPECTION, "memoryview": _INTROSPECTION,
    "open": _FILE, "file": _FILE, "input": _FILE,
    "socket": _NETWORK, "urllib": _NETWORK, "requests": _NETWORK, "http": _NETWORK, "httpx": _NETWORK,
    "os": _PROCESS, "subprocess": _PROCESS, "sys": _PROCESS, "shutil": _PROCESS, "pty": _PROCESS,
}


@dataclass
class ASTFinding:
    """One suspicious construct."""

    category: str
    severity: str
    node_type: str
    name: str
    line: int
    col: int
    description: str
    cwe_ids: List[str] = field(default_factory=list)
    mitre_techniques: List[str] = field(default_factory=list)


@dataclass
class ASTAnalysisResult:
    """All findings for one piece of code."""

    code_length: int
    findings: List[ASTFinding] = field(default_factory=list)
    parse_error: Optional[str] = None

    @property
    def has_dangerous_constructs(self) -> bool:
        """Any high or critical finding."""
        return any(f.severity in _BLOCKING for f in self.findings)

    @property
    def is_safe(self) -> bool:
        """Parsed and no high or critical finding."""
        return self.parse_error is None and not self.has_dangerous_constructs

    @property
    def max_severity(self) -> Optional[str]:
        """Highest finding severity, or ``None``."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: SEVERITY_ORDER.get(s, 0))

    @property
    def reason(self) -> str:
        """One-line explanation."""
        if self.parse_error is not None:
            return f"Syntax error: {self.parse_error}"
        if not self.findings:
            return "No dangerous constructs found"
        worst = [f for f in self.findings if f.severity == self.max_severity]
        names = ", ".join(sorted({f.name for f in worst}))
        return f"{len(self.findings)} finding(s), max severity {self.max_severity}: {names}"


class _Visitor(ast.NodeVisitor):
    def __init__(self, analyzer: ASTAnalyzer):
        self.analyzer = analyzer
        self.findings: List[ASTFinding] = []

    def add(self, node: ast.AST, name: str, spec: _Spec, description: Optional[str] = None) -> None:
        category, severity, text, cwe, mitre = spec
        self.findings.append(ASTFinding(category, severity, type(node).__name__, name, getattr(node, "lineno", 0),
                                        getattr(node, "col_offset", 0), description or f"{text}: {name}",
                                        list(cwe), list(mitre)))

    def visit_Import(self, node: ast.Import) -> None:
        self._imports(node, (alias.name for alias in node.names))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._imports(node, [node.module or "."])

    def _imports(self, node: ast.AST, modules: Iterable[str]) -> None:
        for module in modules:
            root = module.split(".")[0]
            if root in DANGEROUS_NAMES:
                self.add(node, module, DANGEROUS_NAMES[root], f"Import of dangerous module: {module}")
            elif not self.analyzer.allow_imports:
                self.add(node, module, ("import", "high", "Import", ["CWE-829"], ["T1059.006"]),
                         f"Import statement: {module}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if name in self.analyzer.blocked_names:
            self.add(node, name, ("blocked_name", "high", "Blocked name", ["CWE-94"], ["T1059.006"]))
        elif name in DANGEROUS_NAMES and name not in self.analyzer.allowed_builtins:
            self.add(node, name, DANGEROUS_NAMES[name])
        elif name.startswith("__") and name.endswith("__"):
            self.add(node, name, ("dunder_access", "high", "Dunder name", ["CWE-94"], ["T1059.006"]))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("__") and node.attr.endswith("__"):
            self.add(node, node.attr, ("dunder_access", "critical", "Dunder attribute access (sandbox escape)",
                                       ["CWE-94"], ["T1059.006"]))
        elif node.attr in self.analyzer.blocked_names:
            self.add(node, node.attr, ("blocked_name", "high", "Blocked attribute", ["CWE-94"], ["T1059.006"]))
        self.generic_visit(node)


class ASTAnalyzer:
    """Configurable static analyser. ``allowed_builtins`` exempts names; ``blocked_names`` adds names to flag."""

    def __init__(self, allowed_builtins: Optional[Iterable[str]] = None, blocked_names: Optional[Iterable[str]] = None,
                 allow_imports: bool = False):
        self.allowed_builtins = frozenset(allowed_builtins or ())
        self.blocked_names = frozenset(blocked_names or ())
        self.allow_imports = allow_imports

    def analyze(self, code: str) -> ASTAnalysisResult:
        """Parse ``code`` (never executes it) and report findings.

        Args:
            code: Python source.

        Returns:
            An :class:`ASTAnalysisResult`; a syntax error is reported as its ``parse_error``.

        Raises:
            Nothing: Analysis only.
        """
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError) as exc:
            return ASTAnalysisResult(len(code), [], f"{type(exc).__name__}: {exc}")
        visitor = _Visitor(self)
        visitor.visit(tree)
        return ASTAnalysisResult(len(code), visitor.findings)


def analyze_code(code: str, allowed_builtins: Optional[Iterable[str]] = None,
                 blocked_names: Optional[Iterable[str]] = None, allow_imports: bool = False) -> ASTAnalysisResult:
    """Analyse ``code`` with a one-off :class:`ASTAnalyzer`."""
    return ASTAnalyzer(allowed_builtins, blocked_names, allow_imports).analyze(code)


def is_code_safe(code: str, allowed_builtins: Optional[Iterable[str]] = None) -> bool:
    """True when ``code`` parses and has no high or critical finding."""
    return analyze_code(code, allowed_builtins).is_safe
