"""workflow's typed service context, carried by the kit on ``runtime.context``."""

from dataclasses import dataclass

from services.workflow.domain.directory import Directory
from shared.kit.runtime import ServiceRuntime


@dataclass(frozen=True)
class WorkflowContext:
    """What workflow needs beyond the kit's runtime (clock and client live there)."""

    directory: Directory
    """Where the engine looks people up: org through the gateway, or a test's in-memory org."""


def workflow_context(runtime: ServiceRuntime) -> WorkflowContext:
    """workflow's context from its runtime."""
    return runtime.context_of(WorkflowContext)
