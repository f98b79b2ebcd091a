"""Checks of our own for the contract run (tests/contract/schemathesis.toml), and the one list
of deliberate exceptions, each with its reason."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
EXPORTS = "/api/v1/evaluations/{evaluation_slug}/reports/exports/"

# Writes a viewer may make, on purpose. The viewer is the evaluation manager who downloads the
# aggregated results: asking for an export, and stopping or restarting their own, is how a
# download is had (README, Reports). A viewer reaches only their own export jobs; the raw
# responses and unsuppressed tables stay refused (403).
VIEWER_MAY: dict[tuple[str, str], str] = {
    ("POST", EXPORTS): "ask for the workbook or a CSV of the aggregated tables",
    ("POST", EXPORTS + "{id}/cancel/"): "stop an export the viewer asked for",
    ("POST", EXPORTS + "{id}/retry/"): "restart an export the viewer asked for",
}


@schemathesis.check
def viewer_write_never_succeeds(ctx: Any, response: Any, case: Any) -> bool | None:
    """As a viewer (CONSULTA_ROLE=viewer), every write must be refused, but VIEWER_MAY."""
    method = case.method.upper()
    if os.environ.get("CONSULTA_ROLE") != "viewer" or method not in WRITES:
        return None
    if (method, case.path) in VIEWER_MAY or response.status_code >= 400:
        return None
    raise AssertionError(
        f"A viewer's {method} {case.path} succeeded with {response.status_code}: "
        "viewers may not write (tests/contract/hooks.py lists the deliberate exceptions)."
    )
