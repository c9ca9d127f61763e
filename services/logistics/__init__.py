"""The logistics service: offices and facilities, supplies and inventory, meetings, events, vehicles and travel."""
