"""What every form check returns: the values as typed (to show again) and the errors and
warnings by field name (for the error summary and the messages next to the fields)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FormResult:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    # The checked values in the types the service takes (dates, lists), once ok.
    cleaned: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors
