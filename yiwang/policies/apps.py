from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "yiwang.policies"
    label = "policies"
    verbose_name = "政策库与免申即享"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role
        from yiwang.policies import actions, selectors
        from yiwang.policies.models import Policy

        # licences (below) tells us when a profile changed: re-match that one subject.
        hooks.register("licences.profile_changed", actions.on_profile_changed)
        # 我的档案 shows the policies the subject qualifies for.
        hooks.register("licences.profile_sections", actions.profile_section)
        # The page of a case filed for a policy says which; the subject confirms a 免申即享 case there.
        hooks.register("cases.case_page_panels", actions.case_panel)
        # The in-memory library of policies in force is dropped when a policy changes here.
        post_save.connect(selectors.library_changed, sender=Policy, dispatch_uid="policies-library-changed")
        post_delete.connect(selectors.library_changed, sender=Policy, dispatch_uid="policies-library-deleted")
        register(
            WorkbenchLink(frozenset({Role.POLICY_OFFICER}), "policies:staff_list", "政策库",
                          "政策的录入、资格规则校验与试算、发布与匹配结果。", order=60),
        )
