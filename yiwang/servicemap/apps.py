from django.apps import AppConfig


class ServicemapConfig(AppConfig):
    name = "yiwang.servicemap"
    label = "servicemap"
    verbose_name = "政务服务地图"

    def ready(self):
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role
        from yiwang.servicemap.selectors import locker_areas, nearby_lockers

        # The applicant's locker choice (drop-off, pick-up) lists locker outlets near them.
        hooks.register("cases.nearby_lockers", nearby_lockers)
        hooks.register("cases.locker_areas", locker_areas)

        register(
            WorkbenchLink(frozenset({Role.HALL_MANAGER, Role.ADMINISTRATOR}), "servicemap:staff_outlets", "服务网点",
                          "网点位置、开放时间、窗口、可办事项与便民设施。", order=40),
            WorkbenchLink(frozenset({Role.HALL_MANAGER, Role.ADMINISTRATOR, Role.LEADER, Role.SUPERVISOR}),
                          "servicemap:staff_coverage", "服务圈覆盖",
                          "15分钟（雁塔区10分钟）政务服务圈的居民覆盖率与空白区域。", order=41),
        )
