"""Request and response models of logistics, one module per area."""
