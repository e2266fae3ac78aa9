"""Schemathesis hooks for Assay's OpenAPI document (Schemas/openapi.json).

Load with SCHEMATHESIS_HOOKS=assay_hooks and this folder on PYTHONPATH (OpenAPITests does).
Registers the string formats the document uses that JSON Schema cannot state:
  gtin        8, 12, 13 or 14 digits whose last is the GS1 check digit
  gs1-serial  1 to 20 characters of the GS1 AI encodable character set 82
so that schema-valid requests are valid for the server too.
"""
import schemathesis
from hypothesis import strategies as st

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


gtin = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)).map(lambda b: b + check_digit(b))

schemathesis.openapi.format("gtin", gtin)
# A "%" followed by two hex digits would be decoded again by the Digital Link parser; keep
# generated serials free of "%" so what is generated is what the server reads.
schemathesis.openapi.format("gs1-serial", st.text(alphabet=CSET82.replace("%", ""), min_size=1, max_size=20))
