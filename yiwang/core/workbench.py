"""The staff workbench's registry of tools. Each app registers the pages it offers to staff roles
in its AppConfig.ready(); the workbench page (orgs) shows a user the links of the roles they hold.
Core knows no domain app: roles are their stored values and URLs are names reversed at render
time, so an app that is not installed simply contributes nothing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkbenchLink:
    roles: frozenset[str]  # role values (orgs.constants.Role) that see the link
    url_name: str  # reversed when the page renders
    title: str
    description: str
    order: int = 100  # smaller first; ties keep registration order


_LINKS: list[WorkbenchLink] = []


def register(*links: WorkbenchLink) -> None:
    """Add links; registering the same link twice (a re-run ready()) keeps one."""
    for link in links:
        if link not in _LINKS:
            _LINKS.append(link)


def registered_links() -> list[WorkbenchLink]:
    return sorted(_LINKS, key=lambda link: link.order)
