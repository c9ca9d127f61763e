"""The ``officina`` launcher: migrate, load reference data and run the six processes."""
