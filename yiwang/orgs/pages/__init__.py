"""Pages of the organisation domain, one module per audience."""
