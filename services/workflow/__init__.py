"""The workflow service: the approval engine: versioned definitions, instances, tasks, substitutes, deadlines and notifications."""
