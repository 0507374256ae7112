"""What every import reports: how many records it created, updated, left unchanged or skipped, and which failed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ImportCounts:
    """`failed` holds one `where: reason` line per record that was not imported; `warnings` one per record
    imported with something left out (a photo that was not kept, a card skipped for having no name)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def remarks(self) -> str:
        """What else a summary line should say about how the source was read ("" when nothing)."""
        return ""

    @property
    def rows(self) -> int:
        """Records read: every one lands in exactly one of the counts."""
        return self.created + self.updated + self.unchanged + self.skipped + len(self.failed)
