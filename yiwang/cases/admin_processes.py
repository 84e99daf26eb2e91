"""Admin for back-office process definitions: upload a BPMN file made in bpmn-js / Camunda Modeler.

Uploads go through the back office (yiwang.cases.back_office: validation, trust, versioning, audit), never through the
model form's own save: an administrator's upload is trusted (may carry gateway conditions and
scripts), a catalog editor's is not. Versions are never edited or deleted — a new upload is a new
version; running cases keep the one they started with. Administrators may only withdraw a version
from new cases (is_active).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from yiwang.cases.access import may_administer_processes, may_upload_processes
from yiwang.cases.back_office import process_definition_check, process_definition_set_active, process_definition_upload
from yiwang.cases.models import ProcessDefinition
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.orgs.constants import Role

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ProcessUploadForm(forms.ModelForm):
    bpmn_file = forms.FileField(
        label="BPMN 文件",
        help_text="在 bpmn-js 或 Camunda Modeler 中保存的 .bpmn 文件（BPMN 2.0 XML，UTF-8）。"
                  "人工任务的角色用泳道名称或 candidateGroups 填角色代码，见 docs/processes.md。",
    )
    actor = None  # set per request by ProcessDefinitionAdmin.get_form

    class Meta:
        model = ProcessDefinition
        fields = ["key", "name"]
        help_texts = {"key": "小写字母开头的标识，如 food_licence_review；同一标识再次上传即为新版本。"}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("bpmn_file")
        if upload is None or self.errors:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("bpmn_file", "文件超过 2 MB。")
            return cleaned
        self.xml = upload.read()
        try:
            self.parsed = process_definition_check(actor=self.actor, xml=self.xml, key=cleaned.get("key", ""),
                                                   name=cleaned.get("name", ""))
        except ValidationFailed as exc:
            for error in exc.errors:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        except DomainError as exc:
            field = "bpmn_file" if exc.field in ("bpmn_xml", None) else exc.field
            self.add_error(field if field in self.fields else None, exc.message)
        return cleaned


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "name", "is_standard", "trusted", "has_expressions", "is_active", "uploaded_by",
                    "created_at")
    list_filter = ("is_standard", "trusted", "is_active")
    search_fields = ("key", "name", "process_id")
    ordering = ("key", "-version")
    readonly_fields = ("key", "version", "name", "process_id", "is_standard", "trusted", "has_expressions",
                       "task_table", "uploaded_by", "created_at", "bpmn_source")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return type("ProcessUploadFormForActor", (ProcessUploadForm,), {"actor": request.user})
        kwargs["fields"] = ["is_active"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["key", "name", "bpmn_file"]})]
        return [
            (None, {"fields": ["key", "version", "name", "process_id", "is_active"]}),
            ("来源与安全", {"fields": ["is_standard", "trusted", "has_expressions", "uploaded_by", "created_at"]}),
            ("人工任务", {"fields": ["task_table"]}),
            ("BPMN", {"fields": ["bpmn_source"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="人工任务与角色")
    def task_table(self, obj):
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((t.get("task_key", ""), t.get("title", ""), _role_label(t.get("role", "")), t.get("multi_instance") or "—")
             for t in obj.user_tasks or []))
        return format_html("<table><thead><tr><th>任务 id</th><th>名称</th><th>角色</th><th>多实例集合</th></tr></thead>"
                           "<tbody>{}</tbody></table>", rows)

    @admin.display(description="BPMN XML")
    def bpmn_source(self, obj):
        return format_html("<pre style='max-height:30em;overflow:auto'>{}</pre>", obj.bpmn_xml)

    def _may_upload(self, request) -> bool:
        return may_upload_processes(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and (request.user.is_superuser or self._may_upload(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self._may_upload(request)

    def has_change_permission(self, request, obj=None):
        return may_administer_processes(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # running cases reference their version; withdraw it with "is_active" instead

    def save_model(self, request, obj, form, change):
        if change:
            saved = process_definition_set_active(actor=request.user, definition=obj, is_active=obj.is_active)
        else:
            saved = process_definition_upload(actor=request.user, xml=form.xml, key=form.cleaned_data["key"],
                                              name=form.cleaned_data["name"])
        # The admin goes on with `obj` (log entry, redirect): make it the row the service wrote.
        for f in ProcessDefinition._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # no relations edited here


def _role_label(value: str) -> str:
    return Role(value).label + f"（{value}）" if value in Role.values else value
