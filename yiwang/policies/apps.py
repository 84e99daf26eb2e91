from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "yiwang.policies"
    label = "policies"
    verbose_name = "政策库与免申即享"

    def ready(self):
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role
        from yiwang.policies import actions

        # licences (below) tells us when a profile changed: re-match that one subject.
        hooks.register("licences.profile_changed", actions.on_profile_changed)
        # 我的档案 shows the policies the subject qualifies for.
        hooks.register("licences.profile_sections", actions.profile_section)
        register(
            WorkbenchLink(frozenset({Role.POLICY_OFFICER}), "policies:staff_list", "政策库",
                          "政策的录入、资格规则校验与试算、发布与匹配结果。", order=60),
        )
