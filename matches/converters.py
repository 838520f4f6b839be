"""Path converters. `<id:pk>`: a database id, 1 to 18 digits. A longer number cannot be a row (ids are
64-bit) and used to reach the database as an integer it cannot hold (OverflowError, a 500): it is a 404."""

from django.urls import register_converter


class IdConverter:
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
