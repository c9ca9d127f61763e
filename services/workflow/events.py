"""Events the workflow service publishes on its feed and the feeds it consumes."""

PUBLISHES: tuple[str, ...] = ()
CONSUMES: tuple[str, ...] = ()
