from django.db import models


class UserKind(models.TextChoices):
    CITIZEN = "citizen", "个人"
    ENTERPRISE = "enterprise", "法人"
    STAFF = "staff", "工作人员"


# Blind-index purposes: the same value hashed for different purposes gives unrelated indexes.
ID_NUMBER_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"
