"""Schemathesis hooks for the contract fuzz run (scripts/stack/fuzz.ts loads this file).

A client sends a fresh Idempotency-Key with every new request. Hypothesis draws short keys such as
"0" again and again, so schema-valid requests would mostly replay or collide with earlier ones
(422 by design) and never reach the code behind the idempotency check. Drawn keys
that are valid get a fresh UUID (still valid); invalid ones (negative testing) are sent as drawn.
"""
import re
import uuid

import schemathesis

# The pattern docs/openapi.json gives the header (api/openapi/parts.ts).
VALID_KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and VALID_KEY.fullmatch(key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
