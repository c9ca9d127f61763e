"""RFC 9457 problem details, as every officina process answers errors."""

from typing import Any

from pydantic import BaseModel, ConfigDict


class ValidationIssue(BaseModel):
    """One reason a request was refused as invalid."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "loc": ["body", "email"],
                    "msg": "value is not a valid email address",
                    "type": "value_error",
                }
            ]
        }
    )

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """The body of every error response (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    request_id: str | None = None
    errors: list[ValidationIssue] | None = None

    def to_json(self) -> dict[str, Any]:
        """Serialise without empty optional members."""
        return self.model_dump(mode="json", exclude_none=True)
