"""How the Slack clients retry: rate limits (honouring Retry-After), server errors, lost connections."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.http_retry import BackoffRetryIntervalCalculator, RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)


@dataclass(frozen=True)
class SlackRetryPolicy:
    """Retries of one Slack call, as slack_sdk retry handlers (the Google API has `GoogleRetryPolicy`)."""

    rate_limit_retries: int = 3
    server_error_retries: int = 2
    connection_retries: int = 1
    #: Exponential backoff base (seconds) with jitter, for server and connection errors.
    backoff: float = 0.5

    def handlers(self) -> list[RetryHandler]:
        interval = BackoffRetryIntervalCalculator(backoff_factor=self.backoff)
        return [
            RateLimitErrorRetryHandler(max_retry_count=self.rate_limit_retries),
            ServerErrorRetryHandler(max_retry_count=self.server_error_retries, interval_calculator=interval),
            ConnectionErrorRetryHandler(max_retry_count=self.connection_retries, interval_calculator=interval),
        ]
