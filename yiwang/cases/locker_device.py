"""The locker adapter: how Yiwang talks to the 24-hour cabinets (智能信包箱 / 全城通港). The cabinets
are an external system; Yiwang asks them to open a compartment once a code has been checked here,
and reads their status (compartments in use, online or not). Codes never leave Yiwang: the cabinet
only opens what it is told to.

The production adapter comes with the cabinet vendor's integration and is named in the setting
YIWANG_LOCKER_DEVICE (a dotted path); until then, and in tests and the demo, FakeLockerDevice keeps
the cabinets' state in this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


@dataclass
class LockerStatus:
    code: str
    online: bool
    open_compartments: list[str] = field(default_factory=list)
    opened: int = 0


class LockerDevice(Protocol):
    def open_compartment(self, *, locker_code: str, compartment: str) -> bool:
        """Open one compartment; False when the cabinet did not answer (the caller logs it)."""

    def status(self, *, locker_code: str) -> LockerStatus:
        """What the cabinet reports about itself."""


class FakeLockerDevice:
    """A cabinet that opens every compartment it is asked to and remembers which (tests, demo)."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, str]] = []
        self.offline: set[str] = set()

    def open_compartment(self, *, locker_code: str, compartment: str) -> bool:
        if locker_code in self.offline:
            return False
        self.opened.append((locker_code, compartment))
        return True

    def status(self, *, locker_code: str) -> LockerStatus:
        mine = [c for code, c in self.opened if code == locker_code]
        return LockerStatus(code=locker_code, online=locker_code not in self.offline,
                            open_compartments=mine[-1:], opened=len(mine))


_device: LockerDevice | None = None


def device() -> LockerDevice:
    global _device
    if _device is None:
        _device = import_string(getattr(settings, "YIWANG_LOCKER_DEVICE", "yiwang.cases.locker_device.FakeLockerDevice"))()
    return _device


def open_compartment_on_commit(*, locker, compartment: str) -> None:
    """Open the compartment once the hand-over is committed: a rolled-back delivery opens nothing."""
    if compartment:
        code = locker.code
        transaction.on_commit(lambda: device().open_compartment(locker_code=code, compartment=compartment))
