"""Passwords are hashed with argon2 in every real environment (tests use MD5 only for speed)."""

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher

from config.settings import base


def test_real_settings_put_argon2_first():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hash_verifies_and_rejects():
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Demo-2026-xian", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("Demo-2026-xian", encoded)
    assert not hasher.verify("demo-2026-xian", encoded)


def test_with_the_real_settings_a_user_password_is_stored_as_argon2():
    from django.test import override_settings

    from yiwang.accounts.models import User

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = User(username="argon")
        user.set_password("Demo-2026-xian")
        assert identify_hasher(user.password).algorithm == "argon2"
        assert check_password("Demo-2026-xian", user.password)
        assert not check_password("Demo-2026-Xian", user.password)


def test_production_settings_inherit_argon2():
    import ast
    from pathlib import Path

    # production.py refuses to import without secrets; it must not override the hashers.
    source = Path(base.__file__).with_name("production.py").read_text(encoding="utf-8")
    assigned = {t.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    assert "PASSWORD_HASHERS" not in assigned
