from django.db import models


class UserKind(models.TextChoices):
    CITIZEN = "citizen", "个人"
    ENTERPRISE = "enterprise", "法人"
    STAFF = "staff", "工作人员"


# Blind-index purposes: the same value hashed for different purposes gives unrelated indexes.
ID_NUMBER_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"
# Whatever was typed into the login box (username, ID, phone or USCC), for the lockout counter.
LOGIN_PURPOSE = "login"


class IdentifierKind(models.TextChoices):
    """Which kind of identifier a login used (recorded instead of the identifier itself)."""

    USERNAME = "username", "用户名"
    ID_NUMBER = "id_number", "身份证号"
    USCC = "uscc", "统一社会信用代码"
    PHONE = "phone", "手机号"
    UNKNOWN = "unknown", "未匹配"


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", "登录成功"  # resets the failure count
    FAILURE = "failure", "密码或账号错误"  # counts towards the lockout
    LOCKED_OUT = "locked_out", "失败过多，开始锁定"  # the failure that started a lockout
    BLOCKED = "blocked", "锁定期间被拒绝"  # refused without checking the password; does not count
    INACTIVE = "inactive", "账户已停用"  # right password, disabled account; does not count
    UNLOCKED = "unlocked", "管理员解除锁定"  # resets the failure count, ends a lockout


class ErrorCode:
    """Stable error codes of this app (never change once published)."""

    ACCOUNT_LOCKED = "account_locked"
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_INACTIVE = "account_inactive"
    DUPLICATE = "duplicate"
    REQUIRED = "required"
    PHONE_FORMAT = "phone_format"
    NAME_FORMAT = "name_format"
    USERNAME_FORMAT = "username_format"
    PASSWORD_INVALID = "password_invalid"  # noqa: S105 (an error code, not a password)
    NOT_STAFF = "not_staff"
    CODE_INVALID = "code_invalid"  # wrong, expired, used up or never sent: one answer for all
    CODE_FORMAT = "code_format"
    TOO_MANY_REQUESTS = "too_many_requests"
    PHONE_ALREADY_CONFIRMED = "phone_already_confirmed"
    NO_PHONE = "no_phone"


class CodePurpose(models.TextChoices):
    """What an SMS verification code was sent for; a code is only good for its own purpose."""

    PASSWORD_RESET = "password_reset", "找回密码"  # noqa: S105 (a purpose name)
    PHONE_CONFIRM = "phone_confirm", "确认手机号"
    PHONE_CHANGE = "phone_change", "更换手机号"


# SMS codes (issue 8 §5): 6 digits, 10 minutes, 5 wrong tries per code. Sending is limited per
# account, per phone/identifier and per client address, each in a one-hour window, plus a pause
# between two sends to one account. Settings override: YIWANG_SMS_CODE_* (read at call time).
SMS_CODE_PURPOSE = "sms_code"  # blind-index purpose of the code hashes
DEFAULT_SMS_CODE_TTL_SECONDS = 10 * 60
DEFAULT_SMS_CODE_MAX_TRIES = 5
DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR = 5
DEFAULT_SMS_CODE_PER_IP_PER_HOUR = 20
DEFAULT_SMS_CODE_RESEND_SECONDS = 60


# Lockout defaults (issue: 5 failures within 15 minutes lock for 15 minutes). Read at call time
# through yiwang.accounts.services so settings (or a test's override_settings) can change them:
# YIWANG_LOGIN_MAX_FAILURES, YIWANG_LOGIN_FAILURE_WINDOW_SECONDS, YIWANG_LOGIN_LOCKOUT_SECONDS.
DEFAULT_LOGIN_MAX_FAILURES = 5
DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
DEFAULT_LOGIN_LOCKOUT_SECONDS = 15 * 60

# Hook load_demo_accounts calls to learn which (organisation, role) pairs the demo journeys need
# (the cases app answers from the published items and their processes); each handler returns a
# list of (orgs.Organisation, role) pairs.
DEMO_STAFF_NEEDED = "accounts.demo_staff_needed"
