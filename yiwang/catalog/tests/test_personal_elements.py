"""The seed dictionary marks identifiers as personal (issue 9 §2): every ID number, phone and
address element of a person, and every datum about a child."""

from yiwang.catalog.constants import DataType
from yiwang.catalog.seed.data_elements import ELEMENTS


def test_identifiers_and_childrens_data_are_personal():
    wrong = [key for key, _name, data_type, *_rest, personal in ELEMENTS
             if not personal and (data_type in (DataType.ID_NUMBER, DataType.PHONE) or key.startswith("child."))]
    assert wrong == []
