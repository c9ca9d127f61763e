"""Models of logistics: office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""
