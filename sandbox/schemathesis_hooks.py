"""Schemathesis hooks for sandbox/schemathesis.sh.

`x-magic-reply: SERVER_ERROR` and `SERVICE_UNAVAILABLE` ask the sandbox for a 500 or a 503, and it
obeys: that is the documented behaviour, not a server error. This hook drops those two values
from every request just before it is sent (in every phase), so `not_a_server_error` checks the
sandbox itself. Every other magic value, valid or not, is still sent.
"""

import schemathesis

ASKS_FOR_A_SERVER_ERROR = {"SERVER_ERROR", "SERVICE_UNAVAILABLE"}


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "x-magic-reply" and str(headers[name]).strip() in ASKS_FOR_A_SERVER_ERROR:
            del headers[name]
