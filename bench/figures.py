"""What a benchmark reports: figures with their floors and peers, targets, and verdicts."""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.timing import Stats

GROUPS = {
    "cold_start": "1. Cold start to a painted contact page",
    "search": "2. Search as you type (store API vs raw SQL)",
    "history": "3. History pages of the busiest contact (100 events a page)",
    "chart": "4. Engagement chart of the busiest contact",
    "keys": "5. Keystroke to repaint (Pilot, 120x36)",
    "merge": "6. Merge of two contacts with as many events as the busiest one, and its undo",
    "csv": "7. CSV import",
    "peer": "8. Search and show as whole processes (search: dossier vs khard on a vCard folder)",
    "memory": "9. Peak memory (RSS) on a contact page",
    "mautic": "10. Mautic sync from the fake Mautic (local, no rate limit)",
    "exports": "11. Whole-database exports: ICS of 100,000 dated notes, dossier duplicates",
}

TIMES = "\N{MULTIPLICATION SIGN}"
_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt}


@dataclass(frozen=True, slots=True)
class Target:
    """A goal on one metric of a figure: `median`, `p95`, `ratio` (to the first reference), `ratio:N` (to
    reference N) or `growth` (the median at the largest scale over the median at the smallest)."""

    text: str
    metric: str
    op: str
    limit: float

    def met(self, value: float) -> bool:
        return _OPS[self.op](value, self.limit)


@dataclass(slots=True)
class Reference:
    """What a figure is compared with: its floor (the same work done the cheapest way) or a peer program."""

    label: str
    median: float
    p95: float
    n: int


@dataclass(slots=True)
class Figure:
    """One measured figure at one scale (contacts), or at no scale (`scale` None) when it does not depend on
    the database size. `higher_is_better` for throughputs (rows/s); otherwise the value is a time or size."""

    group: str
    key: str
    label: str
    unit: str
    scale: int | None
    median: float
    p95: float
    n: int
    refs: list[Reference] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    higher_is_better: bool = False
    note: str = ""

    @classmethod
    def timed(cls, group: str, key: str, label: str, scale: int | None, stats: Stats, **extra: Any) -> Figure:
        return cls(group, key, label, "ms", scale, stats.median, stats.p95, stats.n, **extra)

    def refer(self, label: str, stats: Stats) -> Figure:
        self.refs.append(Reference(label, stats.median, stats.p95, stats.n))
        return self

    @property
    def ratio(self) -> float | None:
        """How many times the first reference's cost this figure costs (below 1: cheaper than it)."""
        if not self.refs or not self.refs[0].median or not self.median:
            return None
        return self.ref_ratio(self.refs[0])

    def ref_ratio(self, ref: Reference) -> float:
        if self.higher_is_better:
            return ref.median / self.median
        return self.median / ref.median

    def metric(self, name: str) -> float | None:
        """`median`, `p95`, `ratio` (to the first reference) or `ratio:N` (to reference N)."""
        if name == "ratio":
            return self.ratio
        if name.startswith("ratio:"):
            index = int(name.split(":")[1])
            return self.ref_ratio(self.refs[index]) if index < len(self.refs) and self.median else None
        return getattr(self, name)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["refs"] = [{**asdict(ref), "ratio": self.ref_ratio(ref) if self.median else None} for ref in self.refs]
        return data


@dataclass(slots=True)
class Verdict:
    """A figure's targets checked at the largest scale measured (the targets are stated for 1M contacts)."""

    met: bool | None
    failures: list[str] = field(default_factory=list)

    @property
    def word(self) -> str:
        return "—" if self.met is None else "met" if self.met else "missed"


def verdict(figures: list[Figure]) -> Verdict:
    """Check a figure's targets: at its largest scale, and `growth` from its smallest to its largest."""
    if not figures or not figures[0].targets:
        return Verdict(None)
    ordered = sorted(figures, key=lambda f: f.scale or 0)
    last = ordered[-1]
    failures = []
    checked = False
    for target in last.targets:
        if target.metric == "growth":
            if len(ordered) < 2 or not ordered[0].median:
                continue
            value = last.median / ordered[0].median
        else:
            value = last.metric(target.metric)
            if value is None:
                continue
        checked = True
        if not target.met(value):
            failures.append(f"{target.text}: measured {format_metric(last, target.metric, value)}")
    return Verdict(not failures if checked else None, failures)


def format_metric(figure: Figure, metric: str, value: float) -> str:
    if metric.startswith("ratio") and value < 1:
        return f"{value:.3f}{TIMES}, {1 / value:.1f}{TIMES} faster"
    if metric.startswith("ratio") or metric == "growth":
        return f"{value:.2f}{TIMES}"
    return format_value(value, figure.unit)


def format_value(value: float, unit: str) -> str:
    if unit == "ms":
        if value >= 1000:
            return f"{value / 1000:.2f} s"
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    if unit.endswith("/s"):
        return f"{value:,.0f} {unit}"
    if unit == "requests":  # a count over a count, not a time: the same in every run
        return f"{value:.2f} {unit}"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


def scale_name(scale: int | None) -> str:
    if scale is None:
        return "any"
    if scale >= 1_000_000 and scale % 1_000_000 == 0:
        return f"{scale // 1_000_000}M"
    if scale >= 1000 and scale % 1000 == 0:
        return f"{scale // 1000}k"
    return f"{scale:,}"
