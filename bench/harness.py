from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_seconds(fn: Callable[[], object], *, repeat: int = 15) -> float:
    fn()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@dataclass(frozen=True)
class Result:
    name: str
    ratio: float
    target: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target

    def line(self, *, enforced: bool = True) -> str:
        """One printed line; at smoke sizes (`enforced=False`) the target is shown, not judged."""
        verdict = ("ok" if self.ok else "OVER TARGET") if enforced else "smoke: not enforced"
        target = f"(target ≤ {self.target:g})"
        return f"{self.name:<48} ratio {self.ratio:6.2f} {target} {verdict}  {self.detail}"
