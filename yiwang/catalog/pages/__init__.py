"""Pages of the catalog, one module per audience: public (anyone), editor (catalog editors),
review (catalog reviewers); staff holds what the two staff modules share."""
