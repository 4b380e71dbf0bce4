"""The one error tree every vendor client raises.

Only exception classes belong here. The HTTP policy (`resources.http`) maps a vendor's status codes and
error bodies onto these classes, so asset code can tell what to retry, what to record on a row and what
must stop the run, without knowing which vendor it talked to.

    VendorError
    ├── AuthenticationError   401/403 on credentials: never retried, names the variable to fix
    ├── RateLimitedError      429 after the retries ran out (carries retry_after)
    ├── ServerError           5xx, timeouts, transport errors (and Anthropic's 409) after the retries ran out
    ├── NotFoundError         404
    ├── RecordValidationError 400/409/422 and per-record failures inside a batch
    └── InsufficientCreditsError  the vendor refuses because the account has run out of credits

Messages never contain a secret: clients pass only the variable's name, never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class VendorError(Exception):
    """A vendor call that did not succeed; `vendor` and `endpoint` say which one.

    `retryable` is the class's rule (a 429 is worth retrying, a 400 is not); a client passes `retryable=`
    when the vendor said otherwise for this one response (Anthropic's `x-should-retry` header).
    """

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        endpoint: str | None = None,
        status_code: int | None = None,
        correlation_id: str | None = None,
        body: Any = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable
        self.vendor = vendor
        self.endpoint = endpoint
        self.status_code = status_code
        self.correlation_id = correlation_id
        self.body = body

    def __str__(self) -> str:
        where = f"{self.vendor} {self.endpoint}" if self.endpoint else self.vendor
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        corr = f" [correlation id {self.correlation_id}]" if self.correlation_id else ""
        return f"{where}{status}: {self.message}{corr}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive pickling by default; Dagster pickles step errors.
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[VendorError], message: str, state: Mapping[str, Any]) -> VendorError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class AuthenticationError(VendorError):
    """The credentials were refused. Fails at once: retrying a bad key only burns the error budget."""

    def __init__(self, message: str, *, variable: str, **kwargs: Any) -> None:
        super().__init__(f"{message}. Check the environment variable {variable}.", **kwargs)
        self.variable = variable


class RateLimitedError(VendorError):
    """The vendor kept answering 429 after every retry."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(VendorError):
    """5xx, a timeout or a broken connection, still failing after every retry."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class NotFoundError(VendorError):
    """The vendor has no such object (404)."""


class RecordValidationError(VendorError):
    """The vendor rejected the input itself (400/409/422), or one record of a batch."""

    def __init__(self, message: str, *, record_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.record_id = record_id


class InsufficientCreditsError(VendorError):
    """The account has no credits left for this call (Explorium answers 403)."""


class ConfigurationError(Exception):
    """The product is configured in a way that cannot start (for example live mode without keys)."""
