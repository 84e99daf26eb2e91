from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE
from yiwang.accounts.models import User
from yiwang.core.crypto import blind_index
from yiwang.core.identifiers import normalise_id_number, normalise_uscc


def user_by_identifier(identifier: str) -> User | None:
    """Find the account a login identifier names: username, ID number, phone or USCC."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier).first()
    if user:
        return user
    if len(identifier) == 18:
        user = User.objects.filter(
            id_number_index=blind_index(normalise_id_number(identifier), purpose=ID_NUMBER_PURPOSE)).first()
        if user:
            return user
        user = User.objects.filter(uscc=normalise_uscc(identifier)).first()
        if user:
            return user
    if identifier.isdigit() and len(identifier) == 11:
        return User.objects.filter(phone_index=blind_index(identifier, purpose=PHONE_PURPOSE)).first()
    return None
