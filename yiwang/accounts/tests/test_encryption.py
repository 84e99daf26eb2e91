"""Personal identifiers at rest: ciphertext only in the columns, lookup through blind indexes,
masked everywhere except to their owner."""

import pytest
from django.db import connection
from django.template import Context, Template

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE
from yiwang.accounts.models import User
from yiwang.accounts.selectors import identifier_for_viewer, profile_for, user_by_identifier, user_by_phone
from yiwang.accounts.services import citizen_register, enterprise_register
from yiwang.accounts.tests.factories import PASSWORD, UserFactory, valid_id
from yiwang.core.crypto import blind_index
from yiwang.core.identifiers import with_uscc_check_digit

pytestmark = pytest.mark.django_db


def test_no_plaintext_in_the_raw_columns_and_lookup_by_blind_index_works():
    id_number, phone = valid_id(), "13909110001"
    rep_id = valid_id(birth="19720612", sequence="001")
    citizen = citizen_register(real_name="王秀英", id_number=id_number, phone=phone, password=PASSWORD)
    enterprise = enterprise_register(org_name="西安示例餐饮管理有限公司", uscc=with_uscc_check_digit("91610113MA6W12345"),
                                     legal_rep_name="李建国", legal_rep_id_number=rep_id, phone="13909110002",
                                     password=PASSWORD)
    table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, id_number, phone, legal_rep_id_number, id_number_index, phone_index FROM {table}")  # noqa: S608
        rows = {row[0]: row for row in cursor.fetchall()}
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
        everything = repr(cursor.fetchall())
    for plaintext in (id_number, phone, rep_id, "13909110002", id_number[:14], phone[3:]):
        assert plaintext not in everything
    raw = rows[citizen.pk]
    assert raw[1].startswith("sm4gcm1:") and raw[2].startswith("sm4gcm1:")
    assert rows[enterprise.pk][3].startswith("sm4gcm1:")
    assert raw[4] == blind_index(id_number, purpose=ID_NUMBER_PURPOSE)
    assert raw[5] == blind_index(phone, purpose=PHONE_PURPOSE)
    # The same number for another purpose gives an unrelated index.
    assert blind_index(id_number, purpose=PHONE_PURPOSE) != raw[4]

    assert User.objects.get(id_number_index=blind_index(id_number, purpose=ID_NUMBER_PURPOSE)) == citizen
    assert user_by_identifier(id_number) == citizen
    assert user_by_identifier(phone) == citizen
    assert user_by_phone("139 0911 0002") == enterprise
    assert user_by_identifier(valid_id(birth="19600101")) is None


def test_equal_numbers_encrypt_differently():
    """Fresh nonces: the ciphertext does not reveal that two values are equal."""
    a, b = UserFactory(), UserFactory()
    a.legal_rep_id_number = b.legal_rep_id_number = valid_id()
    a.save(update_fields=["legal_rep_id_number"])
    b.save(update_fields=["legal_rep_id_number"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT legal_rep_id_number, legal_rep_id_number_index FROM {User._meta.db_table} "  # noqa: S608
                       "WHERE id IN (%s, %s)", [a.pk, b.pk])
        (ct_a, idx_a), (ct_b, idx_b) = cursor.fetchall()
    assert ct_a != ct_b and idx_a == idx_b


def test_save_keeps_the_index_in_step_even_outside_the_services():
    user = UserFactory()
    user.phone = "13811112222"
    user.save(update_fields=["phone"])
    assert User.objects.get(pk=user.pk).phone_index == blind_index("13811112222", purpose=PHONE_PURPOSE)
    user.phone = ""
    user.save()
    assert User.objects.get(pk=user.pk).phone_index == ""


def test_identifiers_are_masked_except_to_their_owner():
    owner, other = UserFactory(), UserFactory()
    assert identifier_for_viewer(subject=owner, viewer=owner, field="id_number") == owner.id_number
    masked = identifier_for_viewer(subject=owner, viewer=other, field="id_number")
    assert masked == owner.id_number[:4] + "*" * 10 + owner.id_number[-4:]
    assert identifier_for_viewer(subject=owner, viewer=other, field="phone") == owner.phone[:3] + "****" + owner.phone[-4:]
    from django.contrib.auth.models import AnonymousUser

    assert identifier_for_viewer(subject=owner, viewer=AnonymousUser(), field="phone") != owner.phone
    assert profile_for(subject=owner, viewer=other)["identifiers_masked"] is True
    assert profile_for(subject=owner, viewer=owner)["id_number"] == owner.id_number


def test_template_filters():
    owner, clerk = UserFactory(), UserFactory()
    template = Template("{% load identity %}{{ u|id_for:viewer }}|{{ u|phone_for:viewer }}")
    assert template.render(Context({"u": owner, "viewer": owner})) == f"{owner.id_number}|{owner.phone}"
    shown = template.render(Context({"u": owner, "viewer": clerk}))
    assert owner.id_number not in shown and owner.phone not in shown
    assert shown == f"{owner.masked_id_number}|{owner.masked_phone}"
