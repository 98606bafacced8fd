"""Errors as the user sees them: one JSON shape for the API, a friendly page for people.

Every error the app can raise is turned into an `ApiError` here, so the API's body is
always `{"error": {"code", "message", "param"}}` and a bad input is never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import HTTPException

from search.cursor import CursorError
from search.engine import IndexMissing
from search.query import QueryError
from web.payload import BadParameter


@dataclass(eq=False)  # not frozen: raising sets __traceback__ and friends
class ApiError(Exception):
    status: int
    code: str
    message: str
    param: str | None = None

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "param": self.param}}


def as_api_error(error: Exception) -> ApiError:
    """The ApiError for any exception; unknown ones are internal errors (500)."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, BadParameter):
        return ApiError(400, "invalid_parameter", str(error), error.param)
    if isinstance(error, CursorError):  # stale or from another query (malformed: BadParameter)
        return ApiError(400, "invalid_parameter", str(error), "cursor")
    if isinstance(error, QueryError):
        return ApiError(400, "invalid_query", str(error), "q")
    if isinstance(error, ValueError):
        return ApiError(400, "invalid_parameter", str(error))
    if isinstance(error, IndexMissing):
        return ApiError(503, "index_missing", str(error))
    if isinstance(error, HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        return ApiError(error.code or 500, code, error.description or error.name)
    return ApiError(500, "internal_error", "Internal error; it has been logged.")


HEADLINES = {
    400: "That search cannot be run",
    404: "Nothing here",
    409: "The crawled file has changed",
    503: "No index yet",
}
