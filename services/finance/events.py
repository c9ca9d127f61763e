"""Events the finance service publishes on its feed and the feeds it consumes.

The payload of each type is its model in ``shared.contracts`` (see docs/events.md).
"""

from shared.contracts.events import event_types_of
from shared.contracts.posting_facts import FACT_TYPES

PUBLISHES: tuple[str, ...] = event_types_of("finance")
# org: departments and employees (finance keeps a copy for budgets and who-sees-whom);
# workflow: outcomes of the approvals finance started; every service's posting facts.
CONSUMES: tuple[str, ...] = (
    "org.employee.created",
    "org.employee.updated",
    "org.employee.left",
    "org.department.created",
    "org.department.updated",
    "workflow.instance.completed",
    *FACT_TYPES,
)
