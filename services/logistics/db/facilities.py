"""Models of logistics: spaces, facilities, maintenance and repairs."""
