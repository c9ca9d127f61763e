"""Request and response models of finance, one module per area."""
