"""Events the hr service publishes on its feed and the feeds it consumes.

The payload of each type is its model in ``shared.contracts`` (see docs/events.md).
"""

from shared.contracts.events import event_types_of

PUBLISHES: tuple[str, ...] = event_types_of("hr")
# org: employees and departments (hr keeps a copy for balances and who-sees-whom);
# workflow: outcomes of the approvals hr started.
CONSUMES: tuple[str, ...] = (
    "org.employee.created",
    "org.employee.updated",
    "org.employee.left",
    "org.department.created",
    "org.department.updated",
    "workflow.instance.completed",
)
