"""The five business services; none imports another."""
