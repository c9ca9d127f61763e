"""Events the hr service publishes on its feed and the feeds it consumes."""

PUBLISHES: tuple[str, ...] = (
    "hr.leave_request.submitted",
    "hr.leave_request.approved",
    "hr.leave_request.rejected",
    "hr.leave_request.cancelled",
)
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
