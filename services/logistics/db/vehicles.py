"""Models of logistics: vehicles, requests, dispatch and trips."""
