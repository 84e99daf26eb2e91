"""Forms render the pages and carry what was typed back after an error; the rules are in
accounts.services, whose field errors are attached to the fields here."""

from __future__ import annotations

from django import forms

from yiwang.core.errors import ValidationFailed


class ServiceForm(forms.Form):
    """A form whose fields are checked by a service. Fields are not `required` here: the service
    says what is missing, in the same words the API uses."""

    # service field name -> form field name, where they differ
    field_map: dict[str, str] = {}
    use_required_attribute = False

    def add_service_errors(self, exc: ValidationFailed) -> None:
        for error in exc.errors:
            name = self.field_map.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)

    def error_summary(self) -> list[dict[str, str]]:
        """Every error, in field order, with the id to link to (error summary at the top)."""
        items = [{"href": "", "message": m} for m in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                items.append({"href": f"#{field.auto_id}", "message": message})
        return items


def _text(label: str, *, help_text: str = "", autocomplete: str = "off", **attrs) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": autocomplete, **attrs}))


def _password(label: str, *, help_text: str = "", autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, strip=False,
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}, render_value=False))


_ID_ATTRS = {"autocapitalize": "characters", "spellcheck": "false", "maxlength": "22", "inputmode": "text"}
_PHONE = {"type": "tel", "inputmode": "tel", "maxlength": "20"}
_PASSWORD_HELP = "至少 8 个字符，不能全是数字，不要用常见密码。"  # noqa: S105 (help text)


class LoginForm(ServiceForm):
    field_map = {"identifier": "username"}

    username = _text("身份证号 / 统一社会信用代码 / 手机号 / 用户名", autocomplete="username",
                     spellcheck="false", autocapitalize="none")
    password = _password("密码", autocomplete="current-password")


class PasswordPairMixin(forms.Form):
    def clean(self):
        cleaned = super().clean()
        # A typing slip in a hidden field is a presentation concern, so the form checks it.
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "两次输入的密码不一致，请重新输入。")
        return cleaned


class CitizenRegistrationForm(PasswordPairMixin, ServiceForm):
    real_name = _text("姓名", help_text="与居民身份证上的姓名一致。", autocomplete="name")
    id_number = _text("居民身份证号码", help_text="18 位，最后一位可能是 X。", **_ID_ATTRS)
    phone = _text("手机号码", help_text="11 位手机号，可用于登录。", autocomplete="tel", **_PHONE)
    password = _password("设置密码", help_text=_PASSWORD_HELP)
    password_confirm = _password("再次输入密码")


class EnterpriseRegistrationForm(PasswordPairMixin, ServiceForm):
    org_name = _text("企业名称", help_text="与营业执照上的名称一致。", autocomplete="organization")
    uscc = _text("统一社会信用代码", help_text="18 位，见营业执照，不含字母 I、O、Z、S、V。", **_ID_ATTRS)
    legal_rep_name = _text("法定代表人姓名", autocomplete="off")
    legal_rep_id_number = _text("法定代表人居民身份证号码", help_text="18 位，最后一位可能是 X。", **_ID_ATTRS)
    phone = _text("联系手机号码", help_text="11 位手机号，可用于登录。", autocomplete="tel", **_PHONE)
    password = _password("设置密码", help_text=_PASSWORD_HELP)
    password_confirm = _password("再次输入密码")


class PasswordChangeForm(ServiceForm):
    current_password = _password("当前密码", autocomplete="current-password")
    new_password = _password("新密码", help_text="至少 8 位，不能全是数字，不能过于常见，不能与用户名或姓名过于相似。")
    confirm_password = _password("再次输入新密码")


_CODE = {"inputmode": "numeric", "maxlength": "6", "pattern": "[0-9]*"}


class PasswordResetRequestForm(ServiceForm):
    field_map = {"identifier": "username"}

    username = _text("身份证号 / 统一社会信用代码 / 手机号 / 用户名", autocomplete="username",
                     help_text="与登录时填写的相同。", spellcheck="false", autocapitalize="none")


class PasswordResetForm(ServiceForm):
    code = _text("短信验证码", help_text="6 位数字，10 分钟内有效。", autocomplete="one-time-code", **_CODE)
    new_password = _password("新密码", help_text="至少 8 位，不能全是数字，不能过于常见，不能与用户名或姓名过于相似。")
    confirm_password = _password("再次输入新密码")


class PhoneConfirmForm(ServiceForm):
    code = _text("短信验证码", help_text="6 位数字，10 分钟内有效。", autocomplete="one-time-code", **_CODE)


class PhoneChangeForm(ServiceForm):
    current_password = _password("当前密码", autocomplete="current-password")
    new_phone = _text("新手机号码", help_text="11 位手机号。验证码将发送到这个号码。", autocomplete="tel", **_PHONE)


class PhoneChangeConfirmForm(ServiceForm):
    code = _text("短信验证码", help_text="6 位数字，10 分钟内有效。", autocomplete="one-time-code", **_CODE)
