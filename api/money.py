"""Money in the API: exact, never a float."""

from __future__ import annotations

import graphene

from . import formats

__all__ = ["CURRENCY", "Money"]

CURRENCY = "CNY"


class Money(graphene.ObjectType):
    """An amount of money, exact: never a float."""

    minor = graphene.BigInt(required=True, description="Integer minor units (fen for CNY).")
    amount = graphene.String(required=True,
                             description="Decimal string in major units: '1234.50'.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. CNY.")

    @staticmethod
    def of(minor: int | None) -> Money | None:
        if minor is None:
            return None
        return Money(minor=int(minor), amount=formats.amount(minor, grouped=False),
                     currency=CURRENCY)
