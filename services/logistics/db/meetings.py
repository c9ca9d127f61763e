"""Models of logistics: rooms, bookings and meetings."""
