"""Who maintains guided search: catalog staff (catalog_editor / catalog_reviewer anywhere) keep the
synonyms, the knowledge base and review click patterns. No new role."""

from yiwang.core.errors import PermissionDenied
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import role_grants_for

STAFF_ROLES = (Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER)


def is_guidance_staff(actor) -> bool:
    return bool(actor and actor.is_authenticated and role_grants_for(actor, STAFF_ROLES))


def require_staff(actor) -> None:
    if not is_guidance_staff(actor):
        raise PermissionDenied("只有事项目录编辑或审核人员可以维护智能导办和知识库。")
